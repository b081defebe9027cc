"""The answer cache: keys tied to the graph version and the request, LRU eviction by count
and by bytes, ETags derived from the keys."""

from __future__ import annotations

import threading

from thb_graph.sparql.cache import (
    KEY_FIELDS,
    AnswerCache,
    ResultCache,
    StoredAnswer,
    answer_key,
    etag_of,
)

Q = "SELECT * WHERE { ?s ?p ?o }"


FIELDS = ("GET", "", "query=x", "", "text/csv", "example.org", "http")


def _key(version: str = "v", fields: tuple[str, ...] = FIELDS, body: bytes = b"") -> str:
    return answer_key(version, fields, body)


def test_a_stored_answer_comes_back_for_the_same_key() -> None:
    cache: ResultCache[bytes] = ResultCache()
    key = _key("v1")
    assert cache.get(key) is None
    cache.put(key, b"answer")
    assert cache.get(key) == b"answer"
    assert (cache.stats.hits, cache.stats.misses) == (1, 1)


def test_a_write_moves_the_version_so_old_answers_are_never_served() -> None:
    cache: ResultCache[bytes] = ResultCache()
    cache.put(_key("v1"), b"before")
    assert cache.get(_key("v2")) is None


def test_everything_that_shapes_the_answer_is_in_the_key() -> None:
    assert len(FIELDS) == len(KEY_FIELDS)
    base = _key()
    variants = [_key(body=b"query=y")]
    for i in range(len(FIELDS)):
        changed = list(FIELDS)
        changed[i] += "!"
        variants.append(_key(fields=tuple(changed)))
    # moving text from one field to the next is another request, hence another key
    variants.append(_key(fields=("GET", "", "query=x", "text/", "csv", "example.org", "http")))
    assert base == _key()
    assert len({base, *variants}) == len(variants) + 1


def test_an_answer_is_weighed_by_its_body_and_its_etag_follows_the_key() -> None:
    cache = AnswerCache(max_bytes=10)
    cache.put("small", StoredAnswer("200 OK", (("A", "b"),), b"12345"))
    cache.put("big", StoredAnswer("200 OK", (), b"x" * 11))
    assert cache.get("small") is not None and cache.get("big") is None
    assert etag_of(_key("v1")) != etag_of(_key("v2"))
    assert etag_of(_key()) == etag_of(_key())


def test_the_least_recently_used_entry_is_evicted_first() -> None:
    cache: ResultCache[bytes] = ResultCache(max_entries=2)
    cache.put("a", b"1")
    cache.put("b", b"2")
    assert cache.get("a") == b"1"
    cache.put("c", b"3")
    assert cache.get("b") is None
    assert cache.get("a") == b"1"
    assert cache.get("c") == b"3"
    assert cache.stats.evictions == 1


def test_the_byte_budget_is_kept_and_oversized_answers_are_not_stored() -> None:
    cache: ResultCache[bytes] = ResultCache(max_entries=100, max_bytes=10)
    cache.put("big", b"x" * 11)
    assert cache.get("big") is None
    cache.put("a", b"x" * 6)
    cache.put("b", b"y" * 6)
    assert cache.get("a") is None
    assert cache.bytes == 6
    cache.put("b", b"z")
    assert cache.bytes == 1
    assert len(cache) == 1


def test_concurrent_puts_and_gets_keep_the_accounting_right() -> None:
    cache: ResultCache[bytes] = ResultCache(max_entries=50, max_bytes=10_000)

    def work(n: int) -> None:
        for i in range(500):
            key = f"{n}-{i % 80}"
            if cache.get(key) is None:
                cache.put(key, b"v" * (i % 7 + 1))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(cache) <= 50
    assert cache.bytes == sum(len(cache.get(k) or b"") for k in list(cache._entries))
