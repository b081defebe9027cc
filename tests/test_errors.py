"""Domain errors cross a process boundary intact, and load refusals share one parent."""

from __future__ import annotations

import pickle

import pytest
from rdflib import Graph, Literal, URIRef

from thb_graph import errors as e
from thb_graph.kg.shacl.report import ValidationReport, ValidationResult
from thb_graph.namespaces import SH

FOCUS = URIRef("https://w3id.org/thb-graph/id/actor/x")


def _report() -> ValidationReport:
    graph = Graph()
    graph.add((URIRef("urn:result"), SH.focusNode, FOCUS))
    result = ValidationResult(FOCUS, None, "needs a label", "Violation", None, Literal(1), "a.ttl")
    return ValidationReport(conforms=False, text="Does not conform", graph=graph, results=[result])


@pytest.mark.parametrize(
    "error",
    [
        e.QuerySyntaxError("bad", line=3, column=7),
        e.RdfSyntaxError("bad turtle", line=1, column=2),
        e.ServerBusyError("busy", retry_after=5),
        e.QueryTimeoutError("too slow"),
        e.ThbGraphError("plain", details=["one", "two"]),
        e.ShapeViolationError("refused", report=_report()),
    ],
    ids=lambda err: type(err).__name__,
)
def test_an_error_pickles_with_everything_it_carries(error: e.ThbGraphError) -> None:
    back = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(back) is type(error)
    assert back.message == error.message == str(back)
    for name, value in vars(error).items():
        if name != "report":
            assert getattr(back, name) == value, name


def test_a_refused_writes_report_comes_back_as_data() -> None:
    error = e.ShapeViolationError("refused", report=_report())
    back = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert back.report.results == error.report.results
    assert (URIRef("urn:result"), SH.focusNode, FOCUS) in back.report.graph
    assert back.report.violations[0].message == "needs a label"


def test_timeouts_and_busy_refusals_are_both_refused_for_load() -> None:
    assert issubclass(e.QueryTimeoutError, e.OverloadedError)
    assert issubclass(e.ServerBusyError, e.OverloadedError)
    assert not issubclass(e.OverloadedError, e.BadRequestError)
