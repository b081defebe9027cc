"""Descriptions of the service and the dataset: SPARQL Service Description and VoID/DCAT.

Both are graphs built from the store (its named graphs, their sizes, the dataset node of
the data) and from what the endpoint serves (the negotiation tables, the settings).
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, VOID, XSD
from rdflib.term import Node

from thb_graph import formats
from thb_graph.config import Settings
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import PREFIXES, SD

_DATASET_QUERY = """
PREFIX void: <http://rdfs.org/ns/void#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?dataset ?title ?description ?source ?licence WHERE {
  ?dataset a void:Dataset .
  OPTIONAL { ?dataset dct:title ?title }
  OPTIONAL { ?dataset dct:description ?description }
  OPTIONAL { ?dataset dct:source ?source }
  OPTIONAL {
    { ?dataset dct:license ?licence } UNION { ?onto a owl:Ontology ; dct:license ?licence }
  }
} ORDER BY ?dataset LIMIT 20
"""


def _new_graph() -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    graph.bind("formats", formats.W3C_FORMATS)
    return graph


def graph_sizes(store: Store) -> dict[str, int]:
    """Triples per named graph of the store."""
    return {name: store.count(name) for name in store.graph_names()}


def service_description(store: Store, settings: Settings, endpoint: str) -> Graph:
    """An ``sd:Service`` for the endpoint at ``endpoint``, with its default dataset."""
    graph = _new_graph()
    service = URIRef(endpoint)
    add = graph.add
    add((service, RDF.type, SD.Service))
    add((service, SD.endpoint, service))
    add((service, SD.supportedLanguage, SD.SPARQL11Query))
    add((service, SD.feature, SD.UnionDefaultGraph))
    for fmt in (*formats.RESULT_ANSWERS, *formats.GRAPH_ANSWERS):
        if fmt.w3c_iri is not None:
            add((service, SD.resultFormat, URIRef(fmt.w3c_iri)))
    add(
        (
            service,
            DCTERMS.description,
            Literal(
                f"SPARQL 1.1 query endpoint. A query runs at most {settings.query_timeout_s:g} s "
                f"(then 503); a SELECT returns at most {settings.max_result_rows} rows (a cut "
                f"is signalled by the X-THB-Truncated header); a query is at most "
                f"{settings.max_query_bytes} bytes. SERVICE, updates and graphs outside the "
                "dataset are refused.",
                lang="en",
            ),
        )
    )
    dataset, default = BNode(), BNode()
    add((service, SD.defaultDataset, dataset))
    add((dataset, RDF.type, SD.Dataset))
    add((dataset, SD.defaultGraph, default))
    add((default, RDF.type, SD.Graph))
    sizes = graph_sizes(store)
    add((default, VOID.triples, Literal(sum(sizes.values()), datatype=XSD.integer)))
    for name, size in sizes.items():
        named, inner = BNode(), BNode()
        add((dataset, SD.namedGraph, named))
        add((named, RDF.type, SD.NamedGraph))
        add((named, SD.name, URIRef(name)))
        add((named, SD.graph, inner))
        add((inner, RDF.type, SD.Graph))
        add((inner, VOID.triples, Literal(size, datatype=XSD.integer)))
    return graph


def void_description(
    store: Store, settings: Settings, endpoint: str, dumps: Mapping[str, str]
) -> Graph:
    """VoID and DCAT description of the dataset: licence, source, counts, endpoint, dumps.

    ``dumps`` maps a media type to the URL of the whole-graph dump in that type.
    """
    graph = _new_graph()
    iris = Iris(settings.base_iri)
    facts = store.query(_DATASET_QUERY).dicts()
    dataset: Node = facts[0]["dataset"] if facts else URIRef(iris.from_local_path("dataset"))
    add = graph.add
    add((dataset, RDF.type, VOID.Dataset))
    add((dataset, RDF.type, DCAT.Dataset))
    for row in facts:
        if row.get("dataset") != dataset:
            continue
        for key, prop in (
            ("title", DCTERMS.title),
            ("description", DCTERMS.description),
            ("source", DCTERMS.source),
            ("licence", DCTERMS.license),
        ):
            if key in row:
                add((dataset, prop, row[key]))
        if "source" in row:
            add((dataset, PROV.wasDerivedFrom, row["source"]))
    add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
    add((dataset, VOID.uriSpace, Literal(iris.id_prefix)))
    for namespace in (PREFIXES["thb"], str(OWL), str(DCAT), PREFIXES["org"], PREFIXES["qb"]):
        add((dataset, VOID.vocabulary, URIRef(namespace)))
    service = BNode()
    add((dataset, DCAT.accessService, service))
    add((service, RDF.type, DCAT.DataService))
    add((service, DCAT.endpointURL, URIRef(endpoint)))
    add((service, DCAT.endpointDescription, URIRef(endpoint)))
    sizes = graph_sizes(store)
    add((dataset, VOID.triples, Literal(sum(sizes.values()), datatype=XSD.integer)))
    for name, size in sizes.items():
        subset = URIRef(name)
        add((dataset, VOID.subset, subset))
        add((subset, RDF.type, VOID.Dataset))
        add((subset, SD.name, subset))
        add((subset, VOID.triples, Literal(size, datatype=XSD.integer)))
    for media_type, url in dumps.items():
        add((dataset, VOID.dataDump, URIRef(url)))
        distribution = URIRef(url + "#distribution")
        add((dataset, DCAT.distribution, distribution))
        add((distribution, RDF.type, DCAT.Distribution))
        add((distribution, DCAT.downloadURL, URIRef(url)))
        add(
            (
                distribution,
                DCAT.mediaType,
                URIRef(f"https://www.iana.org/assignments/media-types/{media_type}"),
            )
        )
    return graph
