//! Writers that carry encoder output to an HTTP response (and, when caching, to a file).

use std::io::{self, Write};

use bytes::Bytes;
use tokio::sync::mpsc::Sender;

const CHUNK: usize = 32 * 1024;

/// Sends what it is given to an async receiver in chunks. When the receiver is gone (the
/// client disconnected) writes fail, which stops the encoder.
pub struct ChannelWriter {
    tx: Sender<Result<Bytes, io::Error>>,
    buf: Vec<u8>,
    /// A copy of the output for the cache, if this rendition is being cached.
    tee: Option<std::fs::File>,
    /// Set when writing the cache copy failed, so the caller does not keep a broken entry.
    tee_failed: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl ChannelWriter {
    pub fn new(
        tx: Sender<Result<Bytes, io::Error>>,
        tee: Option<std::fs::File>,
        tee_failed: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ) -> Self {
        Self { tx, buf: Vec::with_capacity(CHUNK * 2), tee, tee_failed }
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK * 2)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the listener went away"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        // A failing cache copy (disk full, say) costs the cache entry, not the listener's stream.
        if let Some(f) = &mut self.tee
            && f.write_all(data).is_err()
        {
            self.tee = None;
            self.tee_failed.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if let Some(f) = &mut self.tee
            && f.flush().is_err()
        {
            self.tee = None;
            self.tee_failed.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        self.send()
    }
}
