"""``contracts check`` severity: an undocumented value of an open enum is a warning (exit 0); ``--strict`` exits 1.

The drifted server answers like the faithful mock, but with a provider-native finish reason (``end_turn``) in
OpenRouter's normalised ``finish_reason`` (OR-DOCS overview §Finish reason: "Some models and providers may have
additional finish reasons"), or an unknown Bedrock ``stopReason``.
"""

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from contracts.cli import main
from contracts.registry import MOUNTS
from tests.drift.test_drift_detection import Mutate, chain, on_json, on_sse


def _run(tmp_path: Path, provider: str, root: str, *extra: str) -> tuple[int, dict[str, Any], ET.Element]:
    report, junit = tmp_path / "report.json", tmp_path / "junit.xml"
    code = main(["check", "--provider", provider, "--base-url", root + MOUNTS[provider], "--report", str(report),
                 "--junit", str(junit), "--quiet", "--max-requests", "12", *extra])  # fmt: skip
    return code, json.loads(report.read_text()), ET.fromstring(junit.read_text())


def _native_json(status: int, doc: dict[str, Any], headers: dict[str, str]) -> None:
    for choice in doc.get("choices", []):
        if choice.get("finish_reason") == "stop":
            choice["finish_reason"] = "end_turn"
    if doc.get("stopReason") == "end_turn":  # Bedrock Converse
        doc["stopReason"] = "refusal"


def _native_sse(body: bytes) -> bytes:
    return re.sub(rb'"finish_reason":"stop"', rb'"finish_reason":"end_turn"', body)


NATIVE = chain(on_json(_native_json), on_sse(_native_sse))
# Warnings the faithful mock itself still earns, each a mock deviation to fix (then drop it here: the switch-off
# test fails as soon as one is gone).
MOCK_WARNINGS: dict[str, dict[tuple[str, str, str], str]] = {}


def _by_severity(report: dict[str, Any], severity: str) -> set[tuple[str, str, str]]:
    return {(r["name"], v["check"], v["path"]) for r in report["results"] for v in r["violations"]
            if v["severity"] == severity}  # fmt: skip


@pytest.mark.parametrize(
    ("provider", "expected"),
    [
        ("openrouter", {("example:chat", "enum.open", "$.choices[0].finish_reason")}),
        ("bedrock", {("example:converse", "enum.open", "$.stopReason")}),
    ],
)
def test_undocumented_value_is_a_warning_then_strict_drift(
    provider: str, expected: set[tuple[str, str, str]], drifted: Callable[[Mutate], str], tmp_path: Path
) -> None:
    root = drifted(NATIVE)
    code, report, junit = _run(tmp_path, provider, root)
    assert code == 0 and report["passed"] and not report["strict"]
    assert expected <= _by_severity(report, "warning")
    assert _by_severity(report, "error") == set()  # reported, not drift
    assert report["summary"]["warnings"] >= 1 and junit.get("failures") == "0"

    code, report, junit = _run(tmp_path, provider, root, "--strict")
    assert code == 1 and not report["passed"] and report["strict"]
    known = {check for _, check, _ in MOCK_WARNINGS.get(provider, {})}
    assert set(report["summary"]["drifted_checks"]) - known == {"enum.open"}  # the warnings alone failed the run
    assert _by_severity(report, "error") == set()
    assert int(junit.get("failures") or 0) == report["summary"]["failed"] >= 1


def test_stream_chunks_warn_too(drifted: Callable[[Mutate], str], tmp_path: Path) -> None:
    code, report, _ = _run(tmp_path, "openrouter", drifted(NATIVE))
    assert code == 0
    assert any(name == "example:chat-stream" and check == "enum.open"
               for name, check, _ in _by_severity(report, "warning"))  # fmt: skip


@pytest.mark.parametrize("provider", ["openrouter", "aimlapi", "bedrock"])
def test_strict_passes_the_faithful_mock(provider: str, drifted: Callable[[Mutate], str], tmp_path: Path) -> None:
    """Switch-off: --strict alone fails nothing but the faithful mock's own known warnings."""
    code, report, _ = _run(tmp_path, provider, drifted(lambda path, status, headers, body: (status, headers, body)),
                           "--strict")  # fmt: skip
    known = set(MOCK_WARNINGS.get(provider, {}))
    assert (_by_severity(report, "warning"), _by_severity(report, "error")) == (known, set())
    assert code == (1 if known else 0)
    code, report, _ = _run(tmp_path, provider, drifted(lambda path, status, headers, body: (status, headers, body)))
    assert code == 0 and report["passed"]  # without --strict the same warnings are reported only


def test_wrong_type_stays_an_error_without_strict(drifted: Callable[[Mutate], str], tmp_path: Path) -> None:
    def wrong(status: int, doc: dict[str, Any], headers: dict[str, str]) -> None:
        for choice in doc.get("choices", []):
            choice["finish_reason"] = 5

    code, report, _ = _run(tmp_path, "openrouter", drifted(on_json(wrong)))
    assert code == 1
    assert ("example:chat", "schema", "$.choices[0].finish_reason") in _by_severity(report, "error")
