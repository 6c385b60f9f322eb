"""Contract half of the kit: JSON Schemas, stream grammars, property tests and drift checks.

This package never imports ``mockserver``; the mock server imports these schemas.
"""
