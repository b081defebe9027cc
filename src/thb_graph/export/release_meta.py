"""The DCAT/VoID description of one release: its version IRI, date, licence, source, the
triples of each named graph, and every file with its size and SHA-256.

The release is a ``dcat:Dataset`` that is a version of the graph's dataset
(``dcat:isVersionOf``, ``dcat:version``, ``owl:versionIRI``) and follows the one before it
(``dcat:previousVersion``, ``prov:wasRevisionOf``). Title, licence and source are read from
the graph's own VoID description, never written here.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, VOID, XSD

from thb_graph.export.releases import CHANGES_RDF, CHANGES_TEXT, Release
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import SD

SPDX = "http://spdx.org/rdf/terms#"
#: DCAT 3 terms (rdflib's DCAT namespace stops at DCAT 2).
DCAT_VERSION = URIRef(str(DCAT) + "version")
DCAT_IS_VERSION_OF = URIRef(str(DCAT) + "isVersionOf")
DCAT_HAS_VERSION = URIRef(str(DCAT) + "hasVersion")
DCAT_PREVIOUS_VERSION = URIRef(str(DCAT) + "previousVersion")
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

_DATASET_QUERY = """
PREFIX void: <http://rdfs.org/ns/void#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?dataset ?title ?source ?licence WHERE {
  ?dataset a void:Dataset .
  OPTIONAL { ?dataset dct:title ?title }
  OPTIONAL { ?dataset dct:source ?source }
  OPTIONAL {
    { ?dataset dct:license ?licence } UNION { ?onto a owl:Ontology ; dct:license ?licence }
  }
} ORDER BY ?dataset LIMIT 20
"""


def dataset_facts(store: Store) -> tuple[URIRef | None, list[tuple[URIRef, Literal | URIRef]]]:
    """The graph's dataset IRI and its title, source and licence, as stated in the graph."""
    rows = store.query(_DATASET_QUERY).dicts()
    if not rows or not isinstance(rows[0].get("dataset"), URIRef):
        return None, []
    dataset = rows[0]["dataset"]
    facts: list[tuple[URIRef, Literal | URIRef]] = []
    for row in rows:
        if row.get("dataset") != dataset:
            continue
        for key, prop in (
            ("title", DCTERMS.title),
            ("source", DCTERMS.source),
            ("licence", DCTERMS.license),
        ):
            value = row.get(key)
            if isinstance(value, Literal | URIRef) and (prop, value) not in facts:
                facts.append((prop, value))
    return dataset, facts  # type: ignore[return-value]


def describe_release(store: Store, release: Release, previous: Release | None) -> Graph:
    """The DCAT/VoID graph of ``release``; its files are published under its version IRI."""
    graph = Graph(bind_namespaces="core")
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("void", VOID), ("prov", PROV)):
        graph.bind(prefix, ns)
    graph.bind("spdx", SPDX)
    graph.bind("sd", SD)
    node = URIRef(release.iri)
    add = graph.add
    add((node, RDF.type, DCAT.Dataset))
    add((node, RDF.type, VOID.Dataset))
    add((node, DCAT_VERSION, Literal(release.version)))
    add((node, OWL.versionInfo, Literal(release.version)))
    add((node, OWL.versionIRI, node))
    add((node, DCTERMS.issued, Literal(release.issued, datatype=XSD.date)))
    dataset, facts = dataset_facts(store)
    if dataset is not None:
        add((node, DCAT_IS_VERSION_OF, dataset))
        add((dataset, DCAT_HAS_VERSION, node))
    for prop, value in facts:
        add((node, prop, value))
        if prop == DCTERMS.source:
            add((node, PROV.wasDerivedFrom, value))
    if previous is not None:
        add((node, DCAT_PREVIOUS_VERSION, URIRef(previous.iri)))
        add((node, PROV.wasRevisionOf, URIRef(previous.iri)))
        add((node, DCTERMS.relation, URIRef(f"{release.iri}/{CHANGES_RDF}")))
        add((node, DCTERMS.relation, URIRef(f"{release.iri}/{CHANGES_TEXT}")))
    add((node, VOID.triples, Literal(sum(release.graphs.values()), datatype=XSD.integer)))
    for name, count in release.graphs.items():
        subset = BNode()
        add((node, VOID.subset, subset))
        add((subset, RDF.type, VOID.Dataset))
        add((subset, SD.name, URIRef(name)))
        add((subset, VOID.triples, Literal(count, datatype=XSD.integer)))
    for item in release.files:
        url = URIRef(f"{release.iri}/{item.name}")
        add((node, DCAT.distribution, url))
        add((node, VOID.dataDump, url))
        add((url, RDF.type, DCAT.Distribution))
        add((url, DCTERMS.title, Literal(f"{item.label} ({item.encoding})", lang="en")))
        add((url, DCAT.downloadURL, url))
        add((url, DCAT.mediaType, URIRef(MEDIA_TYPES + item.media_type)))
        add((url, DCAT.compressFormat, URIRef(MEDIA_TYPES + "application/gzip")))
        add((url, DCAT.byteSize, Literal(item.size, datatype=XSD.nonNegativeInteger)))
        checksum = BNode()
        add((url, URIRef(SPDX + "checksum"), checksum))
        add((checksum, RDF.type, URIRef(SPDX + "Checksum")))
        add((checksum, URIRef(SPDX + "algorithm"), URIRef(SPDX + "checksumAlgorithm_sha256")))
        add(
            (checksum, URIRef(SPDX + "checksumValue"), Literal(item.sha256, datatype=XSD.hexBinary))
        )
    return graph
