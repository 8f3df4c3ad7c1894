// "Details…" from a track's menu: where the file is, what it is (format, bitrate, sample rate,
// channels, size, length), when it was added and how often you played it; and its lyrics
// when it has some, synced lines with their times.
import * as library from '../data/library.js';
import { h, mount } from '../dom.js';
import { clock } from '../format.js';
import { formatDate, formatNumber, t } from '../i18n.js';
import { problem, size } from '../library-text.js';
import { openDialog } from './dialog.js';

const dash = '—';

function channels(n) {
  if (!n) return dash;
  if (n === 1) return t('track.details.mono');
  if (n === 2) return t('track.details.stereo');
  return t('track.details.channels', { count: n });
}

function facts(track) {
  const row = (label, value, testid) => [h('dt', {}, label), h('dd', { 'data-testid': testid }, value ?? dash)];
  const dateTime = (iso) => (iso ? formatDate(iso, { dateStyle: 'medium', timeStyle: 'short' }) : dash);
  return h('dl', { class: 'facts track-facts', 'data-testid': 'track-facts' },
    row(t('track.details.path'), track.path ? h('code', { class: 'track-path' }, track.path) : dash, 'detail-path'),
    row(t('track.details.source'), t(track.source === 'upload' ? 'track.details.sourceUpload' : 'track.details.sourceLibrary'), 'detail-source'),
    row(t('track.details.format'), track.codec ? track.codec.toUpperCase() : dash, 'detail-format'),
    row(t('track.details.bitrate'), track.bitrate ? t('track.details.kbps', { n: formatNumber(Math.round(track.bitrate / (track.bitrate > 10_000 ? 1000 : 1))) }) : dash, 'detail-bitrate'),
    row(t('track.details.sampleRate'), track.sampleRate ? t('track.details.khz', { n: formatNumber(track.sampleRate / 1000, { maximumFractionDigits: 1 }) }) : dash, 'detail-sample-rate'),
    row(t('track.details.channelsLabel'), channels(track.channels), 'detail-channels'),
    row(t('track.details.size'), track.fileSize ? size(track.fileSize) : dash, 'detail-size'),
    row(t('track.details.duration'), clock(track.duration), 'detail-duration'),
    row(t('track.details.added'), dateTime(track.createdAt), 'detail-added'),
    row(t('track.details.plays'), formatNumber(track.playCount ?? 0), 'detail-plays'),
    row(t('track.details.lastPlayed'), dateTime(track.lastPlayedAt), 'detail-last-played'));
}

function lyrics(l) {
  if (!l || (!l.text && l.lines.length === 0)) return null;
  const synced = l.synced && l.lines.some((line) => line.startMs != null);
  const body = synced
    ? h('ol', { class: 'lyrics lyrics-synced', 'data-testid': 'lyrics' }, l.lines.map((line) =>
      h('li', { class: 'lyrics-line' },
        line.startMs != null && h('time', { class: 'lyrics-time muted', datetime: `PT${(line.startMs / 1000).toFixed(2)}S` }, clock(line.startMs / 1000)),
        h('span', {}, line.text))))
    : h('div', { class: 'lyrics', 'data-testid': 'lyrics' }, (l.text || l.lines.map((line) => line.text).join('\n')).split('\n').map((line) => h('p', { class: 'lyrics-line' }, line)));
  return h('section', { class: 'lyrics-section' }, h('h3', { class: 'section-title' }, t('track.details.lyrics')), body);
}

export function trackDetailsDialog(track, { returnFocus } = {}) {
  const body = h('div', { class: 'track-details' }, h('div', { class: 'spinner', role: 'status', 'aria-label': t('library.loading') }));
  openDialog({ title: track.name, body, testid: 'track-details', returnFocus, wide: true });
  library.trackDetails(track.id).then((full) => {
    if (!full) {
      mount(body, h('p', { class: 'muted' }, t('track.details.gone')));
      return;
    }
    const who = [full.artist?.name, full.album?.title].filter(Boolean).join(' — ');
    mount(body, who && h('p', { class: 'muted track-details-who' }, who), facts(full), lyrics(full.lyrics));
  }).catch((err) => mount(body, h('p', { class: 'alert alert-error', role: 'alert' }, problem(err))));
}
