//! Reads a list of files on a pool of threads and hands the results back in list order, a
//! batch at a time, giving up on any file whose read runs past a time limit.
//!
//! The scanner used to hand each file to a guarded reader thread and wait for it: four or five
//! context switches per file, 55,000 for a 10,000-file scan, about a fifth of its CPU. Here the
//! pool's threads parse the files themselves and only the batch that completes wakes whoever
//! stores them. A hostile file that makes a parser loop keeps its thread; the file is reported
//! as taking too long, and a replacement thread carries on, up to `MAX_STUCK` per pool.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Threads given up on (still parsing a file past the limit) a pool replaces; past this, files
/// no thread is left to read are reported as not read.
const MAX_STUCK: usize = 8;
/// Batches read ahead of the one being taken, at most. A 100,000-file scan whose disk was
/// faster than its writer held ~40 MB of results before this bound.
const AHEAD: usize = 4;

/// Why a file has no result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadFailure {
    Panicked,
    TookTooLong(Duration),
    NoReaderLeft,
}

impl std::fmt::Display for ReadFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadFailure::Panicked => f.write_str("the tag parser crashed on this file"),
            ReadFailure::TookTooLong(limit) => {
                write!(f, "reading the file took longer than {} s", limit.as_secs())
            }
            ReadFailure::NoReaderLeft => f.write_str("too many files could not be read in time; try again later"),
        }
    }
}

pub type Outcome<T> = Result<T, ReadFailure>;

type ReadFn<I, T> = Box<dyn Fn(&I) -> T + Send + Sync>;

struct Shared<I, T> {
    items: Vec<I>,
    read: ReadFn<I, T>,
    next: AtomicUsize,
    stop: AtomicBool,
    batch: usize,
    state: Mutex<State<T>>,
    batch_ready: Condvar,
    /// Signalled when the taker takes a batch (or stops): readers waiting for room go on.
    room: Condvar,
}

struct State<T> {
    /// Results not yet taken, by index.
    done: BTreeMap<usize, Outcome<T>>,
    /// Reads under way and when each began.
    started: BTreeMap<usize, Instant>,
    /// Every index below this has a result (taken or in `done`).
    contiguous: usize,
    /// Every index below this was handed out by `next_batch`.
    taken: usize,
    /// Threads reading (or waiting to), not counting those given up on.
    live: usize,
    /// Threads given up on so far.
    stuck: usize,
}

pub struct OrderedReads<I, T> {
    shared: Arc<Shared<I, T>>,
    limit: Duration,
}

impl<I: Send + Sync + 'static, T: Send + 'static> OrderedReads<I, T> {
    /// Starts `threads` threads reading `items` with `read`; `next_batch` returns them in order.
    pub fn start(
        items: Vec<I>,
        threads: usize,
        batch: usize,
        limit: Duration,
        read: impl Fn(&I) -> T + Send + Sync + 'static,
    ) -> Self {
        let threads = threads.clamp(1, items.len().max(1));
        let shared = Arc::new(Shared {
            items,
            read: Box::new(read),
            next: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            batch: batch.max(1),
            state: Mutex::new(State {
                done: BTreeMap::new(),
                started: BTreeMap::new(),
                contiguous: 0,
                taken: 0,
                live: 0,
                stuck: 0,
            }),
            batch_ready: Condvar::new(),
            room: Condvar::new(),
        });
        let pool = OrderedReads { shared, limit };
        for _ in 0..threads {
            pool.add_reader();
        }
        pool
    }

    pub fn items(&self) -> &[I] {
        &self.shared.items
    }

    /// The next results in order: a full batch, or what is left at the end; `None` when all
    /// were handed out.
    pub fn next_batch(&self) -> Option<Vec<(usize, Outcome<T>)>> {
        let shared = &self.shared;
        let total = shared.items.len();
        let mut state = shared.lock();
        loop {
            if state.taken >= total {
                return None;
            }
            let ready = state.contiguous - state.taken;
            if ready >= shared.batch || state.contiguous == total {
                let count = ready.min(shared.batch);
                let batch: Vec<_> = (0..count).filter_map(|_| state.done.pop_first()).collect();
                state.taken += count;
                shared.room.notify_all();
                return Some(batch);
            }
            // Woken by a completed batch; otherwise look for stuck reads now and then.
            let check_every = (self.limit / 4).clamp(Duration::from_millis(10), Duration::from_secs(1));
            state = shared.batch_ready.wait_timeout(state, check_every).unwrap_or_else(|e| e.into_inner()).0;
            let replacements = self.give_up_stuck(&mut state);
            if replacements > 0 {
                drop(state);
                for _ in 0..replacements {
                    self.add_reader();
                }
                state = shared.lock();
            }
        }
    }

