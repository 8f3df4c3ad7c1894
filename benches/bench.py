#!/usr/bin/env python3
"""Soundroom benchmark harness (standard library only).

    python3 benches/bench.py --binary target/release/soundroom --library DIR --n N

Measures, against a library made by make_library.py:
  (a) `soundroom scan` on a fresh data dir (cold scan) and again on the same data dir
      (unchanged rescan): wall time of the process, files/s;
  (b) `soundroom serve` on a fresh data dir: start-up, background scan, resident memory
      (VmRSS / VmHWM from /proc/PID/status) with N tracks loaded;
  (c) GraphQL `tracks(first: 50)` page: sequential latency (p50/p95/p99) and concurrent
      throughput over keep-alive connections;
  (d) streaming the original of the largest track: MB/s over repeated downloads;
  (e) transcoding (OPUS 128k, MP3 192k) through `streamUrl(format:, bitrate:)` when the
      server offers it, and ffmpeg doing the same encode of the same file, as a multiple of
      real time (audio seconds / wall seconds);
  (f) the Subsonic API (/rest, with an app password's apiKey): a phone app's full-library
      sync (`search3` with an empty query, 500 songs or albums per page) and
      `getAlbumList2` pages (alphabeticalByName at random offsets, newest), sequential
      latency and concurrent throughput (skip with --no-subsonic).

Every request goes to 127.0.0.1 only; every loop is bounded in count and in time. The
server is stopped with SIGTERM (SIGKILL after a grace period) whatever happens.
Prints a Markdown section and writes it to benches/results-latest.md (see --out).
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
AUDIO_EXTS = {".mp3", ".flac", ".ogg", ".opus", ".m4a", ".mp4", ".aac", ".wav", ".wv", ".ape", ".aiff", ".aif"}

PAGE_QUERY = "{ tracks(first: 50) { edges { node { id name duration artist { name } album { title } isFavorite } } } }"
DEEP_QUERY = (
    "query($after: String) { tracks(first: 50, after: $after) { edges { node { id name duration "
    "artist { name } album { title } isFavorite } } } }"
)
REGISTER = (
    'mutation { register(input: {email: "b@example.org", password: "correct horse battery", '
    'username: "Bench"}) { accessToken } }'
)
STATUS_QUERY = (
    "{ libraryStatus { scanning tracks albums artists lastScanStartedAt lastScanFinishedAt "
    "lastScanDurationMs } }"
)
LIST_QUERY = (
    "query($after: String) { tracks(first: 500, after: $after) { pageInfo { hasNextPage endCursor } "
    "edges { cursor node { id name duration fileSize codec } } } }"
)
TRANSCODES = [
    # (GraphQL enum, bitrate kbit/s, ffmpeg encoder, output extension)
    ("OPUS", 128, "libopus", "opus"),
    ("MP3", 192, "libmp3lame", "mp3"),
]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class BenchError(Exception):
    pass


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# helpers


# Settings the harness itself gives the server (--no-response-cache).
SERVER_ENV: dict[str, str] = {}


def clean_env() -> dict[str, str]:
    """The caller's environment without any SOUNDROOM_* (or RUST_LOG) setting."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOUNDROOM_") and k != "RUST_LOG"}
    env["SOUNDROOM_LOG"] = "info"  # the harness reads info-level lines from the log
    env.update(SERVER_ENV)
    return env


