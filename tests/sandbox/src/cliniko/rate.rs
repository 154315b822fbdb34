//! Per-user rate limiting: Cliniko allows 200 requests per minute per user and answers 429 with
//! `X-RateLimit-Reset` (unix seconds) when over (cliniko-api.md §3).

use std::collections::HashMap;

use crate::config::RateLimit;

/// Fixed windows aligned to multiples of `window_s` (real Cliniko's algorithm is UNCONFIRMED; a
/// fixed window is the simplest that honours "N per minute" and gives an exact reset time).
#[derive(Debug, Clone, Default)]
pub struct RateLimiter {
    windows: HashMap<u64, (u64, u32)>,
}

impl RateLimiter {
    /// Count one request for `user_id`; `Err(reset_unix_s)` when over the limit.
    pub fn hit(&mut self, user_id: u64, now_ms: u64, limit: RateLimit) -> Result<(), u64> {
        let window = now_ms / 1000 / limit.window_s.max(1);
        let entry = self.windows.entry(user_id).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        if entry.1 >= limit.limit {
            return Err((window + 1) * limit.window_s.max(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_user_and_resets() {
        let mut r = RateLimiter::default();
        let lim = RateLimit {
            limit: 2,
            window_s: 60,
        };
        let t = 1_700_000_000_000;
        assert!(r.hit(1, t, lim).is_ok());
        assert!(r.hit(1, t, lim).is_ok());
        let reset = r.hit(1, t, lim).unwrap_err();
        assert!(reset * 1000 > t && reset * 1000 <= t + 60_000);
        assert!(r.hit(2, t, lim).is_ok());
        assert!(r.hit(1, reset * 1000, lim).is_ok());
    }
}
