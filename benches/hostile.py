#!/usr/bin/env python3
"""Memory under a burst of hostile requests (standard library only).

    python3 benches/hostile.py --binary target/release/soundroom [--clients 32]

Starts `soundroom serve` on a fresh data dir on 127.0.0.1, then, each burst with `--clients`
concurrent connections:
  1. anonymous multipart requests whose `operations` part is 64 MiB (sent chunked, no length);
  2. the same from a signed-in account;
  3. JSON requests announcing a 100 MB body and sending none;
  4. connections that send half a request header and stop.
Reports VmRSS before and after each burst and the peak (VmHWM). Every request goes to
127.0.0.1 only; every loop is bounded; the server is stopped with SIGTERM whatever happens.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time

PART = 64 * 1024 * 1024
CHUNK = b" " * (1024 * 1024)


def rss(pid: int) -> tuple[int, int]:
    status = open(f"/proc/{pid}/status").read()
    grab = lambda key: int(re.search(rf"{key}:\s+(\d+)", status).group(1)) // 1024
    return grab("VmRSS"), grab("VmHWM")


def start(binary: str, data: str) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen(
        [binary, "--data-dir", data, "serve", "--listen", "127.0.0.1:0"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        env={**os.environ, "RUST_LOG": "warn,soundroom=info"},
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        line = proc.stderr.readline()
        match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if match:
            threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
            return proc, int(match.group(1))
    proc.kill()
    raise SystemExit("the server did not start")


def register(port: int) -> str:
    body = json.dumps({
        "query": "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
        "variables": {"i": {"email": "a@example.org", "password": "correct horse battery", "username": "A"}},
    }).encode()
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n"
              + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    answer = b""
    while chunk := s.recv(65536):
        answer += chunk
    return json.loads(answer.split(b"\r\n\r\n", 1)[1])["data"]["register"]["accessToken"]


def multipart(port: int, token: str | None) -> None:
    boundary = "hostileboundary"
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    head = (f"POST /graphql HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: multipart/form-data; boundary={boundary}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n")
    part_head = f'--{boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n'.encode()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall(head.encode())
        s.sendall(f"{len(part_head):x}\r\n".encode() + part_head + b"\r\n")
        for _ in range(PART // len(CHUNK)):
            s.sendall(f"{len(CHUNK):x}\r\n".encode() + CHUNK + b"\r\n")
        s.close()
    except OSError:
        pass  # refused early: the point


def announced(port: int) -> None:
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n")
        s.recv(1024)
        s.close()
    except OSError:
        pass


def slow_header(port: int, hold: list) -> None:
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        hold.append(s)
    except OSError:
        pass


def burst(name: str, pid: int, clients: int, target, *args) -> str:
    before, _ = rss(pid)
    started = time.time()
    threads = [threading.Thread(target=target, args=args) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    after, peak = rss(pid)
    return f"| {name} | {clients} | {before} | {after} | {peak} | {time.time() - started:.1f} s |"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default="target/release/soundroom")
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, port = start(args.binary, os.path.join(tmp, "data"))
        try:
            token = register(port)
            rows = [
                burst("anonymous multipart, 64 MiB operations", proc.pid, args.clients, multipart, port, None),
                burst("signed-in multipart, 64 MiB operations", proc.pid, args.clients, multipart, port, token),
                burst("JSON announcing 100 MB, sending none", proc.pid, args.clients, announced, port),
            ]
            held: list = []
            rows.append(burst("half a header, then silence", proc.pid, args.clients * 8, slow_header, port, held))
            for s in held:
                s.close()
            print("| burst | connections | RSS before (MB) | RSS after (MB) | peak RSS so far (MB) | wall |")
            print("| --- | --- | --- | --- | --- | --- |")
            print("\n".join(rows))
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
