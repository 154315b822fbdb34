//! Deterministic seed data: the Cliniko accounts, the Nookal clinic and the demo keys.

pub mod cliniko;
pub mod diary;
pub mod names;
pub mod nookal;

/// Letters and digits used for generated API keys (no `-`: that separates the shard suffix).
pub const KEY_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// 2025-11-01T00:00:00Z: seeded records are all older than this.
pub const SEED_EPOCH_MS: u64 = 1_761_955_200_000;
