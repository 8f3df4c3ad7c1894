// A PCM WAV file (RIFF header + 16-bit samples) of a sine tone, for uploading in tests.
// WAV carries no tags here, so the server names the track after the file.

export function toneWav({ seconds = 2, frequency = 440, sampleRate = 44_100, amplitude = 0.3 } = {}) {
  const samples = Math.round(seconds * sampleRate);
  const dataBytes = samples * 2; // mono, 16-bit
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // channels
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28); // byte rate
  wav.writeUInt16LE(2, 32); // block align
  wav.writeUInt16LE(16, 34); // bits per sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples; i += 1) {
    const value = Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * frequency * i) / sampleRate));
    wav.writeInt16LE(value, 44 + i * 2);
  }
  return wav;
}
