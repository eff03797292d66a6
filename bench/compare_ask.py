"""`workbench compare` against `workbench ask`: does a comparison cost one answer, not two?

Two protocol-level fake servers on 127.0.0.1 (Ollama and OpenAI-compatible) each stream an answer of
about `--seconds` seconds. The commands run as a person would run them, as new processes with a
workbench.toml that points the built-in services at the fakes: `workbench ask` once per service and
`workbench compare` with both. The runs alternate (ask Ollama, ask OpenAI, compare, and again), so a
drift in the machine's speed hits all three alike; each time is the best of `--runs`.

Printed: the three times; how far apart the two requests of each comparison reached the servers
(both go out together once both clients are built); compare divided by `workbench ask` on Ollama
(the default service of `ask`); and compare divided by the slower single ask, the figure with the
goal: a comparison waits for both answers, so it cannot be quicker than the slower of them asked
alone. A comparison imports both client libraries before its answers start, a single ask only its
own, so compare cannot get below the Ollama ask plus the OpenAI library's import.

    python bench/compare_ask.py [--seconds 3] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes import FakeOllama, FakeOpenAI, Reply  # noqa: E402

API_KEY = "sk-bench-1234"
PROMPT = "Nenne drei Ideen für einen Neujahrsempfang."
GOAL = 1.15

# A fake pauses `chunk_delay` before every piece of a stream but the first. With n text chunks that
# makes n pauses for Ollama (n text lines, then the final line) and n + 3 for an OpenAI-compatible
# server (role chunk, n text chunks, finish chunk, usage chunk, [DONE]).
PAUSES_BESIDES_TEXT = {"ollama": 0, "openai": 3}


def reply(seconds: float, chunk_delay: float, service: str) -> Reply:
    """An answer whose stream lasts about `seconds`."""
    count = max(round(seconds / chunk_delay) - PAUSES_BESIDES_TEXT[service], 1)
    return Reply(chunks=[f"Wort{i} " for i in range(count)])


def environment(folder: Path, ollama_url: str, openai_url: str) -> dict[str, str]:
    """The environment of a person whose workbench.toml names the two services (and nothing else)."""
    config = folder / "workbench.toml"
    config.write_text(
        f'[[endpoints]]\nid = "ollama"\nbase_url = "{ollama_url}"\n\n'
        f'[[endpoints]]\nid = "openai"\nbase_url = "{openai_url}"\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OLLAMA_", "OPENAI_", "WORKBENCH_"))}
    env.update(
        {
            "WORKBENCH_CONFIG": str(config),
            "WORKBENCH_DATA_DIR": str(folder / "daten"),
            # the workbench of this checkout, whether installed or not
            "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
            "OPENAI_API_KEY": API_KEY,
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
    )
    return env


def timed(arguments: list[str], env: dict[str, str], cwd: Path) -> float:
    """Seconds from starting the command until it has ended; a failed command stops the bench."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "workbench", *arguments],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"`workbench {' '.join(arguments)}` ist fehlgeschlagen:\n{done.stderr}")
    return elapsed


def german(text: str) -> str:
    """Decimal commas (the text must hold no other full stops)."""
    return text.replace(".", ",")


def seconds_text(value: float) -> str:
    return german(f"{value:.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="Dauer jeder Antwort in Sekunden")
    parser.add_argument("--runs", type=int, default=3, help="Durchgänge; es zählt der beste")
    args = parser.parse_args()
    chunk_delay = min(0.1, args.seconds / 4)

    commands = {
        "ask Ollama": ["ask", "--schutzstufe", "1", "--endpoint", "ollama", PROMPT],
        "ask OpenAI": ["ask", "--schutzstufe", "1", "--endpoint", "openai", PROMPT],
        "compare": ["compare", "--schutzstufe", "1", "--a", "ollama", "--b", "openai", PROMPT],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    offsets: list[float] = []  # per comparison: seconds between the arrivals of its two requests
    with (
        FakeOllama(models=["llama3.2:latest"]) as fake_ollama,
        FakeOpenAI(models=["gpt-4o-mini"], api_key=API_KEY) as fake_openai,
        tempfile.TemporaryDirectory() as folder,
    ):
        for fake, service in ((fake_ollama, "ollama"), (fake_openai, "openai")):
            fake.chunk_delay = chunk_delay
            fake.default_reply = reply(args.seconds, chunk_delay, service)
        env = environment(Path(folder), fake_ollama.url, fake_openai.url)
        for _ in range(args.runs):
            for name, arguments in commands.items():
                times[name].append(timed(arguments, env, Path(folder)))
            arrivals = [fake.chat_requests[-1].time for fake in (fake_ollama, fake_openai)]
            offsets.append(abs(arrivals[1] - arrivals[0]))

    best = {name: min(values) for name, values in times.items()}
    ratio = best["compare"] / best["ask Ollama"]
    to_slower = best["compare"] / max(best["ask Ollama"], best["ask OpenAI"])
    duration = f"{args.seconds:g}".replace(".", ",")
    print(
        f"Antworten von je {duration} s, Fake-Server auf 127.0.0.1, bester von {args.runs} "
        f"{'Durchgang' if args.runs == 1 else 'Durchgängen'} (neue Prozesse, abwechselnd)"
    )
    for name in commands:
        runs = ", ".join(seconds_text(t) for t in times[name])
        print(f"workbench {name:<12} {seconds_text(best[name]):>8}   (alle: {runs})")
    apart = ", ".join(seconds_text(t) for t in offsets)
    print(f"Abstand der beiden Anfragen bei compare: größter {seconds_text(max(offsets))}   (alle: {apart})")
    verdict = "erreicht" if to_slower <= GOAL else "verfehlt"
    print(german(f"Verhältnis compare / langsamere ask:  {to_slower:.2f}× (Ziel ≤ {GOAL:.2f}×: {verdict})"))
    print(german(f"Verhältnis compare / ask Ollama:      {ratio:.2f}×"))
    print(
        "  (compare wartet auf beide Antworten, also mindestens so lange wie die langsamere einzelne Frage; "
        "gegenüber ask Ollama kommt der Import der OpenAI-Bibliothek hinzu, den ask Ollama nicht braucht)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
