"""Run example and property checks against a target (mock, running server or live) and report drift.

``catalogue`` holds the example cases, ``verdict`` verifies one exchange, ``properties`` draws
generated cases with Hypothesis and ``runner`` sends them all within a request budget.
"""

from contracts.check.catalogue import Case, examples
from contracts.check.runner import run
from contracts.check.verdict import CONTENT_TYPE, ERROR_STATUS, ERROR_TYPE, FAULT, HTTP_STATUS, verify
from contracts.targets import TargetError

__all__ = [
    "CONTENT_TYPE", "ERROR_STATUS", "ERROR_TYPE", "FAULT", "HTTP_STATUS",
    "Case", "TargetError", "examples", "run", "verify",
]  # fmt: skip
