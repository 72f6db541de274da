"""Background jobs: progress while running, the result, a failure told without details."""

from __future__ import annotations

import threading
import time

from assetmap.web import jobs


def test_progress_result_and_one_job_of_a_kind_at_a_time() -> None:
    release = threading.Event()

    def work(progress):  # noqa: ANN001, ANN202
        progress("people", 3, 10)
        release.wait(5)
        return {"people": 10}

    job = jobs.start("test-kind", work)
    assert jobs.start("test-kind", work) is job, "a second start joins the running job"
    deadline = time.monotonic() + 5
    while job.stage != "people" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert (job.state, job.done, job.total) == ("running", 3, 10)
    release.set()
    job.thread.join(5)
    assert job.state == "finished" and job.result == {"people": 10} and job.finished_at
    assert jobs.get(job.id) is job and jobs.get("nope") is None
    assert jobs.start("test-kind", work) is not job, "a finished job does not block the next"
    release.set()


def test_a_failure_is_reported_without_its_details() -> None:
    logged: list[str] = []

    def work(progress):  # noqa: ANN001, ANN202
        raise RuntimeError("secret query text")

    job = jobs.start("failing-kind", work, on_error=logged.append)
    job.thread.join(5)
    assert job.state == "failed" and "secret" not in job.error
    assert "secret query text" in logged[0]