    /// Marks reads past the limit as failed; returns how many replacement threads to start.
    fn give_up_stuck(&self, state: &mut State<T>) -> usize {
        let now = Instant::now();
        let late: Vec<usize> =
            state.started.iter().filter(|(_, began)| now - **began > self.limit).map(|(i, _)| *i).collect();
        let mut replacements = 0;
        for i in late {
            state.started.remove(&i);
            state.done.insert(i, Err(ReadFailure::TookTooLong(self.limit)));
            state.live -= 1;
            state.stuck += 1;
            if state.stuck <= MAX_STUCK {
                replacements += 1;
            }
        }
        if state.live + replacements == 0 {
            // Every thread is stuck and none may replace them.
            self.shared.fail_unstarted(state);
        }
        self.shared.advance(state);
        replacements
    }

    fn add_reader(&self) {
        let shared = Arc::clone(&self.shared);
        shared.lock().live += 1;
        let spawned = std::thread::Builder::new().name("scan-reader".into()).spawn({
            let shared = Arc::clone(&shared);
            move || shared.serve()
        });
        if spawned.is_err() {
            // No thread: the others read its share; if there are none, nothing will.
            let mut state = shared.lock();
            state.live -= 1;
            if state.live == 0 {
                shared.fail_unstarted(&mut state);
                shared.advance(&mut state);
            }
        }
    }
}

impl<I, T> Drop for OrderedReads<I, T> {
    /// Whoever stores the results is done (or failed): readers stop after their current file.
    fn drop(&mut self) {
        // Under the lock, so a reader about to wait for room cannot miss it.
        let _state = self.shared.lock();
        self.shared.stop.store(true, Ordering::SeqCst);
        self.shared.room.notify_all();
    }
}

