"""The thin reference app the scale benchmark measures the server against: Flask and an
in-memory pyoxigraph store, nothing else (no guard, no cap, no cache, no worker processes).

Run: ``THIN_DATA=FILE.nt gunicorn -w 1 -k gthread --threads 8 --chdir bench thin_app:app``.
"""

from __future__ import annotations

import os

import pyoxigraph as ox
from flask import Flask, Response, request

FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPHS = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE}

store = ox.Store()
store.bulk_load(path=os.environ["THIN_DATA"], format=ox.RdfFormat.N_TRIPLES)
app = Flask(__name__)


@app.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    query = request.values.get("query", "")
    accept = request.headers.get("Accept", "")
    try:
        result = store.query(query, use_default_graph_as_union=True)
    except SyntaxError as e:
        return Response(str(e), 400, mimetype="text/plain")
    if isinstance(result, ox.QueryTriples):
        media = next((m for m in GRAPHS if m in accept), "application/n-triples")
        return Response(result.serialize(format=GRAPHS[media]), mimetype=media)
    media = next((m for m in FORMATS if m in accept), "application/sparql-results+json")
    return Response(result.serialize(format=FORMATS[media]), mimetype=media)


@app.route("/health")
def health() -> str:
    return "ok"
