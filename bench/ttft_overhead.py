"""Time to first token: the workbench gateway versus the client library called directly.

Both talk to the same protocol-level fake server on 127.0.0.1, so the difference is what the
workbench adds per request: policy decision, Datenschutz-Check of everything that leaves, backend
lookup, error mapping, bookkeeping. Direct and gateway runs alternate pair by pair (which one goes
first alternates too), so a drift in the machine's speed hits both sides of a pair alike; the figure
that counts is the median of the paired differences. Two conversations: one short question, and one
with about 10,000 characters of earlier turns: once as a running conversation (the earlier turns were
checked before, a new question each time), once as turns the gateway has never seen (the
Datenschutz-Check runs on all of them).

    python bench/ttft_overhead.py [--runs 200]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ollama  # noqa: E402
import openai  # noqa: E402

from tests.fakes import FakeOllama, FakeOpenAI, Reply  # noqa: E402
from workbench.config import load_settings  # noqa: E402
from workbench.gateway import ChatRequest, Gateway  # noqa: E402

SHORT = [{"role": "user", "content": "Nenne drei Ideen für einen Neujahrsempfang."}]
REPLY = Reply(chunks=[f"Wort{i} " for i in range(20)])

_TURN_QUESTION = (
    "Wie sollte der Ablauf des Neujahrsempfangs im Ratssaal aussehen, wenn die Bürgermeisterin spricht, "
    "der Chor des Gymnasiums auftritt und danach Ehrenamtliche ausgezeichnet werden? "
)
_TURN_ANSWER = (
    "Ein möglicher Ablauf: Begrüßung durch die Bürgermeisterin (10 Minuten), Auftritt des Chors "
    "(8 Minuten), Ehrung der Ehrenamtlichen mit kurzer Vorstellung jedes Projekts (20 Minuten), "
    "Gespräch mit Vertretern der Vereine (15 Minuten) und ein musikalischer Ausklang. "
)


def long_history(characters: int = 10_000) -> list[dict[str, str]]:
    """Earlier turns of a planning conversation, about `characters` long, then the new question."""
    messages: list[dict[str, str]] = []
    while sum(len(m["content"]) for m in messages) < characters:
        messages.append({"role": "user", "content": _TURN_QUESTION})
        messages.append({"role": "assistant", "content": _TURN_ANSWER})
    return [*messages, {"role": "user", "content": "Fasse den Ablauf bitte als Tabelle zusammen."}]


def first_token(open_stream: Callable[[], Iterable[Any]], pick: Callable[[Any], bool]) -> float:
    """Seconds from the call that opens the stream until the first chunk with text."""
    start = time.perf_counter()
    for chunk in open_stream():
        if pick(chunk):
            return time.perf_counter() - start
    raise RuntimeError("no token")


def paired(direct: Callable[[], float], gateway: Callable[[], float], runs: int) -> list[tuple[float, float]]:
    """`runs` pairs of (direct, gateway) times; the order inside a pair alternates."""
    for _ in range(10):  # warm-up: imports, connection pools, caches
        direct()
        gateway()
    pairs = []
    for index in range(runs):
        if index % 2:
            g, d = gateway(), direct()
        else:
            d, g = direct(), gateway()
        pairs.append((d, g))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    history = long_history()

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
        with tempfile.TemporaryDirectory() as folder:  # an empty configuration: the built-ins only
            empty = Path(folder) / "workbench.toml"
            empty.write_text("", encoding="utf-8")
            gateway = Gateway(load_settings(env=env, path=empty))

        ollama_client = ollama.Client(host=fake_ollama.url, timeout=30)
        openai_client = openai.OpenAI(
            base_url=fake_openai.url, api_key="sk-test-1234", max_retries=0, timeout=30
        )

        def direct(backend: str, make: Callable[[], list[dict[str, str]]]) -> Callable[[], float]:
            if backend == "ollama":
                return lambda: first_token(
                    lambda: ollama_client.chat(model="llama3.2", messages=make(), stream=True),
                    lambda part: bool(part.message.content),
                )
            return lambda: first_token(
                lambda: openai_client.chat.completions.create(
                    model="gpt-4o-mini",
                    messages=make(),
                    stream=True,
                    stream_options={"include_usage": True},
                ),
                lambda chunk: bool(chunk.choices and chunk.choices[0].delta.content),
            )

        def via_gateway(backend: str, make: Callable[[], list[dict[str, str]]]) -> Callable[[], float]:
            level = 2 if backend == "ollama" else 1
            return lambda: first_token(
                lambda: gateway.chat(ChatRequest(make(), level, backend, purpose="bench")), bool
            )

        counter = itertools.count()

        def next_turn() -> list[dict[str, str]]:
            """The same earlier turns with a new question, as in a running conversation."""
            return [*history[:-1], {"role": "user", "content": f"Frage {next(counter)}: Was fehlt noch?"}]

        def new_conversation() -> list[dict[str, str]]:
            """Earlier turns the gateway has never seen: the Datenschutz-Check runs on all of them."""
            number = next(counter)
            return [{**m, "content": f"({number}.{index}) {m['content']}"} for index, m in enumerate(history)]

        rows = []
        conversations = (
            ("kurze Frage", lambda: SHORT),
            ("Verlauf, neue Frage", next_turn),
            ("Verlauf, ungeprüft", new_conversation),
        )
        for conversation, make in conversations:
            for backend in ("ollama", "openai"):
                pairs = paired(direct(backend, make), via_gateway(backend, make), args.runs)
                rows.append((backend, conversation, pairs))

    length = sum(len(m["content"]) for m in history)
    print(f"Zeit bis zum ersten Token, {args.runs} Paare je Zeile, Fake-Server auf 127.0.0.1")
    print(f"Langer Verlauf: {len(history)} Nachrichten, {length:_} Zeichen".replace("_", "."))
    print(
        f"{'Dienst':<8} {'Gespräch':<24} {'direkt ms':>10} {'Werkbank ms':>12} "
        f"{'Differenz ms (Median der Paare)':>32} {'p95 ms':>8}"
    )
    for backend, conversation, pairs in rows:
        direct_ms = statistics.median(d for d, _ in pairs) * 1000
        gateway_ms = statistics.median(g for _, g in pairs) * 1000
        differences = sorted((g - d) * 1000 for d, g in pairs)
        p95 = differences[int(len(differences) * 0.95) - 1]
        print(
            f"{backend:<8} {conversation:<24} {direct_ms:>10.2f} {gateway_ms:>12.2f} "
            f"{statistics.median(differences):>+32.2f} {p95:>+8.2f}"
        )


if __name__ == "__main__":
    main()
