//! Gathers the keys a page's resolvers ask for into one fetch, inside the request's own task.
//!
//! async-graphql's `DataLoader` spawns its fetch as a task of its own as soon as the first key
//! arrives. On a multi-threaded runtime that task may run on the other core while the rest of
//! the page is still being resolved, so under load a 500-album page with `isFavorite` was
//! fetched in ~10 batches (10 statements, each prepared afresh for its number of keys, and 10
//! hand-offs between threads): most of the page's time. Here the first resolver to ask leads:
//! it yields to the request's task until a whole pass over its siblings added no key, then
//! fetches once for all of them. Nothing runs outside the request's task, so one pass is one
//! batch on a busy machine as on an idle one.

use std::collections::HashMap;
use std::future::poll_fn;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Poll, Waker};

use async_graphql::dataloader::Loader;

/// Keys a batch takes before a new one opens, duplicates counted (a page holds 500 rows;
/// SQLite takes 32,766 parameters). One `load_many` may bring more: they stay together.
const MAX_BATCH: usize = 1000;

type Found<V, E> = Result<Arc<HashMap<String, V>>, E>;
type SharedBatch<T> = Arc<Batch<<T as Loader<String>>::Value, <T as Loader<String>>::Error>>;

pub struct BatchLoader<T: Loader<String>> {
    loader: T,
    /// The batch that new keys join, until its leader starts fetching.
    open: Mutex<Option<SharedBatch<T>>>,
    /// What `prefetch` found, and the keys it found nothing for.
    known: Mutex<HashMap<String, Option<T::Value>>>,
}

struct Batch<V, E>(Mutex<BatchState<V, E>>);

struct BatchState<V, E> {
    keys: Vec<String>,
    /// Set when the fetch starts: no key joins after that.
    fetching: Option<Arc<[String]>>,
    /// Whether some caller is leading the batch (a waiter takes over from a dropped leader).
    led: bool,
    found: Option<Found<V, E>>,
    waiters: Vec<Waker>,
    /// Bumped whenever `waiters` is emptied, so a waiter knows its slot is gone.
    epoch: u64,
}

impl<V, E> Batch<V, E> {
    fn state(&self) -> MutexGuard<'_, BatchState<V, E>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<T: Loader<String>> BatchLoader<T> {
    pub fn new(loader: T) -> Self {
        BatchLoader { loader, open: Mutex::new(None), known: Mutex::new(HashMap::new()) }
    }

    /// Fetches `keys` now, so that the rows of a page asking for them later are answered at
    /// once. A value that is ready spares the page a round of waiting: every row's field
    /// pending on a batch, then woken and polled again, was two thirds of the time of a
    /// 500-album page with each album's artist (docs/benchmarks.md, session 12).
    pub async fn prefetch(&self, keys: impl IntoIterator<Item = String>) -> Result<(), T::Error> {
        let mut keys: Vec<String> = keys.into_iter().collect();
        keys.sort_unstable();
        keys.dedup();
        // Through the batch: sibling pages (an artist's tracks in a list of artists) share
        // one fetch, as their rows' fields would.
        for chunk in keys.chunks(MAX_BATCH) {
            let found = self.load(chunk).await?;
            let mut known = self.known.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            known.extend(chunk.iter().map(|key| (key.clone(), found.get(key).cloned())));
        }
        Ok(())
    }

    fn known(&self, key: &str) -> Option<Option<T::Value>> {
        self.known.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get(key).cloned()
    }

    pub async fn load_one(&self, key: String) -> Result<Option<T::Value>, T::Error> {
        if let Some(known) = self.known(&key) {
            return Ok(known);
        }
        let found = self.load(std::slice::from_ref(&key)).await?;
        Ok(found.get(&key).cloned())
    }

