"""Verification reports: a terminal table, and JSON, Markdown and JUnit XML files."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path

from verify.context import FAILED, PASSED, PREEXISTING, SKIPPED, StepResult

SYMBOL = {PASSED: "ok", FAILED: "FAIL", SKIPPED: "skip", PREEXISTING: "pre"}


@dataclass
class ServiceRun:
    service: str
    results: list[StepResult] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(r.status == FAILED for r in self.results)

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.results)


def _steps(runs: list[ServiceRun]) -> list[str]:
    """Every step any run has, in the order they ran (a row may have only some of them)."""
    steps: list[str] = []
    for run in runs:
        steps += [r.step for r in run.results if r.step not in steps]
    return steps


def table(runs: list[ServiceRun]) -> str:
    steps = _steps(runs)
    width = max([len(r.service) for r in runs] + [7])
    lines = [f"{'service':<{width}}  " + "  ".join(f"{s:<9}" for s in steps) + "  total"]
    for run in runs:
        by_step = {r.step: r for r in run.results}
        cells = "  ".join(
            f"{SYMBOL[r.status] + f' {r.seconds:.1f}s':<9}" if (r := by_step.get(s)) else f"{'-':<9}" for s in steps
        )
        lines.append(f"{run.service:<{width}}  {cells}  {run.seconds:.1f}s")
    return "\n".join(lines)


def preexisting(runs: list[ServiceRun]) -> list[str]:
    """Steps that fail on the baseline already, with their cause."""
    return [f"{run.service} {r.step}: {r.message}" for run in runs for r in run.results if r.status == PREEXISTING]


def failures(runs: list[ServiceRun]) -> list[str]:
    out = []
    for run in runs:
        for r in run.results:
            if r.status == FAILED:
                out.append(f"{run.service} {r.step}: {r.message}")
    return out


def markdown(runs: list[ServiceRun]) -> str:
    steps = _steps(runs)
    icon = {PASSED: "✅", FAILED: "❌", SKIPPED: "⏭️", PREEXISTING: "🟨"}
    lines = ["# Verification", "", "| service | " + " | ".join(steps) + " | total |", "|---" * (len(steps) + 2) + "|"]
    for run in runs:
        by_step = {r.step: r for r in run.results}
        cells = " | ".join(f"{icon[r.status]} {r.seconds:.1f}s" if (r := by_step.get(s)) else "-" for s in steps)
        lines.append(f"| {run.service} | {cells} | {run.seconds:.1f}s |")
    problems = [(run.service, r) for run in runs for r in run.results if r.status != PASSED]
    if problems:
        lines += ["", "## Failed, pre-existing and skipped steps", ""]
        for service, r in problems:
            lines.append(f"- **{service} {r.step}** ({r.status}): {r.message}")
            lines.extend(f"  - {d}" for d in r.details[:20])
    return "\n".join(lines) + "\n"


# Characters XML 1.0 cannot hold (ANSI escapes from a container log, NULs...): a report
# that an XML parser rejects is a report CI cannot show.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("?", _ANSI.sub("", text))


def junit(runs: list[ServiceRun]) -> str:
    suites = ET.Element("testsuites")
    for run in runs:
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=f"verify-{run.service}",
            tests=str(len(run.results)),
            failures=str(sum(r.status == FAILED for r in run.results)),
            skipped=str(sum(r.status == SKIPPED for r in run.results)),
            time=f"{run.seconds:.3f}",
        )
        for r in run.results:
            case = ET.SubElement(
                suite, "testcase", classname=f"verify.{run.service}", name=r.step, time=f"{r.seconds:.3f}"
            )
            if r.status == FAILED:
                failure = ET.SubElement(case, "failure", message=xml_text(r.message))
                failure.text = xml_text("\n".join(r.details))
            elif r.status in {SKIPPED, PREEXISTING}:
                ET.SubElement(case, "skipped", message=xml_text(f"{r.status}: {r.message}"))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def write(runs: list[ServiceRun], directory: Path, name: str = "verify") -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = {
        directory / f"{name}.json": json.dumps([asdict(r) for r in runs], indent=2) + "\n",
        directory / f"{name}.md": markdown(runs),
        directory / f"{name}.junit.xml": junit(runs),
    }
    for path, text in paths.items():
        path.write_text(text, encoding="utf-8")
    return list(paths)