def run_text(cmd: list[str], cwd: str | None = None) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30, cwd=cwd, stdin=subprocess.DEVNULL)
        return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else "?"
    except (OSError, subprocess.TimeoutExpired, IndexError):
        return "not found"


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, math.ceil(p / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def latency_table(out, notes, what: str, runs) -> None:
    """A Markdown table of request runs (label, result of `sequential`/`concurrent`); errors go to notes."""
    out("| run | requests | p50 ms | p95 ms | p99 ms | max ms | server mean ms | requests/s | errors |")
    out("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for label, r in runs:
        L = r["lat"]
        rps = r["n"] / r["wall"] if r["wall"] else 0
        err = sum(r["errors"].values())
        out(f"| {label} | {r['n']} | {fmt_ms(percentile(L, 50))} | {fmt_ms(percentile(L, 95))} | "
            f"{fmt_ms(percentile(L, 99))} | {fmt_ms(L[-1]) if L else '-'} | {r['server_ms']} | {rps:,.0f} | {err} |")
        if r["errors"]:
            notes.append(f"{what} {label}: errors {r['errors']}")


def mib(n: float) -> str:
    return f"{n / 2**20:.1f} MiB"


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM, Threads from /proc/PID/status (kB values in bytes)."""
    out: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) * 1024
            elif key == "Threads":
                out[key] = int(value.strip())
    except OSError:
        pass
    return out


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# ---------------------------------------------------------------------------------------------
# machine and inputs


def machine_info(binary: Path) -> list[tuple[str, str]]:
    cpu = "?"
    mem = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    repo = HERE.parent
    size = binary.stat().st_size
    profile = "debug" if "/debug/" in str(binary) else ("release" if "/release/" in str(binary) else "?")
    git = run_text(["git", "-C", str(repo), "describe", "--always", "--dirty"])
    return [
        ("CPUs (nproc)", run_text(["nproc"])),
        ("CPU model", cpu),
        ("memory", mem),
        ("kernel", platform.release()),
        ("rustc", run_text(["rustc", "--version"], cwd=str(repo))),
        ("binary", f"`{binary}` ({profile} profile), {mib(size)}"),
        ("revision", git),
        ("ffmpeg", run_text(["ffmpeg", "-hide_banner", "-version"])),
        ("python", platform.python_version()),
        ("load average at start", loadavg()),
    ]


def library_info(lib: Path) -> tuple[int, int, dict[str, int]]:
    count, total, per_ext = 0, 0, {}
    for root, _dirs, files in os.walk(lib):
        for name in files:
            ext = os.path.splitext(name)[1].lower()
            if ext in AUDIO_EXTS:
                count += 1
                total += os.path.getsize(os.path.join(root, name))
                per_ext[ext[1:]] = per_ext.get(ext[1:], 0) + 1
    return count, total, per_ext


# ---------------------------------------------------------------------------------------------
# (a) scan subcommand

SCAN_LINE = re.compile(
    r"library: (\d+) tracks, (\d+) albums, (\d+) artists \((\d+) files skipped\) in (\d+) ms"
)


def run_scan(binary: Path, data_dir: Path, music: list[Path], timeout: float) -> dict:
    cmd = [str(binary), "--data-dir", str(data_dir)]
    for m in music:
        cmd += ["--music-dir", str(m)]
    cmd.append("scan")
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, env=clean_env(), timeout=timeout,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise BenchError(f"`scan` did not finish within {timeout:.0f} s")
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise BenchError(f"`scan` failed (exit {p.returncode}): {p.stderr.strip()[-2000:]}")
    m = SCAN_LINE.search(p.stdout)
    if not m:
        raise BenchError(f"unexpected `scan` output: {p.stdout.strip()[:500]}")
    tracks, albums, artists, skipped, ms = map(int, m.groups())
    return {"wall": wall, "tracks": tracks, "albums": albums, "artists": artists, "skipped": skipped,
            "internal_ms": ms}


# ---------------------------------------------------------------------------------------------
# the server


class Server:
    def __init__(self, binary: Path, data_dir: Path, music: list[Path], log_path: Path):
        self.binary, self.data_dir, self.music, self.log_path = binary, data_dir, music, log_path
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.started_at = 0.0

    def start(self) -> None:
        cmd = [str(self.binary), "--data-dir", str(self.data_dir)]
        for m in self.music:
            cmd += ["--music-dir", str(m)]
        cmd += ["serve", "--listen", "127.0.0.1:0"]
        env = clean_env()
        # Long enough that the access token outlives a slow run (the default is 15 minutes).
        env["SOUNDROOM_AUTH__ACCESS_TOKEN_MINUTES"] = "240"
        self.logf = open(self.log_path, "wb")
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdout=self.logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=env)

    def log_text(self) -> str:
        try:
            return ANSI.sub("", self.log_path.read_text(errors="replace"))
        except OSError:
            return ""

    def wait_for_log(self, pattern: str, timeout: float) -> re.Match:
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = rx.search(self.log_text())
            if m:
                return m
            if self.proc and self.proc.poll() is not None:
                raise BenchError(f"server exited (code {self.proc.returncode}) before logging /{pattern}/; "
                                 f"log tail:\n{self.log_text()[-2000:]}")
            time.sleep(0.05)
        raise BenchError(f"server did not log /{pattern}/ within {timeout:.0f} s; log tail:\n"
                         f"{self.log_text()[-2000:]}")

    def stop(self, grace: float = 15.0) -> float | None:
        """SIGTERM, then SIGKILL after `grace` seconds. Returns the shutdown time, or None if killed."""
        if not self.proc or self.proc.poll() is not None:
            return None
        t0 = time.perf_counter()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=grace)
            took = time.perf_counter() - t0
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            took = None
        self.logf.close()
        return took


class Client:
    """One keep-alive HTTP/1.1 connection to 127.0.0.1."""

    def __init__(self, port: int, token: str | None = None, timeout: float = 60.0):
        self.port, self.token, self.timeout = port, token, timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        h = dict(headers or {})
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read()
                return r.status, {k.lower(): v for k, v in r.getheaders()}, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server may close an idle keep-alive connection; reconnect once.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def gql_raw(self, query: str, variables: dict | None = None) -> tuple[int, bytes]:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        status, _h, data = self.request("POST", "/graphql", body, headers)
        return status, data

    def gql(self, query: str, variables: dict | None = None) -> dict:
        status, data = self.gql_raw(query, variables)
        try:
            doc = json.loads(data)
        except ValueError:
            raise BenchError(f"GraphQL answered HTTP {status} with non-JSON: {data[:300]!r}")
        if doc.get("errors"):
            raise GraphQLErrors(doc["errors"])
        if status != 200:
            raise BenchError(f"GraphQL answered HTTP {status}: {data[:300]!r}")
        return doc["data"]

    def close(self) -> None:
        self.conn.close()


class GraphQLErrors(BenchError):
    def __init__(self, errors: list):
        self.errors = errors
        super().__init__("; ".join(e.get("message", "?") for e in errors)[:500])


# ---------------------------------------------------------------------------------------------
# (c) GraphQL page

METRIC = re.compile(
    # Lazy up to the "}" before the value: route labels may hold braces ("/rest/{method}").
    r'^soundroom_http_request_duration_seconds_(sum|count)\{(.*?)\}\s+([0-9.eE+-]+)\s*$', re.M)


def server_time(port: int, route: str = "/graphql", method: str = "POST") -> tuple[float, int] | None:
    """(total seconds, count) the server recorded for successful `method route`, from /metrics."""
    try:
        c = Client(port, timeout=10)
        status, _h, data = c.request("GET", "/metrics")
        c.close()
    except (OSError, http.client.HTTPException):
        return None
    if status != 200:
        return None
    total, count = 0.0, 0
    for kind, labels, value in METRIC.findall(data.decode(errors="replace")):
        if f'route="{route}"' in labels and f'method="{method}"' in labels and 'status="200"' in labels:
            if kind == "sum":
                total += float(value)
            else:
                count += int(float(value))
    return total, count


def server_mean_ms(before: tuple[float, int] | None, after: tuple[float, int] | None) -> str:
    if not before or not after or after[1] <= before[1]:
        return "?"
    return f"{(after[0] - before[0]) / (after[1] - before[1]) * 1000:.1f}"


def check_page(status: int, data: bytes, expect: int) -> str | None:
    """None when the response is a good page of `expect` tracks, else what is wrong."""
    if status != 200:
        return f"HTTP {status}"
    try:
        doc = json.loads(data)
    except ValueError:
        return "non-JSON body"
    if doc.get("errors"):
        return "GraphQL error: " + doc["errors"][0].get("message", "?")
    got = len(doc["data"]["tracks"]["edges"])
    return None if got == expect else f"{got} edges, expected {expect}"


# One HTTP request: method, path, body, headers.
Req = tuple[str, str, "bytes | None", "dict[str, str]"]


def sequential(port: int, token: str, count: int, limit_s: float, expect: int,
               query: str = PAGE_QUERY, variables: dict | None = None,
               next_request: Callable[[], Req] | None = None,
               check: Callable[[int, bytes], str | None] | None = None) -> dict:
    """`count` requests one after another on one keep-alive connection. By default the GraphQL
    `query`; `next_request` gives each request instead, `check` says what is wrong with a response."""
    c = Client(port, token)
    if next_request is None:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        next_request = lambda: ("POST", "/graphql", body, headers)  # noqa: E731
    check = check or (lambda status, data: check_page(status, data, expect))
    lat: list[float] = []
    errors: dict[str, int] = {}
    deadline = time.monotonic() + limit_s
    t_start = time.perf_counter()
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        method, path, body, headers = next_request()
        t0 = time.perf_counter()
        status, _h, data = c.request(method, path, body, headers)
        lat.append(time.perf_counter() - t0)
        problem = check(status, data)
        if problem:
            errors[problem] = errors.get(problem, 0) + 1
    wall = time.perf_counter() - t_start
    c.close()
    lat.sort()
    return {"n": len(lat), "wall": wall, "lat": lat, "errors": errors, "bytes": len(data) if lat else 0}


def concurrent(port: int, token: str, threads: int, per_thread: int, limit_s: float, expect: int,
               requests: Callable[[int], Callable[[], Req]] | None = None,
               quick_ok: Callable[[int, bytes], bool] | None = None,
               check: Callable[[int, bytes], str | None] | None = None) -> dict:
    """`threads` clients on their own keep-alive connections, `per_thread` requests each. By
    default the GraphQL page; `requests(i)` gives thread i its request maker, `quick_ok` is the
    cheap per-response test and `check` the full one that names a problem."""
    if requests is None:
        body = json.dumps({"query": PAGE_QUERY}).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        requests = lambda _i: (lambda: ("POST", "/graphql", body, headers))  # noqa: E731
        # Full JSON checks cost client CPU the server needs; check status and shape cheaply.
        quick_ok = lambda status, data: (status == 200 and b'"errors"' not in data  # noqa: E731
                                         and data.count(b'"isFavorite"') == expect)
        check = lambda status, data: check_page(status, data, expect)  # noqa: E731
    assert quick_ok is not None and check is not None
    lat: list[list[float]] = [[] for _ in range(threads)]
    errs: list[dict[str, int]] = [{} for _ in range(threads)]
    barrier = threading.Barrier(threads + 1)
    deadline_box: list[float] = [0.0]

    def worker(i: int) -> None:
        c = Client(port, token)
        next_request = requests(i)
        try:
            # Open the connection before the clock starts.
            c.request(*next_request())
            barrier.wait(timeout=60)
            for _ in range(per_thread):
                if time.monotonic() > deadline_box[0]:
                    break
                method, path, body, headers = next_request()
                t0 = time.perf_counter()
                try:
                    status, _h, data = c.request(method, path, body, headers)
                except OSError as e:
                    errs[i][type(e).__name__] = errs[i].get(type(e).__name__, 0) + 1
                    continue
                lat[i].append(time.perf_counter() - t0)
                if not quick_ok(status, data):
                    problem = check(status, data) or "bad response"
                    errs[i][problem] = errs[i].get(problem, 0) + 1
        except threading.BrokenBarrierError:
            errs[i]["barrier"] = 1
        finally:
            c.close()

    ts = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
    for t in ts:
        t.start()
    deadline_box[0] = time.monotonic() + 60 + limit_s
    barrier.wait(timeout=60)
    deadline_box[0] = time.monotonic() + limit_s
    t0 = time.perf_counter()
    for t in ts:
        t.join(timeout=limit_s + 120)
    wall = time.perf_counter() - t0
    all_lat = sorted(x for part in lat for x in part)
    errors: dict[str, int] = {}
    for e in errs:
        for k, v in e.items():
            errors[k] = errors.get(k, 0) + v
    return {"n": len(all_lat), "wall": wall, "lat": all_lat, "errors": errors}


# ---------------------------------------------------------------------------------------------
# (d) streaming and (e) transcoding


def list_tracks(c: Client, limit_s: float) -> tuple[list[dict], float, int]:
    """Every track (id, name, duration, fileSize, codec) via 500-track pages."""
    tracks: list[dict] = []
    after = None
    pages = 0
    t0 = time.perf_counter()
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and pages < 10_000:
        d = c.gql(LIST_QUERY, {"after": after})["tracks"]
        pages += 1
        tracks += [dict(e["node"], cursor=e["cursor"]) for e in d["edges"]]
        if not d["pageInfo"]["hasNextPage"]:
            break
        after = d["pageInfo"]["endCursor"]
    return tracks, time.perf_counter() - t0, pages


def download(c: Client, url: str) -> tuple[int, dict[str, str], bytes, float, float]:
    """GET a relative URL; returns status, headers, body, time to headers, total time."""
    t0 = time.perf_counter()
    c.conn.request("GET", url)
    r = c.conn.getresponse()
    t_head = time.perf_counter() - t0
    data = r.read()
    total = time.perf_counter() - t0
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data, t_head, total


def stream_original(c: Client, track: dict, reps: int, limit_s: float) -> dict:
    url = c.gql('query($id: ID!) { track(id: $id) { streamUrl } }', {"id": track["id"]})["track"]["streamUrl"]
    times, sizes, problems = [], [], {}
    deadline = time.monotonic() + limit_s
    ctype = "?"
    digest = None
    for _ in range(reps):
        if time.monotonic() > deadline:
            break
        status, h, data, _th, total = download(c, url)
        ctype = h.get("content-type", "?")
        if status != 200 or len(data) != track["fileSize"]:
            key = f"HTTP {status}, {len(data)} bytes (expected {track['fileSize']})"
            problems[key] = problems.get(key, 0) + 1
            continue
        times.append(total)
        sizes.append(len(data))
        digest = digest or hashlib.sha256(data).hexdigest()
    return {"times": sorted(times), "bytes": sum(sizes), "wall": sum(times), "problems": problems,
            "content_type": ctype, "digest": digest}


def transcode_server(c: Client, track: dict, fmt: str, bitrate: int, original_digest: str | None,
                     reps: int, limit_s: float) -> dict:
    q = 'query($id: ID!) { track(id: $id) { streamUrl(format: %s, bitrate: %d) } }' % (fmt, bitrate)
    try:
        url = c.gql(q, {"id": track["id"]})["track"]["streamUrl"]
    except GraphQLErrors as e:
        return {"available": False, "why": f"the API refuses `streamUrl(format: {fmt}, bitrate: {bitrate})`: {e}"}
    runs = []
    deadline = time.monotonic() + limit_s
    for i in range(reps):
        if i and time.monotonic() > deadline:
            break
        try:
            status, h, data, t_head, total = download(c, url)
        except (OSError, http.client.HTTPException) as e:
            return {"available": False, "why": f"download failed: {type(e).__name__}: {e}"}
        if status != 200:
            msg = data[:200].decode(errors="replace")
            return {"available": False, "why": f"the stream URL answers HTTP {status}: {msg}"}
        if original_digest and hashlib.sha256(data).hexdigest() == original_digest:
            return {"available": False, "why": "the stream URL serves the original file, not a transcode"}
        if not data:
            return {"available": False, "why": "the stream URL answers an empty body"}
        # A live transcode streams without a length; a finished one (from a cache) has one.
        cached = "content-length" in h and "chunked" not in h.get("transfer-encoding", "")
        runs.append({"ttfb": t_head, "total": total, "bytes": len(data), "ctype": h.get("content-type", "?"),
                     "cached": cached})
        if i == 0:
            time.sleep(1.0)  # let the server finish writing its cache entry before repeating
    return {"available": True, "runs": runs}


SERVER_ENCODE = re.compile(r'format=(\w+)[^\n]*transcode finished seconds="?([0-9.]+)')


def server_encode_seconds(log_text: str, fmt: str) -> list[float]:
    """`transcode finished seconds=...` lines the server logged for this format (if it logs them)."""
    return [float(sec) for f, sec in SERVER_ENCODE.findall(log_text) if f.lower() == fmt.lower()]


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def find_file(lib: Path, track: dict) -> Path | None:
    """The file on disk behind a track: same size and the title in the file name (make_library
    names files "NN Title.ext"); failing that, any audio file of that size."""
    fallback = None
    for root, _d, files in os.walk(lib):
        for name in files:
            p = Path(root) / name
            if p.suffix.lower() not in AUDIO_EXTS or p.stat().st_size != track["fileSize"]:
                continue
            if track["name"] and track["name"] in name:
                return p
            fallback = fallback or p
    return fallback


def ffprobe_duration(path: Path) -> float | None:
    if not shutil.which("ffprobe"):
        return None
    try:
        out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                              str(path)], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
        return float(out.stdout.strip())
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None


def transcode_ffmpeg(src: Path, encoder: str, bitrate: int, ext: str, out_dir: Path, reps: int,
                     limit_s: float) -> dict:
    if not shutil.which("ffmpeg"):
        return {"available": False, "why": "ffmpeg not on PATH"}
    out = out_dir / f"ffmpeg-out.{ext}"
    times = []
    deadline = time.monotonic() + limit_s
    for i in range(reps):
        if i and time.monotonic() > deadline:
            break
        cmd = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", str(src),
               "-c:a", encoder, "-b:a", f"{bitrate}k", str(out)]
        t0 = time.perf_counter()
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=max(60.0, limit_s),
                               stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return {"available": False, "why": "ffmpeg timed out"}
        wall = time.perf_counter() - t0
        if p.returncode != 0:
            return {"available": False, "why": f"ffmpeg failed: {p.stderr.strip()[-300:]}"}
        times.append(wall)
    return {"available": True, "times": sorted(times), "bytes": out.stat().st_size}


def make_long_track(dir_: Path, seconds: int) -> Path:
    """A FLAC of `seconds` (pink noise under a tone: compresses like music, unlike a bare sine)."""
    dir_.mkdir(parents=True, exist_ok=True)
    out = dir_ / "Bench Long Track.flac"
    if out.exists():
        return out
    subprocess.run([
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
        "-f", "lavfi", "-i", f"anoisesrc=color=pink:amplitude=0.2:duration={seconds}:sample_rate=44100:seed=1",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}:sample_rate=44100",
        "-filter_complex", "[0][1]amix=inputs=2,aformat=channel_layouts=stereo",
        "-c:a", "flac", "-metadata", "title=Bench Long Track", "-metadata", "artist=Bench",
        "-metadata", "album=Bench", str(out),
    ], check=True, timeout=600)
    return out


# ---------------------------------------------------------------------------------------------
# (f) Subsonic

APP_PASSWORD = "mutation($l: String!) { createSubsonicPassword(label: $l) { password apiKey } }"
SUBSONIC_ROUTE = "/rest/{method}"  # the route label on /metrics
SYNC_PAGE = 500  # the most search3 returns per list


def rest_path(api_key: str, method: str, **params) -> str:
    """A /rest URL with OpenSubsonic apiKey authentication and JSON answers."""
    q = {"apiKey": api_key, "c": "bench", "v": "1.16.1", "f": "json", **params}
    return f"/rest/{method}?" + urllib.parse.urlencode(q)


def subsonic_doc(status: int, data: bytes) -> tuple[dict | None, str | None]:
    """(the `subsonic-response` object, None) for a good answer, else (None, what is wrong)."""
    if status != 200:
        return None, f"HTTP {status}"
    try:
        doc = json.loads(data)["subsonic-response"]
    except (ValueError, KeyError, TypeError):
        return None, "not a Subsonic JSON response"
    if doc.get("status") != "ok":
        err = doc.get("error") or {}
        return None, f"Subsonic error {err.get('code', '?')}: {err.get('message', '?')}"
    return doc, None


def check_album_list(status: int, data: bytes, expect: int) -> str | None:
    doc, problem = subsonic_doc(status, data)
    if problem:
        return problem
    got = len((doc.get("albumList2") or {}).get("album") or [])
    return None if got == expect else f"{got} albums, expected {expect}"


def quick_album_list(status: int, data: bytes, expect: int) -> bool:
    # Every album node, and nothing else in albumList2, carries songCount.
    return status == 200 and b'"status":"ok"' in data and data.count(b'"songCount"') == expect


def subsonic_sync(port: int, api_key: str, kind: str, limit_s: float) -> dict:
    """Read the whole library the way syncing phone apps do: `search3` with an empty query,
    500 `kind`s (song or album) per page and nothing else, until a page comes back short."""
    c = Client(port)
    ids: set[str] = set()
    items = pages = size = 0
    lat: list[float] = []
    offset = 0
    complete = False
    deadline = time.monotonic() + limit_s
    t0 = time.perf_counter()
    while pages < 10_000 and time.monotonic() < deadline:
        params = {"query": "", "artistCount": 0, "albumCount": 0, "songCount": 0}
        params[f"{kind}Count"] = SYNC_PAGE
        params[f"{kind}Offset"] = offset
        path = rest_path(api_key, "search3", **params)
        t1 = time.perf_counter()
        status, _h, data = c.request("GET", path)
        lat.append(time.perf_counter() - t1)
        pages += 1
        size += len(data)
        doc, problem = subsonic_doc(status, data)
        if problem:
            c.close()
            raise BenchError(f"search3 ({kind}Offset={offset}): {problem}")
        got = (doc.get("searchResult3") or {}).get(kind) or []
        items += len(got)
        ids.update(x["id"] for x in got)
        if len(got) < SYNC_PAGE:
            complete = True
            break
        offset += SYNC_PAGE
    wall = time.perf_counter() - t0
    c.close()
    lat.sort()
    return {"items": items, "distinct": len(ids), "pages": pages, "wall": wall, "lat": lat, "bytes": size,
            "complete": complete}


def album_list_requests(api_key: str, list_type: str, albums: int, seed: int,
                        count: int) -> Callable[[], Req]:
    """A request maker for `getAlbumList2` pages of 50; alphabeticalByName pages start at a
    random offset (so the expected page is always full), the same sequence for the same seed."""
    rng = random.Random(seed)
    top = max(0, albums - 50)
    random_offset = list_type == "alphabeticalByName"
    paths = [rest_path(api_key, "getAlbumList2", type=list_type, size=50,
                       **({"offset": rng.randint(0, top)} if random_offset else {}))
             for _ in range(min(count + 1, 5000) if random_offset else 1)]
    state = [0]

    def next_request() -> Req:
        path = paths[state[0] % len(paths)]
        state[0] += 1
        return ("GET", path, None, {})

    return next_request


def subsonic_section(a: argparse.Namespace, port: int, server_pid: int, c: Client, status: dict,
                     out: Callable[[str], None], notes: list[str]) -> dict | None:
    """(f): mint an app password, sync the library through search3, time getAlbumList2 pages.
    Writes its Markdown with `out`; returns the server's memory afterwards (None if skipped)."""
    log("Subsonic: creating an app password")
    out("#### Subsonic API (`/rest`, OpenSubsonic `apiKey`, `f=json`)")
    out("")
    try:
        key = c.gql(APP_PASSWORD, {"l": "bench"})["createSubsonicPassword"]["apiKey"]
    except GraphQLErrors as e:
        out(f"Not measured: `createSubsonicPassword` failed ({e}).")
        out("")
        notes.append(f"Subsonic: `createSubsonicPassword` failed: {e}")
        return None
    ping = Client(port)
    ping_status, _h, ping_data = ping.request("GET", rest_path(key, "ping"))
    ping.close()
    _doc, problem = subsonic_doc(ping_status, ping_data)
    if problem:
        out(f"Not measured: `ping` with the new apiKey answers {problem}.")
        out("")
        notes.append(f"Subsonic: `ping` answers {problem}")
        return None

    # Measurement 1: a phone app's full sync.
    syncs = {}
    for kind, expected in (("song", status["tracks"]), ("album", status["albums"])):
        log(f"Subsonic: search3 sync of every {kind} ({SYNC_PAGE} per page)")
        r = subsonic_sync(port, key, kind, a.phase_limit)
        syncs[kind] = r
        r["expected"] = expected
        why = []
        if not r["complete"]:
            why.append(f"stopped after {a.phase_limit:.0f} s (--phase-limit) at {r['pages']} pages")
        if r["distinct"] != expected:
            why.append(f"{r['distinct']} distinct {kind} ids, but libraryStatus reports {expected}")
        if r["items"] != r["distinct"]:
            why.append(f"{r['items'] - r['distinct']} {kind}s came back more than once")
        r["warning"] = "; ".join(why)
        if why:
            log(f"WARNING: Subsonic {kind} sync: {r['warning']}")
            notes.append(f"**Subsonic {kind} sync mismatch**: {r['warning']}.")
        else:
            log(f"Subsonic: {r['distinct']} {kind}s in {r['wall']:.2f} s ({r['pages']} pages); "
                f"matches libraryStatus")

    out(f"Sync the way phone apps do: `search3?query=\"\"` with `songCount={SYNC_PAGE}` (or "
        f"`albumCount={SYNC_PAGE}`), the other counts 0, and the offset advanced by {SYNC_PAGE} until a page "
        "comes back short; one keep-alive connection. \"distinct ids\" is checked against `libraryStatus`.")
    out("")
    out("| sync | items | distinct ids (libraryStatus) | pages | wall time | items/s | p50 ms per page "
        "| p99 ms per page | max ms | bytes of JSON |")
    out("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for kind in ("song", "album"):
        r = syncs[kind]
        L = r["lat"]
        mark = "" if not r["warning"] else " **mismatch**"
        rate = r["distinct"] / r["wall"] if r["wall"] else 0
        out(f"| {kind}s | {r['items']} | {r['distinct']} ({r['expected']}){mark} | {r['pages']} | "
            f"{r['wall']:.2f} s | {rate:,.0f} | {fmt_ms(percentile(L, 50))} | {fmt_ms(percentile(L, 99))} | "
            f"{fmt_ms(L[-1]) if L else '-'} | {r['bytes']:,} |")
    out("")
    for kind in ("song", "album"):
        if syncs[kind]["warning"]:
            out(f"> **Warning** ({kind}s): {syncs[kind]['warning']}.")
            out("")

    # Measurement 2: album list pages.
    albums = status["albums"]
    expect = min(50, albums)
    runs = []
    for list_type in ("alphabeticalByName", "newest"):
        check = lambda st, data: check_album_list(st, data, expect)  # noqa: E731
        warm = sequential(port, "", 20, a.phase_limit, expect,
                          next_request=album_list_requests(key, list_type, albums, 99, 20), check=check)
        if warm["errors"]:
            out(f"`getAlbumList2?type={list_type}` fails: {warm['errors']}")
            out("")
            notes.append(f"Subsonic getAlbumList2 {list_type}: {warm['errors']}")
            continue
        log(f"Subsonic: getAlbumList2 {list_type} sequential: {a.subsonic_seq} requests")
        m0 = server_time(port, SUBSONIC_ROUTE, "GET")
        seq = sequential(port, "", a.subsonic_seq, a.phase_limit, expect,
                         next_request=album_list_requests(key, list_type, albums, 1, a.subsonic_seq), check=check)
        m1 = server_time(port, SUBSONIC_ROUTE, "GET")
        seq["server_ms"] = server_mean_ms(m0, m1)
        log(f"Subsonic: getAlbumList2 {list_type} concurrent: {a.threads} x {a.per_thread}")
        conc = concurrent(port, "", a.threads, a.per_thread, a.phase_limit, expect,
                          requests=lambda i, lt=list_type: album_list_requests(key, lt, albums, 1000 + i,
                                                                              a.per_thread),
                          quick_ok=lambda st, data: quick_album_list(st, data, expect), check=check)
        conc["server_ms"] = server_mean_ms(m1, server_time(port, SUBSONIC_ROUTE, "GET"))
        where = "random offset" if list_type == "alphabeticalByName" else "first page"
        runs.append((f"`{list_type}` ({where}), sequential, 1 connection", seq, list_type))
        runs.append((f"`{list_type}` ({where}), concurrent, {a.threads} threads x {a.per_thread}", conc, list_type))

    if runs:
        size = next((r["bytes"] for _l, r, _t in runs if r.get("bytes")), 0)
        out(f"`getAlbumList2?type=...&size=50` ({expect} albums a page, {size:,} bytes of JSON; "
            f"alphabeticalByName at a random offset in 0-{max(0, albums - 50)}):")
        out("")
        latency_table(out, notes, "Subsonic getAlbumList2", [(label, r) for label, r, _ in runs])
        out("")
        out("Every request authenticates with the apiKey (the server looks it up and records its use). "
            "\"server mean\" is the server's own time per `/rest` request from `/metrics`, as for GraphQL.")
        out("")
    return proc_status(server_pid)


# ---------------------------------------------------------------------------------------------
# main


def main() -> int:
    ap = argparse.ArgumentParser(description="Soundroom benchmark harness")
    ap.add_argument("--binary", required=True, type=Path, help="the soundroom binary to measure")
    ap.add_argument("--library", required=True, type=Path, help="music folder made by make_library.py")
    ap.add_argument("--n", type=int, default=None, help="tracks the library should hold (checked)")
    ap.add_argument("--work-dir", type=Path, default=None, help="data dirs and logs (default: a temp dir)")
    ap.add_argument("--out", type=Path, default=HERE / "results-latest.md", help="where to write the Markdown")
    ap.add_argument("--seq", type=int, default=500, help="sequential GraphQL requests")
    ap.add_argument("--no-response-cache", action="store_true",
                    help="turn off the server's cache of repeated reads, so every page is resolved afresh")
    ap.add_argument("--threads", type=int, default=8, help="concurrent GraphQL clients")
    ap.add_argument("--per-thread", type=int, default=200, help="requests per concurrent client")
    ap.add_argument("--stream-reps", type=int, default=20, help="downloads of the original")
    ap.add_argument("--transcode-reps", type=int, default=3, help="server transcodes and ffmpeg runs per format")
    ap.add_argument("--phase-limit", type=float, default=120.0, help="seconds any one request loop may run")
    ap.add_argument("--cold-scans", type=int, default=3, help="cold scans (each on a fresh data dir); median")
    ap.add_argument("--scan-timeout", type=float, default=None, help="seconds a scan may take (default scales with N)")
    ap.add_argument("--long-track", type=int, default=0, metavar="SECONDS",
                    help="also serve a generated FLAC this long (from a second music folder) and use it for "
                         "streaming and transcoding instead of the library's largest file (2-4 s long)")
    ap.add_argument("--no-subsonic", action="store_true", help="skip the Subsonic (/rest) measurements")
    ap.add_argument("--subsonic-seq", type=int, default=300,
                    help="sequential getAlbumList2 requests per list type (concurrent runs use --threads "
                         "and --per-thread)")
    ap.add_argument("--keep", action="store_true", help="keep the work dir (data dirs, server log)")
    a = ap.parse_args()
    if a.no_response_cache:
        SERVER_ENV["SOUNDROOM_SERVER__RESPONSE_CACHE_MB"] = "0"

    binary = a.binary.resolve()
    lib = a.library.resolve()
    if not binary.is_file():
        print(f"binary not found: {binary}", file=sys.stderr)
        return 2
    if not lib.is_dir():
        print(f"library not found: {lib}", file=sys.stderr)
        return 2

    work = a.work_dir.resolve() if a.work_dir else Path(tempfile.mkdtemp(prefix="soundroom-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=work))
    server: Server | None = None

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)

    lines: list[str] = []
    notes: list[str] = []
    out = lines.append
    rc = 1
    try:
        log("collecting machine info")
        machine = machine_info(binary)
        machine.append(("response cache", "off (--no-response-cache)" if a.no_response_cache else "on (repeated reads are answered from memory)"))
        n_files, lib_bytes, per_ext = library_info(lib)
        n = a.n if a.n is not None else n_files
        if n_files != n:
            notes.append(f"The library folder holds {n_files} audio files, not the {n} asked for.")
        scan_timeout = a.scan_timeout or max(300.0, n_files / 5)

        out(f"### Benchmark results ({time.strftime('%Y-%m-%d %H:%M %Z')}, N = {n})")
        out("")
        if "/debug/" in str(binary):
            out("> **Debug build**: these numbers are for checking the harness, not for comparison.")
            out("")
        out("| machine | |")
        out("| --- | --- |")
        for k, v in machine:
            out(f"| {k} | {v.replace('|', '/')} |")
        mix = ", ".join(f"{k} {v}" for k, v in sorted(per_ext.items(), key=lambda kv: -kv[1]))
        out(f"| library | {n_files} files ({mix}), {mib(lib_bytes)}, `{lib}` |")
        out("")

        # (a) scan -------------------------------------------------------------------------
        colds = []
        for i in range(max(1, a.cold_scans)):
            log(f"cold scan {i + 1} of {n_files} files")
            data1 = run_dir / f"data-scan-{i}"
            colds.append(run_scan(binary, data1, [lib], scan_timeout))
            log(f"cold scan: {colds[-1]['wall']:.2f} s wall")
        # the rescans reuse the last cold scan's data dir
        cold = sorted(colds, key=lambda r: r["wall"])[len(colds) // 2]
        cold_range = (f" ({min(r['wall'] for r in colds):.2f}-{max(r['wall'] for r in colds):.2f} s)"
                      if len(colds) > 1 else "")
        rescans = []
        for i in range(3):
            rescans.append(run_scan(binary, data1, [lib], scan_timeout))
        rescans.sort(key=lambda r: r["wall"])
        re_med = rescans[len(rescans) // 2]
        log(f"unchanged rescan: {re_med['wall']:.2f} s wall (median of 3)")
        if cold["tracks"] != n_files:
            notes.append(f"`scan` found {cold['tracks']} tracks in {n_files} files "
                         f"({cold['skipped']} skipped).")
        out("#### Scan (`soundroom scan`)")
        out("")
        out("| run | wall time | files/s (wall) | time the scan reports | result |")
        out("| --- | --- | --- | --- | --- |")
        for label, r, extra in ((f"cold, fresh data dir (median of {len(colds)})", cold, cold_range),
                                ("unchanged rescan (median of 3)", re_med, "")):
            out(f"| {label} | {r['wall']:.2f} s{extra} | {n_files / r['wall']:,.0f} | {r['internal_ms']} ms | "
                f"{r['tracks']} tracks, {r['albums']} albums, {r['artists']} artists, {r['skipped']} skipped |")
        out("")
        out("Wall time is the whole process (start-up, database migration, scan, exit); the page cache is "
            "warm (the files were just generated or read).")
        out("")

        # (b) serve ------------------------------------------------------------------------
        music = [lib]
        long_track = None
        if a.long_track > 0:
            log(f"generating a {a.long_track} s FLAC for streaming/transcoding")
            long_track = make_long_track(work / "long-track", a.long_track)
            music.append(long_track.parent)
        data2 = run_dir / "data-serve"
        server = Server(binary, data2, music, run_dir / "server.log")
        log("starting the server")
        server.start()
        m = server.wait_for_log(r"listening on http://127\.0\.0\.1:(\d+)", 60)
        server.port = int(m.group(1))
        t_listen = time.perf_counter() - server.started_at
        log(f"listening on port {server.port} after {t_listen:.2f} s; waiting for the background scan")
        c: Client | None = None

        def sign_up() -> Client:
            # The first account is the admin, which may read libraryStatus.
            anon = Client(server.port)
            tok = anon.gql(REGISTER)["register"]["accessToken"]
            anon.close()
            return Client(server.port, tok)

        def scan_done() -> bool:
            s = c.gql(STATUS_QUERY)["libraryStatus"]
            return not s["scanning"] and bool(s["lastScanFinishedAt"])

        # Watch the log. Should the line not come (its wording may change), ask libraryStatus
        # once a second after 5 s; signing up only then keeps its password hashing out of the
        # scan's time in the usual case.
        deadline = time.monotonic() + scan_timeout
        next_status = time.monotonic() + 5.0
        while True:
            if "library scan finished" in server.log_text():
                break
            if time.monotonic() >= next_status:
                c = c or sign_up()
                if scan_done():
                    break
                next_status = time.monotonic() + 1.0
            if server.proc.poll() is not None:
                raise BenchError(f"server exited during its scan; log tail:\n{server.log_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise BenchError(f"the server's scan did not finish within {scan_timeout:.0f} s")
            time.sleep(0.05)
        t_scanned = time.perf_counter() - server.started_at
        c = c or sign_up()
        token = c.token
        status = c.gql(STATUS_QUERY)["libraryStatus"]
        if status["scanning"] or not status["lastScanFinishedAt"]:
            raise BenchError(f"libraryStatus says the scan is not finished: {status}")
        time.sleep(1.0)  # let freed scan buffers settle
        mem_loaded = proc_status(server.proc.pid)
        log(f"scan finished ({status['tracks']} tracks); RSS {mib(mem_loaded.get('VmRSS', 0))}")

        out("#### Server (`soundroom serve`, fresh data dir)")
        out("")
        out("| measure | value |")
        out("| --- | --- |")
        out(f"| start to listening | {t_listen:.2f} s |")
        out(f"| start to background scan finished | {t_scanned:.2f} s "
            f"(the server reports {status['lastScanDurationMs']} ms) |")
        out(f"| library loaded | {status['tracks']} tracks, {status['albums']} albums, {status['artists']} artists |")
        out(f"| RSS with the library loaded (VmRSS) | {mib(mem_loaded.get('VmRSS', 0))} |")
        out(f"| peak RSS so far (VmHWM, includes the scan) | {mib(mem_loaded.get('VmHWM', 0))} |")
        out(f"| threads | {mem_loaded.get('Threads', '?')} |")
        rss_row_at = len(lines)  # the RSS after load goes here later
        out("")

        # (c) GraphQL ----------------------------------------------------------------------
        log("listing every track (500 per page)")
        tracks, t_list, pages = list_tracks(c, a.phase_limit)
        if not tracks:
            raise BenchError("the library is empty")
        expect = min(50, status["tracks"])
        log("GraphQL warm-up")
        warm = sequential(server.port, token, 50, a.phase_limit, expect)
        if warm["errors"]:
            raise BenchError(f"the tracks page fails: {warm['errors']}")
        log(f"GraphQL sequential: {a.seq} requests")
        m0 = server_time(server.port)
        seq = sequential(server.port, token, a.seq, a.phase_limit, expect)
        m1 = server_time(server.port)
        seq["server_ms"] = server_mean_ms(m0, m1)
        log(f"GraphQL concurrent: {a.threads} x {a.per_thread}")
        conc = concurrent(server.port, token, a.threads, a.per_thread, a.phase_limit, expect)
        m2 = server_time(server.port)
        conc["server_ms"] = server_mean_ms(m1, m2)
        deep = None
        if len(tracks) > 100:
            # The last 50 tracks: offset pagination makes the server skip N - 50 rows.
            after = tracks[len(tracks) - 51]["cursor"]
            deep_n = max(1, a.seq // 5)
            log(f"GraphQL last page: {deep_n} requests")
            deep = sequential(server.port, token, deep_n, a.phase_limit, 50, DEEP_QUERY, {"after": after})
            deep["server_ms"] = server_mean_ms(m2, server_time(server.port))
        mem_after = proc_status(server.proc.pid)

        out(f"#### GraphQL `tracks(first: 50)` page ({seq['bytes']:,} bytes of JSON)")
        out("")
        runs = [("sequential, 1 connection", seq), (f"concurrent, {a.threads} threads x {a.per_thread}", conc)]
        if deep is not None:
            runs.append((f"sequential, last page (offset {len(tracks) - 50})", deep))
        latency_table(out, notes, "GraphQL", runs)
        out("")
        out("Keep-alive connections from Python's `http.client`; the client runs on the same machine and "
            "takes CPU from the server, so requests/s is a lower bound. \"server mean\" is the time the "
            "server itself records per request (`/metrics`, `soundroom_http_request_duration_seconds`).")
        out("")
        out(f"Listing all {len(tracks)} tracks in {pages} pages of 500 took {t_list:.2f} s "
            f"({t_list / pages * 1000:.0f} ms per page).")
        out("")

        # (d) streaming --------------------------------------------------------------------
        if long_track is not None:
            chosen = next((t for t in tracks if t["name"] == "Bench Long Track"), None)
            if chosen is None:
                raise BenchError("the generated long track is not in the library")
            tc_track = chosen
        else:
            chosen = max(tracks, key=lambda t: t["fileSize"])
            # Transcoding starts from lossless in real life: the largest FLAC, else the same file.
            flacs = [t for t in tracks if t["codec"].lower() == "flac"]
            tc_track = max(flacs, key=lambda t: t["fileSize"]) if flacs else chosen
        log(f"streaming {chosen['name']!r} ({chosen['codec']}, {chosen['fileSize']:,} bytes) "
            f"{a.stream_reps} times")
        st = stream_original(c, chosen, a.stream_reps, a.phase_limit)
        out("#### Streaming the original file")
        out("")
        out(f"Track: {chosen['codec']}, {chosen['fileSize']:,} bytes, {chosen['duration']:.1f} s"
            f"{' (generated long track)' if long_track else ' (largest file in the library)'}; "
            f"`Content-Type: {st['content_type']}`. One keep-alive connection.")
        out("")
        if st["times"]:
            T = st["times"]
            out("| downloads | MB/s | median ms per download | p90 ms | max ms |")
            out("| --- | --- | --- | --- | --- |")
            out(f"| {len(T)} | {st['bytes'] / st['wall'] / 1e6:,.1f} | {fmt_ms(statistics.median(T))} | "
                f"{fmt_ms(percentile(T, 90))} | {fmt_ms(T[-1])} |")
        else:
            out("No successful download.")
        if st["problems"]:
            notes.append(f"Streaming problems: {st['problems']}")
        out("")

        # (e) transcoding ------------------------------------------------------------------
        if long_track is not None:
            src_path = long_track
        else:
            src_path = find_file(lib, tc_track)
        audio_s = (ffprobe_duration(src_path) if src_path else None) or tc_track["duration"]
        out(f"#### Transcoding ({audio_s:.1f} s of {tc_track['codec']}, {tc_track['fileSize']:,} bytes; "
            "speed = audio seconds / wall seconds)")
        out("")
        out("| encode | server, first request | server, later requests | server encode time (its log) "
            "| ffmpeg CLI (median) |")
        out("| --- | --- | --- | --- | --- |")
        tc_digest = st["digest"] if tc_track is chosen else (file_digest(src_path) if src_path else None)
        for fmt, kbps, encoder, ext in TRANSCODES:
            log(f"transcode {fmt} {kbps}k")
            srv = transcode_server(c, tc_track, fmt, kbps, tc_digest, a.transcode_reps, a.phase_limit)
            if srv["available"]:
                r0 = srv["runs"][0]
                first = (f"{audio_s / r0['total']:,.1f}x ({fmt_ms(r0['total'])} ms, first byte "
                         f"{fmt_ms(r0['ttfb'])} ms, {r0['bytes']:,} bytes, {r0['ctype']})")
                if r0["cached"]:
                    first += " (already cached?)"
                parts = []
                for kind, group in (("transcoded", [r for r in srv["runs"][1:] if not r["cached"]]),
                                    ("from cache", [r for r in srv["runs"][1:] if r["cached"]])):
                    if group:
                        med = statistics.median(r["total"] for r in group)
                        parts.append(f"{len(group)} {kind}: median {fmt_ms(med)} ms ({audio_s / med:,.1f}x)")
                again = "; ".join(parts) or "-"
                enc = server_encode_seconds(server.log_text(), fmt)
                enc_s = f"{enc[0]:.2f} s ({audio_s / enc[0]:,.1f}x)" if enc and enc[0] > 0 else "-"
                if len(enc) > 1:
                    enc_s += f"; {len(enc)} transcodes logged"
            else:
                first, again, enc_s = "not available", "-", "-"
                notes.append(f"Server {fmt} {kbps}k: {srv['why']}")
            if src_path is not None:
                ff = transcode_ffmpeg(src_path, encoder, kbps, ext, run_dir, a.transcode_reps, a.phase_limit)
            else:
                ff = {"available": False, "why": "could not find the file on disk"}
            if ff["available"]:
                med = statistics.median(ff["times"])
                ffs = f"{audio_s / med:,.1f}x ({fmt_ms(med)} ms, {ff['bytes']:,} bytes)"
            else:
                ffs = "not available"
                notes.append(f"ffmpeg {encoder}: {ff['why']}")
            out(f"| {fmt} {kbps} kbit/s (`{encoder}` for ffmpeg) | {first} | {again} | {enc_s} | {ffs} |")
        out("")
        if not long_track and audio_s < 30:
            out(f"The file is only {audio_s:.0f} s long, so process start-up dominates these multiples; "
                "`--long-track 300` measures a 5-minute FLAC instead.")
            out("")

        # (f) Subsonic ---------------------------------------------------------------------
        mem_subsonic = None
        if not a.no_subsonic:
            mem_subsonic = subsonic_section(a, server.port, server.proc.pid, c, status, out, notes)

        c.close()
        if mem_subsonic is not None:
            lines.insert(rss_row_at, f"| RSS after the Subsonic runs | {mib(mem_subsonic.get('VmRSS', 0))} "
                                     f"(peak {mib(mem_subsonic.get('VmHWM', 0))}) |")
        lines.insert(rss_row_at, f"| RSS after the GraphQL and streaming runs | {mib(mem_after.get('VmRSS', 0))} "
                                 f"(peak {mib(mem_after.get('VmHWM', 0))}) |")
        log("stopping the server")
        took = server.stop()
        out("Server shutdown after SIGTERM: " + (f"{took:.2f} s." if took is not None else "did not stop; killed."))
        out("")
        out(f"Load average at the end: {loadavg()}.")
        out("")
        if notes:
            out("Notes:")
            out("")
            for note in notes:
                out(f"- {note}")
            out("")
    except (Exception, KeyboardInterrupt) as e:
        log(f"FAILED: {type(e).__name__}: {e}")
        if not isinstance(e, (BenchError, KeyboardInterrupt)):
            import traceback
            traceback.print_exc()
        lines.append("")
        lines.append(f"**The run failed**: `{type(e).__name__}: {str(e)[:1500]}`")
        if server is not None and server.proc is not None:
            log(f"server log: {server.log_path}")
        rc = 1
    else:
        rc = 0
    finally:
        if server is not None:
            server.stop(grace=5)
        if not a.keep and rc == 0 and a.work_dir is None:
            shutil.rmtree(work, ignore_errors=True)
        elif not a.keep and rc == 0:
            shutil.rmtree(run_dir, ignore_errors=True)
        else:
            log(f"work files kept in {run_dir}")

    text = "\n".join(lines).rstrip() + "\n"
    print(text)
    try:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(text)
        log(f"written to {a.out}")
    except OSError as e:
        log(f"cannot write {a.out}: {e}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