    /// The values found for `keys` (keys without one are absent).
    pub async fn load_many(
        &self,
        keys: impl IntoIterator<Item = String>,
    ) -> Result<HashMap<String, T::Value>, T::Error> {
        let keys: Vec<String> = keys.into_iter().collect();
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        let found = self.load(&keys).await?;
        Ok(keys.into_iter().filter_map(|k| found.get(&k).cloned().map(|v| (k, v))).collect())
    }

    async fn load(&self, keys: &[String]) -> Found<T::Value, T::Error> {
        let (batch, leads) = self.join(keys);
        if leads {
            return self.lead(&batch).await;
        }
        let mut slot: Option<(u64, usize)> = None;
        let found = poll_fn(|cx| {
            let mut state = batch.state();
            if let Some(found) = &state.found {
                return Poll::Ready(Some(found.clone()));
            }
            if !state.led {
                state.led = true;
                return Poll::Ready(None);
            }
            match slot {
                Some((epoch, i)) if epoch == state.epoch => {
                    if !state.waiters[i].will_wake(cx.waker()) {
                        state.waiters[i] = cx.waker().clone();
                    }
                }
                _ => {
                    slot = Some((state.epoch, state.waiters.len()));
                    state.waiters.push(cx.waker().clone());
                }
            }
            Poll::Pending
        })
        .await;
        match found {
            Some(found) => found,
            None => self.lead(&batch).await, // its leader was dropped before it fetched
        }
    }

    /// Adds `keys` to the open batch, or opens one (and leads it).
    fn join(&self, keys: &[String]) -> (SharedBatch<T>, bool) {
        let mut open = self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(batch) = open.as_ref() {
            let mut state = batch.state();
            if state.fetching.is_none() && state.keys.len() < MAX_BATCH {
                state.keys.extend_from_slice(keys);
                drop(state);
                return (batch.clone(), false);
            }
        }
        let batch = Arc::new(Batch(Mutex::new(BatchState {
            keys: keys.to_vec(),
            fetching: None,
            led: true,
            found: None,
            waiters: Vec::new(),
            epoch: 0,
        })));
        *open = Some(batch.clone());
        (batch, true)
    }

    async fn lead(&self, batch: &SharedBatch<T>) -> Found<T::Value, T::Error> {
        let mut leader = Leader { batch, done: false };
        // Siblings of this resolver are polled after it in the same pass: give them the
        // task until a pass brings no new key.
        let mut seen = 0;
        loop {
            let asked = {
                let state = batch.state();
                if state.fetching.is_some() || state.keys.len() >= MAX_BATCH {
                    break;
                }
                state.keys.len()
            };
            if asked == seen {
                break;
            }
            seen = asked;
            tokio::task::yield_now().await;
        }
        let keys = self.close(batch);
        let found = self.loader.load(&keys).await.map(Arc::new);
        let mut state = batch.state();
        state.found = Some(found.clone());
        for waiter in state.waiters.drain(..) {
            waiter.wake();
        }
        leader.done = true;
        found
    }

    /// Stops the batch taking keys; returns them, each once.
    fn close(&self, batch: &SharedBatch<T>) -> Arc<[String]> {
        let mut open = self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if open.as_ref().is_some_and(|o| Arc::ptr_eq(o, batch)) {
            *open = None;
        }
        let mut state = batch.state();
        if let Some(keys) = &state.fetching {
            return keys.clone();
        }
        let mut keys = std::mem::take(&mut state.keys);
        keys.sort_unstable();
        keys.dedup();
        let keys: Arc<[String]> = keys.into();
        state.fetching = Some(keys.clone());
        keys
    }
}

/// Hands a batch to one of its waiters when its leader is dropped before the fetch is done
/// (a sibling's error cancels the rest of a list).
struct Leader<'a, V, E> {
    batch: &'a Batch<V, E>,
    done: bool,
}

