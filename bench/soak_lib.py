"""The soak generator behind ``bench/soak`` and ``tests/test_soak.py``.

For a set time, on loopback: query clients send a mix of cheap queries (POST, and GET that
the answer cache may serve), entity pages, bad input (each with the 4xx it must get) and,
now and then, a query that cannot finish in time (an intended 503); one writer adds and
removes a statement by SPARQL Update, one write after the other. A sampler follows the
memory (RSS) and the processes of the server's tree. Every answer is classified: the
expected status of its kind (or an intended 503), or unexpected (anything else: a 5xx, a
wrong 4xx, a connection failure, a read timeout).

The writes are counted twice: acknowledged by the server, and PROV activities added to the
history graph between the start and the end; a lost write is one acknowledged but not in
the history. At the end the server's tree is left to settle and compared with what the
server runs by design, to find leaked processes and unreaped zombies.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import requests
from load_lib import EXPENSIVE, INTENDED_503, tree, tree_rss_kb
from load_lib import percentile as _percentile

ACCEPT = {"Accept": "application/sparql-results+json"}
BASE = "https://w3id.org/thb-graph/"
SOAK_GRAPH = BASE + "graph/soak"
HISTORY = BASE + "graph/history"
CHEAP = [
    "ASK { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s a ?class } LIMIT 10",
    "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class",
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } LIMIT 20",
]
#: Where writes go: bad input there waits for the write lock like any write.
WRITE_PATHS = ("/sparql/update", "/rdf-graph-store")
#: The kinds of request that only read.
READS = ("query", "page", "bad query/page")
ACTIVITIES = (
    f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ GRAPH <{HISTORY}> "
    "{ ?a a <http://www.w3.org/ns/prov#Activity> } }"
)


@dataclass(frozen=True)
class BadInput:
    """A request the server must refuse with ``status``."""

    name: str
    status: int
    method: str
    path: str
    data: dict[str, str] | bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (nearest rank); NaN when there is none."""
    return _percentile(values, q) if values else float("nan")


def bad_inputs(token: str, max_query_bytes: int = 65536) -> list[BadInput]:
    """Malformed, forbidden and refused requests, each with the status it must get."""
    auth = {"Authorization": f"Bearer {token}"}
    insert = "INSERT DATA { <urn:soak:a> <urn:soak:b> <urn:soak:c> }"
    unlabelled = (
        f"INSERT DATA {{ GRAPH <{BASE}graph/data/actors> {{ <{BASE}id/actor/soak-nameless> "
        "a <http://www.w3.org/ns/org#Organization> } }"
    )
    return [
        BadInput("query syntax", 400, "GET", "/sparql?query=" + quote("SELECT * WHERE { ?s")),
        BadInput(
            "SERVICE",
            400,
            "POST",
            "/sparql",
            {"query": "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"},
        ),
        BadInput("update as query", 400, "POST", "/sparql", {"query": insert}),
        BadInput("no token", 401, "POST", "/sparql/update", {"update": insert}),
        BadInput(
            "wrong token",
            403,
            "POST",
            "/sparql/update",
            {"update": insert},
            {"Authorization": "Bearer not-the-token"},
        ),
        BadInput("update syntax", 400, "POST", "/sparql/update", {"update": "INSERT {"}, auth),
        BadInput("breaks the shapes", 422, "POST", "/sparql/update", {"update": unlabelled}, auth),
        BadInput(
            "query too large",
            413,
            "POST",
            "/sparql",
            {"query": "ASK {}" + "#" * max_query_bytes},
        ),
        BadInput(
            "media type",
            415,
            "POST",
            "/sparql",
            b"ASK {}",
            {"Content-Type": "text/plain"},
        ),
        BadInput("no such entity", 404, "GET", "/id/actor/soak-no-such-entity"),
        BadInput("no such format", 406, "GET", "/sparql?query=ASK%7B%7D&format=application/x-no"),
        BadInput(
            "broken Turtle",
            400,
            "PUT",
            "/rdf-graph-store?graph=" + quote(SOAK_GRAPH, safe=""),
            b"<urn:a> <urn:b> ",
            {**auth, "Content-Type": "text/turtle"},
        ),
    ]


@dataclass
class Sample:
    """One request: when it ended (seconds since the start), its kind, outcome, latency."""

    at: float
    kind: str
    outcome: str
    ms: float


