"""Benchmarks run by ``make bench`` (``python -m benchmarks``); they report, they never assert."""
