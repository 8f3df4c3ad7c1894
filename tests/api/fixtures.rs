//! Audio fixtures made on the fly: tones encoded by ffmpeg (installed by .ci/run) in every
//! format the library supports, and plain WAV written here when tags don't matter.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Format {
    pub ext: &'static str,
    pub codec: &'static str,
    pub args: &'static [&'static str],
}

pub const FORMATS: &[Format] = &[
    Format { ext: "mp3", codec: "mp3", args: &["-c:a", "libmp3lame", "-b:a", "128k"] },
    Format { ext: "flac", codec: "flac", args: &["-c:a", "flac"] },
    Format { ext: "ogg", codec: "vorbis", args: &["-c:a", "libvorbis", "-q:a", "3"] },
    Format { ext: "opus", codec: "opus", args: &["-c:a", "libopus", "-b:a", "96k"] },
    Format { ext: "m4a", codec: "aac", args: &["-c:a", "aac", "-b:a", "128k"] },
    Format { ext: "m4a", codec: "alac", args: &["-c:a", "alac"] },
    Format { ext: "wav", codec: "pcm", args: &["-c:a", "pcm_s16le"] },
];

/// Encodes a `seconds`-long 440 Hz stereo tone to `path` with the given tags.
pub fn tone(path: &Path, seconds: f64, tags: &[(&str, &str)], codec_args: &[&str]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("sine=frequency=440:sample_rate=44100:duration={seconds}"))
        .args(["-ac", "2"]);
    for (k, v) in tags {
        cmd.arg("-metadata").arg(format!("{k}={v}"));
    }
    let status = cmd.args(codec_args).arg(path).status().expect("ffmpeg is installed (.ci/run installs it)");
    assert!(status.success(), "ffmpeg failed for {}", path.display());
}

/// An MP3 with an embedded front cover (a solid 64×64 PNG).
pub fn tone_with_cover(path: &Path, tags: &[(&str, &str)]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let cover = path.with_extension("png");
    image_png(&cover, 64);
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-i"])
        .arg(&cover)
        .args(["-map", "0", "-map", "1", "-c:a", "libmp3lame", "-c:v", "copy", "-id3v2_version", "3"])
        .args([
            "-metadata:s:v",
            "title=Album cover",
            "-metadata:s:v",
            "comment=Cover (front)",
            "-disposition:v",
            "attached_pic",
        ]);
    for (k, v) in tags {
        cmd.arg("-metadata").arg(format!("{k}={v}"));
    }
    assert!(cmd.arg(path).status().unwrap().success());
    std::fs::remove_file(cover).unwrap();
}

pub fn image_png(path: &Path, size: u32) {
    let img = image::RgbImage::from_pixel(size, size, image::Rgb([200, 30, 30]));
    img.save(path).unwrap();
}

/// A tagless 16-bit mono WAV of silence-free tone, written directly (no ffmpeg needed).
pub fn wav(path: &Path, seconds: f64) -> PathBuf {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let rate = 8000u32;
    let n = (seconds * f64::from(rate)) as u32;
    let mut data = Vec::with_capacity(44 + 2 * n as usize);
    data.extend_from_slice(b"RIFF");
    data.extend_from_slice(&(36 + 2 * n).to_le_bytes());
    data.extend_from_slice(b"WAVEfmt ");
    data.extend_from_slice(&16u32.to_le_bytes());
    data.extend_from_slice(&1u16.to_le_bytes());
    data.extend_from_slice(&1u16.to_le_bytes());
    data.extend_from_slice(&rate.to_le_bytes());
    data.extend_from_slice(&(rate * 2).to_le_bytes());
    data.extend_from_slice(&2u16.to_le_bytes());
    data.extend_from_slice(&16u16.to_le_bytes());
    data.extend_from_slice(b"data");
    data.extend_from_slice(&(2 * n).to_le_bytes());
    for i in 0..n {
        let s = ((i as f64 * 440.0 * std::f64::consts::TAU / f64::from(rate)).sin() * 8000.0) as i16;
        data.extend_from_slice(&s.to_le_bytes());
    }
    std::fs::write(path, data).unwrap();
    path.to_path_buf()
}
