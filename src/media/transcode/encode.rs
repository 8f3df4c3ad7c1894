//! PCM in, compressed bytes out: rubato's FFT resampler where the encoder needs another rate,
//! opus-pure for Ogg Opus, LAME (mp3lame-encoder) for MP3.

use std::io::Write;

use anyhow::anyhow;
use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler as _};

/// Something that takes interleaved f32 PCM at a fixed rate and channel count.
pub trait Encoder {
    fn push(&mut self, pcm: &[f32]) -> anyhow::Result<()>;
    fn finish(self: Box<Self>) -> anyhow::Result<()>;
}

/// Feeds an encoder at `to` Hz from audio at `from` Hz, in fixed input chunks.
pub struct Resampling {
    inner: Box<dyn Encoder>,
    resampler: Option<Fft<f32>>,
    channels: usize,
    pending: Vec<f32>,
    /// Output frames still to drop: the resampler's start-up delay.
    delay: usize,
    ratio: f64,
    frames_in: u64,
    frames_out: u64,
}

const CHUNK: usize = 1024;

impl Resampling {
    pub fn new(inner: Box<dyn Encoder>, from: u32, to: u32, channels: usize) -> anyhow::Result<Self> {
        let resampler = if from == to {
            None
        } else {
            Some(
                Fft::<f32>::new(from as usize, to as usize, CHUNK, channels, FixedSync::Input)
                    .map_err(|e| anyhow!("resampler: {e}"))?,
            )
        };
        let delay = resampler.as_ref().map_or(0, |r| r.output_delay());
        let ratio = f64::from(to) / f64::from(from);
        Ok(Self { inner, resampler, channels, pending: Vec::new(), delay, ratio, frames_in: 0, frames_out: 0 })
    }

    fn run_chunk(&mut self, chunk: &[f32], partial: Option<usize>) -> anyhow::Result<()> {
        let r = self.resampler.as_mut().expect("resampling");
        let input = InterleavedSlice::new(chunk, self.channels, CHUNK).map_err(|e| anyhow!("resampler input: {e}"))?;
        let indexing =
            rubato::Indexing { input_offset: 0, output_offset: 0, partial_len: partial, active_channels_mask: None };
        let out = r.process(&input, Some(&indexing)).map_err(|e| anyhow!("resampling failed: {e}"))?;
        let data = out.take_data();
        let skip = (self.delay * self.channels).min(data.len());
        self.delay -= skip / self.channels;
        // Never emit more than the input's length at the new rate: the tail is padding.
        let wanted = (self.frames_in as f64 * self.ratio).ceil() as u64;
        let room = wanted.saturating_sub(self.frames_out) as usize * self.channels;
        let data = &data[skip..];
        let data = &data[..data.len().min(room)];
        self.frames_out += (data.len() / self.channels) as u64;
        self.inner.push(data)
    }
}

