"""The server a benchmark measures: the sources built into a fresh on-disk store
(``thb-graph load``), then ``thb-graph serve`` on a free 127.0.0.1 port, polled until
``/health`` answers. Shared by ``bench/load`` and ``bench/endpoint``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests


def free_port() -> int:
    """A TCP port free on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    folder: Path, settings: dict[str, str], *, wait: float, new_session: bool = False
) -> tuple[subprocess.Popen[bytes], str]:
    """Build and serve the sources with ``settings`` (``THB_GRAPH_*`` variables) over a store
    in ``folder``; the process and its URL once it answers. Exits the benchmark with the
    server's output if it stops, or after ``wait`` seconds without an answer.
    ``new_session`` starts it in its own process group."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("THB_GRAPH_")}
    env.update(THB_GRAPH_STORE=f"oxigraph:{folder / 'store'}", **settings)
    subprocess.run(
        [sys.executable, "-m", "thb_graph", "load"],
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    port = free_port()
    log_path = folder / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "thb_graph", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=new_session,
        )
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    while time.monotonic() - started < wait:
        if process.poll() is not None:
            sys.exit(f"the server stopped:\n{log_path.read_text()}")
        try:
            if requests.get(url + "/health", timeout=1).ok:
                print(f"server ready in {time.monotonic() - started:.2f} s at {url}")
                return process, url
        except requests.RequestException:
            pass
        time.sleep(0.02)
    process.kill()
    sys.exit(f"the server did not answer within {wait:g} s")
