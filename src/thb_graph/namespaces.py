"""Every prefix the project uses, declared once."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    TIME,
    VOID,
    XSD,
)

#: The default base under which every entity, graph and the ontology are minted.
DEFAULT_BASE_IRI = "https://w3id.org/thb-graph/"

THB = Namespace(DEFAULT_BASE_IRI + "ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
QB = Namespace("http://purl.org/linked-data/cube#")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
EU_COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
EU_CURRENCY = Namespace("http://publications.europa.eu/resource/authority/currency/")
DCTYPE = Namespace("http://purl.org/dc/dcmitype/")

#: Prefix -> namespace, in the order shown to users (query editor, Turtle exports).
PREFIXES: dict[str, str] = {
    "thb": str(THB),
    "thbid": DEFAULT_BASE_IRI + "id/",
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "schema": str(SDO),
    "org": str(ORG),
    "eli": str(ELI),
    "qb": str(QB),
    "sdmx-dimension": str(SDMX_DIMENSION),
    "sdmx-measure": str(SDMX_MEASURE),
    "prov": str(PROV),
    "time": str(TIME),
    "sh": str(SH),
    "void": str(VOID),
    "dcat": str(DCAT),
    "sd": str(SD),
}

__all__ = [
    "DCAT",
    "DCTERMS",
    "DCTYPE",
    "DEFAULT_BASE_IRI",
    "ELI",
    "EU_COUNTRY",
    "EU_CURRENCY",
    "FOAF",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "QB",
    "RDF",
    "RDFS",
    "SD",
    "SDMX_ATTRIBUTE",
    "SDMX_DIMENSION",
    "SDMX_MEASURE",
    "SDO",
    "SH",
    "SKOS",
    "THB",
    "TIME",
    "VOID",
    "XSD",
]
