"""``MockCore``: the engine assembled with every bundled provider, as the server, the CLI and tests use it."""

import importlib
from collections.abc import Mapping, Sequence

from contracts.registry import NAMES
from mockserver.behaviour.catalogue import Model
from mockserver.clock import Clock
from mockserver.config import MockConfig
from mockserver.engine.call import Provider
from mockserver.engine.pipeline import Engine

__all__ = ["MockCore", "all_providers", "capability_rows"]


def all_providers() -> list[Provider]:
    """Every provider in ``contracts.registry``, in its order: ``mockserver/providers/<name>/provider.py:PROVIDER``.

    A fourth provider is one registry entry and one folder; nothing here changes.
    """
    return [importlib.import_module(f"mockserver.providers.{name}.provider").PROVIDER for name in NAMES]


class MockCore(Engine):
    """The engine serving the bundled providers (or the ones given)."""

    def __init__(
        self, config: MockConfig | None = None, providers: Sequence[Provider] | None = None, clock: Clock | None = None
    ) -> None:
        """Build a core.

        Args:
            config: how to behave; defaults to the bundled fixtures, lenient mode, seed 0.
            providers: which providers to serve; defaults to all of them.
            clock: time for ids, timestamps, rate-limit windows and pacing sleeps; tests pass a ``FakeClock``.
        """
        super().__init__(all_providers() if providers is None else providers, config, clock)


def capability_rows(core: MockCore) -> list[tuple[str, str, str, bool, str]]:
    """The capability matrix as rows: provider, model, feature, supported, source (``mockserver capabilities``)."""
    rows = []
    for name in core.providers:
        models: Mapping[str, Model] = core.states[name].models
        for model in models.values():
            rows += [(name, model.id, c.feature, c.supported, c.source) for c in model.capabilities.values()]
    return rows
