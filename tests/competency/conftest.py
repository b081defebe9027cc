"""Fixtures for the competency questions: the real France graph and its named queries."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Dataset, URIRef
from rdflib.term import Node

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "queries"


@pytest.fixture(scope="session")
def france() -> Dataset:
    """Ontology and every data file, each in its named graph; the default graph is the union."""
    ds = Dataset(default_union=True)
    ds.parse(
        ROOT / "ontology" / "thb.ttl",
        format="turtle",
        publicID="https://w3id.org/thb-graph/graph/ontology",
    )
    for path in sorted((ROOT / "data").glob("*.ttl")):
        graph = ds.graph(URIRef(f"https://w3id.org/thb-graph/graph/data/{path.stem}"))
        graph.parse(path, format="turtle")
    return ds


@pytest.fixture(scope="session")
def ask(france: Dataset) -> Callable[[str], list[dict[str, Node]]]:
    """Run ``queries/NAME.rq`` over the France graph; rows as dicts of rdflib terms."""

    def run(name: str) -> list[dict[str, Node]]:
        text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
        result = france.query(text)
        return [{str(k): v for k, v in row.asdict().items() if v is not None} for row in result]

    return run
