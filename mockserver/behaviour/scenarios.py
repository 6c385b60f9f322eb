"""Scenarios: multi-step conversations (agent loops) answered step by step, strict (in order) or free.

A scenario is data (``contracts/schemas/scenario.json``): JSON or YAML files in ``<fixtures>/scenarios/``, or
JSON POSTed to ``/__admin/scenarios``. Each step matches with ``steps.STEP_MATCHERS`` and answers with a
neutral reply (text, tool calls) or a provider error, so every provider renders it in its own vocabulary.
Which step comes next is kept per scenario, in memory, until the admin reset (or a scenario's own reset).
"""

import hashlib
import json
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracts.schemas import SCHEMA_DIR
from mockserver.behaviour.chat import ChatQuery
from mockserver.behaviour.shapes import shape_problem
from mockserver.behaviour.steps import STEP_MATCHERS, step_misses
from mockserver.errors import MockError

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

__all__ = ["SCENARIOS", "SCHEMA", "Hit", "Scenario", "ScenarioBook", "Step", "parse_scenario"]

SCENARIOS = "scenarios"
"""The folder under the fixtures folder that holds scenario files."""
SCHEMA = SCHEMA_DIR / "scenario.json"
_SUFFIXES = (".json", ".yaml", ".yml")
_FIX = "See contracts/schemas/scenario.json and fixtures/README.md (Scenarios)."


@cache
def _validator() -> "Draft202012Validator":
    from jsonschema import Draft202012Validator  # ~40 ms of imports: only once a scenario is read

    return Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))  # compiled once


@dataclass(slots=True)
class Step:
    """One step: when it answers (``match``) and with what (``reply`` or ``error``)."""

    number: int
    """1-based position in the scenario."""
    name: str | None
    match: dict[str, Any]
    reply: dict[str, Any] | None
    error: dict[str, Any] | None
    answered: int = 0

    @property
    def label(self) -> str:
        """``step 2 (lookup)``."""
        return f"step {self.number}" + (f" ({self.name})" if self.name else "")


@dataclass(slots=True)
class Scenario:
    """A parsed scenario and its state: the next step (strict) and how often each step answered."""

    name: str
    mode: str
    match: dict[str, Any]
    steps: list[Step]
    runtime: bool = False
    next: int = 0
    """Index of the step a strict scenario expects next (``len(steps)``: all answered)."""
    tag: str = field(init=False)

    def __post_init__(self) -> None:
        self.tag = hashlib.sha256(self.name.encode()).hexdigest()[:6]

    def reset(self) -> None:
        """Back to the first step, nothing answered."""
        self.next = 0
        for step in self.steps:
            step.answered = 0

    def state(self) -> dict[str, Any]:
        """What the admin API shows of it."""
        expected = self.steps[self.next].label if self.mode == "strict" and self.next < len(self.steps) else None
        return {"name": self.name, "mode": self.mode, "steps": len(self.steps), "next": expected,
                "answered": [s.answered for s in self.steps], "runtime": self.runtime}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Hit:
    """The step that answers a call."""

    scenario: Scenario
    step: Step

    @property
    def label(self) -> str:
        """``NAME#STEP``: what the journal's ``scenario`` field says."""
        return f"{self.scenario.name}#{self.step.number}"


def _bad(name: str, detail: str) -> MockError:
    return MockError("Bad scenario", f"{name}: {detail}", fix=_FIX)


