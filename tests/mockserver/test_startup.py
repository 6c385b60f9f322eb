"""What ``mockserver serve`` loads before its first answer: only what serving a chat request needs (issue #12).

The real command runs in a subprocess (``cli.main``, its listener, uvicorn, the signal handlers) while a thread
waits for the ready file, sends one OpenRouter chat request over the socket and reports which of the heavy
modules are loaded once it is answered; then SIGTERM stops the server cleanly. Each name below was loaded at
start once and is now loaded on first use: metrics at the first scrape, HTTP/2 at the first preface or ALPN
``h2``, jsonschema at the first scenario or refusal, starlette's requests for the recorder only. What start-up
made is frozen out of the garbage collector's generations once the listeners accept.
"""

import json
import subprocess
import sys
from pathlib import Path

HEAVY = (
    "prometheus_client",  # engine/metrics.py: at the first GET /__admin/metrics
    "h2", "hpack", "hyperframe",  # inprocess/http2.py: at the first HTTP/2 connection
    "jsonschema", "referencing", "fastjsonschema",  # scenarios and the explanation of a refused body
    "starlette.requests", "anyio", "mockserver.record.bridge", "mockserver.record.proxy",  # the recorder's app
    "hypothesis", "moto", "boto3", "botocore", "httpx", "yaml", "contracts.check", "contracts.strategies",
)  # fmt: skip

_SERVE = """
import gc, http.client, json, os, signal, sys, threading, time
from pathlib import Path
from mockserver import cli

ready, heavy = Path(sys.argv[1]), sys.argv[2].split(",")

def first_answer():
    while not ready.exists():
        time.sleep(0.01)
    conn = http.client.HTTPConnection("127.0.0.1", json.loads(ready.read_text())["port"], timeout=30)
    body = {"model": "meta-llama/llama-4-maverick", "messages": [{"role": "user", "content": "Say hello."}]}
    conn.request("POST", "/openrouter/api/v1/chat/completions", json.dumps(body),
                 {"content-type": "application/json", "authorization": "Bearer sk-or-v1-startup"})
    status = conn.getresponse().status
    loaded = [name for name in heavy if name in sys.modules]
    print(json.dumps({"status": status, "loaded": loaded, "frozen": gc.get_freeze_count()}), flush=True)
    os.kill(os.getpid(), signal.SIGTERM)

threading.Thread(target=first_answer, daemon=True).start()
sys.exit(cli.main(["serve", "--port", "0", "--ready-file", str(ready)]))
"""


def test_serve_answers_its_first_chat_request_without_the_heavy_modules(tmp_path: Path) -> None:
    ready = tmp_path / "ready.json"
    run = subprocess.run([sys.executable, "-c", _SERVE, str(ready), ",".join(HEAVY)], capture_output=True,
                         text=True, timeout=120, check=False)  # fmt: skip
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["frozen"] > 10_000  # what start-up made is out of the collector's way (serving.py)
    assert report == {"status": 200, "loaded": [], "frozen": report["frozen"]}


def test_the_heavy_modules_still_load_where_they_are_used() -> None:
    """The names above are real modules the mock does use (a typo would make the first test pass vacuously)."""
    code = (
        "import json, sys\n"
        "from mockserver.core import MockCore\n"
        "from mockserver.http import MockRequest\n"
        "from mockserver.inprocess import http2\n"
        "from mockserver.record import proxy\n"
        "from contracts import check, strategies\n"
        "core = MockCore()\n"
        "core.handle(MockRequest.build('GET', '/__admin/metrics', {}))\n"
        "bad = MockRequest.build('POST', '/openrouter/api/v1/chat/completions',\n"
        "                        {'authorization': 'Bearer sk-or-v1-x'}, b'{\"model\": 5}')\n"
        "core.handle(bad)\n"
        "from mockserver.behaviour.scenarios import parse_scenario\n"
        "parse_scenario({'steps': [{'reply': {'content': 'hi'}}]}, 'one')\n"
        "import fastjsonschema, yaml, hypothesis, moto, boto3, botocore, httpx\n"
        f"print(json.dumps([name for name in {list(HEAVY)!r} if name not in sys.modules]))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == []
