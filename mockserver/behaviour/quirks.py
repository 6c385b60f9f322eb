"""Named switches for behaviour where a provider's docs and its observed traffic disagree.

The default of each quirk is what the traffic shows; the other values reproduce the documented (or
older) behaviour. Choose per server (``--quirk NAME=VALUE``, ``MockConfig.quirks``) or per request
(header ``x-mock-quirk: NAME=VALUE[, NAME=VALUE]``). Each provider declares its own quirks in its
``provider.py``; this module only knows what a quirk is.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from mockserver.errors import MockError

__all__ = ["Quirk", "check_quirks", "quirk"]


@dataclass(frozen=True, slots=True)
class Quirk:
    """One disagreement between docs and traffic, and the behaviours the mock can show."""

    name: str
    choices: tuple[str, ...]
    """The first choice is the default: what observed traffic does."""
    source: str
    summary: str

    @property
    def default(self) -> str:
        """The behaviour observed in real traffic."""
        return self.choices[0]


def check_quirks(choices: Mapping[str, str], quirks: Mapping[str, Quirk], where: str) -> None:
    """Raise the mock's own error for an unknown quirk or value (``quirks``: every provider's, by name)."""
    for name, value in choices.items():
        known = quirks.get(name)
        if known is None:
            raise MockError("Unknown quirk", f"{where}: {name!r}", fix=f"Known quirks: {', '.join(sorted(quirks))}.")
        if value not in known.choices:
            raise MockError(
                "Bad quirk value", f"{where}: {name}={value!r}", fix=f"Choose one of: {', '.join(known.choices)}."
            )


def quirk(known: Quirk, configured: Mapping[str, str], chosen: Mapping[str, str]) -> str:
    """The behaviour to show: the request's choice, else the configuration, else the traffic default."""
    return chosen.get(known.name) or configured.get(known.name) or known.default
