"""The SSE transcript parser."""

from contracts.checks import Severity
from contracts.wire.sse import parse


def test_comments_anywhere_and_blank_line_separators() -> None:
    events, found = parse(": OPENROUTER PROCESSING\n\ndata: {}\n\n: OPENROUTER PROCESSING\n\ndata: [DONE]\n\n")
    assert [e.data for e in events] == ["{}", "[DONE]"]
    assert [e.line for e in events] == [3, 7]
    assert found == []


def test_multiline_data_crlf_and_no_space() -> None:
    events, found = parse(b'data:{\r\ndata: "a": 1}\r\n\r\n')
    assert [e.data for e in events] == ['{\n"a": 1}']
    assert found == []


def test_only_cr_and_lf_end_lines() -> None:
    # A JSON string may carry U+2028, U+2029, U+0085, VT, FF, FS, GS, RS unescaped (found by tests/fuzz with a
    # tool's name "\u2028" echoed in a Responses stream); str.splitlines() would cut the data line at each.
    text = '{"name":"a\u2028b\u2029c\x85d\x0be\x0cf\x1cg\x1dh\x1ei"}'
    events, found = parse(f"data: {text}\n\ndata: [DONE]\n\n".encode())
    assert [e.data for e in events] == [text, "[DONE]"]
    assert found == []


def test_unterminated_last_event_is_kept_with_a_warning() -> None:
    for transcript in ("data: [DONE]", "data: [DONE]\n", "data: [DONE]\r\n"):
        events, found = parse(transcript)
        assert [e.data for e in events] == ["[DONE]"]
        assert [(v.check, v.severity) for v in found] == [("sse.syntax", Severity.WARNING)]


def test_unexpected_lines_and_fields() -> None:
    _, found = parse("event: message\ndata: {}\n\ngarbage\n\n")
    assert [(v.path, v.severity) for v in found] == [("line 1", Severity.WARNING), ("line 4", Severity.ERROR)]


def test_not_utf8() -> None:
    events, found = parse(b"data: \xff\n\n")
    assert events == []
    assert found[0].check == "sse.syntax"
