"""The query-text fuzz of ``test_fuzz_query_text`` against a real ``thb-graph serve``: the
on-disk store read by forked query workers behind gunicorn, over real HTTP. No text gets a
5xx or hangs, and the server keeps answering."""

from __future__ import annotations

import time
from collections import Counter

import pytest
import requests
from hypothesis import HealthCheck, given, settings

from conftest import LiveServer
from test_fuzz_query_text import BOUND_S, QUERY_TEMPLATES, texts

pytestmark = pytest.mark.server

TRIED: Counter[int] = Counter()


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=texts(QUERY_TEMPLATES))
def test_no_query_text_gets_a_5xx_from_the_real_server(live_server: LiveServer, text: str) -> None:
    started = time.monotonic()
    response = requests.post(
        live_server.url + "/sparql",
        data={"query": text},
        headers={"Accept": "application/sparql-results+json"},
        timeout=BOUND_S + 5,
    )
    TRIED[response.status_code] += 1
    assert response.status_code < 500, (response.status_code, text[:300], response.text[:300])
    assert time.monotonic() - started < BOUND_S, text[:300]


def test_the_server_still_answers_after_the_fuzz(live_server: LiveServer) -> None:
    answer = requests.get(
        live_server.url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10
    )
    assert answer.status_code == 200
    assert answer.json()["boolean"] is True
    print(f"\nlive fuzz answers by status: {dict(sorted(TRIED.items()))}")