def parse_scenario(document: Any, name: str, *, runtime: bool = False) -> Scenario:
    """Check a scenario document against its schema and build a ``Scenario``; a bad one is the mock's own 400."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "(top)"
        raise _bad(name, f"{where}: {errors[0].message[:200]}")
    steps = []
    for number, raw in enumerate(document["steps"], 1):
        problem = shape_problem(raw["reply"], None) if "reply" in raw else None
        if problem:
            raise _bad(name, f"steps/{number - 1}: {problem}")
        steps.append(Step(number, raw.get("name"), dict(raw.get("match", {})), raw.get("reply"), raw.get("error")))
    title = str(document.get("name") or name)
    return Scenario(title, document.get("mode", "strict"), dict(document.get("match", {})), steps, runtime)


def _read(path: Path, relative: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            return json.loads(text)
        import yaml  # PyYAML: only when a YAML scenario is loaded

        return yaml.safe_load(text)  # safe_load: a fixture folder may come from a pull request
    except (OSError, UnicodeDecodeError, RecursionError, ValueError) as exc:
        raise _bad(relative, f"cannot be read ({exc})") from exc
    except Exception as exc:  # yaml.YAMLError (and its subclasses) without importing yaml up front
        raise _bad(relative, f"not valid YAML ({str(exc)[:200]})") from exc


class ScenarioBook:
    """Every scenario and its state; consulted before the fixtures (a scenario is the more specific answer)."""

    def __init__(self, scenarios: list[Scenario] | None = None) -> None:
        self.scenarios: list[Scenario] = list(scenarios or [])
        self._lock = threading.Lock()

    @classmethod
    def load(cls, root: Path) -> "ScenarioBook":
        """Read ``root/scenarios/*.json|yaml|yml`` (not below: a scenario is one file)."""
        folder = root / SCENARIOS
        found: list[Scenario] = []
        if folder.is_dir():
            top = root.resolve()
            for path in sorted(p for p in folder.iterdir() if p.suffix in _SUFFIXES and p.is_file()):
                relative = f"{SCENARIOS}/{path.name}"
                if not path.resolve().is_relative_to(top):
                    raise _bad(relative, "a symlink to outside the fixtures folder")
                found.append(parse_scenario(_read(path, relative), path.stem))
        names = [s.name for s in found]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise _bad(f"{SCENARIOS}/", f"scenario name(s) {twice} given twice")
        return cls(found)

    def __len__(self) -> int:
        return len(self.scenarios)

    def add(self, scenario: Scenario, *, max_count: int | None = None) -> None:
        """Add (or replace, by name) a run-time scenario, starting at its first step; at most ``max_count``."""
        with self._lock:
            kept = [s for s in self.scenarios if s.name != scenario.name]
            if max_count is not None and sum(s.runtime for s in kept) >= max_count:
                raise MockError(
                    "Too many run-time scenarios",
                    f"{max_count} scenarios were added at run time already",
                    status=413,
                    fix="POST /__admin/reset to drop them, or raise MockConfig.max_runtime_fixtures.",
                )
            self.scenarios = [*kept, scenario]

    def reset(self, name: str | None = None) -> list[str]:
        """Restart one scenario (or all); returns the names restarted (empty: no such scenario)."""
        with self._lock:
            chosen = [s for s in self.scenarios if name is None or s.name == name]
            for scenario in chosen:
                scenario.reset()
            return [s.name for s in chosen]

    def states(self) -> list[dict[str, Any]]:
        """Each scenario's state, for ``GET /__admin/scenarios``."""
        with self._lock:
            return [s.state() for s in self.scenarios]

    def find(self, query: ChatQuery) -> Hit | None:
        """The step that answers ``query`` (and advance), None when no scenario claims it, or the mock's 404.

        A strict scenario that claims the call but whose next step does not match it refuses the call with
        the step it expected and each matcher that failed; a free one lets it go on to the fixtures.
        """
        if not self.scenarios:
            return None
        with self._lock:
            expected: list[dict[str, Any]] = []
            for scenario in self.scenarios:
                if step_misses(scenario.match, query):
                    continue  # not this scenario's call
                if scenario.mode == "free":
                    hit = self._free(scenario, query)
                    if hit is not None:
                        return hit
                    continue
                if scenario.next >= len(scenario.steps):
                    expected.append({"scenario": scenario.name, "expected": None,
                                     "failed": [f"all {len(scenario.steps)} steps were answered"]})  # fmt: skip
                    continue
                step = scenario.steps[scenario.next]
                reasons = step_misses(step.match, query)
                if not reasons:
                    scenario.next += 1
                    step.answered += 1
                    return Hit(scenario, step)
                expected.append({"scenario": scenario.name, "expected": step.label, "failed": reasons})
        if expected:
            raise _strict_miss(query, expected)
        return None

    @staticmethod
    def _free(scenario: Scenario, query: ChatQuery) -> Hit | None:
        best: Step | None = None
        for step in scenario.steps:
            if (best is None or len(step.match) > len(best.match)) and not step_misses(step.match, query):
                best = step
        if best is None:
            return None
        best.answered += 1
        return Hit(scenario, best)


def _strict_miss(query: ChatQuery, expected: list[dict[str, Any]]) -> MockError:
    said = ", ".join(
        f"{e['scenario']} expected {e['expected'] or 'no more calls'}: {'; '.join(e['failed'])}" for e in expected
    )
    return MockError(
        "No scenario step matched",
        f"{query.provider} {query.operation} for {query.model!r} (last user message "
        f"{query.last_user_text[:80]!r}) is not the next step of a strict scenario. {said}",
        status=404,
        fix="Make the call the scenario expects next, fix the step's `match` (matchers: "
        f"{', '.join(STEP_MATCHERS)}), use \"mode\": \"free\", or POST /__admin/reset (or "
        "/__admin/scenarios/NAME/reset) to start the scenario again.",
        extra={"scenarios": expected},
    )
