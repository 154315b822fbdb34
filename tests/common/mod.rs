//! Shared helpers for the property suites: one case count for every proptest, read from the env.

pub mod html;

/// Cases per property: `PROPTEST_CASES` when set (`./build.sh fuzz` runs a million), else 10,000,
/// the floor every parser and renderer suite must meet in `./build.sh test`.
#[allow(dead_code)] // a suite without properties (the CommonMark corpus) uses only `html`
pub fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(10_000)
}
