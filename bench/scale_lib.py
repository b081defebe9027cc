"""Helpers of ``bench/scale``: an HTTP SPARQL client, timing, memory sampling, process control.

Loopback only: every URL used here is one the benchmark started itself.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import signal
import socket
import statistics
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Target:
    """A SPARQL endpoint to query: the project's /sparql, or Virtuoso over one graph."""

    name: str
    url: str
    default_graphs: list[str] = field(default_factory=list)

    def connect(self, timeout: float = 120.0) -> http.client.HTTPConnection:
        parts = urlsplit(self.url)
        assert parts.hostname == "127.0.0.1", "the benchmark talks to loopback only"
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)

    def ask(
        self, conn: http.client.HTTPConnection, query: str
    ) -> tuple[float, int, bytes, dict[str, str]]:
        """POST one query; (seconds, status, body, headers)."""
        fields = [("query", query)] + [("default-graph-uri", g) for g in self.default_graphs]
        construct = "CONSTRUCT" in query.upper().split("WHERE")[0]
        accept = "application/n-triples" if construct else "application/sparql-results+json"
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        started = time.perf_counter()
        conn.request("POST", urlsplit(self.url).path, body=urlencode(fields), headers=headers)
        if conn.sock is not None and hasattr(socket, "TCP_QUICKACK"):
            # acknowledge at once, as the sparql: store does: a server that writes its reply
            # in several packets would otherwise wait 40 ms on this client (Virtuoso does)
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        response = conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        return elapsed, response.status, body, {k.lower(): v for k, v in response.getheaders()}


def answer_size(body: bytes) -> int:
    """Rows of a JSON result, 1/0 for an ASK, lines of N-Triples."""
    text = body.decode("utf-8", "replace").strip()
    if text.startswith("{"):
        doc = json.loads(text)
        if "boolean" in doc:
            return int(bool(doc["boolean"]))
        return len(doc["results"]["bindings"])
    return sum(1 for line in text.splitlines() if line.strip() and not line.startswith("#"))


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


@dataclass
class Latency:
    """Latencies of one query on one target, in milliseconds."""

    uncached: list[float]
    repeated: list[float]
    size: int
    errors: list[str]

    @property
    def median(self) -> float:
        return statistics.median(self.uncached) if self.uncached else math.nan

    @property
    def p95(self) -> float:
        return percentile(self.uncached, 0.95) if self.uncached else math.nan

    @property
    def repeated_median(self) -> float:
        return statistics.median(self.repeated) if self.repeated else math.nan


def measure(target: Target, query: str, runs: int, repeats: int) -> Latency:
    """One warm-up, ``runs`` runs each made unique by a comment (so no answer cache can
    serve it), then ``repeats`` runs of the identical text."""
    conn = target.connect()
    uncached: list[float] = []
    repeated: list[float] = []
    errors: list[str] = []
    size = -1
    try:
        _, status, body, _ = target.ask(conn, query)
        if status == 200:
            size = answer_size(body)
        else:
            errors.append(f"{status}: {body[:200].decode('utf-8', 'replace')}")
        for i in range(runs):
            seconds, status, body, _ = target.ask(conn, f"{query}\n# run {i} {time.time_ns()}")
            (uncached if status == 200 else errors).append(
                seconds * 1000 if status == 200 else f"{status}"  # type: ignore[arg-type]
            )
        for _ in range(repeats):
            seconds, status, body, _ = target.ask(conn, query)
            if status == 200:
                repeated.append(seconds * 1000)
    except (OSError, http.client.HTTPException) as e:
        errors.append(f"{type(e).__name__}: {e}")
    finally:
        conn.close()
    return Latency(uncached, repeated, size, [e for e in errors if isinstance(e, str)])


def throughput(target: Target, query: str, clients: int, seconds: float, unique: bool) -> float:
    """Requests per second that ``clients`` concurrent clients get answered in ``seconds``."""
    done = [0] * clients
    failed = [0] * clients
    stop = time.perf_counter() + seconds

    def client(n: int) -> None:
        conn = target.connect()
        i = 0
        try:
            while time.perf_counter() < stop:
                text = f"{query}\n# c{n} r{i}" if unique else query
                _, status, _, _ = target.ask(conn, text)
                if status == 200:
                    done[n] += 1
                else:
                    failed[n] += 1
                i += 1
        except (OSError, http.client.HTTPException):
            failed[n] += 1
        finally:
            conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - started)


# ---- memory -----------------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            kids.append(int(entry.name))
    return kids


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(_children(current))
    return found


def pss_kib(pids: list[int]) -> int:
    """Proportional set size of the processes (shared pages split between them), in KiB."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


class MemorySampler:
    """Samples the PSS of a process tree in the background; ``peak`` is the largest sum."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, pss_kib(tree(self.pid)))
            self._stop.wait(self.interval)

    def __enter__(self) -> MemorySampler:
        self.peak = pss_kib(tree(self.pid))
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# ---- processes --------------------------------------------------------------------------
def start(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start ``cmd`` in its own process group, output to ``log``."""
    out = log.open("wb")
    return subprocess.Popen(
        cmd,
        stdout=out,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process started by ``start`` and everything it started."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until(
    ready: Callable[[], bool],
    process: subprocess.Popen[bytes],
    log: Path,
    timeout: float,
    interval: float = 0.3,
) -> None:
    """Poll ``ready`` every ``interval`` seconds until it holds; fail with the log when the
    process dies or time runs out."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the server exited ({process.returncode}):\n{log.read_text()[-3000:]}"
            )
        try:
            if ready():
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(interval)
    raise RuntimeError(f"the server did not answer in {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def answers_query(target: Target, query: str) -> bool:
    """True when the target answers ``query`` with a 200 and at least one result."""
    conn = target.connect(timeout=5)
    try:
        _, status, body, _ = target.ask(conn, query)
        return status == 200 and answer_size(body) > 0
    finally:
        conn.close()


def answers(target: Target) -> bool:
    """True when the target answers a trivial ASK."""
    conn = target.connect(timeout=5)
    try:
        _, status, _, _ = target.ask(conn, "ASK {}")
        return status == 200
    finally:
        conn.close()


def geomean(values: list[float]) -> float:
    """The geometric mean of positive values."""
    good = [v for v in values if v > 0 and math.isfinite(v)]
    return math.exp(sum(math.log(v) for v in good) / len(good)) if good else math.nan
