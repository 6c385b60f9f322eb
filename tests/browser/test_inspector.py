"""The inspector at /__admin/ in a real headless Chromium, after real calls (openai SDK, boto3, requests).

One strict-mode server with an admin token: fixture hits, a paced stream, a recorded stream, a miss, Bedrock's
event stream. The page must list every call newest first, keep up with a call made while it is open, filter, show a
stream's events with their timing and a miss with the closest fixtures and the matcher each failed, write the
caller's text as text, and hold no key.
"""

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import openai
import pytest
import requests
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from contracts.cli import main as contracts_main
from contracts.registry import MOUNTS
from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.http import MockRequest, MockResponse
from tests.conftest import RunningServer

TOKEN = "fake-admin-token-for-tests"
KEY = "sk-or-v1-" + "0f" * 24  # obviously fake
MAVERICK, BEDROCK_MODEL = "meta-llama/llama-4-maverick", "us.meta.llama4-maverick-17b-instruct-v1:0"
HOSTILE = "What does a zebra say? <img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>"


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    """A strict mock (bundled fixtures only) whose admin API needs TOKEN."""
    running = RunningServer(MockCore(MockConfig(strict=True, admin_token=TOKEN)))
    yield running
    running.stop()


def _calls(url: str) -> None:
    with openai.OpenAI(base_url=f"{url}/openrouter/api/v1", api_key=KEY, max_retries=0) as client:
        _openai_calls(client)
    bedrock = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=f"{url}/bedrock")
    try:
        _bedrock_calls(bedrock)
    finally:
        bedrock.close()
    answer = requests.post(f"{url}/aimlapi/v1/chat/completions", headers={"Authorization": "Bearer aiml-fake-key"},
                           json={"model": MAVERICK, "messages": [{"role": "user", "content": "Hello"}]},
                           timeout=30)  # fmt: skip
    assert answer.status_code in (200, 201), answer.text


def _openai_calls(client: openai.OpenAI) -> None:
    hello = [{"role": "user", "content": "Hello"}]
    assert "Hello!" in (client.chat.completions.create(model=MAVERICK, messages=hello).choices[0].message.content or "")
    stream = client.chat.completions.create(model=MAVERICK, stream=True, extra_headers={"x-mock-pace": "0.02"},
                                            messages=[{"role": "user", "content": "Please count to ten"}])  # fmt: skip
    assert "ten" in "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    recorded = client.chat.completions.create(model=MAVERICK, stream=True, messages=hello,
                                              metadata={"fixture": "recorded-probe"})  # fmt: skip
    assert list(recorded)
    with pytest.raises(openai.NotFoundError):  # strict mode: no fixture for this question
        client.chat.completions.create(model=MAVERICK, messages=[{"role": "user", "content": HOSTILE}])


def _bedrock_calls(bedrock: Any) -> None:
    said = bedrock.converse(modelId=BEDROCK_MODEL, messages=[{"role": "user", "content": [{"text": "Hello"}]}])
    assert "Hello!" in said["output"]["message"]["content"][0]["text"]
    events = bedrock.converse_stream(modelId=BEDROCK_MODEL,
                                     messages=[{"role": "user", "content": [{"text": "count to ten"}]}])  # fmt: skip
    kinds = [next(iter(e)) for e in events["stream"]]  # read to the end: a stream left unread holds its socket
    assert "contentBlockDelta" in kinds


def _wait(driver: Any, condition: Callable[[Any], Any], what: str) -> Any:
    return WebDriverWait(driver, 30, poll_frequency=0.1).until(condition, what)


def _rows(driver: Any) -> list[Any]:
    return list(driver.find_elements(By.CSS_SELECTOR, "#calls tbody tr.call"))


def _cells(row: Any) -> list[str]:
    return [td.text for td in row.find_elements(By.TAG_NAME, "td")]


def _row_id(driver: Any, condition: Callable[[Any], bool]) -> str:
    """The id of the first listed call whose row satisfies ``condition``."""
    return str(next(r.get_attribute("data-id") for r in _rows(driver) if condition(r)))


def _open(driver: Any, number: str) -> str:
    """Click call ``number`` in the list (found afresh: the list is redrawn as calls arrive) and read its detail."""

    def clicked(d: Any) -> bool:
        try:
            d.find_element(By.CSS_SELECTOR, f'#calls tr.call[data-id="{number}"]').click()
        except StaleElementReferenceException:
            return False
        return str(d.find_element(By.CSS_SELECTOR, "#detail h2").text).startswith(f"#{number} ")

    _wait(driver, clicked, f"the detail of call {number}")
    return str(driver.find_element(By.ID, "detail").text)


