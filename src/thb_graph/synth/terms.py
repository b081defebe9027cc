"""The vocabulary of the synthetic data: IRIs, literals, term tables and the line writer."""

from __future__ import annotations

from typing import TextIO

from thb_graph.namespaces import DCTERMS, ELI, ORG, RDF, RDFS, THB

SYNTH_NAMESPACE = "https://w3id.org/thb-graph/synthetic/"
ID = SYNTH_NAMESPACE + "id/"
EU_COUNTRY = "http://publications.europa.eu/resource/authority/country/"
YEARS = range(2008, 2024)

A = f"<{RDF.type}>"
LABEL = f"<{RDFS.label}>"
SOURCE = f"<{DCTERMS.source}>"
SUB_ORG = f"<{ORG.subOrganizationOf}>"
COUNT = f"<{THB['count']}>"  # (THB.count would be str.count)
TITLE = f"<{ELI['title']}>"

SYLLABLES = [
    "al",
    "bor",
    "cas",
    "dor",
    "el",
    "far",
    "gan",
    "hel",
    "is",
    "jor",
    "kal",
    "lor",
    "mar",
    "nor",
    "os",
    "pel",
    "quin",
    "ros",
    "sel",
    "tor",
    "ul",
    "var",
    "wen",
    "zan",
]
#: (slug, English, French) of each scheme's concepts.
SCHEMES: dict[str, list[tuple[str, str, str]]] = {
    "exploitation-forms": [
        ("sexual-exploitation", "sexual exploitation", "exploitation sexuelle"),
        ("labour-exploitation", "labour exploitation", "exploitation par le travail"),
        ("domestic-servitude", "domestic servitude", "servitude domestique"),
        ("forced-begging", "forced begging", "mendicité forcée"),
        ("forced-criminality", "forced criminality", "criminalité forcée"),
    ],
    "sex": [("female", "female", "féminin"), ("male", "male", "masculin")],
    "age-groups": [("children", "children", "enfants"), ("adults", "adults", "adultes")],
    "statistical-units": [
        ("victims", "victims", "victimes"),
        ("prosecutions", "prosecutions", "poursuites"),
        ("convictions", "convictions", "condamnations"),
        ("persons", "persons", "personnes"),
        ("cases", "cases", "affaires"),
    ],
    "target-groups": [
        ("police-officers", "police officers", "policiers"),
        ("prosecutors", "prosecutors", "procureurs"),
        ("labour-inspectors", "labour inspectors", "inspecteurs du travail"),
    ],
    "support-types": [
        ("shelter", "shelter", "hébergement"),
        ("legal-counsel", "legal counsel", "conseil juridique"),
        ("medical-care", "medical care", "soins médicaux"),
    ],
    "legislative-status": [
        ("under-consideration", "under consideration", "en cours d'examen"),
        ("adopted", "adopted", "adopté"),
    ],
    "observation-levels": [
        ("total", "total", "total"),
        ("part", "part of a total", "partie d'un total"),
    ],
    "date-precision": [("year", "year", "année"), ("day", "day", "jour")],
    "date-basis": [("stated", "stated", "énoncée")],
}
#: Concepts whose skos:notation the shapes read (the level of an observation).
NOTATIONS = {"observation-levels": {"total", "part"}}

ORIGINS = [
    ("west-africa", "West Africa", "Afrique de l'Ouest"),
    ("eastern-europe", "Eastern Europe", "Europe de l'Est"),
    ("south-east-asia", "South-East Asia", "Asie du Sud-Est"),
    ("south-america", "South America", "Amérique du Sud"),
    ("domestic", "Domestic victims", "Victimes nationales"),
]
DATASETS = [
    ("victims-identified", "Trafficking victims identified", "victims"),
    ("victims-estimated", "Estimated number of trafficking victims", "victims"),
    ("prosecutions", "Prosecutions for trafficking", "prosecutions"),
    ("convictions", "Convictions for trafficking", "convictions"),
    ("cases-investigated", "Trafficking cases investigated", "cases"),
    ("persons-trained", "Persons trained on trafficking", "persons"),
]


def ref(kind: str, slug: str) -> str:
    """The IRI (in angle brackets) of synthetic entity ``slug`` of ``kind``."""
    return f"<{ID}{kind}/{slug}>"


def text(value: str, lang: str | None = None) -> str:
    """An N-Triples string literal, language-tagged when ``lang`` is given."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def typed(value: object, datatype: str) -> str:
    """An N-Triples typed literal."""
    return f'"{value}"^^<{datatype}>'


class Writer:
    """Buffers N-Triples lines and counts them."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0
        self._lines: list[str] = []
        #: The data set of each observation of the current year, for its parts.
        self.datasets: dict[str, str] = {}

    def add(self, s: str, p: str, o: str) -> None:
        """Write one triple of terms already in N-Triples syntax."""
        self._lines.append(f"{s} {p} {o} .\n")
        self.count += 1
        if len(self._lines) >= 10_000:
            self.flush()

    def labels(self, s: str, en: str, fr: str | None = None) -> None:
        """Write the English label of ``s``, and its French one when given."""
        self.add(s, LABEL, text(en, "en"))
        if fr:
            self.add(s, LABEL, text(fr, "fr"))

    def flush(self) -> None:
        """Write out the buffered lines."""
        self.out.write("".join(self._lines))
        self._lines.clear()
