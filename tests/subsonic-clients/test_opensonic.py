"""Drives Soundroom's /rest (Subsonic / OpenSubsonic) with a real third-party client library,
py-opensonic (`libopensonic`), against the real server binary.

The fixture (setUpModule) writes a small library of generated WAV files laid out as
Artist/Album/NN - Title.wav (title, album, artist and track number come from the path; year and
genre from a RIFF INFO chunk), an .lrc file beside one track, starts the server on a free port
with open registration, waits for the first scan, registers two accounts through GraphQL (the
first is the admin), makes them friends (for getNowPlaying) and mints an app password for each.

Run with `bash tests/subsonic-clients/run.sh` (SOUNDROOM_BIN picks the binary; KEEP_TMP=1 keeps
the temporary directory with the server's log).
"""

import asyncio
import datetime
import hashlib
import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import wave
import xml.etree.ElementTree as ET

import libopensonic
from libopensonic import errors

# The library on disk: (artist, album, year, genre) -> titles in track order. The titles are
# deliberately not in alphabetical order, so "in track order" is a real check.
LIBRARY = {
    ("Alpha Artist", "First Album", 2001, "Rock"): ["Zebra", "Apple", "Mango"],
    ("Alpha Artist", "Second Album", 2010, "Jazz"): ["Morning", "Evening"],
    ("Beta Band", "Third Album", 1995, "Rock"): ["One", "Two", "Three", "Four"],
}
SONG_COUNT = sum(len(titles) for titles in LIBRARY.values())
LYRICS_TRACK = ("Alpha Artist", "First Album", 1, "Zebra")
LRC = "[00:00.50]Hello\n[00:01.00]World\n"
SUBSONIC_NS = "http://subsonic.org/restapi"
PASSWORD = "correct horse battery staple"


class S:
    """Module state filled by setUpModule."""

    proc = None
    port = None
    base = None
    tmp = None
    music = None
    log = None
    files = {}  # title -> path of the WAV on disk
    admin = None  # Account: the first account, an administrator
    user = None  # Account: a second, ordinary account
    songs = {}  # title -> id
    albums = {}  # name -> id
    artists = {}  # name -> id
    ready_at = None  # when setUpModule finished (after the scan)


class Account:
    def __init__(self, email, username):
        self.email, self.username = email, username
        self.id = self.tag = self.token = None
        self.app_id = self.app_password = self.api_key = None


# --- Server, HTTP and GraphQL helpers --------------------------------------------------------


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def riff_info(fields):
    """A LIST/INFO chunk (what lofty reads as the tag of a WAV file)."""
    body = b"INFO"
    for key, value in fields.items():
        data = value.encode() + b"\0"
        if len(data) % 2:
            data += b"\0"
        body += key.encode() + struct.pack("<I", len(data)) + data
    return b"LIST" + struct.pack("<I", len(body)) + body


def write_wav(path, seconds, freq, info=None):
    """A mono 16-bit 8 kHz square wave, optionally with a RIFF INFO chunk appended."""
    rate = 8000
    frames = bytearray()
    period = max(2, rate // freq)
    for i in range(int(rate * seconds)):
        frames += struct.pack("<h", 8000 if (i % period) < period // 2 else -8000)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    if info:
        with open(path, "r+b") as f:
            f.seek(0, os.SEEK_END)
            f.write(riff_info(info))
            size = f.tell() - 8
            f.seek(4)
            f.write(struct.pack("<I", size))


def build_library(root):
    for (artist, album, year, genre), titles in LIBRARY.items():
        folder = os.path.join(root, artist, album)
        os.makedirs(folder)
        for n, title in enumerate(titles, start=1):
            path = os.path.join(folder, f"{n:02d} - {title}.wav")
            # Whole seconds, so per-song and per-album durations add up without rounding.
            write_wav(path, n, 220 + 40 * n, {"ICRD": str(year), "IGNR": genre})
            S.files[title] = path
    artist, album, n, title = LYRICS_TRACK
    with open(os.path.join(root, artist, album, f"{n:02d} - {title}.lrc"), "w") as f:
        f.write(LRC)


def server_binary():
    path = os.environ.get("SOUNDROOM_BIN") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "target", "debug", "soundroom"
    )
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"no server binary at {path}; set SOUNDROOM_BIN or run cargo build")
    return path


def start_server(data_dir, music_dir, port, log_path, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOUNDROOM_")}
    env.update(env_extra or {})
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            [
                server_binary(),
                "--data-dir", data_dir,
                "--music-dir", music_dir,
                "--listen", f"127.0.0.1:{port}",
                "--base-url", f"http://127.0.0.1:{port}",
                "--registration", "open",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )


def wait_for(what, check, proc=None, log=None, timeout=60.0):
    """Polls `check` until it is true; gives up when the server (`proc`) exits."""
    proc, log = proc or S.proc, log or S.log
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode}) while waiting for {what}; log: {log}")
        try:
            if check():
                return
        except (OSError, urllib.error.URLError, AssertionError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"timed out waiting for {what}; log: {log}")


