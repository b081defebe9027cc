"""Released versions on disk: where they live, how they are named, how they are found.

A release is a folder ``{root}/thb-graph-{version}_{date}`` holding the gzip-compressed dumps,
``SHA256SUMS``, ``release.ttl`` (its DCAT/VoID description), ``release.json`` (the same facts
for programs: this module reads only that), and the change log against the release before it.
Its persistent identifier, the version IRI, is ``{base}release/{version}``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from thb_graph.errors import ConfigError

MANIFEST = "release.json"
DESCRIPTION = "release.ttl"
CHECKSUMS = "SHA256SUMS"
CHANGES_RDF = "changes.trig"
CHANGES_TEXT = "CHANGES.md"
FILE_STEM = "thb-graph"

_VERSION = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


def parse_version(text: str) -> tuple[int, int, int]:
    """``"1.2.3"`` -> ``(1, 2, 3)``; ConfigError for anything but X.Y.Z."""
    found = _VERSION.match(text.strip())
    if not found:
        raise ConfigError(f"version {text[:40]!r} is not of the form X.Y.Z (e.g. 1.0.0)")
    major, minor, patch = (int(part) for part in found.groups())
    return major, minor, patch


def release_iri(base_iri: str, version: str) -> str:
    """The version IRI of a release: ``{base}release/{version}``."""
    return f"{base_iri}release/{version}"


def folder_name(version: str, issued: str) -> str:
    """The dated, versioned folder name of a release."""
    return f"{FILE_STEM}-{version}_{issued}"


@dataclass(frozen=True)
class ReleaseFile:
    """One file of a release, with what a downloader needs to check it."""

    name: str
    media_type: str
    size: int
    sha256: str
    label: str = ""
    encoding: str = ""


@dataclass(frozen=True)
class Release:
    """What ``release.json`` says about one release."""

    version: str
    issued: str
    iri: str
    folder: Path
    content_hash: str
    graphs: dict[str, int] = field(default_factory=dict)
    files: list[ReleaseFile] = field(default_factory=list)
    previous: str | None = None

    @property
    def key(self) -> tuple[int, int, int]:
        """The version as a sortable tuple."""
        return parse_version(self.version)

    def file(self, name: str) -> ReleaseFile | None:
        """The file called ``name``, if this release has one."""
        return next((f for f in self.files if f.name == name), None)

    def to_json(self) -> dict[str, Any]:
        """The manifest (``release.json``) of this release."""
        return {
            "version": self.version,
            "issued": self.issued,
            "iri": self.iri,
            "content_hash": self.content_hash,
            "previous": self.previous,
            "graphs": self.graphs,
            "files": [vars(f) for f in self.files],
        }


def read_release(folder: Path) -> Release:
    """The release in ``folder`` (ConfigError when its manifest is missing or broken)."""
    path = folder / MANIFEST
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        release = Release(
            version=str(raw["version"]),
            issued=str(raw["issued"]),
            iri=str(raw["iri"]),
            folder=folder,
            content_hash=str(raw.get("content_hash", "")),
            graphs={str(k): int(v) for k, v in raw.get("graphs", {}).items()},
            files=[ReleaseFile(**f) for f in raw.get("files", [])],
            previous=raw.get("previous"),
        )
        parse_version(release.version)
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ConfigError(f"cannot read the release manifest {path}: {e}") from e
    return release


def list_releases(root: str | Path) -> list[Release]:
    """Every release under ``root``, oldest version first (an absent root holds none).

    Folders without a manifest are ignored; a broken manifest is an error, never skipped.
    """
    folder = Path(root)
    if not folder.is_dir():
        return []
    found = [read_release(sub) for sub in sorted(folder.iterdir()) if (sub / MANIFEST).is_file()]
    return sorted(found, key=lambda r: r.key)


def find_release(releases: list[Release], version: str) -> Release | None:
    """The release of ``version`` among ``releases``."""
    return next((r for r in releases if r.version == version), None)


def previous_release(releases: list[Release], version: str) -> Release | None:
    """The newest release older than ``version``."""
    key = parse_version(version)
    older = [r for r in releases if r.key < key]
    return older[-1] if older else None
