"""Side by side over loopback: this checkout's ``mockserver serve``, a bare starlette app, and aimock (Node).

``python -m benchmarks.compare`` (``make compare``). Each server runs pinned to one CPU (``--server-cpu``) and
wrk to another (``--load-cpu``); each scenario warms every target up, then runs ``--reps`` rounds with the
targets in alternating order, and reports medians. The ratio is the target's figure over the bare app's in the
same run, so a loaded machine moves both. Server CPU per request is the server process's user+system time over
a round divided by the requests wrk completed. Start-up is spawn to the first answer to a chat request (median
of ``--starts``); RSS is read after the last round. Without wrk or aimock it says how to install them and skips
what needs them.
"""

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockserver.core import MockCore
from mockserver.http import MockRequest

PROMPT = "Say hello in one short sentence."
CHAT = {"model": "meta-llama/llama-4-maverick", "messages": [{"role": "user", "content": PROMPT}]}
CONVERSE = {"messages": [{"role": "user", "content": [{"text": PROMPT}]}],
            "inferenceConfig": {"maxTokens": 64}}  # fmt: skip
BR_MODEL = "us.meta.llama4-maverick-17b-instruct-v1%3A0"
AIMOCK_VERSION = "1.43.0"
TICK = os.sysconf("SC_CLK_TCK")
WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = io.open(os.getenv("BODY_FILE"), "rb"):read("*a")
for line in io.lines(os.getenv("HEADERS_FILE")) do
  local k, v = line:match("^([^:]+):%s*(.-)%s*$")
  if k then wrk.headers[k] = v end
end
done = function(s, latency, r)
  io.write(string.format('WRK {"requests":%d,"seconds":%.6f,"errors":%d,"non2xx":%d}\\n', s.requests,
    s.duration / 1e6, s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout, s.errors.status))
end
"""


@dataclass
class Target:
    name: str
    argv: list[str]
    port: int
    or_prefix: str
    br_prefix: str
    proc: subprocess.Popen[bytes] | None = None
    startups: list[float] = field(default_factory=list)


def post(port: int, path: str, body: bytes, headers: dict[str, str], timeout: float = 2.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", path, body, {"content-type": "application/json", **headers})
        reply = conn.getresponse()
        return reply.status, reply.read()
    finally:
        conn.close()


def signed(port: int, prefix: str, body: bytes) -> dict[str, str]:
    """SigV4 headers for one Converse request (botocore; fake keys), signed now: re-signed for every round."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    url = f"http://127.0.0.1:{port}{prefix}/model/{BR_MODEL}/converse"
    request = AWSRequest("POST", url, data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials("AKIAIOSFODNN7EXAMPLE", "bench-secret"), "bedrock", "us-east-1").add_auth(request)
    return {k: v for k, v in request.headers.items() if k.lower() != "content-type"}


def start(target: Target, cpu: str) -> None:
    """Spawn the target pinned to ``cpu`` and wait for its first answer to a chat request."""
    began = time.perf_counter()
    target.proc = subprocess.Popen(["taskset", "-c", cpu, *target.argv], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)  # fmt: skip
    body = json.dumps(CHAT).encode()
    while time.perf_counter() - began < 30:
        if target.proc.poll() is not None:
            raise SystemExit(f"{target.name} exited with {target.proc.returncode}: {' '.join(target.argv)}")
        try:
            post(target.port, f"{target.or_prefix}/chat/completions", body, {"authorization": "Bearer sk-or-v1-x"})
        except OSError:
            time.sleep(0.005)
            continue
        target.startups.append(time.perf_counter() - began)
        return
    raise SystemExit(f"{target.name} did not answer within 30 s")


def stop(target: Target) -> None:
    if target.proc is not None and target.proc.poll() is None:
        target.proc.terminate()
        try:
            target.proc.wait(5)
        except subprocess.TimeoutExpired:
            target.proc.kill()
            target.proc.wait()
    target.proc = None


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wrk(wrk_bin: str, cpu: str, url: str, body: bytes, headers: dict[str, str], seconds: float, conns: int,
        work: Path) -> dict[str, Any]:  # fmt: skip
    (work / "body").write_bytes(body)
    (work / "headers").write_text("".join(f"{k}: {v}\n" for k, v in headers.items()))
    (work / "post.lua").write_text(WRK_SCRIPT)
    env = {**os.environ, "BODY_FILE": str(work / "body"), "HEADERS_FILE": str(work / "headers")}
    lasting = f"-d{max(1, round(seconds))}s"
    argv = ["taskset", "-c", cpu, wrk_bin, "-t1", f"-c{conns}", lasting, "-s", str(work / "post.lua"), url]
    out = subprocess.run(argv, env=env, capture_output=True, text=True, check=False).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("WRK ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no summary: {out[-500:]}")
    return dict(json.loads(line[4:]))


