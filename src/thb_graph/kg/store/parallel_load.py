"""Bulk-load line-based RDF (N-Triples, N-Quads) on every core.

pyoxigraph's bulk loader parses and sorts on one core and releases the GIL while it works,
so a large N-Triples or N-Quads file loads about twice as fast on two cores when it is cut
at line ends and its parts are loaded by threads at once. A line holds a whole statement in
these formats, with one exception that matters: a blank node label names the same node only
within one load call (pyoxigraph renames blank nodes per call), so every line that may hold a
blank node travels in one part.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

#: Below this size one call is as fast as several (thread start-up and sorting dominate).
MIN_PARALLEL_BYTES = 4 * 1024 * 1024

#: More parts than cores only adds sorting work.
MAX_PARTS = 4


def parts_for(size: int, cores: int | None = None) -> int:
    """How many parts to cut ``size`` bytes into: 1 when small or on one core."""
    cores = cores if cores is not None else (os.cpu_count() or 1)
    if size < MIN_PARALLEL_BYTES:
        return 1
    return max(1, min(cores, MAX_PARTS))


def split_lines(data: bytes, parts: int) -> list[bytes]:
    """Cut ``data`` at line ends into at most ``parts`` non-empty pieces of similar size.

    Lines that may hold a blank node (any ``_:`` in them) are gathered into one extra piece,
    so a blank node's statements are loaded by one call. Nothing is lost or repeated: the
    pieces hold exactly the lines of ``data``.
    """
    if parts <= 1 or not data:
        return [data] if data else []
    blank_lines: list[bytes] = []
    if b"_:" in data:
        plain: list[bytes] = []
        for line in data.splitlines(keepends=True):
            (blank_lines if b"_:" in line else plain).append(line)
        data = b"".join(plain)
    pieces: list[bytes] = []
    start = 0
    for i in range(1, parts + 1):
        if start >= len(data):
            break
        if i == parts:
            end = len(data)
        else:
            cut = data.find(b"\n", max(start, len(data) * i // parts))
            end = len(data) if cut < 0 else cut + 1
        pieces.append(data[start:end])
        start = end
    if blank_lines:
        pieces.append(b"".join(blank_lines))
    return [p for p in pieces if p]


def load_parts(load: Callable[[bytes], None], pieces: list[bytes]) -> None:
    """Call ``load`` on each piece, in threads when there are several; the first error
    raised by any of them is raised here once all have finished."""
    if len(pieces) <= 1:
        for piece in pieces:
            load(piece)
        return
    with ThreadPoolExecutor(max_workers=len(pieces)) as pool:
        futures = [pool.submit(load, piece) for piece in pieces]
        errors = [f.exception() for f in futures]
    for error in errors:
        if error is not None:
            raise error
