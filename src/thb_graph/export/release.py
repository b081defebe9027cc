"""Make a release: a dated, versioned folder of every dump (gzip, SHA-256), its DCAT/VoID
description, and the change log against the release before it.

Everything is written into a hidden folder first and renamed into place last, so a failed
release leaves nothing that looks like one. Dumps are compressed with a fixed timestamp:
the same graph gives the same bytes and checksums.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from thb_graph.errors import ConfigError
from thb_graph.export import releases
from thb_graph.export.changelog import ChangeLog, compare, parse_nquads
from thb_graph.export.dump import FORMATS, export
from thb_graph.export.release_meta import describe_release
from thb_graph.export.releases import Release, ReleaseFile
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import Store


@dataclass(frozen=True)
class ReleaseResult:
    """The release written, and its change log (None for the first release)."""

    release: Release
    changes: ChangeLog | None


def make_release(
    store: Store,
    *,
    version: str,
    out: str | Path,
    base_iri: str,
    content_hash: str = "",
    issued: datetime.date | None = None,
) -> ReleaseResult:
    """Write release ``version`` of ``store`` under ``out`` (ConfigError when it exists)."""
    releases.parse_version(version)
    root = Path(out)
    known = releases.list_releases(root)
    if releases.find_release(known, version) is not None:
        raise ConfigError(f"release {version} already exists in {root}")
    previous = releases.previous_release(known, version)
    day = (issued or datetime.datetime.now(datetime.UTC).date()).isoformat()
    final = root / releases.folder_name(version, day)
    work = root / f".{final.name}.part"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        files, nquads = _write_dumps(store, work, version, base_iri)
        iris = Iris(base_iri)
        release = Release(
            version=version,
            issued=day,
            iri=releases.release_iri(base_iri, version),
            folder=final,
            content_hash=content_hash,
            graphs={name: store.count(name) for name in sorted(store.graph_names())},
            files=files,
            previous=previous.version if previous else None,
        )
        changes = _changes(previous, nquads, release, iris) if previous else None
        _write_changes(work, release, previous, changes)
        (work / releases.DESCRIPTION).write_bytes(
            describe_release(store, release, previous).serialize(format="turtle", encoding="utf-8")
        )
        manifest = json.dumps(release.to_json(), indent=2, ensure_ascii=False) + "\n"
        (work / releases.MANIFEST).write_text(manifest, encoding="utf-8")
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return ReleaseResult(releases.read_release(final), changes)


def _write_dumps(
    store: Store, folder: Path, version: str, base_iri: str
) -> tuple[list[ReleaseFile], bytes]:
    files: list[ReleaseFile] = []
    nquads = b""
    for fmt in FORMATS.values():
        data = export(store, fmt, base_iri=base_iri)
        if fmt.name == "nq":
            nquads = data
        name = f"{releases.FILE_STEM}-{version}.{fmt.extension}.gz"
        packed = gzip.compress(data, compresslevel=9, mtime=0)
        (folder / name).write_bytes(packed)
        digest = hashlib.sha256(packed).hexdigest()
        files.append(ReleaseFile(name, fmt.media_type, len(packed), digest, fmt.label, "gzip"))
    sums = "".join(f"{f.sha256}  {f.name}\n" for f in files)
    (folder / releases.CHECKSUMS).write_text(sums, encoding="utf-8")
    return files, nquads


def _changes(previous: Release, nquads: bytes, release: Release, iris: Iris) -> ChangeLog:
    old_file = previous.folder / f"{releases.FILE_STEM}-{previous.version}.nq.gz"
    try:
        old_data = gzip.decompress(old_file.read_bytes())
    except (OSError, EOFError) as e:
        raise ConfigError(f"cannot read the previous release's dump {old_file}: {e}") from e
    return compare(
        parse_nquads(old_data),
        parse_nquads(nquads),
        old_version=previous.version,
        new_version=release.version,
        derived_graphs=[iris.inferred_graph],
    )


def _write_changes(
    folder: Path, release: Release, previous: Release | None, changes: ChangeLog | None
) -> None:
    if previous is None or changes is None:
        text = f"# Changes in {release.version}\n\nThe first release: nothing to compare with.\n"
        (folder / releases.CHANGES_TEXT).write_text(text, encoding="utf-8")
        return
    (folder / releases.CHANGES_TEXT).write_text(changes.to_text(), encoding="utf-8")
    rdf = changes.to_rdf(release.iri + "/changes", previous.iri, release.iri, release.issued)
    (folder / releases.CHANGES_RDF).write_bytes(rdf)