impl<I, T> Shared<I, T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// No thread is left to read: what nobody started, nobody will.
    fn fail_unstarted(&self, state: &mut State<T>) {
        let total = self.items.len();
        let from = self.next.swap(total, Ordering::SeqCst).min(total);
        for i in from..total {
            state.done.insert(i, Err(ReadFailure::NoReaderLeft));
        }
    }

    /// Moves `contiguous` past every finished index and wakes the taker when a batch is whole.
    fn advance(&self, state: &mut State<T>) {
        let before = state.contiguous;
        while state.done.contains_key(&state.contiguous) {
            state.contiguous += 1;
        }
        let whole = state.contiguous - state.taken >= self.batch || state.contiguous == self.items.len();
        if state.contiguous > before && whole {
            self.batch_ready.notify_one();
        }
    }

    /// A reader's life: take the next index, read it, record the result; one lock per file.
    fn serve(&self) {
        let total = self.items.len();
        let mut finished: Option<(usize, Outcome<T>)> = None;
        loop {
            let i = {
                let mut state = self.lock();
                if let Some((index, outcome)) = finished.take() {
                    // Not in `started`: it was given up on, and this thread was replaced.
                    if state.started.remove(&index).is_some() {
                        state.done.insert(index, outcome);
                        self.advance(&mut state);
                    } else {
                        return;
                    }
                }
                // Results wait in memory until taken: stay at most `AHEAD` batches in front.
                while !self.stop.load(Ordering::SeqCst)
                    && (state.taken + AHEAD * self.batch..total).contains(&self.next.load(Ordering::SeqCst))
                {
                    state = self.room.wait(state).unwrap_or_else(|e| e.into_inner());
                }
                let i = if self.stop.load(Ordering::SeqCst) { total } else { self.next.fetch_add(1, Ordering::SeqCst) };
                if i >= total {
                    state.live -= 1;
                    return;
                }
                state.started.insert(i, Instant::now());
                i
            };
            let outcome =
                catch_unwind(AssertUnwindSafe(|| (self.read)(&self.items[i]))).map_err(|_| ReadFailure::Panicked);
            finished = Some((i, outcome));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect<T>(reads: &OrderedReads<u32, T>) -> Vec<(usize, Outcome<T>)>
    where
        T: Send + 'static,
    {
        let mut all = Vec::new();
        while let Some(batch) = reads.next_batch() {
            assert!(!batch.is_empty());
            all.extend(batch);
        }
        all
    }

    #[test]
    fn results_come_back_in_order_in_batches_with_panics_reported() {
        let reads = OrderedReads::start((0..1000).collect(), 8, 64, Duration::from_secs(30), |n: &u32| {
            if *n == 500 {
                panic!("hostile file");
            }
            n * 2
        });
        let first = reads.next_batch().unwrap();
        assert_eq!(first.len(), 64);
        let mut all = first;
        all.extend(collect(&reads));
        assert_eq!(all.len(), 1000);
        for (at, (i, outcome)) in all.iter().enumerate() {
            assert_eq!(*i, at);
            match i {
                500 => assert_eq!(outcome, &Err(ReadFailure::Panicked)),
                _ => assert_eq!(outcome, &Ok(*i as u32 * 2)),
            }
        }
        assert!(reads.next_batch().is_none());
    }

    #[test]
    fn readers_stay_a_few_batches_ahead_of_the_taker() {
        use std::sync::atomic::AtomicBool;
        // File 0 holds the taker back until the test opens the gate; the others are read.
        let gate_open = Arc::new(AtomicBool::new(false));
        let (gate, wait) = std::sync::mpsc::channel::<()>();
        let (read_one, reads) = std::sync::mpsc::channel::<u32>();
        let (wait, read_one) = (Mutex::new(wait), Mutex::new(read_one));
        let open = Arc::clone(&gate_open);
        let reads_ahead = OrderedReads::start((0..1000).collect(), 4, 10, Duration::from_secs(30), move |n: &u32| {
            if *n == 0 {
                let _ = wait.lock().unwrap().recv();
            } else {
                let _ = read_one.lock().unwrap().send(*n);
            }
            // Read while the taker is still held at file 0: must be within AHEAD batches.
            open.load(Ordering::SeqCst) || (*n as usize) < AHEAD * 10
        });
        // Every file the readers may read ahead, then the gate opens.
        for _ in 1..AHEAD * 10 {
            reads.recv().unwrap();
        }
        gate_open.store(true, Ordering::SeqCst);
        gate.send(()).unwrap();
        let all = collect(&reads_ahead);
        assert_eq!(all.len(), 1000);
        assert!(all.iter().all(|(_, outcome)| outcome == &Ok(true)), "a reader ran ahead of the taker");
    }

    #[test]
    fn a_read_past_the_limit_is_given_up_and_the_rest_are_still_read() {
        let (release, held) = std::sync::mpsc::channel::<()>();
        let held = Mutex::new(held);
        let reads = OrderedReads::start((0..200).collect(), 2, 50, Duration::from_millis(100), move |n: &u32| {
            if *n == 7 {
                // Stuck until the test lets go, long after the limit.
                let _ = held.lock().unwrap().recv();
            }
            *n
        });
        let all = collect(&reads);
        assert_eq!(all.len(), 200);
        assert_eq!(all[7], (7, Err(ReadFailure::TookTooLong(Duration::from_millis(100)))));
        assert!(all.iter().filter(|(i, _)| *i != 7).all(|(i, outcome)| outcome == &Ok(*i as u32)));
        release.send(()).unwrap();
    }

    #[test]
    fn when_every_reader_is_stuck_the_rest_are_reported_not_read() {
        let reads = OrderedReads::start((0..40).collect(), 1, 10, Duration::from_millis(20), |n: &u32| {
            if *n >= 2 {
                // Every file from here on hangs (for long past the test).
                std::thread::sleep(Duration::from_secs(3600));
            }
            *n
        });
        let all = collect(&reads);
        assert_eq!(all.len(), 40);
        assert_eq!(all[0], (0, Ok(0)));
        let late = all.iter().filter(|(_, o)| matches!(o, Err(ReadFailure::TookTooLong(_)))).count();
        let unread = all.iter().filter(|(_, o)| o == &Err(ReadFailure::NoReaderLeft)).count();
        // The first thread and each of the MAX_STUCK replacements hang on one file each.
        assert_eq!(late, 1 + MAX_STUCK);
        assert_eq!(unread, 40 - 2 - late);
    }
}
