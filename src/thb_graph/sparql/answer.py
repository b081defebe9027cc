"""One query request in, one serialised answer out: guard, negotiate, run, serialise.

This is the whole work of a query, and it runs inside a query worker process (see
``executor``), so the timeout bounds all of it: parsing, evaluation and serialisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection

from thb_graph.errors import QuerySyntaxError
from thb_graph.kg.store.base import Store, StoreOpener
from thb_graph.sparql import negotiate, results
from thb_graph.sparql.executor import Executor, serve_jobs
from thb_graph.sparql.guard import check_query, dataset_for
from thb_graph.sparql.protocol import QueryRequest

#: A graph IRI that is never in the store: the default graph when a request names only
#: named graphs (and vice versa), which the protocol says is then empty.
EMPTY_GRAPH = "urn:x-thb-graph:empty"


@dataclass(frozen=True)
class Answer:
    """A serialised query answer, ready to send."""

    body: bytes
    media_type: str
    kind: str
    truncated: bool
    count: int


def answer(store: Store, request: QueryRequest, *, max_rows: int) -> Answer:
    """Check, run and serialise ``request`` against ``store``.

    Raises QuerySyntaxError, QueryRejectedError, UnknownFormatError or StoreError.
    """
    checked = check_query(request.query)
    media_type = negotiate.choose(checked.kind, request.accept, request.format)
    has_dataset = any(
        (request.default_graphs, request.named_graphs, checked.from_graphs, checked.from_named)
    )
    default: list[str] | None = None
    named: list[str] | None = None
    if has_dataset:
        chosen_default, chosen_named = dataset_for(request, checked, store.graph_names())
        default = list(chosen_default) or [EMPTY_GRAPH]
        named = list(chosen_named) or [EMPTY_GRAPH]
    try:
        result = store.query(
            request.query, default_graphs=default, named_graphs=named, max_rows=max_rows
        )
    except QuerySyntaxError:
        # The query passed on its tokens; the full parse explains the error in the words
        # of the SPARQL grammar (and raises), else the store's own message stands.
        check_query(request.query, full=True)
        raise
    body = results.serialise(result, negotiate.canonical(media_type, checked.kind), cap=max_rows)
    count = len(result.triples) if result.kind == "graph" else result.row_count()
    return Answer(body, media_type, result.kind, result.truncated, count)


@dataclass(frozen=True)
class AnswerInWorker:
    """The job of a query worker that opens the store itself, read-only (picklable, so a
    fork server can start such workers)."""

    open_store: StoreOpener
    max_rows: int

    def __call__(self, request: QueryRequest) -> Answer:
        """Answer ``request`` from the store ``open_store`` opens."""
        return answer(self.open_store(), request, max_rows=self.max_rows)


@dataclass(frozen=True)
class AnswerReader:
    """What a reader thread of the store's copy in memory runs (picklable: it travels to
    the replica process, ``kg.store.replica``)."""

    max_rows: int

    def __call__(self, conn: Connection, store: Store, owner_pid: int) -> None:
        """Answer the requests arriving on ``conn`` from ``store``."""
        serve_jobs(conn, partial(answer, store, max_rows=self.max_rows), owner_pid, in_thread=True)


def query_pool(store: Store, *, workers: int, max_rows: int) -> Executor[QueryRequest, Answer]:
    """The pool of killable query processes over ``store``.

    A store with a copy in memory has its workers run as threads of the process holding the
    copy (they share it). A store another process can open is opened read-only by each worker,
    started from a clean fork server (forking the threaded server could copy a lock some
    thread holds); a store in memory is shared with plain forks of this process.
    """
    replica = store.memory_replica()
    if replica is not None:
        reader = AnswerReader(max_rows)
        return Executor(
            None,
            spawn=lambda conn: replica.spawn(conn, reader),
            stopped_on_purpose=replica.stopped_on_purpose,
            size=workers,
            version=store.version,
        )
    opener = store.read_only_opener()
    if opener is not None:
        return Executor(
            AnswerInWorker(opener, max_rows),
            size=workers,
            version=store.version,
            start="forkserver",
            preload=("thb_graph.sparql.answer", "thb_graph.kg.store"),
        )
    target = partial(answer, store, max_rows=max_rows)
    if store.reads_see_writes:  # a server: a fork's reads are live, and reading costs a trip
        return Executor(target, size=workers)
    return Executor(target, size=workers, version=store.version)
