"""Print outcomes: one table per suite with a row per manifest, totals, and the details."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from conformance_lib.runner import STATUSES, Outcome


@dataclass
class SuiteRun:
    """The outcomes of one top-level manifest, grouped by the manifest they come from."""

    name: str
    manifests: dict[str, list[Outcome]] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)

    def outcomes(self) -> list[Outcome]:
        """Every outcome of the suite, in manifest order."""
        return [o for group in self.manifests.values() for o in group]


def counts(outcomes: Sequence[Outcome]) -> Counter[str]:
    """How many outcomes have each status."""
    return Counter(o.status for o in outcomes)


def pass_rate(outcomes: Sequence[Outcome]) -> tuple[int, int]:
    """(passed, run): run counts every case that was not skipped."""
    tally = counts(outcomes)
    return tally["passed"], len(outcomes) - tally["skipped"]


def _percent(passed: int, run: int) -> str:
    return f"{100 * passed / run:5.1f}%" if run else "    -"


def print_suite(run: SuiteRun, out: TextIO) -> None:
    """The table of one suite: a row per manifest, then the total."""
    width = max([len("manifest"), *(len(n) for n in (*run.manifests, *run.missing))]) + 2
    header = f"{'manifest':<{width}}{'tests':>6}" + "".join(f"{s:>9}" for s in STATUSES)
    print(f"\n{run.name}", file=out)
    print(header + f"{'pass rate':>11}", file=out)
    print("-" * (len(header) + 11), file=out)
    for name, group in run.manifests.items():
        _row(name, group, width, out)
    for name, problem in run.missing.items():
        print(f"{name:<{width}}{'-':>6}  ({problem})", file=out)
    print("-" * (len(header) + 11), file=out)
    _row("total", run.outcomes(), width, out)


def _row(name: str, outcomes: Sequence[Outcome], width: int, out: TextIO) -> None:
    tally = counts(outcomes)
    cells = "".join(f"{tally[s]:>9}" for s in STATUSES)
    rate = _percent(*pass_rate(outcomes))
    print(f"{name:<{width}}{len(outcomes):>6}{cells}{rate:>11}", file=out)


def print_totals(runs: Sequence[SuiteRun], store: str, seconds: float, out: TextIO) -> None:
    """Totals over every suite, and why cases were skipped or refused."""
    every = [o for run in runs for o in run.outcomes()]
    tally = counts(every)
    passed, ran = pass_rate(every)
    print(
        f"\nall suites on store {store}: {len(every)} tests, "
        + ", ".join(f"{tally[s]} {s}" for s in STATUSES)
        + f"; pass rate {_percent(passed, ran).strip()} of {ran} run, in {seconds:.1f} s",
        file=out,
    )
    for status in ("skipped", "refused"):
        reasons = Counter(o.reason for o in every if o.status == status)
        if reasons:
            print(f"{status}:", file=out)
            for reason, n in reasons.most_common():
                print(f"  {n:>4}  {reason}", file=out)


def print_details(runs: Sequence[SuiteRun], out: TextIO, *, diff_lines: int = 40) -> None:
    """Each failed, errored or refused case with its reason and a diff."""
    for run in runs:
        for manifest, group in run.manifests.items():
            for o in group:
                if o.status in ("passed", "skipped"):
                    continue
                print(f"\n{o.status.upper()} {manifest} :: {o.case.name}", file=out)
                print(f"  test   {o.case.iri}", file=out)
                if o.case.query:
                    print(f"  query  {o.case.query}", file=out)
                if o.case.requires:
                    print(f"  needs  {', '.join(o.case.requires)}", file=out)
                print(f"  why    {o.reason}", file=out)
                for line in o.diff[:diff_lines]:
                    print(f"    {line}", file=out)
                if len(o.diff) > diff_lines:
                    print(f"    ... {len(o.diff) - diff_lines} more lines", file=out)


def write_json(runs: Sequence[SuiteRun], store: str, path: Path) -> None:
    """Every outcome as JSON, for comparing runs."""
    data = {
        "store": store,
        "suites": [
            {
                "suite": run.name,
                "tests": [
                    {
                        "manifest": manifest,
                        "test": o.case.iri,
                        "name": o.case.name,
                        "status": o.status,
                        "reason": o.reason,
                        "seconds": round(o.seconds, 4),
                    }
                    for manifest, group in run.manifests.items()
                    for o in group
                ],
            }
            for run in runs
        ],
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
