"""Run both fake servers as a standalone process for manual demos.

python -m tests.fakes [--ollama-port N] [--openai-port N] [--reply TEXT]
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .base import Reply
from .ollama_server import FakeOllama
from .openai_server import DEFAULT_API_KEY, FakeOpenAI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakes",
        description="Start a fake Ollama and a fake OpenAI-compatible server on 127.0.0.1.",
    )
    parser.add_argument("--ollama-port", type=int, default=0, help="port for Ollama (default: a free port)")
    parser.add_argument("--openai-port", type=int, default=0, help="port for OpenAI (default: a free port)")
    parser.add_argument("--reply", help="text of every chat reply")
    parser.add_argument("--chunk-delay", type=float, default=0.0, help="seconds between streamed chunks")
    parser.add_argument("--ollama-model", action="append", help="Ollama model name (repeatable)")
    parser.add_argument("--openai-model", action="append", help="OpenAI model id (repeatable)")
    parser.add_argument(
        "--api-key", default=DEFAULT_API_KEY, help="accepted OpenAI key ('' disables the check)"
    )
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)

    ollama = FakeOllama(args.ollama_model, port=args.ollama_port, verbose=args.verbose)
    openai = FakeOpenAI(
        args.openai_model, api_key=args.api_key or None, port=args.openai_port, verbose=args.verbose
    )
    for server in (ollama, openai):
        if args.reply is not None:
            server.default_reply = Reply(text=args.reply)
        server.chunk_delay = args.chunk_delay

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with ollama, openai:
        print(f"Fake Ollama:  {ollama.url}  models: {', '.join(ollama.models)}")
        print(f"Fake OpenAI:  {openai.url}  models: {', '.join(openai.models)}  key: {openai.api_key}")
        print("Press Ctrl-C to stop.", flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    print("Stopped.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
