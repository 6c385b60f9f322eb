"""Record real provider traffic as fixtures the mock replays byte for byte, and gate on their age."""

from mockserver.record.proxy import RecorderConfig, create_recorder_app
from mockserver.record.stale import parse_age, stale_fixtures

__all__ = ["RecorderConfig", "create_recorder_app", "parse_age", "stale_fixtures"]
