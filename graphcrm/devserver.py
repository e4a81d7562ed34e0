"""Start and stop the development Neo4j server (``tools/neo4j-dev``) from Python.

Used by ``graphcrm neo4j-dev`` and by the test suite's fixtures. The launcher
runs Neo4j 5.26 (community) embedded in a JVM, with its Bolt connector on a
free loopback port; its jars come from Maven Central (cached in ``~/.m2``).
It lives in the source checkout, not in the wheel.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from graphcrm.errors import StoreUnavailableError

READY_PREFIX = "NEO4J_READY "


def launcher_path() -> Path:
    """``tools/neo4j-dev/run`` of the source checkout this package was installed from."""
    return Path(__file__).resolve().parent.parent / "tools" / "neo4j-dev" / "run"


class Neo4jDevServer:
    """A running development Neo4j; a context manager that stops it on exit.

    ``uri`` is ``bolt://127.0.0.1:<port>``. With ``password`` set, auth is on
    for user ``neo4j``. ``pagecache`` (e.g. ``"1g"``), ``java_opts`` and
    ``config`` (``neo4j.conf`` settings by name, e.g.
    ``{"db.tx_state.memory_allocation": "OFF_HEAP"}``) tune the server for
    benchmarks; the defaults favour a fast start.
    """

    def __init__(
        self,
        *,
        port: int = 0,
        password: str | None = None,
        data_dir: Path | None = None,
        pagecache: str | None = None,
        java_opts: str | None = None,
        config: Mapping[str, str] | None = None,
        start_timeout: float = 600.0,
    ) -> None:
        self.port = port
        self.password = password
        self.data_dir = data_dir
        self.pagecache = pagecache
        self.java_opts = java_opts
        self.config = dict(config or {})
        self.start_timeout = start_timeout
        self.uri = ""
        self._proc: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()

    def start(self) -> str:
        run = launcher_path()
        if not run.exists():
            raise StoreUnavailableError(f"the Neo4j dev launcher is missing: {run}")
        # --exit-on-stdin-eof: if this process dies without stopping it, the
        # server sees its stdin close and shuts down instead of lingering.
        args = [str(run), "--port", str(self.port), "--exit-on-stdin-eof"]
        if self.password is not None:
            args += ["--password", self.password]
        if self.data_dir is not None:
            args += ["--data", str(self.data_dir)]
        if self.pagecache is not None:
            args += ["--pagecache", self.pagecache]
        for key, value in self.config.items():
            args += ["--config", f"{key}={value}"]
        env = os.environ.copy()
        if self.java_opts is not None:
            env["NEO4J_DEV_JAVA_OPTS"] = self.java_opts
        self._proc = subprocess.Popen(  # noqa: S603 - fixed launcher path, no shell
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,
        )
        assert self._proc.stdout is not None
        threading.Thread(target=self._pump, args=(self._proc.stdout,), daemon=True).start()
        deadline = time.monotonic() + self.start_timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.stop()
                raise StoreUnavailableError(
                    f"Neo4j dev server did not start within {self.start_timeout:.0f}s"
                )
            try:
                line = self._lines.get(timeout=min(remaining, 1.0))
            except queue.Empty:
                if self._proc.poll() is not None:
                    raise StoreUnavailableError(
                        f"Neo4j dev server exited with code {self._proc.returncode} before it "
                        "was ready (see its stderr above)"
                    ) from None
                continue
            if line is None:
                code = self._proc.wait()
                raise StoreUnavailableError(
                    f"Neo4j dev server exited with code {code} before it was ready"
                )
            if line.startswith(READY_PREFIX):
                self.uri = line[len(READY_PREFIX) :].strip()
                return self.uri

    def _pump(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self._lines.put(line)
        self._lines.put(None)

    def stop(self, timeout: float = 30.0) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def kill(self) -> None:
        """Stop the server as a crash would (``SIGKILL``: no shutdown, no checkpoint); the
        next start on the same ``data_dir`` recovers from the transaction log. For fault
        tests."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    @property
    def pid(self) -> int | None:
        """The server's process id (the JVM's: the launcher execs java), while it runs."""
        return self._proc.pid if self._proc is not None else None

    def wait(self) -> int:
        """Block until the server exits (used by ``graphcrm neo4j-dev``)."""
        assert self._proc is not None
        return self._proc.wait()

    def __enter__(self) -> Neo4jDevServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
