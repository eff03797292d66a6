"""Helpers for tests that start a server process of their own (the app, a model server)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_answering(
    url: str, process: subprocess.Popen[bytes] | subprocess.Popen[str], name: str, timeout: float, log: Path
) -> None:
    """Return once `url` answers 200; raise with the end of `log` if `process` ends or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{name} ended with exit code {process.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{name} did not answer within {timeout:.0f} s")


def start_app(port: int, env: dict[str, str], cwd: Path, log: IO[Any]) -> subprocess.Popen[bytes]:
    """`workbench run` (the README's command) on `port`, headless, its output into `log`."""
    return subprocess.Popen(
        # `workbench run` starts from the project folder, so that .streamlit/config.toml applies
        [sys.executable, "-m", "workbench", "run", "--headless", "--port", str(port)],
        cwd=cwd,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    """Ask `process` to end; kill it if it has not within ten seconds."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@contextmanager
def app_running(env: dict[str, str], folder: Path, port: int | None = None) -> Iterator[str]:
    """The app (`workbench run`, headless) on `port` or a free one; yields its address.

    Its output goes to folder/streamlit.log; once it has stopped, the log must hold no traceback.
    """
    port = port or free_port()
    log_path = folder / "streamlit.log"
    with log_path.open("w") as log:
        process = start_app(port, env, folder, log)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_answering(f"{url}/_stcore/health", process, "streamlit", 60, log_path)
            yield url
        finally:
            stop(process)
    server_log = log_path.read_text()
    assert "Traceback" not in server_log, server_log
