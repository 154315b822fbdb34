//! A tiny deterministic PRNG (SplitMix64): same seed, same clinic, on every platform, no OS entropy.

/// SplitMix64 generator.
#[derive(Debug, Clone)]
pub struct Prng(u64);

impl Prng {
    /// A generator from a fixed seed.
    pub fn new(seed: u64) -> Self {
        Prng(seed)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-ish in `0..n` (n > 0); modulo bias is irrelevant for test data.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// `len` characters from `alphabet`.
    pub fn token(&mut self, len: usize, alphabet: &[u8]) -> String {
        (0..len).map(|_| char::from(*self.pick(alphabet))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Prng;

    #[test]
    fn deterministic_and_bounded() {
        let (mut a, mut b) = (Prng::new(7), Prng::new(7));
        let xs: Vec<u64> = (0..50).map(|_| a.below(10)).collect();
        let ys: Vec<u64> = (0..50).map(|_| b.below(10)).collect();
        assert_eq!(xs, ys);
        assert!(xs.iter().all(|&x| x < 10));
        assert!(xs.iter().any(|&x| x != xs[0]));
    }
}
