//! Threads that parse untrusted files, kept and reused.
//!
//! A hostile file could make a parser loop for ever, so each parse runs on a reader thread
//! that the caller may give up on after a timeout. Starting a thread per file made the kernel
//! map, protect and unmap a stack 10,000 times in a scan of 10,000 files (about a sixth of the
//! scan's CPU), so reader threads stay and take the next file; one idle for a while ends.
//! A reader stuck in a file still counts, so stuck readers can pile up only to `MAX_READERS`;
//! past that, reads fail at once (and are tried again at the next scan).

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::sync::{Condvar, LazyLock, Mutex, MutexGuard};
use std::time::Duration;

/// Reader threads alive at once, stuck ones included.
const MAX_READERS: usize = 32;
/// An idle reader ends after this long.
const IDLE_EXIT: Duration = Duration::from_secs(30);

/// A parse to run; it returns the delivery of its answer.
type Work = Box<dyn FnOnce() -> Deliver + Send>;
/// Hands an answer to whoever waits for it. A reader counts itself idle before delivering,
/// so the caller's next file finds it free: delivering first made callers that read file
/// after file start new readers until the cap, then fail files while readers sat idle.
type Deliver = Box<dyn FnOnce() + Send>;

#[derive(Default)]
struct State {
    queue: VecDeque<Work>,
    idle: usize,
    alive: usize,
}

#[derive(Default)]
struct Readers {
    state: Mutex<State>,
    work_ready: Condvar,
}

static READERS: LazyLock<Readers> = LazyLock::new(Readers::default);

/// Runs `parse` on a reader thread and waits up to `timeout` for its answer. A parse that
/// panics is reported as an error; one still running after `timeout` is left to finish alone.
pub fn run<T: Send + 'static>(
    timeout: Duration,
    parse: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    let (reply, answer) = mpsc::channel();
    let work: Work = Box::new(move || {
        let outcome = catch_unwind(AssertUnwindSafe(parse)).unwrap_or_else(|_| Err(PANICKED.into()));
        Box::new(move || {
            let _ = reply.send(outcome);
        })
    });
    READERS.submit(work)?;
    match answer.recv_timeout(timeout) {
        Ok(outcome) => outcome,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            Err(format!("reading the file took longer than {} s", timeout.as_secs()))
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(PANICKED.into()),
    }
}

const PANICKED: &str = "the tag parser crashed on this file";

impl Readers {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn submit(&'static self, work: Work) -> Result<(), String> {
        let mut state = self.lock();
        // An idle reader will take it.
        if state.idle > state.queue.len() {
            state.queue.push_back(work);
            self.work_ready.notify_one();
            return Ok(());
        }
        if state.alive >= MAX_READERS {
            return Err("too many files are still being read; try again later".into());
        }
        state.alive += 1;
        state.queue.push_back(work);
        drop(state);
        let started = std::thread::Builder::new().name("tag-reader".into()).spawn(move || self.serve());
        if started.is_err() {
            let mut state = self.lock();
            state.alive -= 1;
            state.queue.pop_back();
            return Err("no thread available to read the file".into());
        }
        Ok(())
    }

    /// A reader's life: take work until idle for `IDLE_EXIT`.
    fn serve(&self) {
        let mut answer: Option<Deliver> = None;
        loop {
            let work = {
                let mut state = self.lock();
                state.idle += 1;
                if let Some(deliver) = answer.take() {
                    deliver();
                }
                loop {
                    if let Some(work) = state.queue.pop_front() {
                        state.idle -= 1;
                        break work;
                    }
                    let (guard, wait) =
                        self.work_ready.wait_timeout(state, IDLE_EXIT).unwrap_or_else(|e| e.into_inner());
                    state = guard;
                    if wait.timed_out() && state.queue.is_empty() {
                        state.idle -= 1;
                        state.alive -= 1;
                        return;
                    }
                }
            };
            answer = Some(work());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_come_back_panics_are_errors_and_slow_parses_are_given_up() {
        assert_eq!(run(Duration::from_secs(5), || Ok(7)), Ok(7));
        assert_eq!(run::<()>(Duration::from_secs(5), || panic!("hostile")), Err(PANICKED.to_string()));
        let (release, wait) = mpsc::channel::<()>();
        let slow = run(Duration::from_millis(50), move || {
            let _ = wait.recv();
            Ok(1)
        });
        assert!(slow.unwrap_err().contains("took longer"));
        release.send(()).unwrap();
        // Readers are reused: more reads than MAX_READERS, one after another, all succeed.
        for i in 0..200 {
            assert_eq!(run(Duration::from_secs(5), move || Ok(i)), Ok(i));
        }
    }

    #[test]
    fn many_callers_reading_file_after_file_are_never_refused() {
        // 24 scanner threads each reading one file after another, as a scan does: fewer
        // callers than MAX_READERS, so no read may be refused for want of a reader.
        std::thread::scope(|s| {
            for t in 0..24 {
                s.spawn(move || {
                    for i in 0..300 {
                        assert_eq!(run(Duration::from_secs(5), move || Ok(t * 1000 + i)), Ok(t * 1000 + i));
                    }
                });
            }
        });
        assert!(READERS.lock().alive <= MAX_READERS);
    }
}
