//! Decoded PCM from a file: symphonia for most codecs, opus-pure for Opus (symphonia has no
//! Opus decoder). Both hand out interleaved f32 chunks at the file's own rate.

use std::path::Path;

use anyhow::{Context, anyhow};
use symphonia::core::codecs::audio::{AudioDecoder, AudioDecoderOptions};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader, SeekMode, SeekTo, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::units::Time;

pub trait PcmSource: Send {
    fn sample_rate(&self) -> u32;
    fn channels(&self) -> usize;
    /// The next interleaved chunk, or `None` at the end.
    fn next_chunk(&mut self) -> anyhow::Result<Option<Vec<f32>>>;
}

/// Opens `path` positioned at `offset_secs`.
pub fn open(path: &Path, offset_secs: f64) -> anyhow::Result<Box<dyn PcmSource>> {
    let is_opus = path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("opus"))
        || sniff_ogg_opus(path);
    if is_opus {
        Ok(Box::new(OpusSource::open(path, offset_secs)?))
    } else {
        Ok(Box::new(SymphoniaSource::open(path, offset_secs)?))
    }
}

/// Ogg files may hold Opus whatever their name says.
fn sniff_ogg_opus(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 64];
    let n = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).unwrap_or(0);
    head[..n].starts_with(b"OggS") && head[..n].windows(8).any(|w| w == b"OpusHead")
}

/// Drops the first `skip` frames of a chunk; `None` when nothing is left of it.
fn drop_front(chunk: &[f32], channels: usize, skip: &mut u64) -> Option<Vec<f32>> {
    let frames = (chunk.len() / channels) as u64;
    let dropped = (*skip).min(frames);
    *skip -= dropped;
    let rest = &chunk[dropped as usize * channels..];
    (!rest.is_empty()).then(|| rest.to_vec())
}

pub struct SymphoniaSource {
    format: Box<dyn FormatReader>,
    decoder: Box<dyn AudioDecoder>,
    track_id: u32,
    rate: u32,
    channels: usize,
    /// Frames still to drop after an accurate seek landed early.
    skip: u64,
}

impl SymphoniaSource {
    pub fn open(path: &Path, offset_secs: f64) -> anyhow::Result<Self> {
        let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let mss = MediaSourceStream::new(Box::new(file), Default::default());
        let mut hint = Hint::new();
        if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            hint.with_extension(ext);
        }
        let format = symphonia::default::get_probe()
            .probe(&hint, mss, FormatOptions::default(), MetadataOptions::default())
            .context("unsupported or corrupt audio container")?;
        let track = format.default_track(TrackType::Audio).context("the file has no audio track")?;
        let track_id = track.id;
        let params = track.codec_params.as_ref().and_then(|p| p.audio()).context("no audio codec parameters")?.clone();
        let decoder = symphonia::default::get_codecs()
            .make_audio_decoder(&params, &AudioDecoderOptions::default())
            .context("no decoder for this codec")?;
        let rate = params.sample_rate.context("unknown sample rate")?;
        let channels = params.channels.as_ref().map_or(2, |c| c.count()).max(1);
        let mut source = Self { format, decoder, track_id, rate, channels, skip: 0 };
        if offset_secs > 0.0 {
            source.seek(offset_secs)?;
        }
        Ok(source)
    }

    fn seek(&mut self, secs: f64) -> anyhow::Result<()> {
        let time = Time::try_from_secs_f64(secs).context("bad time offset")?;
        let to = SeekTo::Time { time, track_id: Some(self.track_id) };
        let seeked = self.format.seek(SeekMode::Accurate, to).map_err(|e| anyhow!("cannot seek: {e}"))?;
        self.decoder.reset();
        self.skip = seeked.required_ts.get().saturating_sub(seeked.actual_ts.get()).max(0) as u64;
        Ok(())
    }
}

impl PcmSource for SymphoniaSource {
    fn sample_rate(&self) -> u32 {
        self.rate
    }
    fn channels(&self) -> usize {
        self.channels
    }
    fn next_chunk(&mut self) -> anyhow::Result<Option<Vec<f32>>> {
        loop {
            let packet = match self.format.next_packet() {
                Ok(Some(p)) => p,
                Ok(None) => return Ok(None),
                Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
                Err(e) => return Err(anyhow!("cannot read the audio: {e}")),
            };
            if packet.track_id != self.track_id {
                continue;
            }
            let decoded = match self.decoder.decode(&packet) {
                Ok(d) => d,
                // A damaged packet is skipped, as players do.
                Err(SymError::DecodeError(_)) => continue,
                Err(e) => return Err(anyhow!("cannot decode the audio: {e}")),
            };
            let mut out = Vec::new();
            decoded.copy_to_vec_interleaved(&mut out);
            let channels = decoded.spec().channels().count().max(1);
            let out = fit_channels(out, channels, self.channels);
            if self.skip > 0 {
                match drop_front(&out, self.channels, &mut self.skip) {
                    Some(rest) => return Ok(Some(rest)),
                    None => continue,
                }
            }
            return Ok(Some(out));
        }
    }
}

/// Makes a chunk have `want` channels (a decoder may change its layout mid-stream).
fn fit_channels(data: Vec<f32>, have: usize, want: usize) -> Vec<f32> {
    if have == want {
        return data;
    }
    data.chunks(have).flat_map(|frame| (0..want).map(move |c| frame[c.min(have - 1)])).collect()
}

pub struct OpusSource {
    reader: opus_pure::OggOpusReader<std::io::BufReader<std::fs::File>>,
    decoder: opus_pure::OpusDecoder,
    trim: opus_pure::Trim,
    channels: usize,
    block: Vec<f32>,
    skip: u64,
}

impl OpusSource {
    /// Opus has no cheap seek here, so an offset decodes and drops what comes before it.
    pub fn open(path: &Path, offset_secs: f64) -> anyhow::Result<Self> {
        let file = std::fs::File::open(path)?;
        let reader = opus_pure::OggOpusReader::new(std::io::BufReader::new(file))
            .map_err(|e| anyhow!("not an Ogg Opus file: {e}"))?;
        let head = reader.head().clone();
        let channels = usize::from(head.channel_count).max(1);
        let decoder = head.decoder(48_000).map_err(|e| anyhow!("cannot decode Opus: {e}"))?;
        let trim = opus_pure::Trim::new(&head, 48_000, channels).map_err(|e| anyhow!("bad Opus header: {e}"))?;
        let block = vec![0.0; opus_pure::MAX_PACKET_SAMPLES * channels];
        Ok(Self { reader, decoder, trim, channels, block, skip: (offset_secs.max(0.0) * 48_000.0) as u64 })
    }
}

impl PcmSource for OpusSource {
    fn sample_rate(&self) -> u32 {
        48_000
    }
    fn channels(&self) -> usize {
        self.channels
    }
    fn next_chunk(&mut self) -> anyhow::Result<Option<Vec<f32>>> {
        loop {
            let Some(packet) = self.reader.read_packet().map_err(|e| anyhow!("cannot read Opus: {e}"))? else {
                return Ok(None);
            };
            let n = self
                .decoder
                .decode(&packet.data, opus_pure::MAX_PACKET_SAMPLES, &mut self.block)
                .map_err(|e| anyhow!("cannot decode Opus: {e}"))?;
            let kept = self.trim.keep(&packet, &self.block[..n * self.channels]);
            if let Some(rest) = drop_front(kept, self.channels, &mut self.skip) {
                return Ok(Some(rest));
            }
        }
    }
}
