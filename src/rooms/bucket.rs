//! A token bucket: `rate` events a second on average, bursts up to `burst`.

use std::time::Instant;

#[derive(Debug, Clone)]
pub struct Bucket {
    tokens: f64,
    last: Instant,
    rate: f64,
    burst: f64,
}

impl Bucket {
    pub fn new(rate: f64, burst: f64) -> Self {
        Self { tokens: burst, last: Instant::now(), rate, burst }
    }

    /// Takes one token if there is one.
    pub fn take(&mut self) -> bool {
        self.take_at(Instant::now())
    }

    fn take_at(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_burst_passes_then_the_rate_holds() {
        let start = Instant::now();
        let mut bucket = Bucket { tokens: 3.0, last: start, rate: 2.0, burst: 3.0 };
        assert!((0..3).all(|_| bucket.take_at(start)));
        assert!(!bucket.take_at(start), "the burst is spent");
        assert!(bucket.take_at(start + Duration::from_millis(500)), "half a second earns one token");
        assert!(!bucket.take_at(start + Duration::from_millis(600)));
    }
}
