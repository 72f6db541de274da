"""Background jobs: progress while running, the result, a failure told without details,
one job of a kind at a time whichever worker process asks, and a job whose process died
reported as stopped."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path

from assetmap.web.jobs import FAILED, STOPPED, Jobs


def _wait_for(jobs: Jobs, job_id: str, stage: str) -> None:
    deadline = time.monotonic() + 5
    while jobs.get(job_id).stage != stage and time.monotonic() < deadline:
        time.sleep(0.01)


def test_progress_result_and_one_job_of_a_kind_at_a_time(tmp_path: Path) -> None:
    jobs, other_worker = Jobs(tmp_path), Jobs(tmp_path)
    release = threading.Event()

    def work(progress):  # noqa: ANN001, ANN202
        progress("read", 3, 10)
        release.wait(5)
        return {"people": 10}

    job = jobs.start("test-kind", work)
    assert jobs.start("test-kind", work).id == job.id, "a second start joins the running job"
    assert other_worker.start("test-kind", work).id == job.id, "and so does another process's"
    _wait_for(jobs, job.id, "read")
    seen = other_worker.get(job.id)
    assert (seen.state, seen.done, seen.total) == ("running", 3, 10)
    release.set()
    done = jobs.wait(job.id, 5)
    assert done.state == "finished" and done.result == {"people": 10} and done.finished_at
    assert other_worker.get(job.id) == done
    assert jobs.get("nope") is None and jobs.get("../" + job.id) is None
    assert jobs.start("test-kind", work).id != job.id, "a finished job does not block the next"


def test_a_failure_is_reported_without_its_details(tmp_path: Path) -> None:
    logged: list[str] = []

    def work(progress):  # noqa: ANN001, ANN202
        raise RuntimeError("secret query text")

    jobs = Jobs(tmp_path)
    job = jobs.wait(jobs.start("failing-kind", work, on_error=logged.append).id, 5)
    assert job.state == "failed" and job.error == FAILED and "secret" not in job.error
    assert "secret query text" in logged[0]


def _start_and_die(directory: Path, started: multiprocessing.Event) -> None:
    def work(progress):  # noqa: ANN001, ANN202
        started.set()
        time.sleep(60)
        return {}

    Jobs(directory).start("dying-kind", work)
    time.sleep(60)


def test_a_job_whose_process_died_is_reported_stopped(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    started = context.Event()
    worker = context.Process(target=_start_and_die, args=(tmp_path, started))
    worker.start()
    assert started.wait(30)
    jobs = Jobs(tmp_path)
    running = jobs._current("dying-kind")
    assert running.state == "running"
    worker.kill()
    worker.join(10)
    stopped = jobs.get(running.id)
    assert stopped.state == "failed" and stopped.error == STOPPED
    assert jobs.wait(jobs.start("dying-kind", lambda progress: {"ok": 1}).id, 5).state == \
        "finished", "a new run may start"
