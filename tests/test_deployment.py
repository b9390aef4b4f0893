"""A real local Prefect server on loopback, `newsflow serve`, one triggered run seen to complete."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
import pytest
from conftest import ROOT, connect_warehouse

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except httpx.HTTPError:  # the server is starting or busy: ask again
            value = None
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


def _created(response: httpx.Response) -> dict | None:
    """The answer's object, or None while the server answers with an error (a busy SQLite API
    can refuse a request for a moment under load)."""
    return response.json() if response.status_code in (200, 201) else None


@pytest.fixture
def prefect_api(tmp_path):
    port = _free_port()
    env = dict(os.environ, PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_LOGGING_LEVEL="WARNING")
    env.pop("PREFECT_API_URL", None)
    server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"

    def healthy():
        try:
            return httpx.get(f"{url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        _wait(healthy, 120, "the Prefect server")
        yield url, dict(env, PREFECT_API_URL=url)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_served_deployment_runs_on_trigger(prefect_api, tmp_path):
    url, env = prefect_api
    inputs = tmp_path / "in"
    shutil.copytree(ROOT / "seeds", inputs)
    warehouse = tmp_path / "wh"
    log = tmp_path / "serve.log"
    serve = subprocess.Popen(
        [str(BIN / "newsflow"), "serve", str(inputs), "--warehouse", str(warehouse), "--cron", "0 0 1 1 *",
         "--name", "test-serve"],
        env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"), start_new_session=True)
    stopped_cleanly = None
    try:
        deployment = _wait(
            lambda: next(iter(_created(httpx.post(f"{url}/deployments/filter", json={}, timeout=30)) or []), None),
            120, "the served deployment")
        assert deployment["name"] == "test-serve"
        assert any(s["schedule"].get("cron") == "0 0 1 1 *" for s in deployment["schedules"])
        run = _wait(lambda: _created(httpx.post(f"{url}/deployments/{deployment['id']}/create_flow_run",
                                                json={}, timeout=30)), 120, "the flow run to be created")

        def finished():
            flow_run = _created(httpx.get(f"{url}/flow_runs/{run['id']}", timeout=30)) or {}
            state = (flow_run.get("state") or {}).get("type")
            return state if state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None

        assert _wait(finished, 300, "the triggered flow run") == "COMPLETED"
        serve.send_signal(signal.SIGINT)  # Ctrl-C: the runner stops and the command exits 0
        stopped_cleanly = serve.wait(timeout=30) == 0
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGTERM)
            serve.wait(timeout=30)
    stderr = log.read_text()
    assert stopped_cleanly, stderr
    assert "newsflow serve: stopped" in stderr and "never awaited" not in stderr and "Traceback" not in stderr, stderr
    con = connect_warehouse(warehouse)
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
    flow_run_id = con.execute("SELECT flow_run_id FROM runs").fetchone()[0]
    con.close()
    assert flow_run_id == run["id"]