@dataclass
class SoakReport:
    """What a soak run measured."""

    seconds: float
    clients: int
    window: float
    samples: list[Sample] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    memory: list[tuple[float, int, int]] = field(default_factory=list)  # (at, rss kB, procs)
    writes_acknowledged: int = 0
    activities_added: int = -1
    processes_start: int = 0
    processes_end: int = 0
    processes_bound: int = 0
    zombies: int = 0
    tree_at_end: str = ""

    @property
    def writes_lost(self) -> int:
        """Acknowledged writes missing from the history (0 unless something went wrong)."""
        return max(0, self.writes_acknowledged - self.activities_added)

    @property
    def leaked(self) -> int:
        """Processes beyond the server's design once settled, zombies included."""
        return max(0, self.processes_end - self.processes_bound) + self.zombies

    def outcomes(self) -> Counter[tuple[str, str]]:
        """Requests by kind and outcome."""
        return Counter((s.kind, s.outcome) for s in self.samples)

    def summary(self) -> str:
        """The figures, as printed by ``bench/soak``."""
        total = len(self.samples)
        lines = [
            f"soak                {self.seconds:.0f} s, {self.clients} query clients + 1 writer",
            f"requests            {total} ({total / self.seconds:.1f}/s)",
            "requests by outcome",
        ]
        for (kind, outcome), count in sorted(self.outcomes().items()):
            lines.append(f"  {kind:<16} {outcome:<16} {count:>7}")
        lines.append(f"unexpected          {len(self.unexpected)}")
        lines += [f"  {u}" for u in self.unexpected[:10]]
        lines.append(f"over time (windows of {self.window:g} s; over-long queries left out)")
        lines.append(
            "  from s   requests   read p50   read p99  write p50  write p99   RSS MB  processes"
        )
        for start, count, r50, r99, w50, w99, rss, procs in self.windows():
            lines.append(
                f"  {start:>6.0f} {count:>10} {r50:>10.1f} {r99:>10.1f} {w50:>10.1f} {w99:>10.1f}"
                f" {rss / 1024:>8.1f} {procs:>10}"
            )
        lines += [
            f"writes acknowledged {self.writes_acknowledged}",
            f"history added       {self.activities_added}",
            f"writes lost         {self.writes_lost}",
            f"processes           {self.processes_start} at the start, {self.processes_end} "
            f"settled at the end (by design at most {self.processes_bound}), "
            f"{self.zombies} zombies",
            f"leaked processes    {self.leaked}",
        ]
        return "\n".join(lines)

    def windows(self) -> list[tuple[float, int, float, float, float, float, int, int]]:
        """Per window: start, requests, p50 and p99 latency (ms) of reads, then of writes
        (good and bad: they queue for the write lock), RSS (kB) and processes."""
        rows = []
        start = 0.0
        while start < self.seconds:
            end = start + self.window
            if end >= self.seconds:
                end = float("inf")  # the last window takes the requests ending after the time
            inside = [s for s in self.samples if start <= s.at < end]
            reads = [s.ms for s in inside if s.kind in READS]
            writes = [s.ms for s in inside if s.kind in ("write", "bad write")]
            mem = [m for m in self.memory if start <= m[0] < end]
            rows.append(
                (
                    start,
                    len(inside),
                    percentile(reads, 0.5),
                    percentile(reads, 0.99),
                    percentile(writes, 0.5),
                    percentile(writes, 0.99),
                    max((m[1] for m in mem), default=0),
                    max((m[2] for m in mem), default=0),
                )
            )
            start = end
        return rows


