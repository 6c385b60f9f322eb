"""Check results as values, and their three renderings: a summary, a JSON report and JUnit XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from contracts.checks import Severity, Violation, failing

__all__ = ["Report", "Result", "redact"]


@dataclass(frozen=True, slots=True)
class Result:
    """One case sent to the target and the violations its answer showed."""

    name: str
    """E.g. ``example:chat-stream`` or ``property:invalid:chat-request#3``."""
    kind: str
    """``example`` or ``property``."""
    operation: str
    request: Any
    """The JSON body sent (no headers: credentials never enter a result)."""
    expected: str
    """What the contract expects, e.g. ``2xx chat-stream`` or ``400 error``."""
    status: int
    violations: tuple[Violation, ...]
    label: str | None = None
    """For an invalid request: the field and rule it breaks."""
    strict: bool = False
    """Warnings fail this result too (``contracts check --strict``)."""

    @property
    def errors(self) -> list[Violation]:
        """The error-severity violations: drift."""
        return [v for v in self.violations if v.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Violation]:
        """The warning-severity violations: reported, drift only in a strict run."""
        return [v for v in self.violations if v.severity is Severity.WARNING]

    @property
    def failures(self) -> list[Violation]:
        """What fails this result: the errors, and the warnings when strict."""
        return failing(self.violations, strict=self.strict)

    @property
    def passed(self) -> bool:
        """True when nothing drifted."""
        return not self.failures


@dataclass(slots=True)
class Report:
    """Everything one ``contracts check`` run found."""

    provider: str
    base_url: str
    live: bool
    model: str
    seed: int
    max_requests: int
    results: list[Result] = field(default_factory=list)
    requests_sent: int = 0
    property_examples: int = 0
    strict: bool = False
    """Warnings fail the run too."""

    @property
    def passed(self) -> bool:
        """True when no result has a failing violation (an error; a warning too when strict)."""
        return all(r.passed for r in self.results)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data: no credentials, no timings, no volatile response values."""
        failed = [r for r in self.results if not r.passed]
        return {
            "provider": self.provider,
            "base_url": self.base_url,
            "live": self.live,
            "model": self.model,
            "seed": self.seed,
            "max_requests": self.max_requests,
            "requests_sent": self.requests_sent,
            "strict": self.strict,
            "passed": self.passed,
            "summary": {
                "cases": len(self.results),
                "failed": len(failed),
                "examples": sum(r.kind == "example" for r in self.results),
                "properties": sum(r.kind == "property" for r in self.results),
                "errors": sum(len(r.errors) for r in self.results),
                "warnings": sum(len(r.warnings) for r in self.results),
                "drifted_checks": sorted({v.check for r in failed for v in r.failures}),
            },
            "results": [
                {
                    "name": r.name,
                    "kind": r.kind,
                    "operation": r.operation,
                    "expected": r.expected,
                    "status": r.status,
                    "passed": r.passed,
                    "label": r.label,
                    "request": r.request,
                    "violations": [
                        {"check": v.check, "path": v.path, "message": v.message, "severity": str(v.severity)}
                        for v in r.violations
                    ],
                }
                for r in self.results
            ],
        }

    def to_json(self, secrets: list[str]) -> str:
        """The JSON report, with any credential string redacted as a last line of defence."""
        return redact(json.dumps(self.to_dict(), indent=2, ensure_ascii=False, default=repr), secrets) + "\n"

    def to_junit(self, secrets: list[str]) -> str:
        """JUnit XML: one testsuite per run, one testcase per result, a failure per drifted case."""
        suite = ET.Element(
            "testsuite",
            name=f"contracts.{self.provider}",
            tests=str(len(self.results)),
            failures=str(sum(not r.passed for r in self.results)),
            errors="0",
            skipped="0",
        )
        for r in self.results:
            case = ET.SubElement(suite, "testcase", classname=f"contracts.{self.provider}.{r.kind}", name=r.name)
            if not r.passed:
                message = f"{len(r.failures)} contract violation(s)"
                failure = ET.SubElement(case, "failure", message=message, type="drift")
                failure.text = "\n".join(str(v) for v in r.failures)
            elif r.violations:
                out = ET.SubElement(case, "system-out")
                out.text = "\n".join(str(v) for v in r.violations)
        body = ET.tostring(suite, encoding="unicode")
        return redact('<?xml version="1.0" encoding="utf-8"?>\n' + body, secrets) + "\n"

    def summary(self, secrets: list[str]) -> str:
        """A readable summary: one line per case, then each error and warning with its check and path."""
        lines = [f"contracts check: {self.provider} at {self.base_url} ({'LIVE' if self.live else 'not live'}), "
                 f"model {self.model}, seed {self.seed}{', strict: warnings fail' if self.strict else ''}"]  # fmt: skip
        for r in self.results:
            mark = "ok  " if r.passed else "FAIL"
            label = f" [{r.label}]" if r.label else ""
            lines.append(f"  {mark} {r.name:34} {r.status:>3} (expected {r.expected}){label}")
            lines.extend(f"         {v}" for v in r.errors + r.warnings)
        failed = sum(not r.passed for r in self.results)
        warnings = sum(len(r.warnings) for r in self.results)
        lines.append(
            f"{len(self.results)} cases ({self.property_examples} property examples), {self.requests_sent} requests; "
            + (f"{failed} drifted" if failed else "no drift")
            + (f"; {warnings} warning{'s' if warnings != 1 else ''}" if warnings else "")
        )
        return redact("\n".join(lines), secrets)


def redact(text: str, secrets: list[str]) -> str:
    """Replace every credential string in ``text`` by ``***``."""
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 4:
            text = text.replace(secret, "***")
    return text
