"""Load-time checks of a fixture document: reply and response shapes, wire-safe statuses and headers, and files
confined to the fixtures folder.

A fixture folder may come from a shared repository or a pull request, so nothing in it may reach outside it
(``response.file`` of ``../../.aws/credentials``, an absolute path, a symlink out), and nothing in it may make
the server send a response HTTP forbids (a body on a 204, a CR/LF in a header, a hand-set ``content-length``).
"""

import re
from pathlib import Path
from typing import Any

__all__ = ["FRAMINGS", "NO_BODY", "confined", "header_problem", "shape_problem"]

FRAMINGS = ("raw", "sse", "eventstream")
NO_BODY = frozenset({204, 304})
"""Statuses whose response has no content (RFC 9110 15.3.5, 15.4.5); 1xx are not final answers at all."""
# Set by the server for the bytes it sends; a fixture that sets them desynchronises the framing (RFC 9112 6).
_FRAMING_HEADERS = frozenset(
    {"content-length", "transfer-encoding", "connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade"}
)
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # a header name is an RFC 9110 5.6.2 token
_UNSAFE_VALUE = re.compile(r"[\r\n\x00]")


def header_problem(headers: Any) -> str | None:
    """What is wrong with a ``response.headers`` object, or None: names are tokens, values latin-1 text."""
    if not isinstance(headers, dict):
        return "`response.headers` maps names to strings"
    for name, value in headers.items():
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            return f"`response.headers` name {str(name)[:40]!r} is not an HTTP token (RFC 9110 5.6.2)"
        if name.lower() in _FRAMING_HEADERS:
            return f"`response.headers` sets {name!r}: the server sets the framing headers for the bytes it sends"
        if isinstance(value, bool) or not isinstance(value, str | int):
            return f"`response.headers.{name}` is a string"
        text = str(value)
        if _UNSAFE_VALUE.search(text):
            return f"`response.headers.{name}` holds a CR, LF or NUL (header injection)"
        try:
            text.encode("latin-1")
        except UnicodeEncodeError:
            return f"`response.headers.{name}` is not latin-1 text (HTTP header values are bytes, RFC 9110 5.5)"
    return None


def _response_problem(response: Any) -> str | None:
    if not isinstance(response, dict):
        return "`response` is an object"
    status = response.get("status", 200)
    if isinstance(status, bool) or not isinstance(status, int) or not 200 <= status <= 599:
        return "`response.status` is a final HTTP status code, 200-599 (a 1xx is not an answer)"
    if status in NO_BODY and ("body" in response or "file" in response):
        return f"`response.status` {status} has no content: drop `body` and `file`"
    problem = header_problem(response.get("headers", {}))
    if problem:
        return problem
    if "file" in response and not isinstance(response["file"], str):
        return "`response.file` is a file name beside the fixture"
    if response.get("framing", "raw") not in FRAMINGS:
        return f"`response.framing` is one of {', '.join(FRAMINGS)}"
    return None


def shape_problem(reply: Any, response: Any) -> str | None:
    """What is wrong with a ``reply`` or ``response`` object's shape, checked once at load time."""
    if reply is None:
        return _response_problem(response)
    if not isinstance(reply, dict) or not isinstance(reply.get("content", ""), str):
        return "`reply` is an object with an optional string `content`"
    if not isinstance(reply.get("reasoning", ""), str):
        return "`reply.reasoning` is a string (the reasoning a reasoning model shows before `content`)"
    calls = reply.get("tool_calls", [])
    if not isinstance(calls, list) or not all(
        isinstance(c, dict) and isinstance(c.get("name"), str) and isinstance(c.get("arguments", {}), dict)
        for c in calls
    ):
        return "`reply.tool_calls` is a list of {name: string, arguments: object}"
    usage = reply.get("usage", {})
    if not isinstance(usage, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in usage.values()
    ):
        return "`reply.usage` maps prompt_tokens/completion_tokens to whole numbers"
    return None


def confined(root: Path, folder: Path, name: str) -> tuple[Path | None, str | None]:
    """``folder / name`` if it is a file inside ``root`` (symlinks resolved), else None and the rule it breaks."""
    if not name or "\\" in name or "\x00" in name:
        return None, "`response.file` is a plain relative file name (no backslash, no NUL)"
    relative = Path(name)
    if relative.is_absolute() or relative.drive:
        return None, "`response.file` is relative to the fixture: no absolute path"
    if ".." in relative.parts:
        return None, "`response.file` may not climb out with `..`"
    try:
        path = (folder / relative).resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a symlink loop
        return None, "`response.file` names no file beside the fixture"
    if not path.is_relative_to(root.resolve()):
        return None, "`response.file` resolves outside the fixtures folder (a symlink out)"
    if not path.is_file():
        return None, "`response.file` is not a regular file"
    return path, None
