"""``contracts check --html``: one self-contained page, values escaped, credentials redacted.

The page is also opened in headless Chromium by tests/browser/test_inspector.py; here its structure is read with
the standard library's HTML parser.
"""

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from contracts import html
from contracts.checks import Severity, Violation
from contracts.cli import main
from contracts.registry import MOUNTS
from contracts.report import Report, Result

SECRET = "sk-or-v1-" + "3c" * 24  # obviously fake


class Page(HTMLParser):
    """The tags, attributes and text of a page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def rows(self, cls: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == "tr" and (a.get("class") or "").startswith(cls)]


def _report() -> Report:
    hostile = {"messages": [{"role": "user", "content": f"</pre><script>alert(1)</script> key {SECRET}"}]}
    ok = Result("example:chat", "example", "chat_completions", {"model": "m"}, "2xx chat-response", 200, ())
    drifted = Result("example:tools", "example", "chat_completions", hostile, "2xx chat-response", 200,
                     (Violation("schema", "$.choices[0].message", "'role' is a required property"),
                      Violation("enum.open", "$.choices[0].finish_reason", "'eos' is not documented",
                                Severity.WARNING)))  # fmt: skip
    warned = Result("example:chat-stream", "example", "chat_completions", {}, "2xx chat-stream", 200,
                    (Violation("enum.open", "$[2].finish_reason", "'eos' is not documented", Severity.WARNING),))
    report = Report("openrouter", "http://127.0.0.1:9/api/v1", False, "meta-llama/llama-4-maverick", 7, 20)
    report.results = [ok, drifted, warned]
    report.requests_sent = 3
    return report


def test_page_is_self_contained_escaped_and_redacted() -> None:
    text = html.render(_report(), [SECRET])
    page = Page(text)
    assert SECRET not in text and "key ***" in "".join(page.text)
    assert [t for t, _ in page.tags if t == "script"] == []  # the hostile body stayed text
    assert "</pre><script>alert(1)</script>" in "".join(page.text)
    links = [a.get("href") or a.get("src") for _, a in page.tags if a.get("href") or a.get("src")]
    assert links == []  # nothing to fetch: style inline, no images, no scripts
    states = [a["class"] for a in page.rows("case")]
    assert states == ["case ok", "case fail", "case warn"]
    words = "".join(page.text)
    for needle in ("$.choices[0].message", "'role' is a required property", "2xx chat-response",
                   "HTTP 200; 1 error, 1 warning", "HTTP 200; as expected", "drifted checks", "schema", "seed"):
        assert needle in words, needle  # fmt: skip


def test_cli_writes_the_page(start_server: Any, tmp_path: Path) -> None:
    url = start_server().url + MOUNTS["aimlapi"]
    page = tmp_path / "report.html"
    assert main(["check", "--provider", "aimlapi", "--base-url", url, "--api-key", SECRET, "--quiet",
                 "--max-requests", "6", "--html", str(page)]) == 0  # fmt: skip
    text = page.read_text(encoding="utf-8")
    parsed = Page(text)
    assert "no drift" in "".join(parsed.text) and len(parsed.rows("case")) == 6
    assert SECRET not in text
