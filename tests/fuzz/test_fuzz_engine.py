"""Hostile wire requests to every operation of the three providers, answered in process (``MockCore.handle``).

Families (issue #9): lone surrogates, huge and non-finite numbers as raw tokens, nesting near and past the
limit, odd schema keywords where schemas drive generation, wrong types anywhere, damaged bytes, odd methods and
paths, every ``x-mock-*`` control with good and bad values; checked by ``oracle.check`` and for a quiet log.
"""

from collections.abc import Iterator

import pytest
from hypothesis import given

from mockserver.config import MockConfig
from mockserver.core import MockCore
from tests.fuzz.budget import fuzz_settings
from tests.fuzz.drive import assert_journal_readable, in_process
from tests.fuzz.inputs import OPERATIONS, Sent, hostile_requests

# A smaller journal than the default 1,000: entries keep whole hostile bodies (40,000-item lists), and the
# journal's truncation is not what this suite measures; its output staying valid JSON is.
CORES = {"lenient": MockCore(MockConfig(journal_size=200)),
         "strict": MockCore(MockConfig(strict=True, journal_size=200)),
         "root": MockCore(MockConfig(root_provider="openrouter", rate_limits=True, journal_size=200))}  # fmt: skip
_SENT = {"count": 0}


@pytest.fixture(scope="module", autouse=True)
def _journals_stay_readable() -> Iterator[None]:
    yield
    for core in CORES.values():
        assert_journal_readable(core)


def _answer(core: MockCore, sent: Sent, logs: pytest.LogCaptureFixture) -> None:
    in_process(core, sent, logs)
    _SENT["count"] += 1
    if _SENT["count"] % 250 == 0:  # the journal holds hostile entries: it must still serialise
        assert_journal_readable(core)


def _ops(provider: str) -> list:
    return [op for op in OPERATIONS if op.provider == provider]


@fuzz_settings(default=600, long=25_000)
@given(sent=hostile_requests(_ops("openrouter")))
def test_openrouter(sent: Sent, logs: pytest.LogCaptureFixture) -> None:
    _answer(CORES["lenient"], sent, logs)


@fuzz_settings(default=300, long=12_000)
@given(sent=hostile_requests(_ops("aimlapi")))
def test_aimlapi(sent: Sent, logs: pytest.LogCaptureFixture) -> None:
    _answer(CORES["lenient"], sent, logs)


@fuzz_settings(default=600, long=25_000)
@given(sent=hostile_requests(_ops("bedrock")))
def test_bedrock(sent: Sent, logs: pytest.LogCaptureFixture) -> None:
    _answer(CORES["lenient"], sent, logs)


@fuzz_settings(default=300, long=12_000)
@given(sent=hostile_requests([op for op in OPERATIONS if op.name == "count_tokens"]))
def test_bedrock_count_tokens(sent: Sent, logs: pytest.LogCaptureFixture) -> None:
    _answer(CORES["lenient"], sent, logs)


@fuzz_settings(default=300, long=10_000)
@given(sent=hostile_requests())
def test_strict_mode(sent: Sent, logs: pytest.LogCaptureFixture) -> None:
    _answer(CORES["strict"], sent, logs)


@fuzz_settings(default=300, long=10_000)
@given(sent=hostile_requests())
def test_root_provider_and_rate_limits(sent: Sent, logs: pytest.LogCaptureFixture) -> None:
    _answer(CORES["root"], sent, logs)
