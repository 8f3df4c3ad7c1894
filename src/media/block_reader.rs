//! A file reader for tag parsers: reads whole blocks with positioned reads and keeps the last
//! few, so a parser's many small reads and seeks cost one read per block. A tiny file is one
//! block; in any other the blocks are 8 KiB and the kernel is asked not to read ahead, so a
//! file costs the blocks the parser touches, not the audio around them.
//!
//! lofty reads through an 8 KiB `BufReader`, and each of its seeks throws the buffer away: a
//! typical MP3 took ~15 reads and ~25 seeks, copying ~80 KB for a 50 KB file, a quarter of a
//! cold scan's reading CPU. Through this reader the same file is one or two `pread`s. Without
//! read-ahead a cold 4.8 MB MP3 costs ~20 KB of disk reads instead of ~280 KB
//! (docs/benchmarks.md, session 8).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::path::Path;

/// Blocks of a file: enough for a header or a footer. A tag or cover larger than this is read
/// straight into the parser's buffer, in one request.
const BLOCK: usize = 8 * 1024;
/// A file up to this size is read whole, in one request. Larger ones are read in blocks even
/// when small: reading a 45 KB file whole copied 2.5x the bytes the parser needed, a sixth of
/// a warm scan's CPU (docs/benchmarks.md, session 9).
const WHOLE: u64 = 16 * 1024;
/// Blocks kept: the head, the tail and a little between cover most parsers' jumps.
const KEPT: usize = 4;

pub struct BlockReader {
    file: File,
    /// The length when opened; reads past it find the end of the file.
    len: u64,
    pos: u64,
    /// `BLOCK`, or the whole file when it is small.
    block_len: usize,
    blocks: Vec<(u64, Vec<u8>)>,
    next_evicted: usize,
}

impl BlockReader {
    pub fn open(path: &Path) -> io::Result<Self> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        let block_len = if len <= WHOLE {
            WHOLE as usize
        } else {
            // Tags sit at the ends of a file, and the kernel's read-ahead would fetch hundreds
            // of kilobytes of audio around them. Advice only: a file system that ignores it
            // costs nothing.
            let _ = rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::Random);
            BLOCK
        };
        Ok(BlockReader { file, len, pos: 0, block_len, blocks: Vec::with_capacity(KEPT), next_evicted: 0 })
    }

    fn block(&mut self, index: u64) -> io::Result<&[u8]> {
        if let Some(at) = self.blocks.iter().position(|(i, _)| *i == index) {
            return Ok(&self.blocks[at].1);
        }
        let start = index * self.block_len as u64;
        let want = self.len.saturating_sub(start).min(self.block_len as u64) as usize;
        let mut data = vec![0; want];
        let mut filled = 0;
        while filled < want {
            match self.file.read_at(&mut data[filled..], start + filled as u64) {
                Ok(0) => break, // The file shrank since it was opened.
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        data.truncate(filled);
        let at = if self.blocks.len() < KEPT {
            self.blocks.push((index, data));
            self.blocks.len() - 1
        } else {
            let at = self.next_evicted;
            self.blocks[at] = (index, data);
            self.next_evicted = (at + 1) % KEPT;
            at
        };
        Ok(&self.blocks[at].1)
    }
}

impl Read for BlockReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        // A large read (a cover image, a whole tag) goes straight into the caller's buffer.
        if buf.len() >= self.block_len {
            let n = self.file.read_at(buf, self.pos)?;
            self.pos += n as u64;
            return Ok(n);
        }
        let offset = (self.pos % self.block_len as u64) as usize;
        let block = self.block(self.pos / self.block_len as u64)?;
        // Past the end of the file, or of what it still holds: nothing to read.
        let Some(rest) = block.get(offset..) else { return Ok(0) };
        let n = buf.len().min(rest.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for BlockReader {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(delta) => self.len.checked_add_signed(delta),
            SeekFrom::Current(delta) => self.pos.checked_add_signed(delta),
        };
        self.pos = target.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;

    /// A fixed pseudo-random walk of seeks and reads of every size, across block edges, past
    /// the end, and large enough to bypass the blocks, compared with a plain reader.
    fn walk_matches_a_plain_reader(len: u32) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        let bytes: Vec<u8> = (0..len).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let mut ours = BlockReader::open(&path).unwrap();
        let mut plain = BufReader::new(File::open(&path).unwrap());
        let mut state = 12345u64;
        let mut next = |bound: u64| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % bound
        };
        let len = u64::from(len);
        for _ in 0..2000 {
            let to = match next(3) {
                0 => SeekFrom::Start(next(len + len / 16)),
                1 => SeekFrom::End(-(next(len / 4) as i64)),
                _ => SeekFrom::Current(next(20_000) as i64 - 10_000),
            };
            match (ours.seek(to), plain.seek(to)) {
                (Ok(a), Ok(b)) => assert_eq!(a, b),
                (a, b) => assert_eq!(a.is_err(), b.is_err()),
            }
            let size = [1, 7, 4096, 16_383, 16_384, 65_535, 65_536, 100_000][next(8) as usize];
            let (mut a, mut b) = (vec![0; size], vec![0; size]);
            let n = ours.read(&mut a).unwrap();
            // One read may return less than asked; the bytes it returns must match the file.
            plain.read_exact(&mut b[..n]).unwrap_or_else(|_| panic!("read {n} past the end"));
            assert_eq!(a[..n], b[..n]);
            if n == 0 {
                assert!(ours.pos >= bytes.len() as u64);
            }
        }
        assert!(ours.seek(SeekFrom::Current(-(ours.pos as i64) - 1)).is_err());
    }

    #[test]
    fn a_large_file_in_blocks_reads_exactly_what_it_holds() {
        walk_matches_a_plain_reader(300_000);
    }

    #[test]
    fn a_small_file_read_whole_reads_exactly_what_it_holds() {
        walk_matches_a_plain_reader(12_000);
    }
}
