"""THB-shaped N-Triples in a vocabulary of their own, for measuring on data the project's
synthetic generator (and so its tuning) never saw.

A registry of organisations (``org:Organization``, units nested with
``org:subOrganizationOf``, labels in English and French through ``rdfs:label`` and
``skos:prefLabel``, a source each), cases, counts per year and region, and people, whose
other properties come from ``https://example.org/tv/`` and schema.org. Entities live under
``{base}{path}{kind}/{Name_n}``:

- ``mode="valid"``: ``path="resource/"``, every organisation sourced: it conforms;
- ``mode="unsourced"``: one organisation in six has no ``dct:source`` (one shape fails);
- ``mode="bad-iris"``: ``path="id/"`` with names in capitals and underscores, so every
  typed entity breaks the IRI shape (``/id/{kind}/{slug}`` in lower case): hundreds of
  thousands of failing candidate values in one check.
"""

from __future__ import annotations

import random
from pathlib import Path

BASE = "https://example.org/registry/"
TV = "https://example.org/tv/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
PREF = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
SOURCE = "<http://purl.org/dc/terms/source>"
ORG = "<http://www.w3.org/ns/org#Organization>"
SUB_ORG = "<http://www.w3.org/ns/org#subOrganizationOf>"
SOURCE_DOC = "<https://w3id.org/thb-graph/ontology#SourceDocument>"
SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
MODES = ("valid", "unsourced", "bad-iris")
WORDS = [
    "police",
    "justice",
    "aide",
    "victimes",
    "office",
    "bureau",
    "labour",
    "sexual",
    "forced",
    "begging",
    "crime",
    "border",
    "migration",
    "shelter",
    "social",
    "enquête",
]


def write_other_vocabulary(path: Path, *, triples: int, seed: int = 7, mode: str = "valid") -> int:
    """Write about ``triples`` triples to ``path``; the count written."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    rng = random.Random(seed)
    where = "id/" if mode == "bad-iris" else "resource/"
    lines: list[str] = []

    def iri(kind: str, n: int) -> str:
        name = f"{kind.capitalize()}_{n}" if mode == "bad-iris" else f"{kind}-{n}"
        return f"<{BASE}{where}{kind}/{name}>"

    def add(s: str, p: str, o: str) -> None:
        lines.append(f"{s} {p} {o} .\n")

    def text(value: str, lang: str) -> str:
        return f'"{value}"@{lang}'

    def typed(value: object, datatype: str) -> str:
        return f'"{value}"^^<{XSD}{datatype}>'

    sources = [iri("report", n) for n in range(20)]
    for n, s in enumerate(sources):
        add(s, RDF_TYPE, SOURCE_DOC)
        add(s, LABEL, text(f"Annual report {2000 + n}", "en"))
        add(s, "<http://purl.org/dc/terms/title>", text(f"Annual report {2000 + n}", "en"))
    regions = [iri("region", n) for n in range(50)]
    for n, r in enumerate(regions):
        add(r, RDF_TYPE, f"<{TV}Region>")
        add(r, LABEL, text(f"Region {n}", "en"))
        add(r, LABEL, text(f"Région {n}", "fr"))
    n = 0
    with open(path, "w", encoding="utf-8") as out:
        while len(lines) < triples:
            words = " ".join(rng.choice(WORDS) for _ in range(3))
            org = iri("organisation", n)
            add(org, RDF_TYPE, ORG)
            add(org, PREF, text(f"Agency {words} {n}", "en"))
            add(org, LABEL, text(f"Agence {words} {n}", "fr"))
            add(org, f"<{SCHEMA}foundingDate>", typed(1950 + n % 70, "gYear"))
            if mode != "unsourced" or n % 6:
                add(org, SOURCE, rng.choice(sources))
            if n % 10:
                add(org, SUB_ORG, iri("organisation", n - n % 10))
            case = iri("case", n)
            add(case, RDF_TYPE, f"<{TV}Case>")
            add(case, LABEL, text(f"Case {n}: {words}", "en"))
            add(case, f"<{TV}handledBy>", org)
            add(case, f"<{TV}region>", rng.choice(regions))
            add(case, f"<{TV}opened>", typed(f"20{10 + n % 14}-0{1 + n % 9}-1{n % 10}", "date"))
            count = iri("count", n)
            add(count, RDF_TYPE, f"<{TV}Count>")
            add(count, LABEL, text(f"Victims identified in region {n % 50}, {2000 + n % 24}", "en"))
            add(count, f"<{TV}year>", typed(2000 + n % 24, "gYear"))
            add(count, f"<{TV}value>", typed(rng.randint(0, 5000), "integer"))
            add(count, f"<{TV}region>", rng.choice(regions))
            add(count, f"<{TV}reportedIn>", rng.choice(sources))
            person = iri("person", n)
            add(person, RDF_TYPE, f"<{SCHEMA}Person>")
            add(person, f"<{SCHEMA}name>", text(f"Person {n}", "en"))
            add(person, f"<{SCHEMA}worksFor>", org)
            n += 1
            if len(lines) >= 50_000:
                out.write("".join(lines))
                triples -= len(lines)
                lines.clear()
        out.write("".join(lines))
    return sum(1 for _ in open(path, "rb"))
