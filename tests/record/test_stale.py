"""`mockserver fixtures check --max-age`: the CI gate on recorded fixtures' age."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mockserver.cli import main
from mockserver.record.stale import parse_age


def _fixture(root: Path, name: str, recorded_at: str | None) -> None:
    folder = root / "openrouter" / "chat_completions"
    folder.mkdir(parents=True, exist_ok=True)
    provenance = {"recorded_at": recorded_at} if recorded_at else {"source": "hand-written"}
    (folder / f"{name}.json").write_text(json.dumps({"provenance": provenance, "match": {}, "reply": {}}))


def test_exit_1_lists_only_fixtures_past_the_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    now = datetime.now(UTC)
    _fixture(tmp_path, "old", (now - timedelta(days=45)).isoformat().replace("+00:00", "Z"))
    _fixture(tmp_path, "new", (now - timedelta(days=2)).isoformat())
    _fixture(tmp_path, "hand", None)
    assert main(["fixtures", "check", "--max-age", "30d", "--fixtures", str(tmp_path)]) == 1
    out = capsys.readouterr()
    assert "old.json" in out.out and "new.json" not in out.out and "hand.json" not in out.out
    assert "1 of 2 recorded fixture(s)" in out.err
    assert main(["fixtures", "check", "--max-age", "8w", "--fixtures", str(tmp_path)]) == 0


def test_bundled_fixtures_pass_and_bad_ages_are_usage_errors() -> None:
    assert main(["fixtures", "check", "--max-age", "30d"]) == 0
    assert main(["fixtures", "check", "--max-age", "soon"]) == 2
    assert parse_age("12h") == timedelta(hours=12) and parse_age("7") == timedelta(days=7)
