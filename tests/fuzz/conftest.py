"""Fuzz suite fixtures: the caplog level, and the counts by outcome printed at the end of a run."""

import logging
from collections.abc import Iterator

import pytest

from tests.fuzz.budget import LONG, PROFILE
from tests.fuzz.oracle import OUTCOMES


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Capture the mock's own log (logger ``mockserver``) at WARNING and above."""
    caplog.set_level(logging.WARNING, logger="mockserver")
    yield caplog


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print how the fuzzed requests were answered (always with FUZZ_PROFILE=long, else with -v)."""
    if not OUTCOMES or not (LONG or terminalreporter.config.getoption("verbose") > 0):
        return
    total = sum(OUTCOMES.values())
    terminalreporter.section(f"fuzz outcomes ({PROFILE} profile): {total} requests")
    for label, count in sorted(OUTCOMES.items()):
        terminalreporter.write_line(f"{count:>8}  {label}")
    classes: dict[str, int] = {}
    for label, count in OUTCOMES.items():
        classes[label.split()[0]] = classes.get(label.split()[0], 0) + count
    terminalreporter.write_line("by status class: " + ", ".join(f"{k} {v}" for k, v in sorted(classes.items())))
