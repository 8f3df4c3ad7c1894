// What the browser can say about an original file, by the server's codec name.
const CODEC_TYPES = {
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  opus: 'audio/ogg; codecs="opus"',
  vorbis: 'audio/ogg; codecs="vorbis"',
  aac: 'audio/mp4; codecs="mp4a.40.2"',
  alac: 'audio/mp4; codecs="alac"',
  wav: 'audio/wav',
  pcm: 'audio/wav',
};

/** Whether `element` (an <audio>) can play an original in `codec`; unknown codecs are tried. */
export function canPlayCodec(element, codec) {
  const name = String(codec || '').toLowerCase();
  const type = CODEC_TYPES[name] ?? (name.startsWith('pcm') ? CODEC_TYPES.pcm : null);
  return !type || element.canPlayType(type) !== '';
}
