"""Record real provider traffic as fixtures the mock replays byte for byte, and gate on their age.

Loaded on first use (PEP 562): ``mockserver serve`` never records, and must not pay for the proxy at start-up.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockserver.record.proxy import RecorderConfig, create_recorder_app
    from mockserver.record.stale import parse_age, stale_fixtures

__all__ = ["RecorderConfig", "create_recorder_app", "parse_age", "stale_fixtures"]
_HOMES = {"RecorderConfig": "proxy", "create_recorder_app": "proxy", "parse_age": "stale", "stale_fixtures": "stale"}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