def scenario(name: str, target: Target) -> tuple[str, bytes, dict[str, str]]:
    """URL path, body and headers of one scenario for one target."""
    chat = f"{target.or_prefix}/chat/completions"
    key = {"authorization": "Bearer sk-or-v1-bench"}
    if name == "or_chat":
        return chat, json.dumps(CHAT).encode(), key
    if name == "or_stream":
        return chat, json.dumps({**CHAT, "stream": True}).encode(), key
    body = json.dumps(CONVERSE).encode()
    return f"{target.br_prefix}/model/{BR_MODEL}/converse", body, signed(target.port, target.br_prefix, body)


def bare_bodies(path: Path) -> None:
    """The mock's own answers to the scenarios, for the bare app to send as fixed bytes of the same size."""
    core, bodies = MockCore(), {}  # type: dict[str, dict[str, Any]]
    probe = Target("mockserver", [], 0, "/openrouter/api/v1", "/bedrock")
    for name in ("or_chat", "or_stream", "br_converse"):
        url, body, headers = scenario(name, probe)
        answer = core.handle(MockRequest.build("POST", url, {"content-type": "application/json", **headers}, body))
        spec = bodies.setdefault(url, {})
        if answer.chunks is not None:
            spec["events"] = [c.decode() for c in answer.chunks]
        else:
            spec["body"] = answer.body.decode()
    path.write_text(json.dumps(bodies))


