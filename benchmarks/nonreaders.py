"""RSS of ``mockserver serve`` while clients that never read hold large streams open.

``python -m benchmarks.nonreaders [--clients 200] [--words 20000] [--wait 40]``: adds a fixture whose reply has
``--words`` words (20,000 words: a ~2 MB OpenRouter SSE transcript), opens ``--clients`` connections that each
ask for it streamed and read nothing, waits, and prints the server's resident memory before and after.
"""

import argparse
import json
import socket
import subprocess
import sys
import time


def _rss_mb(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    return -1


def _post(port: int, path: str, body: bytes, extra: str = "") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{extra}"
            f"Content-Length: {len(body)}\r\n\r\n")  # fmt: skip
    sock.sendall(head.encode() + body)
    return sock


def main() -> None:
    """Run the measurement and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--words", type=int, default=20_000)
    parser.add_argument("--wait", type=float, default=40.0)
    parser.add_argument("--port", type=int, default=18931)
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, "-m", "mockserver", "serve", "--port", str(args.port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        time.sleep(2.5)
        fixture = {"name": "big", "match": {"user_message": "the big one"}, "reply": {"content": "word " * args.words}}
        _post(args.port, "/__admin/fixtures", json.dumps(fixture).encode()).recv(100)
        before = _rss_mb(server.pid)
        ask = {"model": "meta-llama/llama-4-maverick", "stream": True,
               "messages": [{"role": "user", "content": "the big one"}]}  # fmt: skip
        body = json.dumps(ask).encode()
        held = [_post(args.port, "/openrouter/api/v1/chat/completions", body, "Authorization: Bearer k\r\n")
                for _ in range(args.clients)]  # fmt: skip
        time.sleep(args.wait)
        print(f"{args.clients} non-reading clients, {args.words} words each: RSS {before} MB -> "
              f"{_rss_mb(server.pid)} MB")  # fmt: skip
        for sock in held:
            sock.close()
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
