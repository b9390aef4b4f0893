"""Prefect's temporary API server, started as early as possible.

With no API URL configured, Prefect starts a temporary API server (uvicorn in a subprocess, the
SQLite database under PREFECT_HOME) the first time a flow needs one, and the flow waits about
4 s for it to boot, after this process has spent ~1.5 s importing Prefect's server modules to do
so. `start_early` launches that same server command at once instead, so it boots on the other
core while this process imports the pipeline. Child processes find it through PREFECT_API_URL in
the environment; this process's Prefect read its settings at import, so the caller points it
there with `temporary_settings` once the server answers. It is stopped when the process exits,
as Prefect stops its own.
"""
from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path


def configured_api_url() -> str | None:
    """The API URL from the environment or the active Prefect profile, if any."""
    from prefect.settings import get_current_settings

    return os.environ.get("PREFECT_API_URL") or get_current_settings().api.url


class EarlyServer:
    """Prefect's ephemeral server command (as `prefect.server.api.server.SubprocessASGIServer`
    runs it), on a free loopback port."""

    def __init__(self):
        import prefect
        from prefect.settings import get_current_settings

        self.port = _free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        env = {**os.environ, **get_current_settings().to_environment_variables(exclude_unset=True),
               "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(prefect.__file__).parent.parent),
             "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "error", "--lifespan", "on"],
            env=env,
        )
        atexit.register(self.stop)

    def wait_until_healthy(self, timeout: float | None = None) -> None:
        import httpx
        from prefect.settings import get_current_settings

        timeout = timeout or get_current_settings().server.ephemeral.startup_timeout_seconds
        deadline = time.monotonic() + timeout
        with httpx.Client() as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"Prefect's temporary API server exited with code {self.process.returncode}")
                try:
                    if client.get(f"{self.api_url}/health", timeout=2).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"Prefect's temporary API server did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_early() -> EarlyServer | None:
    """Start the temporary API server now when Prefect would start one (no API URL configured and
    ephemeral mode allowed), with PREFECT_API_URL set for child processes; None otherwise."""
    from prefect.settings import get_current_settings

    if configured_api_url() or not get_current_settings().server.ephemeral.enabled:
        return None
    server = EarlyServer()
    os.environ["PREFECT_API_URL"] = server.api_url
    return server


def _free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
