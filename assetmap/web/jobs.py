"""Background jobs for the web app: a whole-community analysis runs in a thread while the
coordinator follows its progress on a status page (the request that started it returns
at once). One job of a kind at a time per process."""

from __future__ import annotations

import threading
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assetmap.model import now_iso

Progress = Callable[[str, int, int], None]


@dataclass
class Job:
    id: str
    kind: str
    started_at: str
    state: str = "running"  # running, finished, failed
    stage: str = "starting"
    done: int = 0
    total: int = 0
    result: dict[str, Any] | None = None
    error: str | None = None
    finished_at: str | None = None
    thread: threading.Thread | None = field(default=None, repr=False)


_jobs: dict[str, Job] = {}
_lock = threading.Lock()


def start(kind: str, work: Callable[[Progress], dict[str, Any]],
          on_error: Callable[[str], None] | None = None) -> Job:
    """Run ``work(progress)`` in a thread, or return the ``kind`` job already running."""
    with _lock:
        for job in _jobs.values():
            if job.kind == kind and job.state == "running":
                return job
        job = Job(uuid.uuid4().hex, kind, now_iso())
        _jobs[job.id] = job

    def progress(stage: str, done: int, total: int) -> None:
        job.stage, job.done, job.total = stage, done, total

    def run() -> None:
        try:
            job.result = work(progress)
            job.state = "finished"
        except Exception as exc:  # noqa: BLE001 - a failed job is reported, not raised
            job.state, job.error = "failed", "The analysis stopped with an error."
            if on_error:
                on_error("".join(traceback.format_exception(exc)))
        finally:
            job.finished_at = now_iso()

    job.thread = threading.Thread(target=run, name=f"job-{kind}", daemon=True)
    job.thread.start()
    return job


def get(job_id: str) -> Job | None:
    return _jobs.get(job_id)
