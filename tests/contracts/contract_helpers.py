"""Shared helpers for the contract tests: capture paths and violation filters."""

from pathlib import Path

from contracts.checks import Severity, Violation

__all__ = ["CAPTURES", "capture", "errors", "names"]

CAPTURES = Path(__file__).parents[1] / "fixtures_data" / "captures"


def capture(relative: str) -> bytes:
    """Return the raw bytes of a capture file."""
    return (CAPTURES / relative).read_bytes()


def errors(violations: list[Violation]) -> list[Violation]:
    """Keep error-severity violations only."""
    return [v for v in violations if v.severity is Severity.ERROR]


def names(violations: list[Violation]) -> set[str]:
    """Return the check names of the error-severity violations."""
    return {v.check for v in errors(violations)}
