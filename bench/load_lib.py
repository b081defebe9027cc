"""The load generator behind ``bench/load`` and ``tests/test_load.py``.

Concurrent clients send a mix of cheap and expensive SPARQL queries to a server for a fixed
time; a separate client polls ``/health`` throughout; a sampler follows the memory (RSS) and
the number of processes of the server's whole process tree (Linux ``/proc``). Every answer
is classified: 200, an intended 503 (a query stopped at its time limit, or no query worker
free within it; the body says so), or an error (anything else, a connection failure, a
read timeout). Loopback only: the URL is whatever server the caller started.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

CHEAP = [
    "ASK { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s a ?class } LIMIT 10",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
]
#: A cartesian product no store finishes within a few seconds on any real graph.
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ACCEPT = {"Accept": "application/sparql-results+json"}
#: Words in the body of an intended 503 (see ``sparql.executor``).
INTENDED_503 = ("stopped after", "stayed busy")


@dataclass
class LoadReport:
    """What a load run measured."""

    seconds: float
    clients: int
    requests: int = 0
    ok: int = 0
    unavailable: int = 0
    errors: list[str] = field(default_factory=list)
    cheap_ms: list[float] = field(default_factory=list)
    expensive_ms: list[float] = field(default_factory=list)
    health_ms: list[float] = field(default_factory=list)
    health_failures: list[str] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    processes: list[int] = field(default_factory=list)

    def summary(self) -> str:
        """The figures, one per line."""
        lines = [
            f"duration            {self.seconds:.1f} s, {self.clients} clients",
            f"requests            {self.requests} ({self.requests / self.seconds:.1f}/s)",
            f"200                 {self.ok}",
            f"503 (intended)      {self.unavailable}",
            f"errors              {len(self.errors)}",
            f"cheap p50 / p95     {_ms(self.cheap_ms, 0.5)} / {_ms(self.cheap_ms, 0.95)} ms",
            f"expensive p50 / p95 {_ms(self.expensive_ms, 0.5)} / "
            f"{_ms(self.expensive_ms, 0.95)} ms",
            f"/health p50 / max   {_ms(self.health_ms, 0.5)} / {_ms(self.health_ms, 1.0)} ms"
            f" ({len(self.health_ms)} checks, {len(self.health_failures)} failed)",
        ]
        if self.rss_kb:
            lines.append(
                f"server memory (RSS) {self.rss_kb[0] / 1024:.0f} MB before, "
                f"{max(self.rss_kb) / 1024:.0f} MB peak, {self.rss_kb[-1] / 1024:.0f} MB after"
            )
            lines.append(
                f"server processes    {self.processes[0]} before, {max(self.processes)} peak, "
                f"{self.processes[-1]} after"
            )
        return "\n".join(lines)


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _ms(values: list[float], q: float) -> str:
    return f"{percentile(values, q):.0f}" if values else "-"


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (Linux)."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                stack += [int(c) for c in task.read_text().split()]
            except OSError:
                continue
    return found


def tree_rss_kb(pid: int) -> tuple[int, int]:
    """Resident memory (kB) and number of processes of ``pid``'s process tree."""
    total, count = 0, 0
    for member in tree(pid):
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        count += 1
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total, count


