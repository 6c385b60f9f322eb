"""Hostile requests through a real uvicorn server, each on a keep-alive connection that must stay usable.

Fewer than in process (each costs a round trip), and only what a client can put on a request line: methods
llhttp parses (it refuses unknown tokens itself, with uvicorn's 400, before the app), percent-encoded targets.
"""

import logging
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given

from tests.conftest import RunningServer
from tests.fuzz.budget import fuzz_settings
from tests.fuzz.drive import assert_journal_readable, assert_quiet, over_the_wire
from tests.fuzz.inputs import Sent, admin_requests, hostile_requests
from tests.fuzz.wire import Connection


class _Collect(logging.Handler):
    """uvicorn's own loggers do not propagate to the root (its LOGGING_CONFIG): collect them here."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def fuzzed(start_server: Callable[..., RunningServer]) -> Iterator[RunningServer]:
    """A server of its own (a journal size no other test asks for), so hostile state never reaches other tests."""
    server = start_server(journal_size=997)
    yield server
    assert_journal_readable(server.core)


@pytest.fixture(scope="module")
def uvicorn_log() -> Iterator[_Collect]:
    handler = _Collect()
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


UNPARSED = {"FOO"}  # llhttp refuses an unknown method itself (uvicorn's 400), before the app; tested in process


def _send(server: RunningServer, sent: Sent, logs: pytest.LogCaptureFixture, uvicorn_log: _Collect) -> None:
    logs.clear()
    uvicorn_log.records.clear()
    connection = Connection(server.port)
    try:
        over_the_wire(connection, sent)
    finally:
        connection.close()
    assert_quiet(logs, sent)
    assert not uvicorn_log.records, uvicorn_log.records[0].getMessage()


@fuzz_settings(default=400, long=6_000)
@given(sent=hostile_requests(wire=True).filter(lambda s: s.method not in UNPARSED))
def test_providers_over_the_wire(
    fuzzed: RunningServer, sent: Sent, logs: pytest.LogCaptureFixture, uvicorn_log: _Collect
) -> None:
    _send(fuzzed, sent, logs, uvicorn_log)


@fuzz_settings(default=100, long=2_000)
@given(sent=admin_requests(wire=True, fixtures=False).filter(lambda s: s.method not in UNPARSED))
def test_admin_over_the_wire(
    fuzzed: RunningServer, sent: Sent, logs: pytest.LogCaptureFixture, uvicorn_log: _Collect
) -> None:
    _send(fuzzed, sent, logs, uvicorn_log)