impl<V, E> Drop for Leader<'_, V, E> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let mut state = self.batch.state();
        state.led = false;
        state.epoch += 1;
        for waiter in state.waiters.drain(..) {
            waiter.wake();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Doubler(Arc<AtomicUsize>);

    impl Loader<String> for Doubler {
        type Value = String;
        type Error = String;
        async fn load(&self, keys: &[String]) -> Result<HashMap<String, String>, String> {
            self.0.fetch_add(1, Ordering::SeqCst);
            tokio::task::yield_now().await; // a fetch that is not ready at once, like a query
            Ok(keys.iter().filter(|k| *k != "missing").map(|k| (k.clone(), format!("{k}{k}"))).collect())
        }
    }

    fn loader() -> (Arc<BatchLoader<Doubler>>, Arc<AtomicUsize>) {
        let fetches = Arc::new(AtomicUsize::new(0));
        (Arc::new(BatchLoader::new(Doubler(fetches.clone()))), fetches)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_list_of_resolvers_is_one_fetch() {
        let (loader, fetches) = loader();
        let asks = (0..600).map(|i| {
            let loader = loader.clone();
            async move { loader.load_one(format!("k{}", i % 300)).await }
        });
        // On a worker thread, as a request is (a task's own wake-ups are deferred there).
        let got = tokio::spawn(futures_util::future::try_join_all(asks)).await.unwrap().unwrap();
        assert_eq!(fetches.load(Ordering::SeqCst), 1, "600 asks for 300 keys");
        assert_eq!(got[7].as_deref(), Some("k7k7"));
        assert_eq!(got[307].as_deref(), Some("k7k7"));
        let many = loader.load_many(["k1".to_string(), "missing".to_string()]).await.unwrap();
        assert_eq!(many.len(), 1);
        assert_eq!(many["k1"], "k1k1");
        assert_eq!(loader.load_one("missing".into()).await.unwrap(), None);
        assert_eq!(fetches.load(Ordering::SeqCst), 3, "a later ask is a batch of its own");
    }

    #[tokio::test]
    async fn prefetched_keys_are_answered_without_a_fetch() {
        let (loader, fetches) = loader();
        loader.prefetch(["k1".to_string(), "missing".to_string(), "k1".to_string()]).await.unwrap();
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        assert_eq!(loader.load_one("k1".into()).await.unwrap().as_deref(), Some("k1k1"));
        assert_eq!(loader.load_one("missing".into()).await.unwrap(), None, "known to have no value");
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        assert_eq!(loader.load_one("k2".into()).await.unwrap().as_deref(), Some("k2k2"));
        assert_eq!(fetches.load(Ordering::SeqCst), 2, "others are loaded as before");
    }

    #[tokio::test]
    async fn more_keys_than_a_batch_holds_are_fetched_in_more_batches() {
        let (loader, fetches) = loader();
        let asks = (0..MAX_BATCH + 10).map(|i| {
            let loader = loader.clone();
            async move { loader.load_one(format!("k{i}")).await }
        });
        let got = futures_util::future::try_join_all(asks).await.unwrap();
        assert!(got.iter().all(Option::is_some));
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_waiter_takes_over_from_a_leader_that_was_dropped() {
        let (loader, fetches) = loader();
        let mut leader = Box::pin(loader.load_one("a".into()));
        let waker = futures_util::task::noop_waker();
        let mut cx = std::task::Context::from_waker(&waker);
        assert!(leader.as_mut().poll(&mut cx).is_pending(), "the leader yields first");
        let waiting: Vec<_> = ["b", "c", "d"]
            .into_iter()
            .map(|key| {
                let loader = loader.clone();
                tokio::spawn(async move { loader.load_one(key.into()).await })
            })
            .collect();
        tokio::task::yield_now().await; // the waiters join the leader's batch
        drop(leader);
        for (waiter, want) in waiting.into_iter().zip(["bb", "cc", "dd"]) {
            let took_over = tokio::time::timeout(std::time::Duration::from_secs(10), waiter).await;
            assert_eq!(took_over.expect("a waiter was left waiting").unwrap().unwrap().as_deref(), Some(want));
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
    }
}
