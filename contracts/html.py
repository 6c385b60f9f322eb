"""The drift report as one self-contained HTML page (``contracts check --html report.html``).

One file, nothing fetched: the style sheet is inline and the page runs no script (the "failures only" switch is
a checkbox and a CSS rule). Every value from the run is escaped, and every credential string redacted, before it
is written.
"""

import json
from html import escape
from typing import Any

from contracts.report import Report, redact

__all__ = ["render"]

_STYLE = """
:root { --ok: #1e7b45; --fail: #b3261e; --warn: #a15c00; --line: #d9dee5; --pane: #f7f8fa; --muted: #5f6b7a;
        font: 14px/1.45 system-ui, sans-serif; color: #1d232b; }
body { margin: 1.5em auto; max-width: 1200px; padding: 0 1em; }
h1 { font-size: 20px; margin: 0 0 .2em; } h2 { font-size: 16px; margin: 1.4em 0 .4em; }
.verdict { display: inline-block; padding: .15em .6em; border-radius: 4px; color: #fff; font-weight: 600; }
.verdict.ok { background: var(--ok); } .verdict.fail { background: var(--fail); }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1.2em; background: var(--pane);
             border: 1px solid var(--line); padding: .8em 1em; }
dl.summary dt { color: var(--muted); } dl.summary dd { margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--pane); position: sticky; top: 0; }
tr.case.ok td.status { color: var(--ok); } tr.case.fail td.status { color: var(--fail); font-weight: 700; }
tr.case.warn td.status { color: var(--warn); font-weight: 700; }
td.name { font-family: ui-monospace, monospace; word-break: break-all; }
table.violations { margin: .3em 0; background: #fff; } table.violations td { font-size: 13px; }
table.violations td.path { font-family: ui-monospace, monospace; word-break: break-all; }
td.error { color: var(--fail); font-weight: 600; } td.warning { color: var(--warn); font-weight: 600; }
td.info { color: var(--muted); }
pre { background: var(--pane); border: 1px solid var(--line); padding: .5em; max-height: 20em; overflow: auto;
      white-space: pre-wrap; word-break: break-all; margin: .3em 0; font-size: 12px; }
details summary { cursor: pointer; color: var(--muted); }
#only-failed:checked ~ table tr.case.ok, #only-failed:checked ~ table tr.detail.ok { display: none; }
"""


def _cell(value: Any, cls: str = "") -> str:
    attribute = f' class="{cls}"' if cls else ""
    return f"<td{attribute}>{escape(str(value))}</td>"


def _state(result: dict[str, Any]) -> str:
    if not result["passed"]:
        return "fail"
    return "warn" if any(v["severity"] == "warning" for v in result["violations"]) else "ok"


def _violations(result: dict[str, Any]) -> str:
    if not result["violations"]:
        return "<p>No violation: the answer matched the contract.</p>"
    rows = "".join(
        "<tr>" + _cell(v["severity"], v["severity"]) + _cell(v["check"]) + _cell(v["path"], "path")
        + _cell(v["message"]) + "</tr>"
        for v in result["violations"]
    )  # fmt: skip
    head = "<tr><th>severity</th><th>check</th><th>path</th><th>finding</th></tr>"
    return f'<table class="violations"><thead>{head}</thead><tbody>{rows}</tbody></table>'


def _actual(result: dict[str, Any]) -> str:
    counts = {s: sum(v["severity"] == s for v in result["violations"]) for s in ("error", "warning", "info")}
    found = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n)
    return f"HTTP {result['status']}" + (f"; {found}" if found else "; as expected")


def _result(result: dict[str, Any]) -> str:
    state = _state(result)
    mark = {"ok": "ok", "warn": "warning", "fail": "DRIFT"}[state]
    label = f" [{result['label']}]" if result.get("label") else ""
    request = json.dumps(result["request"], indent=2, ensure_ascii=False, default=repr)
    row = (f'<tr class="case {state}">' + _cell(mark, "status") + _cell(result["name"] + label, "name")
           + _cell(result["operation"]) + _cell(result["kind"]) + _cell(result["expected"]) + _cell(_actual(result))
           + "</tr>")  # fmt: skip
    detail = (
        f'<tr class="detail {state}"><td></td><td colspan="5">{_violations(result)}'
        f"<details><summary>example request</summary><pre>{escape(request)}</pre></details></td></tr>"
    )
    return row + detail


def _summary(document: dict[str, Any]) -> str:
    summary = document["summary"]
    items = [
        ("target", f"{document['provider']} at {document['base_url']}" + (" (LIVE)" if document["live"] else "")),
        ("model", document["model"]),
        ("cases", f"{summary['cases']} ({summary['examples']} examples, {summary['properties']} properties)"),
        ("drifted cases", summary["failed"]),
        ("errors / warnings", f"{summary['errors']} / {summary['warnings']}"),
        ("drifted checks", ", ".join(summary["drifted_checks"]) or "none"),
        ("requests sent", f"{document['requests_sent']} of at most {document['max_requests']}"),
        ("seed", document["seed"]),
        ("strict", "yes: warnings are drift too" if document["strict"] else "no: warnings are reported only"),
    ]
    rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in items)
    return f'<dl class="summary">{rows}</dl>'


def render(report: Report, secrets: list[str]) -> str:
    """The report as a self-contained HTML page, credentials redacted."""
    document = json.loads(redact(json.dumps(report.to_dict(), default=repr), secrets))  # redacted before escaping
    verdict = ('<span class="verdict ok">no drift</span>' if document["passed"]
               else '<span class="verdict fail">drift</span>')  # fmt: skip
    head = "<tr><th>status</th><th>case</th><th>operation</th><th>kind</th><th>expected</th><th>actual</th></tr>"
    body = "".join(_result(r) for r in document["results"])
    title = f"contracts check: {document['provider']}"
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{escape(title)}</title><style>{_STYLE}</style></head>
<body><h1>{escape(title)} {verdict}</h1>
{_summary(document)}
<h2>Cases</h2>
<input type="checkbox" id="only-failed"> <label for="only-failed">drift only</label>
<table class="cases"><thead>{head}</thead><tbody>{body}</tbody></table>
</body></html>
"""
    return redact(page, secrets)
