"""Mint and parse the project's IRIs: entities, named graphs and the ontology. Nowhere else."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from thb_graph.errors import BadRequestError
from thb_graph.namespaces import DEFAULT_BASE_IRI

#: An absolute IRI that can be written between ``<`` and ``>`` as it is (RFC 3987 scheme,
#: none of the characters SPARQL and Turtle forbid in an IRI reference).
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*")
_SLUG_OK = re.compile(r"^[a-z0-9][a-z0-9-]*(?:/[a-z0-9][a-z0-9-]*)*$")


def slugify(text: str) -> str:
    """A readable, stable slug: ASCII lower case, words joined by '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@dataclass(frozen=True)
class Iris:
    """The IRI scheme under one base IRI."""

    base: str = DEFAULT_BASE_IRI

    @property
    def ontology(self) -> str:
        """The ontology namespace (terms are ``ontology#Term``)."""
        return self.base + "ontology#"

    @property
    def ontology_iri(self) -> str:
        """The IRI of the ontology document itself."""
        return self.base + "ontology"

    @property
    def id_prefix(self) -> str:
        """Prefix of every entity IRI."""
        return self.base + "id/"

    def entity(self, kind: str, slug: str) -> str:
        """The IRI of entity ``slug`` of kind ``kind``."""
        return f"{self.id_prefix}{kind}/{slug}"

    def graph(self, name: str) -> str:
        """The IRI of the named graph ``name`` (e.g. ``ontology``, ``data/actors``)."""
        return f"{self.base}graph/{name}"

    @property
    def ontology_graph(self) -> str:
        """The named graph holding the ontology."""
        return self.graph("ontology")

    @property
    def inferred_graph(self) -> str:
        """The named graph holding inferred statements."""
        return self.graph("inferred")

    @property
    def history_graph(self) -> str:
        """The named graph holding the PROV history of writes."""
        return self.graph("history")

    def posted_graph(self, token: str) -> str:
        """The IRI of a graph a Graph Store POST to the store itself creates."""
        return self.graph(f"posted/{token}")

    def data_graph(self, stem: str) -> str:
        """The named graph of the data file ``data/{stem}.ttl``."""
        return self.graph(f"data/{stem}")

    def is_local(self, iri: str) -> bool:
        """True when ``iri`` lies under the base."""
        return iri.startswith(self.base)

    def local_path(self, iri: str) -> str | None:
        """The part of ``iri`` after the base ('id/actor/ocrteh'), or None if not local."""
        return iri[len(self.base) :] if self.is_local(iri) else None

    def from_local_path(self, path: str) -> str:
        """The IRI for a path under the base (the inverse of :meth:`local_path`)."""
        return self.base + path.lstrip("/")

    def rebase(self, iri: str) -> str:
        """Move an IRI minted under the default base to this base (used when loading files)."""
        if self.base != DEFAULT_BASE_IRI and iri.startswith(DEFAULT_BASE_IRI):
            return self.base + iri[len(DEFAULT_BASE_IRI) :]
        return iri


def is_valid_slug(slug: str) -> bool:
    """True when ``slug`` is of the readable form the project mints."""
    return bool(_SLUG_OK.match(slug))


def is_absolute_iri(text: str) -> bool:
    """True when ``text`` is an absolute IRI that can stand between ``<`` and ``>`` as it is:
    the one check every IRI a client gives goes through."""
    return _ABSOLUTE_IRI.fullmatch(text) is not None


def checked_iri(text: str, what: str = "the value") -> str:
    """``text`` when it is an absolute IRI, else BadRequestError naming ``what``."""
    if not is_absolute_iri(text):
        raise BadRequestError(
            f'{what} is not an IRI (absolute, without spaces or <>"{{}}|^`\\): {text[:200]!r}'
        )
    return text
