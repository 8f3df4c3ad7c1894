//! Brute-force protection (GCRA via governor). A refusal carries how long to wait.
//!
//! Password sign-in is counted three ways, so that guessing is slow but the owner is never
//! locked out by someone else's guesses:
//! - per client address (every auth attempt);
//! - per account *and* address: a guesser exhausts only their own allowance, not the owner's;
//! - per account over an hour, for guessers spread over many addresses. A browser that signed
//!   into the account before carries a signed device cookie and skips this one, so a
//!   distributed attack slows strangers but not the owner's own devices.
//!
//! 2FA codes and password changes are counted per account (the password was already right).

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;

pub struct AuthRateLimiter {
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    per_account: DefaultKeyedRateLimiter<String>,
    per_account_address: DefaultKeyedRateLimiter<(String, IpAddr)>,
    per_account_hour: DefaultKeyedRateLimiter<String>,
    /// Addresses whose failed attempts ran out, and until when (for APIs where every request
    /// carries credentials, like `/rest`, so only failures may count).
    failed_until: std::sync::Mutex<std::collections::HashMap<IpAddr, std::time::Instant>>,
}

impl AuthRateLimiter {
    pub fn new(per_ip_per_minute: u32, per_account_per_minute: u32, per_account_per_hour: u32) -> Self {
        let at_least_one = |n: u32| NonZeroU32::new(n.max(1)).expect("at least one");
        let per_minute = |n: u32| Quota::per_minute(at_least_one(n));
        Self {
            per_ip: RateLimiter::keyed(per_minute(per_ip_per_minute)),
            per_account: RateLimiter::keyed(per_minute(per_account_per_minute)),
            per_account_address: RateLimiter::keyed(per_minute(per_account_per_minute)),
            per_account_hour: RateLimiter::keyed(Quota::per_hour(at_least_one(per_account_per_hour))),
            failed_until: Default::default(),
        }
    }

    /// A password attempt against `account` (a normalised email) from `ip`. `known_device`:
    /// the browser carries this account's device cookie.
    pub fn check_sign_in(&self, account: &str, ip: IpAddr, known_device: bool) -> Result<(), AppError> {
        let key = capped(account);
        self.per_account_address.check_key(&(key.clone(), ip)).map_err(|not_until| refusal(&not_until))?;
        if !known_device {
            self.per_account_hour.check_key(&key).map_err(|not_until| refusal(&not_until))?;
        }
        Ok(())
    }

    pub fn check_ip(&self, ip: IpAddr) -> Result<(), AppError> {
        self.per_ip.check_key(&ip).map_err(|not_until| refusal(&not_until))
    }

    /// Whether `ip` used up its failed attempts (see `record_failure`); checking costs nothing.
    pub fn failures_exhausted(&self, ip: IpAddr) -> bool {
        let blocked = self.failed_until.lock().expect("rate limit lock");
        blocked.get(&ip).is_some_and(|until| *until > std::time::Instant::now())
    }

    /// Counts a failed attempt from `ip` against the per-address allowance; once it runs out
    /// the address is refused until the allowance refills.
    pub fn record_failure(&self, ip: IpAddr) {
        if let Err(not_until) = self.per_ip.check_key(&ip) {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let mut blocked = self.failed_until.lock().expect("rate limit lock");
            blocked.insert(ip, std::time::Instant::now() + wait);
        }
    }

    /// `account` is whatever names the target: a normalised email or a user id.
    pub fn check_account(&self, account: &str) -> Result<(), AppError> {
        self.per_account.check_key(&capped(account)).map_err(|not_until| refusal(&not_until))
    }

    /// Drops idle keys so memory stays bounded under a spray of addresses.
    pub fn forget_idle(&self) {
        self.per_ip.retain_recent();
        self.per_account.retain_recent();
        self.per_account_address.retain_recent();
        self.per_account_hour.retain_recent();
        let now = std::time::Instant::now();
        self.failed_until.lock().expect("rate limit lock").retain(|_, until| *until > now);
    }
}

/// Keys are capped so a flood of giant made-up emails cannot grow memory without bound.
fn capped(account: &str) -> String {
    account.chars().take(254).collect()
}

pub(crate) fn refusal(not_until: &governor::NotUntil<<DefaultClock as Clock>::Instant>) -> AppError {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    AppError::rate_limited(wait.as_secs().max(1))
}
