"""Byte codecs that know nothing of providers: server-sent events and the AWS event stream."""