def compile_bytecode() -> None:
    """Write this checkout's bytecode, as pip does when it installs the wheel, so a start reads it.

    An editable install compiles nothing up front, and under ``PYTHONDONTWRITEBYTECODE=1`` Python writes no
    ``__pycache__`` either: every start would compile the ~90 modules from source (70-110 ms here), a cost no
    installed copy pays and the bare app (its dependencies all compiled) never shows.
    """
    import compileall

    root = Path(__file__).resolve().parent.parent
    for package in ("mockserver", "contracts", "benchmarks"):
        compileall.compile_dir(root / package, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare", description=__doc__)
    parser.add_argument("--seconds", type=float, default=10, help="length of one measured round (default 10)")
    parser.add_argument("--warmup", type=float, default=3, help="warm-up seconds per target and scenario")
    parser.add_argument("--reps", type=int, default=3, help="measured rounds per scenario (default 3)")
    parser.add_argument("--conns", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--starts", type=int, default=3, help="start-ups per target (default 3)")
    parser.add_argument("--server-cpu", default="0")
    parser.add_argument("--load-cpu", default="1")
    parser.add_argument("--port", type=int, default=18201, help="first of three ports")
    parser.add_argument("--aimock-dir", default=os.environ.get("AIMOCK_DIR", str(Path(".bench/aimock").resolve())))
    parser.add_argument("--wrk", default=os.environ.get("WRK") or shutil.which("wrk"))
    parser.add_argument("--scenarios", default="or_chat,br_converse,or_stream")
    parser.add_argument("--only", choices=["startup"], help="startup: only the start-ups (take --starts 10 or more)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mockserver-compare-"))
    compile_bytecode()
    bare_bodies(work / "bodies.json")
    py = sys.executable
    targets = [
        Target("bare starlette", [py, "-m", "benchmarks.bare", str(args.port), str(work / "bodies.json")], args.port,
               "/openrouter/api/v1", "/bedrock"),
        Target("mockserver", [py, "-m", "mockserver", "serve", "--host", "127.0.0.1", "--port", str(args.port + 2)],
               args.port + 2, "/openrouter/api/v1", "/bedrock"),
    ]  # fmt: skip
    cli = Path(args.aimock_dir) / "node_modules/@copilotkit/aimock/dist/cli.js"
    node = shutil.which("node")
    if cli.exists() and node:
        fixture = work / "aimock.json"
        answers = json.loads((work / "bodies.json").read_text())
        reply = json.loads(answers["/openrouter/api/v1/chat/completions"]["body"])
        content = reply["choices"][0]["message"]["content"]
        fixture.write_text(json.dumps({"fixtures": [{"match": {"userMessage": PROMPT},
                                                     "response": {"content": content}}]}))  # fmt: skip
        targets.insert(1, Target("aimock", [node, str(cli), "-h", "127.0.0.1", "-p", str(args.port + 1), "-f",
                                            str(fixture), "-c", "4"], args.port + 1, "/api/v1", ""))  # fmt: skip
    else:
        print(f"aimock skipped: install it with `npm install --prefix {args.aimock_dir} --no-audit --no-fund "
              f"@copilotkit/aimock@{AIMOCK_VERSION}` (or pass --aimock-dir)")  # fmt: skip
    if not args.wrk:
        print("wrk not found: the load scenarios are skipped (install: apt-get install -y wrk, or pass --wrk PATH)")
    rows: dict[str, dict[str, list[float]]] = {}
    try:
        for _ in range(args.starts):
            for target in targets:
                start(target, args.server_cpu)
                stop(target)
        if args.only == "startup":
            report_startups(targets, args.starts)
            return
        for target in targets:
            start(target, args.server_cpu)
        scenarios = args.scenarios.split(",") if args.wrk else []
        for name in scenarios:
            for target in targets:  # warm-up, and a probe: a target that cannot answer is left out
                url, body, headers = scenario(name, target)
                status, _ = post(target.port, url, body, headers)
                if status != 200:
                    print(f"{target.name} answered {name} with {status}: skipped there")
                    continue
                wrk(args.wrk, args.load_cpu, f"http://127.0.0.1:{target.port}{url}", body, headers, args.warmup,
                    args.conns, work)  # fmt: skip
            for rep in range(args.reps):
                for target in targets if rep % 2 == 0 else targets[::-1]:
                    url, body, headers = scenario(name, target)
                    assert target.proc is not None
                    if post(target.port, url, body, headers)[0] != 200:
                        continue
                    before = cpu_seconds(target.proc.pid)
                    result = wrk(args.wrk, args.load_cpu, f"http://127.0.0.1:{target.port}{url}", body, headers,
                                 args.seconds, args.conns, work)  # fmt: skip
                    used = cpu_seconds(target.proc.pid) - before
                    cell = rows.setdefault(name, {}).setdefault(target.name, [])
                    cell.append(result["requests"] / result["seconds"])
                    rows.setdefault(f"{name} cpu", {}).setdefault(target.name, []).append(
                        used / max(result["requests"], 1) * 1e6)
        rss = {t.name: rss_mb(t.proc.pid) for t in targets if t.proc is not None}
    finally:
        for target in targets:
            stop(target)
    report(targets, rows, rss, args)


def report_startups(targets: list[Target], starts: int) -> None:
    """``--only startup``: each target's start-ups, their median and its ratio to the first target's."""
    ref = statistics.median(targets[0].startups)
    print(f"\nstart-up, spawn -> first answer (ms), {starts} starts each, targets alternating")
    for target in targets:
        value = statistics.median(target.startups)
        each = " ".join(f"{s * 1e3:.0f}" for s in target.startups)
        print(f"{target.name:>15}: median {value * 1e3:.0f} ({value / ref:.2f}x)  [{each}]")


def report(targets: list[Target], rows: dict[str, dict[str, list[float]]], rss: dict[str, float],
           args: argparse.Namespace) -> None:  # fmt: skip
    names = [t.name for t in targets]
    base = names[0]
    labels = {"or_chat": "OpenRouter chat, non-streaming (req/s)", "br_converse": "Bedrock Converse, SigV4 (req/s)",
              "or_stream": "OpenRouter stream via wrk (streams/s)", "or_chat cpu": "server CPU µs per chat request",
              "br_converse cpu": "server CPU µs per Converse request",
              "or_stream cpu": "server CPU µs per unpaced stream"}  # fmt: skip
    print(f"\n{args.reps} rounds of {args.seconds:g} s, {args.conns} connections, server on CPU {args.server_cpu}, "
          f"wrk on CPU {args.load_cpu}; medians; (ratio to {base} in the same run)\n")  # fmt: skip
    print("| scenario | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for key, label in labels.items():
        if key not in rows:
            continue
        cells = []
        for name in names:
            values = rows[key].get(name)
            if not values:
                cells.append("-")
                continue
            value, ref = statistics.median(values), statistics.median(rows[key].get(base, [float("nan")]))
            cells.append(f"{value:,.0f} ({value / ref:.2f}x)")
        print(f"| {label} | " + " | ".join(cells) + " |")
    starts = {t.name: statistics.median(t.startups) * 1e3 for t in targets if t.startups}
    ref = starts.get(base, float("nan"))
    print("| start-up, spawn -> first answer (ms) | " + " | ".join(
        f"{starts[n]:,.0f} ({starts[n] / ref:.2f}x)" if n in starts else "-" for n in names) + " |")
    print("| RSS after the load (MB) | " + " | ".join(f"{rss[n]:.0f}" if n in rss else "-" for n in names) + " |")


if __name__ == "__main__":
    main()
