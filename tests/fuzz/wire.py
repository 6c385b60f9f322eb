"""A raw HTTP/1.1 keep-alive client: sends any method, target and header bytes, reads one response at a time.

``http.client`` and httpx refuse odd request lines (control characters, ``*`` targets) or reconnect silently;
the fuzz suite needs to see whether *this* connection is still usable after each hostile request.
"""

import socket

from tests.fuzz.oracle import Answer

__all__ = ["Connection"]


class Connection:
    """One TCP connection to a server on 127.0.0.1, reused for every request until the server closes it."""

    def __init__(self, port: int, timeout: float = 30.0) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""

    def close(self) -> None:
        """Close the socket."""
        self.sock.close()

    def request(self, method: str, target: str, headers: dict[str, str], body: bytes = b"") -> Answer:
        """Send one request (header values as UTF-8 bytes, as clients send them) and read its response."""
        lines = [f"{method} {target} HTTP/1.1", "host: 127.0.0.1", f"content-length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in headers.items() if k.lower() not in ("host", "content-length")]
        head = "\r\n".join(lines).encode("utf-8", "surrogatepass") + b"\r\n\r\n"
        self.sock.sendall(head + body)
        return self._response(method)

    def _fill(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("the server closed the connection")
        self.buffer += data

    def _until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            self._fill()
        part, _, self.buffer = self.buffer.partition(marker)
        return part

    def _exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        part, self.buffer = self.buffer[:size], self.buffer[size:]
        return part

    def _response(self, method: str) -> Answer:
        head = self._until(b"\r\n\r\n").decode("latin-1").split("\r\n")
        status = int(head[0].split(" ")[1])
        headers: dict[str, str] = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if method == "HEAD" or status in (204, 304) or status < 200:
            return Answer(status, headers, b"")
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self._until(b"\r\n").split(b";")[0], 16)
                chunks.append(self._exactly(size))
                self._exactly(2)
                if size == 0:
                    break
            return Answer(status, headers, b"".join(chunks))
        if "content-length" in headers:
            return Answer(status, headers, self._exactly(int(headers["content-length"])))
        raise AssertionError(f"a response without a length on a keep-alive connection: {headers}")