def describe_tree(pid: int) -> str:
    """One line per process of ``pid``'s tree: pid, state (Z for an unreaped zombie) and
    command line, to say which process is there when a count is off."""
    lines = []
    for member in tree(pid):
        try:
            status = Path(f"/proc/{member}/status").read_text()
            command = Path(f"/proc/{member}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        state = next((x.split()[1] for x in status.splitlines() if x.startswith("State:")), "?")
        lines.append(f"{member} {state} {command.decode(errors='replace')[:120]}")
    return "\n".join(lines)


def run_load(
    url: str,
    *,
    seconds: float,
    clients: int,
    expensive_every: int = 4,
    server_pid: int | None = None,
    request_timeout: float = 60.0,
) -> LoadReport:
    """Load ``url`` (the server's base URL) for ``seconds`` with ``clients`` threads; every
    ``expensive_every``-th request of a client is the expensive query."""
    report = LoadReport(seconds=seconds, clients=clients)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            if server_pid is not None:
                rss, count = tree_rss_kb(server_pid)
                with lock:
                    report.rss_kb.append(rss)
                    report.processes.append(count)
            done.wait(0.25)

    def health() -> None:
        session = requests.Session()
        while not done.is_set():
            started = time.perf_counter()
            try:
                answer = session.get(url + "/health", timeout=10)
                failure = None if answer.status_code == 200 else f"status {answer.status_code}"
            except requests.RequestException as e:
                failure = f"{type(e).__name__}: {e}"
            took = (time.perf_counter() - started) * 1000
            with lock:
                report.health_ms.append(took)
                if failure:
                    report.health_failures.append(failure)
            done.wait(0.2)

    def client(index: int) -> None:
        session = requests.Session()
        n = 0
        while time.monotonic() < deadline:
            n += 1
            expensive = n % expensive_every == 0
            text = EXPENSIVE if expensive else CHEAP[n % len(CHEAP)]
            text += f"\n# client {index} request {n} {time.time_ns()}"  # never a cached answer
            started = time.perf_counter()
            try:
                answer = session.post(
                    url + "/sparql", data={"query": text}, headers=ACCEPT, timeout=request_timeout
                )
                status, body = answer.status_code, answer.text
            except requests.RequestException as e:
                status, body = 0, f"{type(e).__name__}: {e}"
            took = (time.perf_counter() - started) * 1000
            with lock:
                report.requests += 1
                (report.expensive_ms if expensive else report.cheap_ms).append(took)
                if status == 200:
                    report.ok += 1
                elif status == 503 and any(w in body for w in INTENDED_503):
                    report.unavailable += 1
                else:
                    report.errors.append(f"{status}: {body[:200]}")

    threads = [threading.Thread(target=sample), threading.Thread(target=health)]
    if server_pid is not None:
        sample_once(report, server_pid)  # the "before" figure
    workers = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in (*threads, *workers):
        thread.start()
    for thread in workers:
        thread.join(seconds + request_timeout + 30)
    time.sleep(1.0)  # let killed query workers be reaped and memory settle
    done.set()
    for thread in threads:
        thread.join(30)
    if server_pid is not None:
        sample_once(report, server_pid)
    return report


def sample_once(report: LoadReport, pid: int) -> None:
    """Add one memory and process-count sample of ``pid``'s tree to ``report``."""
    rss, count = tree_rss_kb(pid)
    report.rss_kb.append(rss)
    report.processes.append(count)


@dataclass
class WriteReport:
    """Latency of writes, and the server's own split of the time (stage, validate...)."""

    wall_ms: list[float] = field(default_factory=list)
    phases: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The figures, one per line."""
        lines = [
            f"writes              {len(self.wall_ms)} timed, {len(self.failures)} failed",
            f"write p50 / max     {_ms(self.wall_ms, 0.5)} / {_ms(self.wall_ms, 1.0)} ms",
        ]
        for phase, values in self.phases.items():
            ms = [v * 1000 for v in values]
            lines.append(f"  {phase:<17} p50 {_ms(ms, 0.5)} ms")
        return "\n".join(lines)


def time_writes(url: str, token: str, count: int) -> WriteReport:
    """Time ``count`` pairs of writes: a label added to a new graph, then that graph's
    statement removed again (so the graph ends as it began, but for its history)."""
    report = WriteReport()
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}
    graph = "https://w3id.org/thb-graph/graph/bench-writes"
    for n in range(count):
        for text in (
            f"INSERT DATA {{ GRAPH <{graph}> {{ <{graph}#note> "
            f"<http://www.w3.org/2000/01/rdf-schema#comment> 'bench write {n}' }} }}",
            f"DELETE WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
        ):
            started = time.perf_counter()
            answer = session.post(
                url + "/sparql/update", data={"update": text}, headers=headers, timeout=300
            )
            took = (time.perf_counter() - started) * 1000
            if answer.status_code != 200:
                report.failures.append(f"{answer.status_code}: {answer.text[:200]}")
                continue
            report.wall_ms.append(took)
            for phase, seconds in answer.json().get("seconds", {}).items():
                report.phases.setdefault(phase, []).append(float(seconds))
    return report