def run_soak(
    url: str,
    token: str,
    *,
    seconds: float,
    clients: int = 4,
    window: float = 60.0,
    write_every: float = 0.5,
    expensive_every: int = 40,
    workers: int = 2,
    server_pid: int | None = None,
    seed: int = 1,
    request_timeout: float = 60.0,
) -> SoakReport:
    """Soak ``url`` for ``seconds``; ``server_pid`` (the server's process) for memory and
    processes; ``workers`` is the server's number of query workers (for the process bound)."""
    report = SoakReport(seconds=seconds, clients=clients, window=window)
    lock = threading.Lock()
    done = threading.Event()
    pages = [*_entity_paths(url), "/", "/sparql?query=" + quote(CHEAP[1]) + "&format=json"]
    bad = bad_inputs(token)
    activities_before = _activities(url)
    if server_pid is not None:
        report.processes_start = tree_rss_kb(server_pid)[1]
    started = time.monotonic()
    deadline = started + seconds

    def record(kind: str, outcome: str, ms: float, detail: str = "") -> None:
        with lock:
            report.samples.append(Sample(time.monotonic() - started, kind, outcome, ms))
            if outcome == "unexpected":
                report.unexpected.append(f"{kind}: {detail}"[:300])

    def timed(
        session: requests.Session, method: str, path: str, **kwargs: object
    ) -> tuple[int, str, float]:
        begun = time.perf_counter()
        try:
            answer = session.request(method, url + path, timeout=request_timeout, **kwargs)  # type: ignore[arg-type]
            status, body = answer.status_code, answer.text
        except requests.RequestException as e:
            status, body = 0, f"{type(e).__name__}: {e}"
        return status, body, (time.perf_counter() - begun) * 1000

    def one_request(session: requests.Session, rng: random.Random, tag: str) -> None:
        roll = rng.random()
        if roll < 0.5:
            text = rng.choice(CHEAP)
            if rng.random() < 0.5:  # GET, repeated: the answer cache serves some
                answer = timed(session, "GET", "/sparql", params={"query": text}, headers=ACCEPT)
            else:
                fresh = {"query": f"{text}\n# {tag}"}
                answer = timed(session, "POST", "/sparql", data=fresh, headers=ACCEPT)
            kind, expected = "query", 200
        elif roll < 0.7:
            path = rng.choice(pages)
            answer = timed(session, "GET", path, headers={"Accept": "text/html"})
            kind, expected = "page", 200
        else:
            case = rng.choice(bad)
            answer = timed(session, case.method, case.path, data=case.data, headers=case.headers)
            kind = "bad write" if case.path.startswith(WRITE_PATHS) else "bad query/page"
            expected = case.status
        status, body, ms = answer
        if status == expected:
            outcome = str(status)
        elif status == 503 and any(w in body for w in INTENDED_503):
            outcome = "503 (intended)"
        else:
            outcome = "unexpected"
        record(kind, outcome, ms, f"expected {expected}, got {status}: {body[:200]}")

    def client(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        session = requests.Session()
        n = 0
        while time.monotonic() < deadline:
            n += 1
            if n % expensive_every:
                one_request(session, rng, f"{index}-{n}")
                continue
            text = {"query": EXPENSIVE + f"\n# {index}-{n}"}
            status, body, ms = timed(session, "POST", "/sparql", data=text, headers=ACCEPT)
            intended = status == 503 and any(w in body for w in INTENDED_503)
            outcome = "503 (intended)" if intended else "unexpected"
            record("over-long query", outcome, ms, f"{status} {body[:200]}")

    def writer() -> None:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {token}"}
        n = 0
        while time.monotonic() < deadline:
            n += 1
            text = (
                f"INSERT DATA {{ GRAPH <{SOAK_GRAPH}> {{ <{SOAK_GRAPH}#note> "
                f"<http://www.w3.org/2000/01/rdf-schema#comment> 'soak write {n}' }} }}"
                if n % 2
                else f"DELETE WHERE {{ GRAPH <{SOAK_GRAPH}> {{ ?s ?p ?o }} }}"
            )
            status, body, ms = timed(
                session, "POST", "/sparql/update", data={"update": text}, headers=headers
            )
            if status == 200:
                with lock:
                    report.writes_acknowledged += 1
                record("write", "200", ms)
            elif status == 503 and "held the graph" in body:
                record("write", "503 (intended)", ms)
            else:
                record("write", "unexpected", ms, f"{status} {body[:200]}")
            done.wait(write_every)

    def sample() -> None:
        while not done.is_set():
            if server_pid is not None:
                rss, count = tree_rss_kb(server_pid)
                with lock:
                    report.memory.append((time.monotonic() - started, rss, count))
            done.wait(1.0)

    sampler = threading.Thread(target=sample)
    sampler.start()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    threads.append(threading.Thread(target=writer))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + request_timeout + 300)
    done.set()
    sampler.join(30)
    report.activities_added = _activities(url) - activities_before
    if server_pid is not None:
        _settle(report, server_pid, workers)
    return report


def _entity_paths(url: str) -> list[str]:
    """Paths of some entity pages of the served graph."""
    query = (
        f"SELECT DISTINCT ?s WHERE {{ ?s a ?c FILTER (STRSTARTS(STR(?s), '{BASE}id/')) }} LIMIT 12"
    )
    answer = requests.post(url + "/sparql", data={"query": query}, headers=ACCEPT, timeout=60)
    answer.raise_for_status()
    rows = answer.json()["results"]["bindings"]
    return ["/" + r["s"]["value"][len(BASE) :] for r in rows]


def _activities(url: str) -> int:
    answer = requests.post(url + "/sparql", data={"query": ACTIVITIES}, headers=ACCEPT, timeout=60)
    answer.raise_for_status()
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def _settle(report: SoakReport, pid: int, workers: int) -> None:
    """Wait for the tree to settle to its design size, then count what is left over.

    By design: gunicorn's master and worker, the query workers' fork server and
    ``workers`` query workers, the write planner's fork server and its one worker."""
    report.processes_bound = 2 + 1 + workers + 2
    deadline = time.monotonic() + 15
    while True:
        members = tree(pid)
        zombies = [m for m in members if _state(m) == "Z"]
        alive = len(members) - len(zombies)
        if (alive <= report.processes_bound and not zombies) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    report.processes_end, report.zombies = alive, len(zombies)
    report.tree_at_end = "\n".join(f"{m} {_state(m)}" for m in members)


def _state(pid: int) -> str:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return "gone"
    return next((x.split()[1] for x in status.splitlines() if x.startswith("State:")), "?")
