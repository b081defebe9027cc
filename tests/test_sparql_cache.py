"""The result cache: keys tied to the graph version, LRU eviction by count and by bytes."""

from __future__ import annotations

import threading

from thb_graph.sparql.cache import ResultCache, cache_key

Q = "SELECT * WHERE { ?s ?p ?o }"


def test_a_stored_answer_comes_back_for_the_same_key() -> None:
    cache: ResultCache[bytes] = ResultCache()
    key = cache_key("v1", Q, "application/sparql-results+json")
    assert cache.get(key) is None
    cache.put(key, b"answer")
    assert cache.get(key) == b"answer"
    assert (cache.stats.hits, cache.stats.misses) == (1, 1)


def test_a_write_moves_the_version_so_old_answers_are_never_served() -> None:
    cache: ResultCache[bytes] = ResultCache()
    cache.put(cache_key("v1", Q), b"before")
    assert cache.get(cache_key("v2", Q)) is None


def test_everything_that_shapes_the_answer_is_in_the_key() -> None:
    base = cache_key("v", Q, "text/csv", None, None, None)
    variants = [
        cache_key("v", Q + " ", "text/csv"),
        cache_key("v", Q, "application/sparql-results+json"),
        cache_key("v", Q, "text/csv", ["urn:g"]),
        cache_key("v", Q, "text/csv", []),
        cache_key("v", Q, "text/csv", None, ["urn:g"]),
        cache_key("v", Q, "text/csv", None, None, 10),
        cache_key("v", Q, "text/csv", ["urn:a", "urn:b"]),
        cache_key("v", Q, "text/csv", ["urn:a\x1furn:b"]),
    ]
    assert base == cache_key("v", Q, "text/csv")
    assert len({base, *variants}) == len(variants) + 1


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
