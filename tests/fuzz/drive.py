"""Sending a fuzzed request through a transport, and the checks that follow every one: log and journal."""

import logging

import pytest

from mockserver.core import MockCore
from mockserver.http import MockRequest
from tests.fuzz.inputs import Sent
from tests.fuzz.oracle import Answer, check, strict_json
from tests.fuzz.wire import Connection

__all__ = ["assert_journal_readable", "assert_quiet", "in_process", "over_the_wire"]


def assert_quiet(logs: pytest.LogCaptureFixture, sent: Sent) -> None:
    """No warning, error or traceback was logged while answering ``sent``."""
    loud = [r for r in logs.records if r.levelno >= logging.WARNING or r.exc_info]
    assert not loud, f"{sent.method} {sent.target[:200]!r} logged: {loud[0].getMessage()}\n{logs.text[-3000:]}"


def in_process(core: MockCore, sent: Sent, logs: pytest.LogCaptureFixture) -> tuple[str, Answer]:
    """Answer ``sent`` with ``core.handle`` (no socket) and check it; returns the outcome and the answer."""
    logs.clear()
    response = core.handle(MockRequest.build(sent.method, sent.target, sent.headers, sent.body))
    assert_quiet(logs, sent)
    answer = Answer(response.status, {k.lower(): v for k, v in response.headers.items()}, response.content())
    return check(sent, answer, core.config.root_provider), answer


def over_the_wire(connection: Connection, sent: Sent) -> str:
    """Send ``sent`` on a keep-alive connection, check the answer, then check the connection still answers."""
    answer = connection.request(sent.method, sent.target, sent.headers, sent.body)
    outcome = check(sent, answer)
    after = connection.request("GET", "/__admin/health", {})
    assert after.status == 200, f"the connection answered {after.status} after {sent.method} {sent.target[:100]!r}"
    return outcome


def assert_journal_readable(core: MockCore) -> None:
    """``GET /__admin/requests`` answers 200 with strict JSON (no NaN, UTF-8) that lists every kept entry."""
    response = core.handle(MockRequest.build("GET", "/__admin/requests", {}))
    assert response.status == 200, response.content()[:500]
    document = strict_json(response.content())
    assert document["count"] == len(document["requests"])
