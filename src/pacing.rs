//! Client-side request pacing for any EHR: at most `limit` requests in any window per key, and a hold after a 429.
//!
//! Cliniko allows "200 per minute per user" and answers 429 with `X-RateLimit-Reset`
//! (reference §3). Whether its window is fixed or sliding is not documented, so this keeps a
//! sliding log of send times: never more than `limit` sends in any `window_ms`, which stays under
//! the limit under either reading.

use std::collections::VecDeque;

/// Cliniko's documented limit.
pub const DEFAULT_LIMIT: usize = 200;
/// One minute.
pub const DEFAULT_WINDOW_MS: i64 = 60_000;

/// A pure pacing budget for one API key. Time is passed in, so it is tested without clocks.
#[derive(Debug, Clone)]
pub struct Pacer {
    limit: usize,
    window_ms: i64,
    sent: VecDeque<i64>,
    blocked_until_ms: i64,
}

impl Default for Pacer {
    fn default() -> Self {
        Pacer::new(DEFAULT_LIMIT, DEFAULT_WINDOW_MS)
    }
}

impl Pacer {
    /// A budget of `limit` requests per `window_ms` (limit at least 1).
    pub fn new(limit: usize, window_ms: i64) -> Pacer {
        Pacer {
            limit: limit.max(1),
            window_ms: window_ms.max(1),
            sent: VecDeque::new(),
            blocked_until_ms: 0,
        }
    }

    /// How long to wait before the next send (0 = send now). Does not record anything.
    pub fn wait_ms(&mut self, now_ms: i64) -> i64 {
        while self
            .sent
            .front()
            .is_some_and(|t| *t <= now_ms - self.window_ms)
        {
            self.sent.pop_front();
        }
        let hold = (self.blocked_until_ms - now_ms).max(0);
        let budget = match self.sent.front() {
            Some(oldest) if self.sent.len() >= self.limit => {
                (oldest + self.window_ms - now_ms).max(0)
            }
            _ => 0,
        };
        hold.max(budget)
    }

    /// Record a send at `now_ms`.
    pub fn record(&mut self, now_ms: i64) {
        self.sent.push_back(now_ms);
        while self.sent.len() > self.limit {
            self.sent.pop_front();
        }
    }

    /// Honour a 429: send nothing for `wait_s` seconds from `now_ms`.
    pub fn hold_for(&mut self, now_ms: i64, wait_s: u64) {
        let until =
            now_ms.saturating_add(i64::try_from(wait_s.saturating_mul(1000)).unwrap_or(i64::MAX));
        self.blocked_until_ms = self.blocked_until_ms.max(until);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_the_limit_then_waits_for_the_oldest_to_expire() {
        let mut p = Pacer::new(3, 1000);
        for t in [0, 10, 20] {
            assert_eq!(p.wait_ms(t), 0);
            p.record(t);
        }
        assert_eq!(p.wait_ms(30), 970);
        // A send exactly one window old no longer counts.
        assert_eq!(p.wait_ms(999), 1);
        assert_eq!(p.wait_ms(1000), 0);
    }

    #[test]
    fn a_429_holds_every_send_until_reset() {
        let mut p = Pacer::default();
        p.hold_for(5_000, 30);
        assert_eq!(p.wait_ms(5_000), 30_000);
        assert_eq!(p.wait_ms(34_000), 1_000);
        assert_eq!(p.wait_ms(35_000), 0);
    }
}
