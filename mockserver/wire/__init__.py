"""Byte-level wire codecs that know nothing of providers (AWS event-stream, SSE)."""
