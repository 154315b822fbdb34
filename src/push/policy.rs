//! The retry policy: two quick retries while someone watches, then exponential backoff with
//! jitter, and when to stop and wait for a manual Retry.

/// Backoff settings. Times in ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The first retries' nominal delays, each jittered by ±25 %: short enough that a brief
    /// hiccup is over before the clinician reaches for Retry. The worker waits them out itself
    /// (`run::tick`): alarms cannot fire this soon.
    pub quick_ms: &'static [i64],
    /// The first delay's upper bound after the quick retries.
    pub base_ms: i64,
    /// No delay is longer than this.
    pub max_ms: i64,
    /// Failed attempts after which the job is parked (failed, transient) for a manual Retry.
    pub max_attempts: u32,
}

/// The policy push jobs use: about 1 s and 4 s (waited out in the worker), then 30 s, 60 s,
/// 2 min, 4 min (each with jitter, left to the outbox alarm), then park after the 7th failure.
/// The alarm base is 30 s because Chrome will not fire an alarm sooner than that for a packed
/// extension, so a shorter alarm backoff would only be rounded up anyway.
pub const DEFAULT: RetryPolicy = RetryPolicy {
    quick_ms: &[1_000, 4_000],
    base_ms: 30_000,
    max_ms: 10 * 60_000,
    max_attempts: 7,
};

impl RetryPolicy {
    /// The delay before the next attempt after `attempts` failures (1-based), with "equal jitter":
    /// uniformly in `[cap/2, cap]` where `cap = min(max, base · 2^(attempts-1))`. Half fixed so the
    /// wait is never trivially short; half random so several clients do not retry in step.
    /// The first `quick_ms.len()` failures wait their quick delay instead, uniformly in
    /// `[¾·d, 1¼·d]`.
    pub fn delay_ms(&self, attempts: u32, random: u64) -> i64 {
        let quick = u32::try_from(self.quick_ms.len()).unwrap_or(u32::MAX);
        if let Some(&d) = usize::try_from(attempts.saturating_sub(1))
            .ok()
            .filter(|_| attempts >= 1 && attempts <= quick)
            .and_then(|i| self.quick_ms.get(i))
        {
            let span = u64::try_from(d / 2).unwrap_or(0);
            return d - d / 4 + i64::try_from(random % (span + 1)).unwrap_or(0);
        }
        let exp = attempts.saturating_sub(1 + quick).min(30);
        let cap = self
            .base_ms
            .saturating_mul(1_i64 << exp)
            .min(self.max_ms)
            .max(1);
        let half = cap / 2;
        let span = u64::try_from(cap - half).unwrap_or(1).max(1);
        half + i64::try_from(random % (span + 1)).unwrap_or(0)
    }

    /// Whether a job with this many failed attempts should stop retrying by itself.
    pub fn should_park(&self, attempts: u32) -> bool {
        attempts >= self.max_attempts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_two_retries_are_quick_and_jittered() {
        let p = DEFAULT;
        for (attempt, nominal) in [(1u32, 1_000i64), (2, 4_000)] {
            let mut seen = std::collections::BTreeSet::new();
            for r in [0u64, 1, 7, 12_345, u64::MAX / 3, u64::MAX] {
                let d = p.delay_ms(attempt, r);
                assert!(
                    d >= nominal * 3 / 4 && d <= nominal * 5 / 4,
                    "attempt {attempt}: {d} is not about {nominal} ms"
                );
                seen.insert(d);
            }
            assert!(seen.len() > 1, "jitter must vary the quick delay");
        }
        // Both quick waits are shorter than an alarm can be; the third is left to the alarm.
        assert!(p.delay_ms(2, u64::MAX) < p.base_ms / 2);
        assert!(p.delay_ms(3, 0) >= p.base_ms / 2);
    }

    #[test]
    fn delays_stay_within_jittered_exponential_bounds() {
        let p = DEFAULT;
        let quick = p.quick_ms.len() as u32;
        for attempt in quick + 1..=quick + 8 {
            let cap = (p.base_ms << (attempt - quick - 1)).min(p.max_ms);
            let mut seen = std::collections::BTreeSet::new();
            for r in [0u64, 1, 7, 12_345, u64::MAX / 3, u64::MAX] {
                let d = p.delay_ms(attempt, r);
                assert!(
                    d >= cap / 2 && d <= cap,
                    "attempt {attempt}: {d} outside [{}, {cap}]",
                    cap / 2
                );
                seen.insert(d);
            }
            assert!(seen.len() > 1, "jitter must vary the delay");
        }
        // Grows, then is capped.
        assert_eq!(p.delay_ms(quick + 1, 0), 15_000);
        assert_eq!(p.delay_ms(quick + 2, 0), 30_000);
        assert_eq!(p.delay_ms(20, 0), p.max_ms / 2);
        assert!(p.delay_ms(40, u64::MAX) <= p.max_ms);
    }

    #[test]
    fn parks_after_max_attempts() {
        let p = DEFAULT;
        assert!(!p.should_park(0));
        assert!(!p.should_park(p.max_attempts - 1));
        assert!(p.should_park(p.max_attempts));
        assert!(p.should_park(p.max_attempts + 3));
    }
}