impl Encoder for Resampling {
    fn push(&mut self, pcm: &[f32]) -> anyhow::Result<()> {
        if self.resampler.is_none() {
            return self.inner.push(pcm);
        }
        self.frames_in += (pcm.len() / self.channels) as u64;
        self.pending.extend_from_slice(pcm);
        let per_chunk = CHUNK * self.channels;
        while self.pending.len() >= per_chunk {
            let chunk: Vec<f32> = self.pending.drain(..per_chunk).collect();
            self.run_chunk(&chunk, None)?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> anyhow::Result<()> {
        if self.resampler.is_some() {
            // Flush the tail, then enough silence to push the delayed samples out.
            let frames = self.pending.len() / self.channels;
            let mut chunk = std::mem::take(&mut self.pending);
            chunk.resize(CHUNK * self.channels, 0.0);
            self.run_chunk(&chunk, Some(frames))?;
            let silence = vec![0.0; CHUNK * self.channels];
            let mut extra = self.resampler.as_ref().map_or(0, |r| r.output_delay());
            while extra > 0 {
                self.run_chunk(&silence, Some(0))?;
                extra = extra.saturating_sub(CHUNK);
            }
        }
        self.inner.finish()
    }
}

/// Ogg Opus at 48 kHz. Writes correct pre-skip and trims the end exactly (RFC 7845 §4.4).
pub struct OpusEncoder<W: Write> {
    encoder: opus_pure::OpusEncoder,
    writer: opus_pure::OggOpusWriter<W>,
    channels: usize,
    pending: Vec<f32>,
    packet: Vec<u8>,
    pre_skip: u64,
    samples_in: u64,
}

const OPUS_RATE: i32 = 48_000;
const OPUS_FRAME: usize = 960; // 20 ms

impl<W: Write> OpusEncoder<W> {
    pub fn new(sink: W, channels: usize, bitrate_kbps: u32) -> anyhow::Result<Self> {
        let mut encoder = opus_pure::OpusEncoder::new(OPUS_RATE, channels, opus_pure::Application::Audio)
            .map_err(|e| anyhow!("opus encoder: {e}"))?;
        encoder.bitrate_bps = (bitrate_kbps * 1000) as i32;
        let head = opus_pure::OpusHead::for_encoder(&encoder, OPUS_RATE as u32);
        let pre_skip = u64::from(head.pre_skip);
        let writer = opus_pure::OggOpusWriter::new(sink, head).map_err(|e| anyhow!("ogg writer: {e}"))?;
        Ok(Self {
            encoder,
            writer,
            channels,
            pending: Vec::new(),
            packet: vec![0; opus_pure::MAX_PACKET_BYTES],
            pre_skip,
            samples_in: 0,
        })
    }

    fn encode_frame(&mut self, frame: &[f32], duration: Option<u32>) -> anyhow::Result<()> {
        let n = self.encoder.encode(frame, OPUS_FRAME, &mut self.packet).map_err(|e| anyhow!("opus encode: {e}"))?;
        let result = match duration {
            Some(d) => self.writer.write_packet_with_duration(&self.packet[..n], d),
            None => self.writer.write_packet(&self.packet[..n]),
        };
        result.map_err(|e| anyhow!("ogg write: {e}"))
    }
}

impl<W: Write> Encoder for OpusEncoder<W> {
    fn push(&mut self, pcm: &[f32]) -> anyhow::Result<()> {
        self.samples_in += (pcm.len() / self.channels) as u64;
        self.pending.extend_from_slice(pcm);
        let per_frame = OPUS_FRAME * self.channels;
        while self.pending.len() >= per_frame {
            let frame: Vec<f32> = self.pending.drain(..per_frame).collect();
            self.encode_frame(&frame, None)?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> anyhow::Result<()> {
        // Pad with silence until the encoder's delay has come out, then mark where audio ends.
        let final_granule = self.pre_skip + self.samples_in;
        let per_frame = OPUS_FRAME * self.channels;
        loop {
            let mut frame = std::mem::take(&mut self.pending);
            frame.resize(per_frame, 0.0);
            let after = self.writer.granule() as u64 + OPUS_FRAME as u64;
            if after >= final_granule {
                let duration = final_granule.saturating_sub(self.writer.granule() as u64) as u32;
                self.encode_frame(&frame, Some(duration.max(1)))?;
                break;
            }
            self.encode_frame(&frame, None)?;
        }
        let mut sink = self.writer.finish().map_err(|e| anyhow!("ogg finish: {e}"))?;
        sink.flush()?;
        Ok(())
    }
}

/// MP3 through LAME at a constant bitrate, without a VBR/Xing tag (the stream is live).
pub struct Mp3Encoder<W: Write> {
    encoder: mp3lame_encoder::Encoder,
    sink: W,
    channels: usize,
    out: Vec<u8>,
}

/// Rates LAME encodes directly; anything else is resampled to 44.1 kHz first.
pub fn mp3_rate(rate: u32) -> u32 {
    const SUPPORTED: &[u32] = &[8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000];
    if SUPPORTED.contains(&rate) { rate } else { 44_100 }
}

fn lame_bitrate(kbps: u32) -> mp3lame_encoder::Bitrate {
    use mp3lame_encoder::Bitrate::*;
    match kbps {
        0..=32 => Kbps32,
        33..=40 => Kbps40,
        41..=48 => Kbps48,
        49..=64 => Kbps64,
        65..=80 => Kbps80,
        81..=96 => Kbps96,
        97..=112 => Kbps112,
        113..=128 => Kbps128,
        129..=160 => Kbps160,
        161..=192 => Kbps192,
        193..=224 => Kbps224,
        225..=256 => Kbps256,
        _ => Kbps320,
    }
}

impl<W: Write> Mp3Encoder<W> {
    pub fn new(sink: W, rate: u32, channels: usize, bitrate_kbps: u32) -> anyhow::Result<Self> {
        let mut b = mp3lame_encoder::Builder::new().ok_or_else(|| anyhow!("LAME could not start"))?;
        let err = |e: mp3lame_encoder::BuildError| anyhow!("LAME: {e:?}");
        b.set_num_channels(channels.min(2) as u8).map_err(err)?;
        b.set_sample_rate(rate).map_err(err)?;
        b.set_brate(lame_bitrate(bitrate_kbps)).map_err(err)?;
        b.set_quality(mp3lame_encoder::Quality::Good).map_err(err)?;
        b.set_to_write_vbr_tag(false).map_err(err)?;
        let encoder = b.build().map_err(err)?;
        Ok(Self { encoder, sink, channels: channels.min(2), out: Vec::new() })
    }
}

impl<W: Write> Encoder for Mp3Encoder<W> {
    fn push(&mut self, pcm: &[f32]) -> anyhow::Result<()> {
        self.out.clear();
        let frames = pcm.len() / self.channels;
        self.out.reserve(mp3lame_encoder::max_required_buffer_size(frames));
        let result = if self.channels == 1 {
            self.encoder.encode_to_vec(mp3lame_encoder::MonoPcm(pcm), &mut self.out)
        } else {
            self.encoder.encode_to_vec(mp3lame_encoder::InterleavedPcm(pcm), &mut self.out)
        };
        result.map_err(|e| anyhow!("mp3 encode: {e:?}"))?;
        self.sink.write_all(&self.out)?;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> anyhow::Result<()> {
        self.out.clear();
        self.out.reserve(7200);
        // FlushGap pads the last frame so decoders stop at the true end.
        self.encoder
            .flush_to_vec::<mp3lame_encoder::FlushGap>(&mut self.out)
            .map_err(|e| anyhow!("mp3 flush: {e:?}"))?;
        self.sink.write_all(&self.out)?;
        self.sink.flush()?;
        Ok(())
    }
}
