"""Hypothesis strategies for provider requests, derived by walking the request JSON Schemas.

``fields`` walks a schema into parameters and builds the smallest valid request, ``values`` draws valid
requests (bounds first) and ``breaches`` draws requests that break exactly one labelled rule.
"""

from contracts.strategies.breaches import Invalid, invalid_requests
from contracts.strategies.fields import REQUEST_KINDS, Parameter, base_request, parameters
from contracts.strategies.values import OPEN_SPAN, valid_requests, values

__all__ = [
    "OPEN_SPAN",
    "REQUEST_KINDS",
    "Invalid",
    "Parameter",
    "base_request",
    "invalid_requests",
    "parameters",
    "valid_requests",
    "values",
]
