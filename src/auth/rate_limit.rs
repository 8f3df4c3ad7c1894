//! Brute-force protection: sign-in, 2FA and refresh attempts are counted per client IP and
//! per account (GCRA via governor). A refusal carries how long to wait.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;

pub struct AuthRateLimiter {
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    per_account: DefaultKeyedRateLimiter<String>,
}

impl AuthRateLimiter {
    pub fn new(per_ip_per_minute: u32, per_account_per_minute: u32) -> Self {
        let quota = |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).expect("at least one"));
        Self {
            per_ip: RateLimiter::keyed(quota(per_ip_per_minute)),
            per_account: RateLimiter::keyed(quota(per_account_per_minute)),
        }
    }

    pub fn check_ip(&self, ip: IpAddr) -> Result<(), AppError> {
        self.per_ip.check_key(&ip).map_err(|not_until| refusal(&not_until))
    }

    /// `account` is whatever names the target: a normalised email or a user id.
    pub fn check_account(&self, account: &str) -> Result<(), AppError> {
        // Keys are capped so a flood of giant made-up emails cannot grow memory without bound.
        let key: String = account.chars().take(254).collect();
        self.per_account.check_key(&key).map_err(|not_until| refusal(&not_until))
    }

    /// Drops idle keys so memory stays bounded under a spray of addresses.
    pub fn forget_idle(&self) {
        self.per_ip.retain_recent();
        self.per_account.retain_recent();
    }
}

fn refusal(not_until: &governor::NotUntil<<DefaultClock as Clock>::Instant>) -> AppError {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    AppError::rate_limited(wait.as_secs().max(1))
}