def http(method, path, data=None, headers=None, timeout=30):
    """(status, headers, body bytes) of a plain HTTP request to the server."""
    req = urllib.request.Request(S.base + path, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def gql(query, variables=None, token=None):
    """`data` of a GraphQL request; fails the test run on GraphQL errors."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    status, _, raw = http("POST", "/graphql", body, headers)
    answer = json.loads(raw)
    if status != 200 or answer.get("errors"):
        raise AssertionError(f"GraphQL failed ({status}): {answer}")
    return answer["data"]


def register(account):
    data = gql(
        "mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id isAdmin tag } } }",
        {"i": {"email": account.email, "username": account.username, "password": PASSWORD}},
    )["register"]
    account.token = data["accessToken"]
    account.id = data["user"]["id"]
    account.tag = data["user"]["tag"]
    account.is_admin = data["user"]["isAdmin"]


def mint_app_password(account, label):
    """(id, password, apiKey) of a new app password for `account`."""
    data = gql(
        "mutation($l: String!) { createSubsonicPassword(label: $l) { id password apiKey } }",
        {"l": label},
        account.token,
    )["createSubsonicPassword"]
    return data["id"], data["password"], data["apiKey"]


def rest(method, params, post=False):
    """A raw /rest call with urllib: (content type, body bytes). `params` is a list of pairs."""
    query = urllib.parse.urlencode(params)
    if post:
        status, headers, body = http(
            "POST", f"/rest/{method}", query.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )
    else:
        status, headers, body = http("GET", f"/rest/{method}?{query}")
    assert status == 200, f"/rest/{method} answered HTTP {status}: {body[:200]!r}"
    return headers.get("Content-Type", ""), body


def rest_json(method, params):
    """The `subsonic-response` object of a raw JSON /rest call."""
    _, body = rest(method, list(params) + [("f", "json"), ("v", "1.16.1"), ("c", "tests")])
    return json.loads(body)["subsonic-response"]


def token_auth(account):
    salt = os.urandom(8).hex()
    token = hashlib.md5((account.app_password + salt).encode()).hexdigest()
    return [("u", account.tag), ("t", token), ("s", salt)]


# --- Client helpers --------------------------------------------------------------------------


def connect(account=None, **kwargs):
    """A py-opensonic Connection to the test server; token+salt auth as `account` by default."""
    if "api_key" not in kwargs:
        account = account or S.admin
        kwargs.setdefault("username", account.tag)
        kwargs.setdefault("password", account.app_password)
    return libopensonic.Connection("http://127.0.0.1", port=S.port, app_name="soundroom-tests", **kwargs)


def close(conn):
    conn.cleanup()
    conn._loop.close()  # cleanup() stops the library's private loop but leaves it open


def read_body(conn, response):
    """Reads an aiohttp response the library returned (stream, download, cover art)."""
    return asyncio.run_coroutine_threadsafe(response.read(), conn._loop).result(timeout=30)


def library_call(conn, method, params=None):
    """`subsonic-response` of `method`, sent and checked by the library's own transport and
    auth. Only for get_music_folders: py-opensonic 10.4.1 iterates `musicFolders` itself
    instead of `musicFolders.musicFolder` (the spec's shape), so its wrapper cannot parse any
    server's answer."""

    async def go():
        res = await conn._async._do_request(method, params)
        return await conn._async._handle_info_res(res)

    return asyncio.run_coroutine_threadsafe(go(), conn._loop).result(timeout=30)


def timestamp(iso):
    """Seconds since the epoch of an ISO 8601 time such as 2026-01-02T03:04:05.678Z."""
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def titles(children):
    return [c.title for c in children or []]


def recent_plays(account, first=10):
    return gql("query($n: Int!) { recentlyPlayed(first: $n) { track { id } playedAt } }", {"n": first},
               account.token)["recentlyPlayed"]


# --- Fixture ---------------------------------------------------------------------------------


def setUpModule():
    try:
        start()
    except BaseException:
        tearDownModule()  # unittest does not call it when setUpModule fails
        raise


def start():
    S.tmp = tempfile.mkdtemp(prefix="soundroom-subsonic-")
    S.music = os.path.join(S.tmp, "music")
    build_library(S.music)
    S.port = free_port()
    S.base = f"http://127.0.0.1:{S.port}"
    S.log = os.path.join(S.tmp, "server.log")
    # This suite sends a few hundred requests within seconds from one address; the shared
    # server allows that many sign-in attempts, and RateLimitTest checks the default limit on a
    # server of its own (only failed attempts should count against it).
    limits = {"SOUNDROOM_LIMITS__AUTH_ATTEMPTS_PER_IP_PER_MINUTE": "100000"}
    S.proc = start_server(os.path.join(S.tmp, "data"), S.music, S.port, S.log, limits)
    wait_for("/healthz", lambda: http("GET", "/healthz")[0] == 200)

    S.admin = Account("admin@example.com", "Admin Person")
    S.user = Account("bea@example.com", "Bea Listener")
    register(S.admin)
    register(S.user)
    assert S.admin.is_admin and not S.user.is_admin, "the first account should be the only admin"
    for account in (S.admin, S.user):
        account.app_id, account.app_password, account.api_key = mint_app_password(account, "py-opensonic")

    def scanned():
        status = gql("{ libraryStatus { scanning tracks lastScanFinishedAt } }", token=S.admin.token)["libraryStatus"]
        return not status["scanning"] and status["lastScanFinishedAt"] and status["tracks"] == SONG_COUNT

    wait_for("the first scan", scanned)

    # Ids by name, read with plain JSON requests so the fixture does not depend on the client.
    everything = rest_json(
        "search3",
        token_auth(S.admin) + [("query", ""), ("songCount", "500"), ("albumCount", "500"), ("artistCount", "500")],
    )["searchResult3"]
    S.songs = {s["title"]: s["id"] for s in everything["song"]}
    S.albums = {a["name"]: a["id"] for a in everything["album"]}
    S.artists = {a["name"]: a["id"] for a in everything["artist"]}
    assert len(S.songs) == SONG_COUNT, f"the scan found {sorted(S.songs)}"

    # Friends, so that getNowPlaying has someone to show (and privacy holds even between friends).
    request = gql("mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }", {"u": S.user.id}, S.admin.token)
    gql("mutation($r: ID!) { acceptFriendRequest(requestId: $r) { id } }",
        {"r": request["sendFriendRequest"]["id"]}, S.user.token)
    S.ready_at = time.time()


def tearDownModule():
    if S.proc is not None:
        S.proc.terminate()
        try:
            S.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            S.proc.kill()
            S.proc.wait()
    if S.tmp and not os.environ.get("KEEP_TMP"):
        shutil.rmtree(S.tmp, ignore_errors=True)


# --- Test cases ------------------------------------------------------------------------------


class ClientTestCase(unittest.TestCase):
    """Connections made here are closed after each test."""

    def client(self, account=None, **kwargs):
        conn = connect(account, **kwargs)
        self.addCleanup(close, conn)
        return conn

    def assertSubsonicError(self, code, fn, *args, **kwargs):
        """`fn` raises the library's exception class for Subsonic error `code` (that class
        exactly: 44 and 43 have none of their own and come out as the base SonicError)."""
        expected = errors.getExcByCode(code)
        with self.assertRaises(errors.SonicError, msg=f"expected Subsonic error {code}") as cm:
            fn(*args, **kwargs)
        self.assertIs(
            type(cm.exception), expected,
            f"expected error {code} ({expected.__name__}), got {type(cm.exception).__name__}: {cm.exception}",
        )
        return cm.exception

    def assertRawError(self, code, method, params):
        answer = rest_json(method, params)
        self.assertEqual(answer["status"], "failed", answer)
        self.assertEqual(answer["error"]["code"], code, answer)


# --- 1. Authentication -----------------------------------------------------------------------


class AuthTest(ClientTestCase):
    def test_token_legacy_and_api_key_over_get_and_post_with_and_without_view(self):
        song = S.songs["Apple"]
        for legacy in (False, True):
            for use_get in (False, True):
                for use_views in (True, False):
                    with self.subTest(legacy_auth=legacy, use_get=use_get, use_views=use_views):
                        conn = self.client(legacy_auth=legacy, use_get=use_get, use_views=use_views)
                        self.assertTrue(conn.ping())
                        self.assertEqual(conn.get_song(song).title, "Apple")
        for use_get in (False, True):
            for use_views in (True, False):
                with self.subTest(api_key=True, use_get=use_get, use_views=use_views):
                    conn = self.client(api_key=S.admin.api_key, use_get=use_get, use_views=use_views)
                    self.assertTrue(conn.ping())
                    self.assertEqual(conn.get_song(song).title, "Apple")

    def test_username_is_the_tag_or_the_email(self):
        for name in (S.user.tag, S.user.email):
            with self.subTest(username=name):
                self.assertTrue(self.client(S.user, username=name).ping())
                self.assertTrue(self.client(S.user, username=name, legacy_auth=True).ping())

    def test_plain_legacy_password(self):
        answer = rest_json("ping", [("u", S.user.tag), ("p", S.user.app_password)])
        self.assertEqual(answer["status"], "ok", answer)

    def test_the_api_key_names_its_owner(self):
        # getPlayQueue's username is the caller's: the key alone says who it is.
        self.client(S.user).save_play_queue([S.songs["One"]], current=S.songs["One"], position=0)
        queue = self.client(api_key=S.user.api_key).get_play_queue()
        self.assertEqual(queue.username, S.user.tag)

    def test_wrong_password_is_error_40(self):
        for legacy in (False, True):
            with self.subTest(legacy_auth=legacy):
                conn = self.client(password="not-the-app-password", legacy_auth=legacy)
                self.assertSubsonicError(40, conn.ping)
        # The account's own password never opens /rest.
        self.assertSubsonicError(40, self.client(S.admin, password=PASSWORD).ping)
        self.assertSubsonicError(40, self.client(username="nobody-here", password="x").ping)

    def test_api_key_together_with_u_is_error_43(self):
        # py-opensonic refuses to send both, so this one is a plain request.
        self.assertRawError(43, "ping", [("apiKey", S.admin.api_key), ("u", S.admin.tag)])
        self.assertRawError(43, "ping", [("apiKey", S.admin.api_key)] + token_auth(S.admin))

    def test_bad_api_key_is_error_44(self):
        self.assertSubsonicError(44, self.client(api_key="not-a-key").ping)
        self.assertRawError(44, "ping", [("apiKey", "not-a-key")])

    def test_missing_parameter_is_error_10(self):
        conn = self.client()
        # The library drops None-valued parameters, so `id` is not sent at all.
        self.assertSubsonicError(10, conn.get_song, None)
        self.assertSubsonicError(10, conn.get_album, None)
        self.assertSubsonicError(10, conn.get_lyrics_by_song_id, None)
        self.assertRawError(10, "ping", [])  # no credentials at all

    def test_unknown_id_is_error_70(self):
        conn = self.client()
        self.assertSubsonicError(70, conn.get_song, "no-such-song")
        self.assertSubsonicError(70, conn.get_album, "no-such-album")
        self.assertSubsonicError(70, conn.get_artist, "no-such-artist")
        self.assertSubsonicError(70, conn.get_playlist, "no-such-playlist")
        self.assertSubsonicError(70, conn.stream, "no-such-song")

    def test_start_scan_needs_an_administrator(self):
        self.assertSubsonicError(50, self.client(S.user).start_scan)

    def test_scan_status_is_for_everyone(self):
        # docs/subsonic.md: only startScan is for administrators.
        self.assertFalse(self.client(S.user).get_scan_status().scanning)

    def test_revoked_app_password_stops_working_at_once(self):
        app_id, password, api_key = mint_app_password(S.user, "revoked soon")
        by_password = self.client(S.user, password=password)
        by_key = self.client(api_key=api_key)
        self.assertTrue(by_password.ping())
        self.assertTrue(by_key.ping())
        self.assertTrue(gql("mutation($id: ID!) { revokeSubsonicPassword(id: $id) }", {"id": app_id},
                            S.user.token)["revokeSubsonicPassword"])
        self.assertSubsonicError(40, by_password.ping)
        self.assertSubsonicError(40, self.client(S.user, password=password, legacy_auth=True).ping)
        self.assertSubsonicError(44, by_key.ping)
        # The account's other app password is untouched.
        self.assertTrue(self.client(S.user).ping())

    def test_open_subsonic_extensions(self):
        names = {e.name for e in self.client().get_open_subsonic_extensions()}
        self.assertTrue({"apiKeyAuthentication", "formPost", "songLyrics"} <= names, names)

    def test_get_user_describes_the_caller(self):
        me = self.client(S.user).get_user(S.user.tag)
        self.assertEqual(me.username, S.user.tag)
        self.assertFalse(me.admin_role)
        self.assertTrue(me.stream_role)
        self.assertTrue(self.client(S.admin).get_user(S.admin.tag).admin_role)


class RateLimitTest(ClientTestCase):
    """A syncing app sends hundreds of requests a minute; only failed sign-ins should count
    against the per-address limit. Runs its own server with the default limits."""

    def test_successful_requests_are_not_rate_limited(self):
        saved = (S.port, S.base)
        tmp = tempfile.mkdtemp(prefix="soundroom-ratelimit-")
        empty = os.path.join(tmp, "music")
        os.makedirs(empty)
        port = free_port()
        proc = start_server(os.path.join(tmp, "data"), empty, port, os.path.join(tmp, "server.log"))
        S.port, S.base = port, f"http://127.0.0.1:{port}"
        try:
            wait_for("/healthz of the second server", lambda: http("GET", "/healthz")[0] == 200, proc=proc,
                     log=os.path.join(tmp, "server.log"))
            account = Account("solo@example.com", "Solo")
            register(account)
            account.app_id, account.app_password, account.api_key = mint_app_password(account, "sync")
            conn = self.client(account)
            failures = []
            for i in range(80):
                try:
                    conn.ping()
                except errors.SonicError as e:
                    failures.append((i, type(e).__name__, str(e)))
            if failures:
                i, kind, message = failures[0]
                self.fail(f"{len(failures)} of 80 pings with the right app password were refused, "
                          f"the first at #{i}: {kind}: {message}")
            # Guessing is still slowed down: after many wrong passwords the address is held back.
            wrong = self.client(account, password="guess")
            for _ in range(35):
                self.assertSubsonicError(40, wrong.ping)
            self.assertSubsonicError(40, conn.ping)
        finally:
            S.port, S.base = saved
            proc.terminate()
            proc.wait(timeout=10)
            shutil.rmtree(tmp, ignore_errors=True)


# --- 2. Browsing -----------------------------------------------------------------------------


class BrowsingTest(ClientTestCase):
    def test_music_folders(self):
        conn = self.client()
        answer = library_call(conn, "getMusicFolders")
        folders = [libopensonic.media.MusicFolder.from_dict(f) for f in answer["musicFolders"]["musicFolder"]]
        self.assertEqual(len(folders), 1)
        self.assertEqual(folders[0].id, 1)
        self.assertEqual(folders[0].name, "music")

    def test_artists_artist_album_song(self):
        conn = self.client()
        artists = conn.get_artists()
        index = {i.name: [a.name for a in i.artist] for i in artists.index}
        self.assertEqual(index, {"A": ["Alpha Artist"], "B": ["Beta Band"]})
        alpha = next(a for i in artists.index for a in i.artist if a.name == "Alpha Artist")

        artist = conn.get_artist(alpha.id)
        self.assertEqual(artist.name, "Alpha Artist")
        self.assertEqual(sorted(a.name for a in artist.album), ["First Album", "Second Album"])
        first = next(a for a in artist.album if a.name == "First Album")
        self.assertEqual(first.song_count, 3)
        self.assertEqual(first.year, 2001)

        album = conn.get_album(first.id)
        self.assertEqual(album.name, "First Album")
        self.assertEqual(album.artist, "Alpha Artist")
        self.assertEqual(album.song_count, 3)
        self.assertEqual(titles(album.song), ["Zebra", "Apple", "Mango"])  # track order, not by name
        self.assertEqual([s.track for s in album.song], [1, 2, 3])
        self.assertEqual([s.duration for s in album.song], [1, 2, 3])
        self.assertEqual(album.duration, 6)

        song = conn.get_song(album.song[1].id)
        self.assertEqual((song.title, song.album, song.artist, song.track), ("Apple", "First Album", "Alpha Artist", 2))
        self.assertEqual((song.year, song.genre, song.suffix), (2001, "Rock", "wav"))
        self.assertEqual(song.album_id, first.id)
        self.assertEqual(song.size, os.path.getsize(S.files["Apple"]))
        self.assertFalse(song.is_dir)

    def test_album_songs_in_track_order(self):
        album = self.client().get_album(S.albums["Third Album"])
        self.assertEqual(titles(album.song), ["One", "Two", "Three", "Four"])
        self.assertEqual(album.song_count, 4)
        self.assertEqual(album.duration, 10)

    def test_indexes_and_music_directory(self):
        conn = self.client()
        indexes = conn.get_indexes()
        names = [a.name for i in indexes.index for a in i.artist]
        self.assertEqual(names, ["Alpha Artist", "Beta Band"])
        alpha = next(a for i in indexes.index for a in i.artist if a.name == "Alpha Artist")
        artist_dir = conn.get_music_directory(alpha.id)
        self.assertEqual(artist_dir.name, "Alpha Artist")
        self.assertEqual(sorted(titles(artist_dir.child)), ["First Album", "Second Album"])
        self.assertTrue(all(c.is_dir for c in artist_dir.child))
        first = next(c for c in artist_dir.child if c.title == "First Album")
        album_dir = conn.get_music_directory(first.id)
        self.assertEqual(album_dir.name, "First Album")
        self.assertEqual(album_dir.parent, alpha.id)
        self.assertEqual(titles(album_dir.child), ["Zebra", "Apple", "Mango"])
        self.assertFalse(any(c.is_dir for c in album_dir.child))
        self.assertSubsonicError(70, conn.get_music_directory, "no-such-directory")

    def test_genres(self):
        genres = {g.value: g for g in self.client().get_genres()}
        self.assertEqual(sorted(genres), ["Jazz", "Rock"])
        self.assertEqual((genres["Rock"].song_count, genres["Rock"].album_count), (7, 2))
        self.assertEqual((genres["Jazz"].song_count, genres["Jazz"].album_count), (2, 1))

    def test_songs_by_genre(self):
        self.assertEqual(sorted(titles(self.client().get_songs_by_genre("Jazz", count=50))), ["Evening", "Morning"])

    def test_album_list2_types(self):
        conn = self.client()
        names = lambda albums: [a.name for a in albums]  # noqa: E731
        everything = ["First Album", "Second Album", "Third Album"]
        self.assertEqual(names(conn.get_album_list2("alphabeticalByName", size=50)), everything)
        self.assertEqual(names(conn.get_album_list2("alphabeticalByName", size=2, offset=1)), everything[1:])
        self.assertEqual(sorted(names(conn.get_album_list2("newest", size=50))), everything)
        self.assertEqual(sorted(names(conn.get_album_list2("random", size=50))), everything)
        self.assertEqual(len(conn.get_album_list2("random", size=2)), 2)
        by_year = conn.get_album_list2("byYear", size=50, from_year=2000, to_year=2011)
        self.assertEqual(names(by_year), ["First Album", "Second Album"])
        self.assertEqual([a.year for a in by_year], [2001, 2010])
        self.assertEqual(names(conn.get_album_list2("byYear", size=50, from_year=1990, to_year=1999)),
                         ["Third Album"])
        self.assertEqual(conn.get_album_list2("starred", size=50), [])
        conn.star(album_ids=[S.albums["Second Album"]])
        try:
            self.assertEqual(names(conn.get_album_list2("starred", size=50)), ["Second Album"])
        finally:
            conn.unstar(album_ids=[S.albums["Second Album"]])
        self.assertEqual(conn.get_album_list2("starred", size=50), [])

    def test_random_songs(self):
        conn = self.client()
        some = conn.get_random_songs(size=4)
        self.assertEqual(len(some), 4)
        self.assertEqual(len({s.id for s in some}), 4)
        self.assertTrue({s.id for s in some} <= set(S.songs.values()))
        self.assertEqual(sorted(titles(conn.get_random_songs(size=100))), sorted(S.songs))
        self.assertEqual(sorted(titles(conn.get_random_songs(size=100, genre="Jazz"))), ["Evening", "Morning"])

    def test_search3_empty_query_pages_through_every_song(self):
        # What syncing apps (Symfonium, Tempo...) do: page songs only, artists and albums off.
        conn = self.client()
        seen, offset, pages = [], 0, 0
        while True:
            page = conn.search3("", artist_count=0, album_count=0, song_count=2, song_offset=offset)
            songs = page.song or []
            self.assertFalse(page.artist or page.album, "artistCount=0 and albumCount=0 were not honoured")
            seen.extend(s.id for s in songs)
            pages += 1
            if len(songs) < 2:
                break
            offset += 2
            self.assertLess(pages, 20, "paging does not end")
        self.assertEqual(len(seen), len(set(seen)), "a song came back on two pages")
        self.assertEqual(set(seen), set(S.songs.values()))
        self.assertEqual(pages, SONG_COUNT // 2 + 1)

    def test_search3_empty_query_lists_artists_and_albums(self):
        result = self.client().search3("", artist_count=50, album_count=50, song_count=0)
        self.assertEqual(sorted(a.name for a in result.artist), ["Alpha Artist", "Beta Band"])
        self.assertEqual(sorted(a.name for a in result.album), ["First Album", "Second Album", "Third Album"])
        self.assertFalse(result.song)

    def test_search3_finds_by_name(self):
        conn = self.client()
        self.assertEqual(titles(conn.search3("Zebra").song), ["Zebra"])
        found = conn.search3("Third", song_count=0)
        self.assertEqual([a.name for a in found.album or []], ["Third Album"])
        self.assertEqual([a.name for a in conn.search3("Beta", album_count=0, song_count=0).artist or []],
                         ["Beta Band"])
        nothing = conn.search3("nothing-matches-this")
        self.assertFalse(nothing.song or nothing.album or nothing.artist)


# --- 3. Media --------------------------------------------------------------------------------


class MediaTest(ClientTestCase):
    def test_stream_returns_audio(self):
        conn = self.client()
        response = conn.stream(S.songs["Mango"])
        body = read_body(conn, response)
        self.assertEqual(response.status, 200)
        self.assertTrue(response.headers.get("Content-Type", "").startswith("audio/"), response.headers)
        self.assertGreater(len(body), 1000)
        self.assertEqual(body[:4], b"RIFF")  # no format asked: the original

    def test_stream_honours_range(self):
        # Players seek with Range; py-opensonic POSTs by default (formPost), GET on request.
        for use_get in (True, False):
            with self.subTest(use_get=use_get):
                conn = self.client(use_get=use_get)
                response = conn.stream(S.songs["Mango"], byte_range="bytes=0-3")
                body = read_body(conn, response)
                self.assertEqual(response.status, 206, f"Range ignored: HTTP {response.status}, {len(body)} bytes")
                self.assertEqual(body, b"RIFF")
                self.assertEqual(response.headers.get("Content-Range"),
                                 f"bytes 0-3/{os.path.getsize(S.files['Mango'])}")

    def test_download_is_the_original_file(self):
        conn = self.client(use_get=True)
        for title in ("Zebra", "Four"):
            with self.subTest(title=title):
                response = conn.download(S.songs[title])
                with open(S.files[title], "rb") as f:
                    self.assertEqual(read_body(conn, response), f.read())

    def test_cover_art_of_an_album_without_art_is_not_found(self):
        # None of the generated files carries a picture: the server answers error 70.
        conn = self.client()
        self.assertSubsonicError(70, conn.get_cover_art, S.albums["First Album"])
        self.assertSubsonicError(70, conn.get_cover_art, S.albums["First Album"], size=64)
        self.assertSubsonicError(70, conn.get_cover_art, "ar-" + S.artists["Beta Band"])
        self.assertSubsonicError(70, conn.get_cover_art, "no-such-album")

    def test_lyrics_by_song_id(self):
        conn = self.client()
        lyrics = conn.get_lyrics_by_song_id(S.songs["Zebra"])
        self.assertEqual(len(lyrics), 1)
        self.assertTrue(lyrics[0].synced)
        self.assertEqual([(line.value, line.start) for line in lyrics[0].line], [("Hello", 500), ("World", 1000)])
        self.assertEqual(lyrics[0].display_title, "Zebra")
        self.assertEqual(lyrics[0].display_artist, "Alpha Artist")
        self.assertEqual(conn.get_lyrics_by_song_id(S.songs["Apple"]), [])
        self.assertSubsonicError(70, conn.get_lyrics_by_song_id, "no-such-song")


# --- 4. Your data ----------------------------------------------------------------------------


class YourDataTest(ClientTestCase):
    def test_star_and_unstar_song_album_artist(self):
        conn = self.client()
        song, album, artist = S.songs["Two"], S.albums["Third Album"], S.artists["Beta Band"]
        # `starred` is when it was starred: make sure that is well after the scan.
        time.sleep(max(0.0, S.ready_at + 1.5 - time.time()))
        before = time.time()
        conn.star(sids=[song], album_ids=[album], artist_ids=[artist])
        try:
            starred = conn.get_starred2()
            self.assertEqual([s.id for s in starred.song or []], [song])
            self.assertEqual([a.id for a in starred.album or []], [album])
            self.assertEqual([a.id for a in starred.artist or []], [artist])
            for kind, when in (("song", starred.song[0].starred), ("album", starred.album[0].starred),
                               ("artist", starred.artist[0].starred)):
                self.assertGreaterEqual(timestamp(when), before - 0.5,
                                        f"the {kind}'s starred time {when} is before the star call")
            self.assertIsNotNone(conn.get_song(song).starred)
            self.assertIsNotNone(conn.get_album(album).starred)
        finally:
            conn.unstar(sids=[song], album_ids=[album], artist_ids=[artist])
        starred = conn.get_starred2()
        self.assertFalse(starred.song or starred.album or starred.artist)
        self.assertIsNone(conn.get_song(song).starred)

    def test_star_a_bare_id_of_an_album(self):
        # Apps browsing folders send albums as `id`.
        conn = self.client()
        conn.star(sids=[S.albums["Second Album"]])
        try:
            self.assertEqual([a.name for a in conn.get_starred2().album or []], ["Second Album"])
        finally:
            conn.unstar(sids=[S.albums["Second Album"]])
        self.assertSubsonicError(70, conn.star, sids=["no-such-thing"])

    def test_set_rating(self):
        conn = self.client()
        song, album = S.songs["Three"], S.albums["Third Album"]
        conn.set_rating(song, 4)
        self.assertEqual(conn.get_song(song).user_rating, 4)
        conn.set_rating(song, 2)
        self.assertEqual(conn.get_song(song).user_rating, 2)
        conn.set_rating(song, 0)
        self.assertIsNone(conn.get_song(song).user_rating)
        conn.set_rating(album, 5)
        try:
            self.assertEqual(conn.get_album(album).user_rating, 5)
        finally:
            conn.set_rating(album, 0)
        # Ratings are personal.
        conn.set_rating(song, 3)
        try:
            self.assertIsNone(self.client(S.user).get_song(song).user_rating)
        finally:
            conn.set_rating(song, 0)

    def test_scrobble_submission_records_a_play(self):
        conn = self.client()
        conn.scrobble(S.songs["Morning"], submission=True)
        self.assertEqual(recent_plays(S.admin)[0]["track"]["id"], S.songs["Morning"])
        # With a time (what apps send when they catch up after being offline).
        when = int(time.time()) - 3600
        conn.scrobble(S.songs["Evening"], submission=True, listen_time=when)
        plays = [p for p in recent_plays(S.admin, 50) if p["track"]["id"] == S.songs["Evening"]]
        self.assertEqual(len(plays), 1, plays)
        self.assertAlmostEqual(timestamp(plays[0]["playedAt"]), when, delta=1)
        # Someone else's history is untouched.
        self.assertNotIn(S.songs["Morning"], [p["track"]["id"] for p in recent_plays(S.user, 50)])

    def test_scrobble_not_a_submission_sets_now_playing(self):
        self.client().scrobble(S.songs["Four"], submission=False)
        entries = self.client(S.user).get_now_playing()
        mine = [e for e in entries if e.username == S.admin.tag]
        self.assertEqual([e.id for e in mine], [S.songs["Four"]])
        self.assertEqual(mine[0].title, "Four")
        self.assertLessEqual(mine[0].minutes_ago, 1)
        # Now playing is not a play.
        self.assertNotIn(S.songs["Four"], [p["track"]["id"] for p in recent_plays(S.admin, 50)])

    def test_playlist_create_get_update_delete(self):
        conn = self.client()
        ids = [S.songs[t] for t in ("Zebra", "Apple", "Mango", "One")]
        conn.create_playlist(name="Road trip", song_ids=ids)
        [created] = [p for p in conn.get_playlists() if p.name == "Road trip"]
        self.assertEqual(created.song_count, 4)
        self.assertEqual(created.owner, S.admin.tag)
        playlist = conn.get_playlist(created.id)
        self.assertEqual([e.id for e in playlist.entry], ids)
        self.assertEqual(playlist.duration, sum(e.duration for e in playlist.entry))

        # Remove by index (of the list before the call) and add by id.
        conn.update_playlist(created.id, name="Road trip 2", comment="for the car",
                             song_ids_to_add=[S.songs["Evening"]], song_indices_to_remove=[0, 2])
        playlist = conn.get_playlist(created.id)
        self.assertEqual((playlist.name, playlist.comment), ("Road trip 2", "for the car"))
        self.assertEqual(titles(playlist.entry), ["Apple", "One", "Evening"])
        self.assertEqual(playlist.song_count, 3)

        # createPlaylist with playlistId replaces the songs.
        conn.create_playlist(playlist_id=created.id, song_ids=[S.songs["Two"], S.songs["Zebra"]])
        self.assertEqual(titles(conn.get_playlist(created.id).entry), ["Two", "Zebra"])

        conn.delete_playlist(created.id)
        self.assertSubsonicError(70, conn.get_playlist, created.id)
        self.assertNotIn(created.id, [p.id for p in conn.get_playlists()])

    def test_play_queue_round_trip(self):
        conn = self.client()
        ids = [S.songs[t] for t in ("Mango", "Zebra", "Two")]
        conn.save_play_queue(ids, current=S.songs["Zebra"], position=4321)
        queue = conn.get_play_queue()
        self.assertEqual([e.id for e in queue.entry], ids)
        self.assertEqual(queue.current, S.songs["Zebra"])
        self.assertEqual(queue.position, 4321)
        self.assertEqual(queue.username, S.admin.tag)
        self.assertEqual(queue.changed_by, "soundroom-tests")
        # Saved again from "another device", it follows.
        other = self.client(api_key=S.admin.api_key)
        other.save_play_queue(ids[::-1], current=ids[0], position=10)
        queue = conn.get_play_queue()
        self.assertEqual([e.id for e in queue.entry], ids[::-1])
        self.assertEqual((queue.current, queue.position), (ids[0], 10))

    def test_bookmarks(self):
        conn = self.client()
        song = S.songs["Three"]
        conn.create_bookmark(song, 65000, comment="half way")
        marks = conn.get_bookmarks()
        self.assertEqual([(b.entry.id, b.position, b.comment) for b in marks], [(song, 65000, "half way")])
        self.assertEqual(marks[0].username, S.admin.tag)
        conn.create_bookmark(song, 70000)  # the same song: overwritten, not added
        self.assertEqual([(b.entry.id, b.position) for b in conn.get_bookmarks()], [(song, 70000)])
        conn.delete_bookmark(song)
        self.assertEqual(conn.get_bookmarks(), [])


# --- 5. Privacy between two people -----------------------------------------------------------


class PrivacyTest(ClientTestCase):
    def test_a_private_playlist_does_not_exist_for_someone_else(self):
        owner, other = self.client(S.admin), self.client(S.user)
        owner.create_playlist(name="Secret mix", song_ids=[S.songs["One"], S.songs["Two"]])
        [playlist] = [p for p in owner.get_playlists() if p.name == "Secret mix"]
        self.addCleanup(lambda: self.client(S.admin).delete_playlist(playlist.id))
        self.assertFalse(playlist.public)

        self.assertSubsonicError(70, other.get_playlist, playlist.id)
        self.assertNotIn(playlist.id, [p.id for p in other.get_playlists()])
        self.assertSubsonicError(70, other.delete_playlist, playlist.id)
        self.assertSubsonicError(70, other.update_playlist, playlist.id, name="mine now",
                                 song_ids_to_add=[S.songs["Four"]])
        self.assertSubsonicError(70, other.create_playlist, playlist_id=playlist.id, song_ids=[S.songs["Four"]])
        still = owner.get_playlist(playlist.id)
        self.assertEqual((still.name, titles(still.entry)), ("Secret mix", ["One", "Two"]))

    def test_stars_bookmarks_and_plays_are_personal(self):
        owner, other = self.client(S.admin), self.client(S.user)
        song, album, artist = S.songs["Apple"], S.albums["First Album"], S.artists["Alpha Artist"]
        owner.star(sids=[song], album_ids=[album], artist_ids=[artist])
        owner.create_bookmark(song, 1000)
        try:
            theirs = other.get_starred2()
            self.assertFalse(theirs.song or theirs.album or theirs.artist, theirs)
            self.assertIsNone(other.get_song(song).starred)
            self.assertEqual(other.get_bookmarks(), [])
            self.assertIsNotNone(owner.get_song(song).starred)
        finally:
            owner.unstar(sids=[song], album_ids=[album], artist_ids=[artist])
            owner.delete_bookmark(song)


# --- 6. XML ----------------------------------------------------------------------------------


class XmlTest(ClientTestCase):
    NS = {"s": SUBSONIC_NS}

    def test_answers_are_xml_without_f(self):
        content_type, body = rest("getSong", token_auth(S.admin) + [("id", S.songs["Apple"]), ("v", "1.16.1"),
                                                                     ("c", "tests")])
        self.assertTrue(content_type.startswith("text/xml") or content_type.startswith("application/xml"),
                        content_type)
        self.assertIn(b'xmlns="http://subsonic.org/restapi"', body)
        root = ET.fromstring(body)
        self.assertEqual(root.tag, f"{{{SUBSONIC_NS}}}subsonic-response")
        self.assertEqual(root.get("status"), "ok")
        self.assertEqual(root.get("version"), "1.16.1")
        song = root.find("s:song", self.NS)
        self.assertIsNotNone(song, body)
        self.assertEqual((song.get("id"), song.get("title"), song.get("isDir")), (S.songs["Apple"], "Apple", "false"))

    def test_lists_are_repeated_elements(self):
        _, body = rest("getAlbum", token_auth(S.admin) + [("id", S.albums["Third Album"])], post=True)
        root = ET.fromstring(body)
        songs = root.findall("s:album/s:song", self.NS)
        self.assertEqual([s.get("title") for s in songs], ["One", "Two", "Three", "Four"])

    def test_errors_in_xml(self):
        for params, code in (
            (token_auth(S.admin) + [("id", "no-such-song")], "70"),
            (token_auth(S.admin), "10"),
            ([("u", S.admin.tag), ("p", "wrong")], "40"),
        ):
            with self.subTest(code=code):
                _, body = rest("getSong", params)
                self.assertIn(f'<error code="{code}"'.encode(), body)
                root = ET.fromstring(body)
                self.assertEqual(root.get("status"), "failed")
                self.assertEqual(root.find("s:error", self.NS).get("code"), code)


if __name__ == "__main__":
    unittest.main(verbosity=2)
