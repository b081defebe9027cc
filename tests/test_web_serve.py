"""The production server under query load (a real process): while slow queries hold every
query worker and more wait for one, /health is answered at once and the queries beyond the
bounded waiting line are refused at once with 503, not queued behind the others."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import pytest
import requests

from conftest import LiveServer
from thb_graph.config import Settings
from thb_graph.sparql.executor import query_slots
from thb_graph.web.serve import SPARE_THREADS, server_options

#: A cartesian product no store finishes within the live server's 3 s limit.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
#: More clients than the live server's query slots (2 workers: 2 running, 8 waiting) and
#: than the 8 threads its worker used to have.
CLIENTS = 14
SECONDS = 4.0
#: How long /health may take while the query workers are saturated.
HEALTH_BOUND_S = 0.5


@dataclass
class Outcomes:
    """What the query clients got: (status, seconds, message) per answer."""

    answers: list[tuple[int, float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, seconds: float, message: str) -> None:
        with self.lock:
            self.answers.append((status, seconds, message))

    def with_message(self, words: str) -> list[float]:
        return [s for status, s, m in self.answers if status == 503 and words in m]


def _query_client(url: str, stop: float, outcomes: Outcomes) -> None:
    with requests.Session() as session:
        while time.monotonic() < stop:
            started = time.monotonic()
            reply = session.post(
                url + "/sparql",
                data={"query": SLOW},
                headers={"Accept": "application/sparql-results+json"},
                timeout=30,
            )
            message = reply.json().get("error", "") if reply.status_code != 200 else ""
            if "was not run" in message:  # refused, not stopped: say when to come back
                message += f" [Retry-After: {reply.headers.get('Retry-After')}]"
            outcomes.add(reply.status_code, time.monotonic() - started, message)
            time.sleep(0.05)


def test_the_server_has_a_thread_for_every_query_slot_and_spares() -> None:
    settings = Settings(workers=3)
    assert server_options(settings)["threads"] == query_slots(3) + SPARE_THREADS


@pytest.mark.server
def test_health_answers_at_once_while_every_query_worker_is_busy(
    live_server: LiveServer,
) -> None:
    url = live_server.url
    stop = time.monotonic() + SECONDS
    outcomes = Outcomes()
    clients = [
        threading.Thread(target=_query_client, args=(url, stop, outcomes), daemon=True)
        for _ in range(CLIENTS)
    ]
    for client in clients:
        client.start()
    time.sleep(0.5)  # every client has sent its first slow query
    health: list[float] = []
    with requests.Session() as session:
        while time.monotonic() < stop:
            started = time.monotonic()
            reply = session.get(url + "/health", timeout=10)
            health.append(time.monotonic() - started)
            assert reply.status_code == 200 and reply.json()["ok"] is True
            time.sleep(0.05)
    for client in clients:
        client.join(timeout=30)
    assert not any(client.is_alive() for client in clients)

    stopped = outcomes.with_message("stopped after")
    refused = outcomes.with_message("more queries waiting")
    figures = (
        f"/health: {len(health)} polls, max {max(health) * 1000:.0f} ms; queries: "
        f"{len(stopped)} stopped at the limit, {len(refused)} refused at once "
        f"(max {max(refused, default=0) * 1000:.0f} ms), {len(outcomes.answers)} in all"
    )
    print(figures)
    assert len(health) >= 20, figures
    assert max(health) < HEALTH_BOUND_S, figures
    assert len(stopped) >= 2, "the slow queries held the query workers"
    assert refused and max(refused) < 1.0, "queries beyond the waiting line were refused at once"
    assert {status for status, _, _ in outcomes.answers} == {503}, outcomes.answers[:5]
    assert len(outcomes.with_message("[Retry-After: ")) == len(outcomes.with_message("not run"))
    assert not outcomes.with_message("[Retry-After: None]"), "a refusal says when to retry"
