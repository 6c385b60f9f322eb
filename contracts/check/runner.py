"""The run loop: examples first, then property cases, within a request budget, into one report."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from contracts.check.catalogue import Case, examples
from contracts.check.properties import property_cases
from contracts.check.verdict import expected, verify
from contracts.report import Report, Result
from contracts.targets import Target, public_url

__all__ = ["execute", "run"]


def execute(target: Target, case: Case, *, strict: bool = False) -> Result:
    """Send one case and verify the answer (``strict``: its warnings fail it too)."""
    exchange = target.send(case.operation, case.body, headers=case.headers, authenticated=case.authenticated,
                           model=case.model)  # fmt: skip
    wanted = f"2xx {expected(target.provider, case)[0]}" if case.status is None else f"{case.status} error"
    violations = tuple(verify(target.provider, case, exchange))
    return Result(case.name, case.kind, case.operation, case.body, wanted, exchange.status, violations, case.label,
                  strict)  # fmt: skip


def run(
    target: Target,
    *,
    max_requests: int = 30,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    strict: bool = False,
) -> Report:
    """Run the example checks, then property checks, within a request budget; return the report.

    Args:
        target: where to send requests (see ``contracts.targets.open_target``).
        max_requests: the most requests to send; live calls cost money. Examples come first; what
            is left is split between valid and invalid generated requests.
        seed: the Hypothesis seed for the property checks (same seed, same requests).
        progress: called with one line per case as it completes (the CLI prints them to stderr).
        strict: warnings fail too (a value outside an open enum, a rule the docs leave unverified).

    Raises ``TargetError`` when the target cannot be reached.
    """
    report = Report(target.provider, public_url(target.base_url), target.live, target.model, seed, max_requests,
                    strict=strict)  # fmt: skip
    cases = [c for c in examples(target) if not (c.mock_only and target.live)][:max_requests]
    left = max_requests - len(cases)
    cases_iter: list[Iterator[Case]] = [iter(cases)]
    if left > 0:
        cases_iter.append(property_cases(target, True, left - left // 2, seed))
        cases_iter.append(property_cases(target, False, left // 2, seed))
    done = 0
    try:
        for group in cases_iter:
            for case in group:
                result = execute(target, case, strict=strict)
                report.results.append(result)
                report.property_examples += case.kind == "property"
                done += 1
                if progress is not None:
                    drifted = ", ".join(sorted({v.check for v in result.failures}))
                    state = "ok" if result.passed else f"DRIFT ({drifted})"
                    progress(f"[{done:>3}/{max_requests}] {case.name} ... {state}")
    finally:
        report.requests_sent = target.sent
    return report