def test_inspector_shows_the_calls_streams_and_a_strict_miss(
    browser: Any, server: RunningServer, screenshot: Callable[[str], Path]
) -> None:
    url = server.url
    _calls(url)
    browser.get(f"{url}/__admin/")  # no token yet: the page asks for one and shows nothing
    _wait(browser, lambda d: d.find_element(By.ID, "login").is_displayed(), "the token form")
    assert _rows(browser) == []
    browser.get(f"{url}/__admin/#token={TOKEN}")
    browser.refresh()
    _wait(browser, lambda d: len(_rows(d)) >= 7, "seven calls listed")
    assert "#token" not in browser.current_url  # the token left the address bar
    rows = [_cells(r) for r in _rows(browser)]
    ids = [int(r[0]) for r in rows]
    assert ids == sorted(ids, reverse=True)  # newest first
    assert {r[2] for r in rows} == {"openrouter", "bedrock", "aimlapi"}
    answered = {r[6] for r in rows}
    assert {"fixture: conversations/hello.json", "fixture: conversations/count-to-ten.json",
            "recorded: openrouter/chat_completions/recorded-maverick-stream.json", "no fixture matched"} <= answered

    # live: a call made while the page is open appears without a reload
    requests.post(f"{url}/openrouter/api/v1/chat/completions", headers={"Authorization": f"Bearer {KEY}"},
                  json={"model": MAVERICK, "messages": [{"role": "user", "content": "Hello"}]}, timeout=30)  # fmt: skip
    _wait(browser, lambda d: len(_rows(d)) == 8, "the new call")

    detail = _open(browser, _row_id(browser, lambda r: "count-to-ten" in r.text and "openrouter" in r.text))
    events = browser.find_elements(By.CSS_SELECTOR, "#detail table.events tbody tr")
    assert len(events) >= 5 and "complete" in detail
    assert any("data: [DONE]" in e.text for e in events)
    at, delay = ([float(_cells(e)[i]) for e in events] for i in (1, 2))
    assert at == sorted(at) and at[0] >= 0  # each event's time since the request arrived, in order
    assert delay[0] > 0 and all(d > 0 for d in delay[1:-1])  # paced (x-mock-pace): the wait before each event
    browser.execute_script("document.querySelector('#detail table.events').scrollIntoView()")
    screenshot("inspector-stream.png")

    _open(browser, _row_id(browser, lambda r: "converse_stream" in r.text))
    kinds = [_cells(e)[5] for e in browser.find_elements(By.CSS_SELECTOR, "#detail table.events tbody tr")]
    assert kinds[0].startswith("messageStart") and any(k.startswith("contentBlockDelta") for k in kinds)

    detail = _open(browser, _row_id(browser, lambda r: "miss" in (r.get_attribute("class") or "")))
    miss = browser.find_element(By.ID, "miss")
    assert "No fixture matched" in miss.text and "Fix:" in miss.text
    failed = [_cells(r) for r in miss.find_elements(By.CSS_SELECTOR, "table.failed tbody tr")]
    assert any(name == "user_message" and why.startswith("last user message is 'What does a zebra say? <img")
               and why.endswith("fixture wants exactly 'Hello'") for name, why in failed)  # fmt: skip
    assert any(name == "user_message_contains" for name, _ in failed)
    assert json.dumps(HOSTILE) in detail  # the caller's text, shown as text (in the body's JSON)
    assert browser.find_elements(By.CSS_SELECTOR, "#detail img, #detail script") == []
    assert browser.title == "llama-mockkit inspector"
    assert KEY not in browser.page_source and "Bearer sk-or-v1-…" in detail
    path = screenshot("inspector.png")
    assert path.stat().st_size > 10_000

    Select(browser.find_element(By.ID, "f-provider")).select_by_value("bedrock")
    _wait(browser, lambda d: {_cells(r)[2] for r in _rows(d)} == {"bedrock"}, "only Bedrock calls")
    assert len(_rows(browser)) == 2
    Select(browser.find_element(By.ID, "f-provider")).select_by_value("")
    Select(browser.find_element(By.ID, "f-status")).select_by_value("404")
    _wait(browser, lambda d: [_cells(r)[5] for r in _rows(d)] == ["404"], "only the miss")


class Drifted(MockCore):
    """The mock, with its chat completions drifted: a wrong ``object`` and no ``created``."""

    def handle(self, request: MockRequest) -> MockResponse:
        """Answer as the mock, then plant the drift in JSON chat completions."""
        response = super().handle(request)
        if response.chunks is None and response.headers.get("content-type", "").startswith("application/json"):
            document = json.loads(response.body)
            if isinstance(document, dict) and document.get("object") == "chat.completion":
                document["object"] = "chat.completion.v2"
                document.pop("created")
                response.body = json.dumps(document).encode()
        return response


def test_contracts_html_report_renders(browser: Any, tmp_path: Path, screenshot: Callable[[str], Path]) -> None:
    server = RunningServer(Drifted(MockConfig()))
    try:
        page = tmp_path / "report.html"
        base = server.url + MOUNTS["openrouter"]
        code = contracts_main(["check", "--provider", "openrouter", "--base-url", base, "--api-key", KEY,
                               "--html", str(page), "--quiet", "--max-requests", "10"])  # fmt: skip
    finally:
        server.stop()
    assert code == 1  # the planted drift
    browser.get(page.as_uri())
    assert browser.title == "contracts check: openrouter"
    assert browser.find_element(By.CSS_SELECTOR, "h1 .verdict.fail").text == "drift"
    summary = browser.find_element(By.CSS_SELECTOR, "dl.summary").text
    assert "schema" in summary and base in summary
    drifted = browser.find_elements(By.CSS_SELECTOR, "tr.case.fail")
    assert drifted and all(_cells(r)[0] == "DRIFT" for r in drifted)
    paths = [_cells(r)[2] for r in browser.find_elements(By.CSS_SELECTOR, "tr.detail.fail table.violations tr")
             if r.find_elements(By.TAG_NAME, "td")]  # fmt: skip
    assert "$.object" in paths and "$" in paths  # the wrong value, and the missing member at the root
    assert browser.find_elements(By.CSS_SELECTOR, "tr.case.ok")
    assert KEY not in browser.page_source
    browser.find_element(By.CSS_SELECTOR, "tr.detail.fail details summary").click()
    assert '"messages"' in browser.find_element(By.CSS_SELECTOR, "tr.detail.fail details pre").text
    screenshot("contracts-report.png")
    browser.find_element(By.ID, "only-failed").click()
    assert not browser.find_element(By.CSS_SELECTOR, "tr.case.ok").is_displayed()
