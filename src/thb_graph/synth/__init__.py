"""Synthetic THB data at any size, for benchmarks only.

``write_synthetic(out, triples=N, seed=S)`` streams N-Triples describing imaginary countries
with the real ontology and the patterns of docs/model.md: governments with deep unit
hierarchies, working groups with memberships and tasks, codes with articles, laws and their
amendments, offences, victim figures per year with breakdowns (region of origin, form of
exploitation, sex, age group) whose parts sum to their totals, estimates as ranges,
prosecutions and convictions, trainings and assistance programmes, dated events, source
documents, and labels in English and French.

Everything lives under its own namespace (``https://w3id.org/thb-graph/synthetic/``), in
countries that do not exist (EU country codes of the user-assigned Q range), so it can never
be mistaken for, or mixed into, the real data; ``thb-graph load --with FILE.nt`` puts it in a
named graph of its own (``graph/extra/{stem}``). The output for a given size and seed is
always the same. It stops after the first whole group of statements that reaches the
requested size.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from thb_graph.errors import ConfigError
from thb_graph.synth.country import country, world
from thb_graph.synth.terms import SYLLABLES, SYNTH_NAMESPACE, Writer


def write_synthetic(out: TextIO, *, triples: int, seed: int = 1) -> int:
    """Write at least ``triples`` synthetic triples to ``out`` as N-Triples; the count written."""
    w = Writer(out)
    rng = random.Random(seed)  # noqa: S311 - reproducible benchmark data, not secrets
    world(w)
    for n, name in enumerate(_country_names(rng)):
        if w.count >= triples:
            break
        for _ in country(w, rng, n, name):
            if w.count >= triples:
                break
    w.flush()
    return w.count


def write_synthetic_file(path: str | Path, *, triples: int, seed: int = 1) -> int:
    """Write the synthetic data to the file ``path`` (N-Triples); the triple count written."""
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            return write_synthetic(out, triples=triples, seed=seed)
    except OSError as e:
        raise ConfigError(f"cannot write {path}: {e.strerror or e}") from e


def _country_names(rng: random.Random) -> Iterator[tuple[str, str]]:
    """Endless (English, French) names of imaginary countries."""
    n = 0
    while True:
        stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        n += 1
        yield f"{stem}ia", f"{stem}ie"


__all__ = ["SYNTH_NAMESPACE", "write_synthetic", "write_synthetic_file"]
