"""Prefect's temporary API server, started as early as possible.

With no API URL configured, Prefect starts a temporary API server (uvicorn in a subprocess, the
SQLite database under PREFECT_HOME) the first time a flow needs one: it imports its own server
modules (~2 s), launches the server and waits for it to boot (~3.5 s), one after the other.
`start_early` launches the same server command as the CLI's first step instead, so it boots
while Prefect and the pipeline are imported, and points this process (every thread: the events
and logs workers run on their own) and its children at it through PREFECT_API_URL. The server is
stopped when the process exits, as Prefect stops its own.
"""
from __future__ import annotations

import atexit
import importlib.util
import os
import socket
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path


@dataclass
class EarlyServer:
    process: subprocess.Popen
    api_url: str

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_early() -> EarlyServer | None:
    """Launch the temporary API server now, unless an API URL is configured (in the environment,
    or in a Prefect profile: then the server is stopped again once Prefect has read it), and make
    it this process's API; returns it, or None."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    try:
        server = _launch()  # before importing Prefect: the server boots while this process imports
    except OSError:  # cannot start a process: Prefect will try its own way and report
        return None
    from prefect.context import refresh_global_settings_context
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        server.stop()
        return None
    os.environ["PREFECT_API_URL"] = server.api_url  # for this process's children
    refresh_global_settings_context()  # for this process: Prefect read its settings at import
    return server


def _launch() -> EarlyServer:
    """The command prefect.server.api.server.SubprocessASGIServer runs (prefect 3.8); the server
    reads the same environment and profile as this process."""
    port = _free_port()
    prefect_dir = Path(importlib.util.find_spec("prefect").origin).parent  # without importing it
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect_dir.parent),
         "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "error", "--lifespan", "on"],
        env={**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
             "PREFECT__SERVER_FINAL": "1"},
        preexec_fn=_stop_with_parent if sys.platform == "linux" else None,
    )
    server = EarlyServer(process, f"http://127.0.0.1:{port}/api")
    atexit.register(server.stop)
    return server


def wait_until_healthy(server: EarlyServer, timeout: float | None = None) -> None:
    """Block until the server answers its health check (as SubprocessASGIServer.start does)."""
    import httpx
    from prefect.settings import get_current_settings

    timeout = timeout or get_current_settings().server.ephemeral.startup_timeout_seconds
    deadline = time.monotonic() + timeout
    with httpx.Client() as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError("Prefect's temporary API server exited while starting")
            try:
                if client.get(f"{server.api_url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"Prefect's temporary API server did not answer within {timeout:.0f} s")


def _stop_with_parent() -> None:
    """In the server's process, before it starts: the kernel sends it SIGTERM when this process
    dies, so a killed run (kill -9, out of memory) leaves no server behind. Runs before the CLI
    starts any thread."""
    import ctypes
    import signal

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def _free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
