"""Answer pages: ``/questions/`` lists the questions the named queries answer, and
``/questions/{name}`` runs one and shows its answer in words (labels, dates, local links,
the sources and quotes), with the query one click away in the editor. ``?format=csv`` or
``json`` gives the answer as data."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response

from thb_graph.errors import NotFoundError
from thb_graph.pages.answers import Answer, Question, questions
from thb_graph.pages.answers import answer as run_question
from thb_graph.pages.entity import Namer
from thb_graph.web import http, pages, urls
from thb_graph.web.app_state import state

bp = Blueprint("answers", __name__, url_prefix="/questions")

ANSWER_EXTS = ("html", "csv")


def _questions() -> list[Question]:
    return questions(state().settings.queries_dir, pages.language().lang)


@bp.get("/")
def index() -> Response:
    """Every question, in plain words, each linking to its answer."""
    return pages.render_page("questions.html", questions=_questions())


def _find(name: str) -> Question:
    found = next((q for q in _questions() if q.name == name), None)
    if found is None:
        raise NotFoundError(f"no question named {name[:100]!r}")
    return found


def _cell_text(term: object) -> str:
    return "" if term is None else str(getattr(term, "text", term))


def _csv(answer: Answer) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.heading for c in answer.columns])
    for row in answer.rows:
        writer.writerow([_cell_text(cell) for cell in row])
    response = Response(out.getvalue(), mimetype="text/csv")
    return http.allow_reads_from_anywhere(response)


@bp.get("/<name>")
def answer(name: str) -> Response:
    """The answer to one question (``?format=csv`` for its table)."""
    name, ext = pages.split_extension(name)
    fmt, _ = pages.negotiate(ext, ANSWER_EXTS)
    question = _find(name)
    st = state()
    namer = Namer(st.iris, pages.language().lang, st.settings.default_language)
    result = run_question(st.store, question, namer)
    if fmt == "csv":
        return _csv(result)
    others = [q for q in _questions() if q.name != name]
    return pages.render_page(
        "answer.html",
        question=question,
        answer=result,
        editor_url=urls.page_url("endpoint.sparql", example=question.name),
        csv_url=pages.current_url(format="csv"),
        others=others[:8],
    )
