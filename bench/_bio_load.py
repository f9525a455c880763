"""The load generator of bench/bio_page.py, run as its own process so that it never
shares an interpreter (or a GIL) with the server. It imports nothing of the project.

    python bench/_bio_load.py '<json plan>'   →   one JSON document on stdout

The plan names the server's address, the Host and User-Agent headers, the targets
(name → path), how many connections to keep busy, the warm-up and block lengths, and
the order of the timed blocks. Each connection is a thread running a minimal HTTP/1.1
client over a raw socket: a prebuilt request, the status line and Content-Length parsed,
the connection reused unless the server says `Connection: close` (gunicorn's sync
workers always do, as they do for Caddy in production; the reconnect is then part of
each request's latency, as it is there). Any status but 200, and any socket error, is
counted as an error.

The generator is CPU-bound Python on the same cores as the server; it is the same
generator, with the same per-request cost, for every target, so their ratio is fair
even though the absolute figures understate what the server could do on its own.
"""

import json
import socket
import sys
import threading
import time
from collections import Counter

RECV = 65536


class Connection:
    def __init__(self, address: tuple[str, int], request: bytes):
        self.address = address
        self.request = request
        self.sock: socket.socket | None = None
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        self.buffer = b""

    def _fill(self) -> None:
        data = self.sock.recv(RECV)
        if not data:
            raise ConnectionError("the server closed the connection mid-response")
        self.buffer += data

    def get(self) -> tuple[int, int]:
        """One request; (status, body length)."""
        if self.sock is None:
            self.sock = socket.create_connection(self.address)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.sendall(self.request)
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length, close = 0, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        while len(self.buffer) < length:
            self._fill()
        self.buffer = self.buffer[length:]
        if close:
            self.close()
        return status, length


def run_block(plan: dict, path: str, seconds: float) -> dict:
    """Keep `connections` connections busy on `path` for `seconds`."""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {plan['host']}\r\n"
        f"User-Agent: {plan['user_agent']}\r\nAccept: text/html\r\n"
        "Accept-Encoding: identity\r\n\r\n"
    ).encode()
    address = (plan["address"], plan["port"])
    latencies: list[list[float]] = []
    statuses: list[Counter] = []
    errors: list[Counter] = []
    sizes: list[Counter] = []
    start = threading.Barrier(plan["connections"] + 1)
    stop_at = [0.0]

    def loop() -> None:
        mine, status_counts, error_counts, size_counts = [], Counter(), Counter(), Counter()
        latencies.append(mine)
        statuses.append(status_counts)
        errors.append(error_counts)
        sizes.append(size_counts)
        connection = Connection(address, request)
        clock = time.perf_counter
        start.wait()
        while True:
            began = clock()
            if began >= stop_at[0]:
                break
            try:
                status, size = connection.get()
            except (OSError, ValueError, IndexError) as error:
                error_counts[type(error).__name__] += 1
                connection.close()
                continue
            mine.append(clock() - began)
            status_counts[status] += 1
            size_counts[size] += 1
        connection.close()

    threads = [threading.Thread(target=loop) for _ in range(plan["connections"])]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return {
        "seconds": elapsed,
        "latencies": [x for mine in latencies for x in mine],
        "statuses": sum(statuses, Counter()),
        "errors": sum(errors, Counter()),
        "sizes": sum(sizes, Counter()),
    }


def percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    plan = json.loads(sys.argv[1])
    warmup = {}
    for name in plan["order"][: len(plan["targets"])]:  # each target once, untimed
        block = run_block(plan, plan["targets"][name], plan["warmup_seconds"])
        warmup[name] = block["statuses"].get(200, 0)
    totals = {
        name: {"seconds": 0.0, "latencies": [], "statuses": Counter(), "errors": Counter(),
               "sizes": Counter(), "blocks_rps": []}
        for name in plan["targets"]
    }  # fmt: skip
    for name in plan["order"]:
        block = run_block(plan, plan["targets"][name], plan["block_seconds"])
        total = totals[name]
        total["seconds"] += block["seconds"]
        total["latencies"] += block["latencies"]
        total["blocks_rps"].append(len(block["latencies"]) / block["seconds"])
        for key in ("statuses", "errors", "sizes"):
            total[key] += block[key]
    report = {}
    for name, total in totals.items():
        ordered = sorted(total["latencies"])
        ok = total["statuses"].get(200, 0)
        report[name] = {
            "requests": len(ordered),
            "ok": ok,
            "warmup_ok": warmup[name],
            "seconds": total["seconds"],
            "rps": ok / total["seconds"],
            "blocks_rps": total["blocks_rps"],
            "p50_ms": percentile(ordered, 0.50) * 1000,
            "p99_ms": percentile(ordered, 0.99) * 1000,
            "max_ms": (ordered[-1] if ordered else float("nan")) * 1000,
            "non_200": {str(k): v for k, v in total["statuses"].items() if k != 200},
            "errors": dict(total["errors"]),
            "sizes": {str(k): v for k, v in total["sizes"].items()},
        }
    json.dump(report, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
