"""Time to first token: the workbench gateway versus the client library called directly.

Both talk to the same protocol-level fake server on 127.0.0.1, so the difference is what the
workbench adds per request: policy decision, backend construction, error mapping, bookkeeping.

    python bench/ttft_overhead.py [--runs 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ollama  # noqa: E402
import openai  # noqa: E402

from tests.fakes import FakeOllama, FakeOpenAI, Reply  # noqa: E402
from workbench.config import load_settings  # noqa: E402
from workbench.gateway import ChatRequest, Gateway  # noqa: E402

MESSAGES = [{"role": "user", "content": "Nenne drei Ideen für einen Neujahrsempfang."}]
REPLY = Reply(chunks=[f"Wort{i} " for i in range(20)])


def first_token(stream, pick) -> float:
    start = time.perf_counter()
    for chunk in stream():
        if pick(chunk):
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError("no token")
    return elapsed


def measure(label: str, runs: int, once) -> list[float]:
    for _ in range(10):  # warm-up: imports, connection pools, JIT-free but cache-warm
        once()
    samples = [once() for _ in range(runs)]
    return samples


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    with (
        FakeOllama(models=["llama3.2:latest"]) as fake_ollama,
        FakeOpenAI(models=["gpt-4o-mini"]) as fake_openai,
    ):
        fake_ollama.default_reply = REPLY
        fake_openai.default_reply = REPLY
        env = {
            "OLLAMA_HOST": fake_ollama.url,
            "OPENAI_BASE_URL": fake_openai.url,
            "OPENAI_API_KEY": "sk-test-1234",
        }
        gateway = Gateway(load_settings(env=env, path=ROOT / "bench" / "does-not-exist.toml"))
        gateway.settings.problems.clear()

        ollama_client = ollama.Client(host=fake_ollama.url, timeout=30)
        openai_client = openai.OpenAI(
            base_url=fake_openai.url, api_key="sk-test-1234", max_retries=0, timeout=30
        )

        def direct_ollama() -> float:
            return first_token(
                lambda: ollama_client.chat(model="llama3.2", messages=MESSAGES, stream=True),
                lambda part: bool(part.message.content),
            )

        def direct_openai() -> float:
            return first_token(
                lambda: openai_client.chat.completions.create(
                    model="gpt-4o-mini",
                    messages=MESSAGES,
                    stream=True,
                    stream_options={"include_usage": True},
                ),
                lambda chunk: bool(chunk.choices and chunk.choices[0].delta.content),
            )

        def via_gateway(endpoint_id: str, level: int):
            def once() -> float:
                start = time.perf_counter()
                response = gateway.chat(ChatRequest(MESSAGES, level, endpoint_id, purpose="bench"))
                for _ in response:
                    elapsed = time.perf_counter() - start
                    break
                return elapsed

            return once

        rows = [
            ("ollama, Client direkt", measure("", args.runs, direct_ollama)),
            ("ollama, über die Werkbank", measure("", args.runs, via_gateway("ollama", 2))),
            ("openai, Client direkt", measure("", args.runs, direct_openai)),
            ("openai, über die Werkbank", measure("", args.runs, via_gateway("openai", 1))),
        ]

    print(f"Zeit bis zum ersten Token, {args.runs} Läufe je Zeile, Fake-Server auf 127.0.0.1")
    print(f"{'Weg':<28} {'Median ms':>10} {'p95 ms':>10}")
    medians = {}
    for label, samples in rows:
        median, p95 = summary(samples)
        medians[label] = median
        print(f"{label:<28} {median:>10.2f} {p95:>10.2f}")
    for backend in ("ollama", "openai"):
        overhead = medians[f"{backend}, über die Werkbank"] - medians[f"{backend}, Client direkt"]
        print(f"Mehraufwand der Werkbank ({backend}): {overhead:+.2f} ms je Anfrage (Median)")


if __name__ == "__main__":
    main()
