"""The history of an entity as its page shows it: the writes that touched it, newest first.

Reads the PROV activities that :mod:`thb_graph.writes.history` records in the history graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.term import Node

from thb_graph.kg.iris import Iris, checked_iri
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import DCTERMS, FOAF, PROV, RDF, VOID, XSD

Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class HistoryEntry:
    """One write in the history of an entity, newest first."""

    activity: str
    operation: str
    agent: str
    agent_name: str
    started: str
    ended: str
    added: int
    removed: int


_ENTITY_HISTORY = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX void: <http://rdfs.org/ns/void#>
SELECT ?activity ?operation ?agent ?agentName ?started ?ended ?added ?removed
WHERE {
  VALUES (?history ?entity) { (%s %s) }
  GRAPH ?history {
    ?activity a prov:Activity ;
        dct:subject ?entity ;
        dct:type ?operation ;
        prov:startedAtTime ?started ;
        prov:endedAtTime ?ended ;
        prov:wasAssociatedWith ?agent .
    OPTIONAL { ?agent foaf:name ?agentName }
    OPTIONAL { ?activity prov:generated/void:triples ?added }
    OPTIONAL { ?activity prov:invalidated/void:triples ?removed }
  }
}
ORDER BY DESC(?started) DESC(?activity)
LIMIT %d
"""


def entity_history_query(iris: Iris, entity: str, *, limit: int = 50) -> str:
    """The SPARQL query listing the writes that touched ``entity``, newest first.

    The IRIs go in through ``VALUES`` as N-Triples terms of a checked IRI, never as text.
    """
    history = URIRef(iris.history_graph).n3()
    return _ENTITY_HISTORY % (
        history,
        URIRef(checked_iri(entity, "the entity")).n3(),
        max(1, int(limit)),
    )


def entity_history(store: Store, iris: Iris, entity: str, *, limit: int = 50) -> list[HistoryEntry]:
    """The writes that touched ``entity``, newest first (empty when it was never written)."""
    result = store.query(entity_history_query(iris, entity, limit=limit))
    entries = []
    for row in result.dicts():
        entries.append(
            HistoryEntry(
                activity=str(row["activity"]),
                operation=str(row["operation"]),
                agent=str(row["agent"]),
                agent_name=str(row.get("agentName", "")),
                started=str(row["started"]),
                ended=str(row["ended"]),
                added=_int(row.get("added")),
                removed=_int(row.get("removed")),
            )
        )
    return entries


def history_statements(entity: str, entries: Iterable[HistoryEntry]) -> list[Triple]:
    """The PROV statements behind ``entries``, for the RDF twin of the page of ``entity``.

    The same shape as the history graph (:func:`history_triples`), without the quoted
    statements: each activity, its operation, times, agent and the size of its changes.
    """
    out: list[Triple] = []
    for entry in entries:
        act = URIRef(entry.activity)
        agent = URIRef(entry.agent)
        out += [
            (act, RDF.type, PROV.Activity),
            (act, DCTERMS.type, Literal(entry.operation)),
            (act, PROV.startedAtTime, Literal(entry.started, datatype=XSD.dateTime)),
            (act, PROV.endedAtTime, Literal(entry.ended, datatype=XSD.dateTime)),
            (act, PROV.wasAssociatedWith, agent),
            (act, DCTERMS.subject, URIRef(entity)),
            (agent, RDF.type, PROV.Agent),
        ]
        if entry.agent_name:
            out.append((agent, FOAF.name, Literal(entry.agent_name)))
        for link, name, size in (
            (PROV.generated, "added", entry.added),
            (PROV.invalidated, "removed", entry.removed),
        ):
            node = URIRef(f"{act}#{name}")
            out += [(act, link, node), (node, VOID.triples, Literal(size))]
    return out


def _int(term: Node | None) -> int:
    try:
        return int(str(term)) if term is not None else 0
    except ValueError:
        return 0
