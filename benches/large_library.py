#!/usr/bin/env python3
"""A big library's numbers: cold scan, unchanged rescan, memory, and page latency deep into
the lists (standard library only).

    python3 benches/large_library.py --binary target/release/soundroom --library DIR [--runs 200]

Starts `soundroom serve` on a fresh data dir with the page cache dropped (when run as root)
and times spawn -> "library scan finished"; then an unchanged rescan (the rescanLibrary
mutation -> the next "finished" line); RSS after the scan and after the reads. Reads run with
the response cache off (every page resolved afresh, which is what a first visit costs):
`tracks`, `albums` (first: 50) at the start, the middle and the end of the list, each with
the cursor a client scrolling there would hold (pages must not slow down towards the end),
and `search` for a few words; sequential
requests on one keep-alive connection, p50/p99 per row. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def drop_caches() -> bool:
    try:
        subprocess.run(["sync"], check=True)
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def status_kb(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def cursor(offset: int) -> str | None:
    """The `after` cursor that starts a page at `offset` (cursors are base64 of "o:N")."""
    if offset == 0:
        return None
    return base64.urlsafe_b64encode(f"o:{offset - 1}".encode()).decode().rstrip("=")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Server:
    def __init__(self, binary: str, library: str, work: str):
        self.port = free_port()
        self.log_path = os.path.join(work, "server.log")
        env = {k: v for k, v in os.environ.items() if not k.startswith("SOUNDROOM_") and k != "RUST_LOG"}
        env["SOUNDROOM_SERVER__RESPONSE_CACHE_MB"] = "0"
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [binary, "serve", "--listen", f"127.0.0.1:{self.port}", "--data-dir", os.path.join(work, "data"),
             "--music-dir", library, "--registration", "open"],
            stdout=open(self.log_path, "w"), stderr=subprocess.STDOUT, env=env)
        self.conn: http.client.HTTPConnection | None = None
        self.token = ""

    def finished_scans(self) -> int:
        with open(self.log_path, errors="replace") as f:
            return len(re.findall(r"library scan finished", f.read()))

    def wait_scans(self, count: int, timeout: float) -> float:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.finished_scans() >= count:
                return time.monotonic()
            if self.proc.poll() is not None:
                raise RuntimeError("the server exited; see " + self.log_path)
            time.sleep(0.02)
        raise TimeoutError(f"no scan finished within {timeout} s")

    def gql(self, query: str, variables: dict | None = None) -> tuple[dict, float]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        body = json.dumps({"query": query, "variables": variables or {}})
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        t0 = time.perf_counter()
        self.conn.request("POST", "/graphql", body, headers)
        data = json.loads(self.conn.getresponse().read())
        elapsed = time.perf_counter() - t0
        if data.get("errors"):
            raise RuntimeError(data["errors"])
        return data["data"], elapsed

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--library", required=True)
    ap.add_argument("--runs", type=int, default=200, help="requests per row")
    ap.add_argument("--scan-timeout", type=float, default=600)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="soundroom-large-")
    dropped = drop_caches()
    s = Server(os.path.abspath(a.binary), os.path.abspath(a.library), work)
    try:
        cold = s.wait_scans(1, a.scan_timeout) - s.started
        time.sleep(3)
        rss_scanned = status_kb(s.proc.pid, "VmRSS")
        s.token = s.gql('mutation { register(input: {email: "b@example.org", password: "correct horse battery", '
                        'username: "Bench"}) { accessToken } }')[0]["register"]["accessToken"]
        t0 = time.monotonic()
        s.gql("mutation { rescanLibrary { scanning } }")
        rescan = s.wait_scans(2, a.scan_timeout) - t0
        counts, _ = s.gql("{ tracks(first: 1) { totalCount } albums(first: 1) { totalCount } }")
        n_tracks, n_albums = counts["tracks"]["totalCount"], counts["albums"]["totalCount"]
        rows = []
        track_q = ("query($a: String) { tracks(first: 50, after: $a) { edges { node { id name duration "
                   "artist { name } album { title } isFavorite } } } }")
        album_q = ("query($a: String) { albums(first: 50, after: $a) { edges { node { id title year "
                   "artist { name } } } } }")
        for name, q, total in (("tracks", track_q, n_tracks), ("albums", album_q, n_albums)):
            for where, offset in (("start", 0), ("middle", total // 2), ("end", max(0, total - 50))):
                # The cursor a client scrolling there would hold: the previous row's own (it may
                # carry the row's sort key, letting the server start right after that row).
                after = cursor(offset)
                if offset > 0:
                    prev = s.gql("query($a: String) { %s(first: 1, after: $a) { pageInfo { endCursor } } }" % name,
                                 {"a": cursor(offset - 1)})[0]
                    after = prev[name]["pageInfo"]["endCursor"]
                lat = [s.gql(q, {"a": after})[1] for _ in range(a.runs)]
                rows.append((f"`{name}(first: 50)` at offset {offset:,} ({where})", lat))
        for word in ("river", "love", "a", "zz"):
            q = '{ search(query: "%s", first: 50) { artists { name } albums { title } tracks { name } } }' % word
            lat = [s.gql(q)[1] for _ in range(a.runs)]
            rows.append((f'`search("{word}", first: 50)`', lat))
        rss_after = status_kb(s.proc.pid, "VmRSS")
        hwm = status_kb(s.proc.pid, "VmHWM")
    finally:
        s.stop()
    print(f"library: {a.library} ({n_tracks:,} tracks, {n_albums:,} albums); page cache dropped: {dropped}")
    print()
    print("| measure | value |")
    print("| --- | --- |")
    print(f"| cold scan (spawn → scan finished) | {cold:.1f} s ({n_tracks / cold:,.0f} files/s) |")
    print(f"| unchanged rescan | {rescan:.2f} s |")
    print(f"| RSS after the scan (steady, 3 s later) | {rss_scanned / 1024:.1f} MB |")
    print(f"| RSS after the reads below | {rss_after / 1024:.1f} MB (peak {hwm / 1024:.1f} MB) |")
    print()
    print(f"Reads, response cache off, {a.runs} sequential requests each:")
    print()
    print("| request | p50 | p99 |")
    print("| --- | --- | --- |")
    for label, lat in rows:
        print(f"| {label} | {pct(lat, 50) * 1000:.2f} ms | {pct(lat, 99) * 1000:.2f} ms |")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
