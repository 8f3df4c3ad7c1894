// M3U reading, writing and matching (web/js/m3u.js), without a browser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bestMatch, matchEntries, nameFromPath, parseM3U, pathSuffixMatch, queryFor, writeM3U } from '../../web/js/m3u.js';

test('reads #EXTINF lines, paths, comments, a BOM and Windows line ends', () => {
  const text = '\uFEFF#EXTM3U\r\n#PLAYLIST:Road trip\r\n#EXTINF:187,Nina Simone - Feeling Good\r\nMusic\\Nina Simone\\Feeling Good.mp3\r\n\r\n# a comment\r\n'
    + 'http://example.com/stream.ogg\r\n#EXTINF:-1,No Artist Here\r\n/abs/path/02 - Song.flac\r\n';
  assert.deepEqual(parseM3U(text), [
    { path: 'Music\\Nina Simone\\Feeling Good.mp3', artist: 'Nina Simone', title: 'Feeling Good', duration: 187, line: 4 },
    { path: 'http://example.com/stream.ogg', artist: null, title: null, duration: null, line: 7 },
    { path: '/abs/path/02 - Song.flac', artist: null, title: 'No Artist Here', duration: null, line: 9 },
  ]);
});

test('a bare list of paths (plain .m3u) works too', () => {
  const entries = parseM3U('a/b.mp3\nc/d.flac');
  assert.deepEqual(entries.map((e) => e.path), ['a/b.mp3', 'c/d.flac']);
  assert.equal(entries[0].title, null);
});

test('file names give a guess: track numbers and extensions go, "Artist - Title" splits', () => {
  assert.equal(nameFromPath('/m/Artist/Album/01 - Song Name.flac'), 'Song Name');
  assert.equal(nameFromPath('C:\\music\\1-02 Other_Song.mp3'), 'Other Song');
  assert.equal(nameFromPath('Nina%20Simone%20-%20Sinnerman.mp3'), 'Nina Simone - Sinnerman');
  // The library's search looks at titles; the artist is checked on what it finds.
  assert.equal(queryFor({ path: 'x/Nina Simone - Sinnerman.mp3', title: null, artist: null }), 'Sinnerman');
  assert.equal(queryFor({ path: 'whatever', title: 'Feeling Good', artist: 'Nina Simone' }), 'Feeling Good');
});

test('path suffixes match on folder boundaries only', () => {
  assert.ok(pathSuffixMatch('/home/me/Music/Nina/Good.mp3', 'Nina/Good.mp3'));
  assert.ok(pathSuffixMatch('Nina\\Good.mp3', '/srv/music/nina/good.mp3'));
  assert.ok(!pathSuffixMatch('/m/XNina/Good.mp3', 'Nina/Good.mp3'));
  assert.ok(!pathSuffixMatch('', 'a.mp3'));
});

test('matching prefers the path, then title and artist, and refuses another artist', () => {
  const good = { id: '1', name: 'Feeling Good', artist: { name: 'Nina Simone' }, path: 'Nina Simone/Feeling Good.mp3' };
  const cover = { id: '2', name: 'Feeling good', artist: { name: 'Muse' }, path: 'Muse/Feeling Good.mp3' };
  assert.equal(bestMatch({ path: '/x/Muse/Feeling Good.mp3', title: 'Feeling Good', artist: 'Nina Simone' }, [good, cover]).id, '2');
  assert.equal(bestMatch({ path: 'elsewhere.mp3', title: 'feeling  good!', artist: 'nina simone' }, [cover, good]).id, '1');
  assert.equal(bestMatch({ path: 'elsewhere.mp3', title: 'Feeling Good', artist: 'Someone Else' }, [cover, good]), null);
  assert.equal(bestMatch({ path: 'Feeling Good.mp3', title: null, artist: null }, [cover]).id, '2');
});

test('matchEntries keeps the file order and lists what it could not find', async () => {
  const library = [{ id: 'a', name: 'One', artist: { name: 'X' } }, { id: 'b', name: 'Two', artist: { name: 'Y' } }];
  const find = async (q) => library.filter((t) => q.toLowerCase().includes(t.name.toLowerCase()));
  const entries = parseM3U('#EXTM3U\n#EXTINF:1,Y - Two\ntwo.mp3\n#EXTINF:1,Z - Three\nthree.mp3\n#EXTINF:1,X - One\none.mp3\n');
  const progress = [];
  const { matched, unmatched } = await matchEntries(entries, find, (done, total) => progress.push(`${done}/${total}`));
  assert.deepEqual(matched.map((m) => m.track.id), ['b', 'a']);
  assert.deepEqual(unmatched.map((e) => e.path), ['three.mp3']);
  assert.deepEqual(progress, ['1/3', '2/3', '3/3']);
});

test('writing and reading back gives the same tracks', () => {
  const tracks = [
    { name: 'Feeling Good', duration: 177.6, artist: { name: 'Nina Simone' }, path: 'Nina Simone/Feeling Good.mp3' },
    { name: 'Line\nbreak', duration: 60, artist: null, path: null },
  ];
  const text = writeM3U(tracks, { title: 'Mix' });
  assert.equal(text, '#EXTM3U\n#PLAYLIST:Mix\n#EXTINF:178,Nina Simone - Feeling Good\nNina Simone/Feeling Good.mp3\n#EXTINF:60,Line break\nLine break\n');
  const back = parseM3U(text);
  assert.deepEqual(back.map((e) => [e.artist, e.title, e.path]), [['Nina Simone', 'Feeling Good', 'Nina Simone/Feeling Good.mp3'], [null, 'Line break', 'Line break']]);
});
