"""Fixtures stay inside their folder, and nothing in one can make the server send what HTTP forbids.

A fixtures folder may come from a shared repository or a pull request: ``response.file`` must not read
``~/.aws/credentials``, and a header or status must not break the framing of the connection.
"""

import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.behaviour.fixtures import FixtureStore
from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.errors import MockError
from mockserver.http import MockRequest, MockResponse
from mockserver.inprocess.server import ServerThread

CHAT = "/openrouter/api/v1/chat/completions"
KEY = {"authorization": "Bearer sk-or-v1-test", "content-type": "application/json"}


def _folder(root: Path) -> Path:
    folder = root / "fixtures" / "openrouter" / "chat_completions"
    folder.mkdir(parents=True)
    return folder


def _fixture(folder: Path, response: dict[str, Any], name: str = "f.json") -> Path:
    path = folder / name
    path.write_text(json.dumps({"match": {"user_message": "hi"}, "response": response}))
    return path


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the fixtures folder, standing in for ~/.aws/credentials."""
    path = tmp_path / "credentials"
    path.write_text("[default]\naws_secret_access_key = do-not-serve\n")
    return path


def _load_error(root: Path) -> str:
    with pytest.raises(MockError) as refused:
        FixtureStore.load(root / "fixtures")
    return f"{refused.value.title}: {refused.value.detail}"


@pytest.mark.parametrize("name", ["../../../credentials", "sub/../../../../credentials", "../other/x.sse"])
def test_a_file_climbing_out_with_dot_dot_is_a_load_error(tmp_path: Path, secret: Path, name: str) -> None:
    _fixture(_folder(tmp_path), {"status": 200, "file": name})
    error = _load_error(tmp_path)
    assert "openrouter/chat_completions/f.json" in error and "may not climb out with `..`" in error


def test_an_absolute_file_is_a_load_error(tmp_path: Path, secret: Path) -> None:
    _fixture(_folder(tmp_path), {"status": 200, "file": str(secret)})
    assert "no absolute path" in _load_error(tmp_path)


def test_a_symlink_out_is_a_load_error(tmp_path: Path, secret: Path) -> None:
    folder = _folder(tmp_path)
    os.symlink(secret, folder / "innocent.sse")
    _fixture(folder, {"status": 200, "file": "innocent.sse", "framing": "sse"})
    assert "resolves outside the fixtures folder" in _load_error(tmp_path)


def test_a_fixture_that_is_a_symlink_out_is_a_load_error(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.json"
    outside.write_text(json.dumps({"match": {}, "response": {"status": 200, "body": {"stolen": True}}}))
    os.symlink(outside, _folder(tmp_path) / "linked.json")
    error = _load_error(tmp_path)
    assert "linked.json" in error and "outside the fixtures folder" in error


def test_a_symlinked_folder_out_is_a_load_error_or_never_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "chat_completions").mkdir(parents=True)
    (outside / "chat_completions" / "x.json").write_text(json.dumps({"match": {}, "reply": {"content": "x"}}))
    (tmp_path / "fixtures").mkdir()
    os.symlink(outside, tmp_path / "fixtures" / "openrouter", target_is_directory=True)
    assert "outside the fixtures folder" in _load_error(tmp_path)
    os.unlink(tmp_path / "fixtures" / "openrouter")
    (tmp_path / "fixtures" / "conversations").mkdir()
    os.symlink(outside / "chat_completions", tmp_path / "fixtures" / "conversations" / "deeper")
    assert len(FixtureStore.load(tmp_path / "fixtures")) == 0  # ``**`` does not follow a symlink at all


def test_a_missing_file_is_a_load_error_not_a_crash(tmp_path: Path) -> None:
    _fixture(_folder(tmp_path), {"status": 200, "file": "gone.sse"})
    assert "names no file beside the fixture" in _load_error(tmp_path)


def test_files_beside_the_fixture_and_in_a_subfolder_load(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "sub").mkdir()
    (folder / "sub" / "a.sse").write_bytes(b"data: 1\n\ndata: 2\n\n")
    (folder / "link.sse").symlink_to(folder / "sub" / "a.sse")  # a symlink that stays inside is fine
    _fixture(folder, {"status": 200, "file": "sub/a.sse", "framing": "sse"}, "a.json")
    _fixture(folder, {"status": 200, "file": "link.sse", "framing": "sse"}, "b.json")
    store = FixtureStore.load(tmp_path / "fixtures")
    assert len(store) == 2 and all(f.chunks == [b"data: 1\n\n", b"data: 2\n\n"] for f in store.candidates(
        "openrouter", "chat_completions"))  # fmt: skip


BAD_RESPONSES = [
    ({"status": 99}, "final HTTP status code"),
    ({"status": 600}, "final HTTP status code"),
    ({"status": "200"}, "final HTTP status code"),
    ({"status": True}, "final HTTP status code"),
    ({"status": 101}, "a 1xx is not an answer"),
    ({"status": 204, "body": {}}, "204 has no content"),
    ({"status": 304, "body": "x"}, "304 has no content"),
    ({"headers": {"x-a": "1\r\nset-cookie: pwned=1"}}, "CR, LF or NUL"),
    ({"headers": {"x-a": "1\nx"}}, "CR, LF or NUL"),
    ({"headers": {"x-a": "a\u0000b"}}, "CR, LF or NUL"),
    ({"headers": {"x-a": "\u017e"}}, "not latin-1"),
    ({"headers": {"x a": "1"}}, "not an HTTP token"),
    ({"headers": {"x-a:b": "1"}}, "not an HTTP token"),
    ({"headers": {"": "1"}}, "not an HTTP token"),
    ({"headers": {"Content-Length": "3"}}, "framing headers"),
    ({"headers": {"transfer-encoding": "chunked"}}, "framing headers"),
    ({"headers": {"x-a": True}}, "is a string"),
    ({"headers": ["x-a"]}, "maps names to strings"),
    ({"framing": "zip", "body": {}}, "`response.framing` is one of"),
]


@pytest.mark.parametrize(("response", "rule"), BAD_RESPONSES)
def test_bad_statuses_and_headers_are_load_errors(tmp_path: Path, response: dict[str, Any], rule: str) -> None:
    _fixture(_folder(tmp_path), response)
    error = _load_error(tmp_path)
    assert "openrouter/chat_completions/f.json" in error and rule in error, error


def _admin(core: MockCore, document: dict[str, Any]) -> MockResponse:
    body = json.dumps({"provider": "openrouter", "operation": "chat_completions", **document}).encode()
    return core.handle(MockRequest.build("POST", "/__admin/fixtures", {"content-type": "application/json"}, body))


@pytest.mark.parametrize(("response", "rule"), BAD_RESPONSES)
def test_the_same_checks_hold_for_fixtures_added_at_run_time(response: dict[str, Any], rule: str) -> None:
    answer = _admin(MockCore(), {"match": {"user_message": "hi"}, "response": response})
    assert answer.status == 400 and answer.problem is not None
    assert rule in answer.problem["detail"], answer.problem


def test_a_run_time_fixture_cannot_name_a_file(secret: Path) -> None:
    answer = _admin(MockCore(), {"match": {}, "response": {"status": 200, "file": str(secret)}})
    assert answer.status == 400 and answer.problem is not None and "needs a fixture on disk" in answer.problem["detail"]
    assert b"do-not-serve" not in answer.body


def test_no_content_statuses_are_served_without_a_body_over_http() -> None:
    server = ServerThread(MockCore())
    try:
        for status in (204, 304):
            added = httpx.post(f"{server.url}/__admin/fixtures", json={
                "provider": "openrouter", "operation": "chat_completions", "match": {"user_message": f"s{status}"},
                "response": {"status": status, "headers": {"x-fixture": "yes"}}})  # fmt: skip
            assert added.status_code == 201, added.text
            with httpx.Client() as client:
                answer = client.post(f"{server.url}{CHAT}", headers=KEY, json={
                    "model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": f"s{status}"}]})
                assert answer.status_code == status and answer.content == b"" and answer.headers["x-fixture"] == "yes"
                again = client.get(f"{server.url}/__admin/health")  # the same keep-alive connection still works
                assert again.status_code == 200
    finally:
        server.stop()


# -- run-time fixtures are bounded -----------------------------------------------------------------------------


def _reply(text: str, **extra: Any) -> dict[str, Any]:
    return {"match": {"user_message": text}, "reply": {"content": text}, **extra}


def test_run_time_fixtures_are_capped_in_count() -> None:
    core = MockCore(MockConfig(max_runtime_fixtures=3))
    loaded = len(core.fixtures)
    assert [_admin(core, _reply(f"n{i}")).status for i in range(3)] == [201, 201, 201]
    refused = _admin(core, _reply("n3"))
    assert refused.status == 413 and refused.problem is not None
    assert refused.problem["title"] == "Too many run-time fixtures" and "/__admin/reset" in refused.problem["fix"]
    assert len(core.fixtures) == loaded + 3
    core.handle(MockRequest.build("POST", "/__admin/reset", {"content-type": "application/json"}))
    assert _admin(core, _reply("n4")).status == 201


def test_fixtures_that_have_answered_their_times_make_room() -> None:
    core = MockCore(MockConfig(max_runtime_fixtures=1))
    assert _admin(core, _reply("once", times=1)).status == 201
    assert _admin(core, _reply("two")).status == 413
    chat = {"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": "once"}]}
    assert core.handle(MockRequest.build("POST", CHAT, KEY, json.dumps(chat).encode())).status == 200
    assert _admin(core, _reply("two")).status == 201  # the spent one went


def test_run_time_fixtures_are_capped_in_bytes() -> None:
    core = MockCore(MockConfig(max_runtime_fixture_bytes=4_000))  # each document below is about 1,500 bytes
    assert _admin(core, _reply("a" * 700)).status == 201
    assert _admin(core, _reply("b" * 700)).status == 201
    assert _admin(core, _reply("c" * 700)).status == 413
    assert core.fixtures.added == 2 and core.fixtures.added_bytes <= 4_000
