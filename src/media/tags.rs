//! What a file says about itself: tags through lofty, stream facts from its properties.
//! Missing tags fall back to the folder and file names. Parsing untrusted files runs under
//! `catch_unwind`, so a parser panic skips the file instead of crashing the scan.

use std::path::Path;

use lofty::file::FileType;
use lofty::picture::PictureType;
use lofty::prelude::*;

/// Extensions the scanner considers audio; anything else is ignored silently.
pub const AUDIO_EXTENSIONS: &[&str] =
    &["mp3", "flac", "ogg", "oga", "opus", "m4a", "mp4", "m4b", "aac", "alac", "wav", "aif", "aiff", "wv", "ape"];

pub fn is_audio(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| AUDIO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrackInfo {
    pub title: String,
    pub artist: Option<String>,
    pub album_artist: Option<String>,
    pub album: Option<String>,
    pub compilation: bool,
    pub genre: Option<String>,
    pub track_number: Option<u32>,
    pub disc_number: Option<u32>,
    pub year: Option<i32>,
    pub duration: f64,
    pub codec: String,
    pub bitrate: Option<u32>,
    pub sample_rate: Option<u32>,
    pub channels: Option<u8>,
    /// The embedded front cover, if any: (bytes, file extension).
    pub cover: Option<(Vec<u8>, &'static str)>,
    /// Lyrics: an `.lrc` file beside the audio wins over the embedded tag.
    pub lyrics: Option<FoundLyrics>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FoundLyrics {
    /// `lrc` (a file beside the audio) or `tag` (embedded).
    pub source: &'static str,
    pub body: String,
}

/// Lyrics files larger than this are not lyrics.
const MAX_LYRICS_BYTES: u64 = 256 * 1024;

/// `Song.flac` → `Song.lrc` beside it, when present, readable and of a sensible size.
fn lrc_beside(path: &Path) -> Option<FoundLyrics> {
    let lrc = path.with_extension("lrc");
    let meta = std::fs::symlink_metadata(&lrc).ok()?;
    if !meta.is_file() || meta.len() > MAX_LYRICS_BYTES {
        return None;
    }
    let bytes = std::fs::read(&lrc).ok()?;
    let body = String::from_utf8_lossy(&bytes).trim_start_matches('\u{feff}').trim().to_string();
    (!body.is_empty()).then_some(FoundLyrics { source: "lrc", body })
}

/// Reads tags and stream facts; the error is a short reason for the skipped-files list.
pub fn read(path: &Path) -> Result<TrackInfo, String> {
    read_named(path, path)
}

/// Like `read`, but missing tags fall back to `name` (an upload's original file name)
/// rather than to where the bytes happen to be stored.
pub fn read_named(path: &Path, name: &Path) -> Result<TrackInfo, String> {
    let (owned, name) = (path.to_path_buf(), name.to_path_buf());
    // A hostile or broken file must not stall a scan: parse on a reader thread and give up
    // after a while. Memory is bounded by lofty's allocation limit.
    super::tag_readers::run(READ_TIMEOUT, move || read_inner(&owned, &name))
}

/// Like `read`, but on the calling thread and with no time limit: for callers that watch their
/// own threads for stuck parses (the scanner, through `media::ordered_reads`).
pub fn read_unguarded(path: &Path) -> Result<TrackInfo, String> {
    read_inner(path, path)
}

pub const READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

fn read_inner(path: &Path, name: &Path) -> Result<TrackInfo, String> {
    // The content decides the format, never the name: a misnamed file is read as what it is.
    let file = super::block_reader::BlockReader::open(path).map_err(|e| format!("cannot open the file: {e}"))?;
    let mut probe = lofty::probe::Probe::new(file);
    // As `Probe::open` does: the name's guess stands only when the content says nothing.
    if let Some(by_name) = FileType::from_path(path) {
        probe = probe.set_file_type(by_name);
    }
    let probe = probe.guess_file_type().map_err(|e| format!("cannot read the file: {e}"))?;
    let unreadable = |e: lofty::error::FileParseError| format!("not a readable audio file: {e}");
    let (tagged, codec) = if probe.file_type() == Some(FileType::Mp4) {
        // The codec is only in the MP4 view of the file: read it that way, once.
        use lofty::file::AudioFile;
        use std::io::Seek;
        let mut reader = probe.into_inner();
        reader.rewind().map_err(|e| format!("cannot read the file: {e}"))?;
        let mp4 =
            lofty::mp4::Mp4File::read_from(&mut reader, lofty::config::ParseOptions::new()).map_err(unreadable)?;
        let codec = mp4_codec(mp4.properties().codec());
        (lofty::file::TaggedFile::from(mp4), codec)
    } else {
        let tagged = probe.read().map_err(unreadable)?;
        let codec = codec_name(tagged.file_type());
        (tagged, codec)
    };
    let props = tagged.properties();
    let duration = props.duration().as_secs_f64();
    if duration <= 0.0 {
        return Err("the file has no audio (zero duration)".into());
    }
    let mut info = TrackInfo {
        duration,
        codec,
        bitrate: props.audio_bitrate().or(props.overall_bitrate()).filter(|b| *b > 0),
        sample_rate: props.sample_rate(),
        channels: props.channels(),
        ..TrackInfo::default()
    };
    if let Some(tag) = tagged.primary_tag().or_else(|| tagged.first_tag()) {
        apply_tag(&mut info, tag);
    }
    fill_from_path(&mut info, name);
    if let Some(lrc) = lrc_beside(path) {
        info.lyrics = Some(lrc);
    }
    Ok(info)
}

fn clean(s: Option<std::borrow::Cow<'_, str>>) -> Option<String> {
    s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

fn apply_tag(info: &mut TrackInfo, tag: &lofty::tag::Tag) {
    info.title = clean(tag.title()).unwrap_or_default();
    info.artist = clean(tag.artist());
    info.album = clean(tag.album());
    info.genre = clean(tag.genre());
    info.album_artist = tag.get_string(ItemKey::AlbumArtist).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    info.compilation =
        tag.get_string(ItemKey::FlagCompilation).is_some_and(|v| v.trim() == "1" || v.eq_ignore_ascii_case("true"));
    info.track_number = tag.track().filter(|n| *n > 0);
    info.disc_number = tag.disk().filter(|n| *n > 0);
    info.year = tag.date().map(|d| i32::from(d.year)).filter(|y| *y > 0);
    info.lyrics = tag
        .get_string(ItemKey::Lyrics)
        .map(str::trim)
        .filter(|l| !l.is_empty() && l.len() as u64 <= MAX_LYRICS_BYTES)
        .map(|body| FoundLyrics { source: "tag", body: body.to_string() });
    let front = tag.pictures().iter().find(|p| p.pic_type() == PictureType::CoverFront).or(tag.pictures().first());
    if let Some(pic) = front
        && let Some(ext) = super::artwork::image_extension(pic.data())
    {
        info.cover = Some((pic.data().to_vec(), ext));
    }
}

/// `Artist/Album/01 - Title.flac`: what the tags left out comes from the names.
fn fill_from_path(info: &mut TrackInfo, path: &Path) {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("Unknown");
    let (number, title) = split_leading_number(stem);
    if info.title.is_empty() {
        info.title = title.to_string();
    }
    if info.track_number.is_none() {
        info.track_number = number;
    }
    let album_dir = path.parent().and_then(|p| p.file_name()).and_then(|n| n.to_str());
    if info.album.is_none() {
        info.album = album_dir.map(str::to_string);
    }
    if info.artist.is_none() {
        info.artist = info.album_artist.clone().or_else(|| {
            path.parent()
                .and_then(|p| p.parent())
                .and_then(|p| p.file_name())
                .and_then(|n| n.to_str())
                .map(str::to_string)
        });
    }
}

/// "01 - Intro" → (Some(1), "Intro"); "Intro" → (None, "Intro").
pub fn split_leading_number(stem: &str) -> (Option<u32>, &str) {
    let digits: String = stem.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() || digits.len() > 3 {
        return (None, stem);
    }
    let rest = stem[digits.len()..].trim_start_matches([' ', '-', '.', '_']).trim();
    if rest.is_empty() { (None, stem) } else { (digits.parse().ok(), rest) }
}

fn codec_name(file_type: FileType) -> String {
    let name = match file_type {
        FileType::Aac => "aac",
        FileType::Aiff => "pcm",
        FileType::Ape => "ape",
        FileType::Flac => "flac",
        FileType::Mpeg => "mp3",
        FileType::Mp4 => "aac",
        FileType::Mpc => "musepack",
        FileType::Opus => "opus",
        FileType::Vorbis => "vorbis",
        FileType::Speex => "speex",
        FileType::Wav => "pcm",
        FileType::WavPack => "wavpack",
        _ => "unknown",
    };
    name.to_string()
}

/// An .m4a holds AAC or ALAC (browsers play the first, not the second), so look inside.
fn mp4_codec(codec: Option<lofty::mp4::Mp4Codec>) -> String {
    use lofty::mp4::Mp4Codec;
    match codec {
        Some(Mp4Codec::ALAC) => "alac",
        Some(Mp4Codec::MP3) => "mp3",
        Some(Mp4Codec::FLAC) => "flac",
        _ => "aac",
    }
    .to_string()
}

/// The MIME type a browser needs for the original file.
pub fn content_type(path: &Path, codec: &str) -> &'static str {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match (ext.as_str(), codec) {
        ("mp3", _) => "audio/mpeg",
        ("flac", _) => "audio/flac",
        ("ogg" | "oga", _) => "audio/ogg",
        ("opus", _) => "audio/ogg; codecs=opus",
        ("m4a" | "mp4" | "m4b" | "alac", _) | (_, "alac") => "audio/mp4",
        ("aac", _) => "audio/aac",
        ("wav", _) => "audio/wav",
        ("aif" | "aiff", _) => "audio/aiff",
        ("wv", _) => "audio/wavpack",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_numbers_become_track_numbers() {
        assert_eq!(split_leading_number("01 - Intro"), (Some(1), "Intro"));
        assert_eq!(split_leading_number("7. Song"), (Some(7), "Song"));
        assert_eq!(split_leading_number("1999"), (None, "1999"));
        assert_eq!(split_leading_number("Song"), (None, "Song"));
    }

    #[test]
    fn non_audio_is_skipped_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("fake.mp3");
        std::fs::write(&p, b"this is not audio at all").unwrap();
        let err = read(&p).unwrap_err();
        assert!(!err.is_empty());
    }
}
