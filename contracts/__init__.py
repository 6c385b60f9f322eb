"""Contract half of the kit: JSON Schemas, stream grammars, property tests and drift checks.

This package never imports ``mockserver``; the mock server reads its registry, schemas and wire codecs.
"""
