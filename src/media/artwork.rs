//! Cover art: embedded pictures saved once by content, `cover.*`/`folder.*` images beside the
//! music, and resized copies for thumbnails.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

const FOLDER_NAMES: &[&str] = &["cover", "folder", "front", "album"];
const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "webp", "gif"];

/// Saves an embedded cover under `covers_dir`, named by its content so a cover shared by every
/// track of an album is stored once. Returns the stored path.
pub fn store_embedded(covers_dir: &Path, bytes: &[u8], ext: &str) -> std::io::Result<PathBuf> {
    let name = format!("{}.{ext}", &hex::encode(Sha256::digest(bytes))[..32]);
    let path = covers_dir.join(name);
    if !path.exists() {
        std::fs::create_dir_all(covers_dir)?;
        super::files::write_atomically(&path, bytes)?;
    }
    Ok(path)
}

/// The cover a track brings: its embedded picture (saved under `covers_dir`), else the folder's.
pub fn track_cover(
    covers_dir: &Path,
    embedded: Option<&(Vec<u8>, &'static str)>,
    folder: Option<&Path>,
) -> std::io::Result<Option<PathBuf>> {
    match embedded {
        Some((bytes, ext)) => store_embedded(covers_dir, bytes, ext).map(Some),
        None => Ok(folder.map(Path::to_path_buf)),
    }
}

/// `cover.jpg`, `Folder.png`, ... in `dir`, by preference order of the base name. Only plain
/// files whose content is an image count: a `cover.jpg` that is a link (say to the database)
/// or not a picture at all is never offered as a cover.
pub fn folder_cover(dir: &Path) -> Option<PathBuf> {
    let entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .collect();
    FOLDER_NAMES.iter().find_map(|wanted| {
        entries
            .iter()
            .find(|p| {
                let stem = p.file_stem().and_then(|s| s.to_str()).map(str::to_ascii_lowercase);
                let ext = p.extension().and_then(|s| s.to_str()).map(str::to_ascii_lowercase);
                stem.as_deref() == Some(wanted)
                    && ext.is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.as_str()))
                    && looks_like_image(p)
            })
            .cloned()
    })
}

fn looks_like_image(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    let read = std::fs::File::open(path).and_then(|mut f| f.read(&mut head));
    read.is_ok_and(|n| image_extension(&head[..n]).is_some())
}

/// Recognises an image by its first bytes, never by a name or a client's content type.
pub fn image_extension(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x89, b'P', b'N', b'G', ..] => Some("png"),
        [0xFF, 0xD8, 0xFF, ..] => Some("jpg"),
        [b'G', b'I', b'F', b'8', ..] => Some("gif"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("webp"),
        _ => None,
    }
}

/// Larger pictures are not resized: decoding 8000×8000 takes ~190 MB. 4096×4096 is plenty for
/// a cover and costs at most 64 MB.
pub const MAX_PIXELS: u64 = 4096 * 4096;

/// A JPEG of the image scaled to fit `size`×`size` (never enlarged).
pub fn resize(path: &Path, size: u32) -> anyhow::Result<Vec<u8>> {
    let (width, height) = image::ImageReader::open(path)?.with_guessed_format()?.into_dimensions()?;
    anyhow::ensure!(
        u64::from(width) * u64::from(height) <= MAX_PIXELS,
        "the image is too large ({width}×{height}; at most {MAX_PIXELS} pixels)"
    );
    let mut reader = image::ImageReader::open(path)?.with_guessed_format()?;
    // The header was checked, but a decoder must still not allocate past what it promised.
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    limits.max_alloc = Some(MAX_PIXELS * 4 + 16 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode()?;
    let img = if img.width() > size || img.height() > size { img.thumbnail(size, size) } else { img };
    let mut out = Cursor::new(Vec::new());
    img.into_rgb8().write_to(&mut out, image::ImageFormat::Jpeg)?;
    Ok(out.into_inner())
}
