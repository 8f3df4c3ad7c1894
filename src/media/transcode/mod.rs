//! In-process transcoding: decode (symphonia, or opus-pure for Opus), resample (rubato) where
//! the encoder needs another rate, encode (opus-pure to Ogg Opus, LAME to MP3). Output is
//! written as it is produced; nothing holds a whole track in memory.

pub mod cache;
mod encode;
mod source;
pub mod stream;

use std::io::Write;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Opus,
    Mp3,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Opus => "audio/ogg; codecs=opus",
            Format::Mp3 => "audio/mpeg",
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            Format::Opus => "opus",
            Format::Mp3 => "mp3",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Request {
    pub format: Format,
    pub bitrate_kbps: u32,
    pub offset_secs: f64,
}

/// An opened input, ready to encode: opening first lets the caller answer a clear error
/// (unsupported or corrupt file) before any response has started.
pub struct Transcoder {
    source: Box<dyn source::PcmSource>,
    request: Request,
}

impl Transcoder {
    pub fn open(path: &Path, request: Request) -> anyhow::Result<Self> {
        Ok(Self { source: source::open(path, request.offset_secs)?, request })
    }

    pub fn format(&self) -> Format {
        self.request.format
    }

    /// Encodes into `sink`. Stops with an error as soon as the sink does (a client that went
    /// away), so an abandoned stream costs no more CPU.
    pub fn run(self, sink: impl Write + 'static) -> anyhow::Result<()> {
        transcode(self.source, &self.request, sink)
    }
}

fn transcode(mut source: Box<dyn source::PcmSource>, req: &Request, sink: impl Write + 'static) -> anyhow::Result<()> {
    let rate = source.sample_rate();
    let channels = source.channels().min(2);
    let (encoder, target): (Box<dyn encode::Encoder>, u32) = match req.format {
        Format::Opus => (Box::new(encode::OpusEncoder::new(sink, channels, req.bitrate_kbps)?), 48_000),
        Format::Mp3 => {
            let target = encode::mp3_rate(rate);
            (Box::new(encode::Mp3Encoder::new(sink, target, channels, req.bitrate_kbps)?), target)
        }
    };
    let mut pipeline: Box<dyn encode::Encoder> = Box::new(encode::Resampling::new(encoder, rate, target, channels)?);
    let source_channels = source.channels();
    while let Some(chunk) = source.next_chunk()? {
        if source_channels > 2 {
            // Keep front left/right; a proper downmix can come later.
            let stereo: Vec<f32> = chunk.chunks(source_channels).flat_map(|f| [f[0], f[1]]).collect();
            pipeline.push(&stereo)?;
        } else {
            pipeline.push(&chunk)?;
        }
    }
    pipeline.finish()
}
