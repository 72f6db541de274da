"""Background jobs for the web app: a whole-community analysis runs in a thread while the
coordinator follows its progress on a status page (the request that started it returns
at once).

A job's state is a small JSON file in the instance folder, so any worker process can show
it; a lock file held while it runs makes it one job of a kind at a time across every
process, and tells a job whose process died from one still running."""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import os
import re
import threading
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from assetmap.i18n import N_
from assetmap.model import now_iso

Progress = Callable[[str, int, int], None]

#: the stages a job reports, as pages name them
STAGE_NAMES = {"starting": N_("starting"), "read": N_("reading the graph"),
               "write": N_("writing the results")}
#: what a failed job says (never the error itself: that goes to the log)
FAILED = N_("The analysis stopped with an error.")
STOPPED = N_("The analysis stopped when the web server did; start it again.")
_ID = re.compile(r"^[0-9a-f]{32}$")


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


class Jobs:
    """The jobs of one instance, kept in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._threads: dict[str, threading.Thread] = {}

    def start(self, kind: str, work: Callable[[Progress], dict[str, Any]],
              on_error: Callable[[str], None] | None = None) -> Job:
        """Run ``work(progress)`` in a thread, or return the ``kind`` job already running
        (in this process or another)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        lock = self._lock(kind)
        if lock is None:
            running = self._current(kind)
            if running is not None:
                return running
            raise RuntimeError(f"a {kind} job is starting")  # pragma: no cover - a race
        job = Job(uuid.uuid4().hex, kind, now_iso())
        self._save(job)
        (self.directory / f"{kind}.current").write_text(job.id)

        def progress(stage: str, done: int, total: int) -> None:
            job.stage, job.done, job.total = stage, done, total
            self._save(job)

        def run() -> None:
            try:
                job.result = work(progress)
                job.state = "finished"
            except Exception as exc:  # noqa: BLE001 - a failed job is reported, not raised
                job.state, job.error = "failed", FAILED
                if on_error:
                    on_error("".join(traceback.format_exception(exc)))
            finally:
                job.finished_at = now_iso()
                self._save(job)
                lock.close()  # the next job of this kind may start

        thread = threading.Thread(target=run, name=f"job-{kind}", daemon=True)
        self._threads[job.id] = thread
        thread.start()
        return job

    def get(self, job_id: str) -> Job | None:
        """A job by id, as last saved; a job left running by a process that has gone is
        reported as stopped."""
        if not _ID.match(job_id):
            return None
        try:
            job = Job(**json.loads((self.directory / f"{job_id}.json").read_text()))
        except FileNotFoundError:
            return None
        if job.state == "running" and not self._held(job.kind, job.id):
            job.state, job.error = "failed", STOPPED
        return job

    def wait(self, job_id: str, timeout: float) -> Job | None:
        """Wait for a job this process started (tests, and a clean shutdown)."""
        thread = self._threads.get(job_id)
        if thread is not None:
            thread.join(timeout)
        return self.get(job_id)

    def wait_all(self, timeout: float) -> None:
        for job_id in list(self._threads):
            self.wait(job_id, timeout)

    def _current(self, kind: str) -> Job | None:
        job_id = self._current_id(kind)
        return self.get(job_id) if job_id else None

    def _lock(self, kind: str) -> IO[str] | None:
        """The kind's lock, held until the returned file is closed; None if another job of
        the kind holds it."""
        handle = open(self.directory / f"{kind}.lock", "a")  # noqa: SIM115 - held by the job
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return None
        return handle

    def _held(self, kind: str, job_id: str) -> bool:
        """Whether the job ``job_id`` of ``kind`` is the one holding its kind's lock."""
        current = self._current_id(kind)
        if current != job_id:
            return False
        probe = self._lock(kind)
        if probe is None:
            return True
        probe.close()
        return False

    def _current_id(self, kind: str) -> str | None:
        with contextlib.suppress(FileNotFoundError):
            return (self.directory / f"{kind}.current").read_text().strip()
        return None

    def _save(self, job: Job) -> None:
        """Write the job's state whole (a reader never sees half a file)."""
        path = self.directory / f"{job.id}.json"
        temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        temporary.write_text(json.dumps(dataclasses.asdict(job)))
        temporary.replace(path)


def current() -> Jobs:
    """The jobs of the app handling this request (one folder per instance)."""
    from flask import current_app

    return current_app.extensions["assetmap_jobs"]


def analyse_in_background(store: Any) -> Job:
    """Start a whole-community analysis run (or join the one running): what "Run the
    analysis now" and every erasure (page and API) start; a failure goes to the log."""
    from flask import current_app

    from assetmap.services import analysis

    logger = current_app.logger
    return current().start("analysis", lambda progress: analysis.run_analysis(store, progress),
                           on_error=lambda text: logger.error("analysis run failed: %s", text))
