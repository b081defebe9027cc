"""How to cite the graph or one of its pages: what the data say about the dataset (title,
version, licence, release date, the date its facts run up to) and the citation built from it
as plain text, BibTeX and CSL-JSON.

Everything comes from the store (the ``void:Dataset``, the ontology's version and licence,
the latest ``thb:asOf``); what the data do not say is ``None`` and is shown as unknown,
never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass
from typing import Any

from thb_graph.kg.store.base import Store

_INFO_QUERY = """
PREFIX void: <http://rdfs.org/ns/void#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX thb: <%(thb)s>
SELECT ?dataset ?title ?licence ?ontoLicence ?version ?issued ?asOf WHERE {
  { ?dataset a void:Dataset . OPTIONAL { ?dataset dct:title ?title }
    OPTIONAL { ?dataset dct:license ?licence } OPTIONAL { ?dataset dct:issued ?issued } }
  UNION { ?onto a owl:Ontology . OPTIONAL { ?onto owl:versionInfo ?version }
    OPTIONAL { ?onto dct:license ?ontoLicence } }
  UNION { [] thb:asOf ?stated . OPTIONAL { ?stated thb:year ?year }
          BIND (COALESCE(?year, ?stated) AS ?asOf) }
}
"""

#: Readable names of the licences the data may name.
LICENCE_NAMES = {
    "https://creativecommons.org/licenses/by/4.0/": "CC BY 4.0",
    "http://creativecommons.org/licenses/by/4.0/": "CC BY 4.0",
}


@dataclass(frozen=True)
class DatasetInfo:
    """What a citation of the graph needs; ``None`` where the data say nothing."""

    title: str
    iri: str | None
    version: str | None
    licence: str | None
    issued: str | None
    facts_until: str | None

    @property
    def licence_name(self) -> str | None:
        """``CC BY 4.0`` for the CC BY 4.0 address (the address itself otherwise)."""
        return None if self.licence is None else LICENCE_NAMES.get(self.licence, self.licence)


def dataset_info(store: Store, thb_namespace: str, fallback_title: str) -> DatasetInfo:
    """The dataset description the data give (one query)."""
    rows = store.query(_INFO_QUERY % {"thb": thb_namespace}).dicts()
    found: dict[str, list[str]] = {}
    for row in rows:
        for key, node in row.items():
            if node is not None:
                found.setdefault(key, []).append(str(node))
    years = sorted(v[:4] for v in found.get("asOf", []) if v[:4].isdigit())

    def first(key: str) -> str | None:
        values = sorted(set(found.get(key, [])))
        return values[0] if values else None

    return DatasetInfo(
        title=first("title") or fallback_title,
        iri=first("dataset"),
        version=first("version"),
        licence=first("licence") or first("ontoLicence"),
        issued=first("issued"),
        facts_until=years[-1] if years else None,
    )


class InfoCache:
    """The DatasetInfo of one store version (thread-safe, rebuilt when the store changes)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, str] | None = None
        self._info: DatasetInfo | None = None

    def get(self, store: Store, thb_namespace: str, fallback_title: str) -> DatasetInfo:
        """The cached description, read again after the store changed."""
        key = (id(store), store.version())
        with self._lock:
            if self._info is None or self._key != key:
                self._info = dataset_info(store, thb_namespace, fallback_title)
                self._key = key
            return self._info


@dataclass(frozen=True)
class Citation:
    """A citation of the graph, or of one page of it (``page_title`` and ``address``)."""

    info: DatasetInfo
    address: str
    accessed: dt.date
    page_title: str | None = None

    def text(self, unknown: str = "release date unknown") -> str:
        """One line for a footnote or a bibliography."""
        parts = []
        if self.page_title:
            parts.append(f"\u201c{self.page_title}\u201d, in")
        parts.append(f"{self.info.title}.")
        if self.info.version:
            parts.append(f"Version {self.info.version},")
        parts.append(f"released {self.info.issued}." if self.info.issued else f"{unknown}.")
        if self.info.licence_name:
            parts.append(f"Licence {self.info.licence_name}.")
        parts.append(f"{self.address} (accessed {self.accessed.isoformat()}).")
        return " ".join(parts)

    def key(self) -> str:
        """A BibTeX key made from the address."""
        slug = re.sub(r"[^A-Za-z0-9]+", "-", self.address.rstrip("/").rsplit("/", 1)[-1])
        return "thb-graph" + (f"-{slug.strip('-')}" if self.page_title and slug else "")

    def bibtex(self) -> str:
        """A ``@misc`` entry (``year`` only when the release date is known)."""
        title = f"{self.page_title} (in {self.info.title})" if self.page_title else self.info.title
        fields = [("title", "{" + _bib_escape(title) + "}")]
        if self.info.version:
            fields.append(("version", self.info.version))
        if self.info.issued:
            fields.append(("year", self.info.issued[:4]))
        fields.append(("howpublished", "\\url{" + self.address + "}"))
        fields.append(("url", self.address))
        fields.append(("urldate", self.accessed.isoformat()))
        if self.info.licence_name:
            fields.append(("note", "Licence " + _bib_escape(self.info.licence_name)))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@misc{{{self.key()},\n{body}\n}}"

    def csl(self) -> dict[str, Any]:
        """A CSL-JSON item (``issued`` only when the release date is known)."""
        item: dict[str, Any] = {
            "id": self.key(),
            "type": "dataset",
            "title": self.page_title or self.info.title,
            "URL": self.address,
            "accessed": {"date-parts": [[self.accessed.year, self.accessed.month,
                                         self.accessed.day]]},
        }  # fmt: skip
        if self.page_title:
            item["container-title"] = self.info.title
        if self.info.version:
            item["version"] = self.info.version
        if self.info.issued and self.info.issued[:4].isdigit():
            item["issued"] = {"date-parts": [[int(p) for p in self.info.issued[:10].split("-")]]}
        if self.info.licence:
            item["license"] = self.info.licence
        return item


def _bib_escape(text: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", text)


def schema_dataset(
    info: DatasetInfo, address: str, description: str, downloads: list[tuple[str, str]]
) -> dict[str, Any]:
    """A schema.org ``Dataset`` (JSON-LD) for search engines and reference managers;
    ``downloads`` are (URL, media type) pairs."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": info.title,
        "description": description,
        "url": address,
        "isAccessibleForFree": True,
    }
    if info.iri:
        data["@id"] = info.iri
    if info.version:
        data["version"] = info.version
    if info.licence:
        data["license"] = info.licence
    if info.issued:
        data["datePublished"] = info.issued
    if info.facts_until:
        data["temporalCoverage"] = f"../{info.facts_until}"
    if downloads:
        data["distribution"] = [
            {"@type": "DataDownload", "contentUrl": url, "encodingFormat": media_type}
            for url, media_type in downloads
        ]
    return data
