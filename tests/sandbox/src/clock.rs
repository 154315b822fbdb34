//! UTC time helpers: unix milliseconds ⇄ ISO 8601 (`2025-01-31T10:00:00Z`) and `YYYY-MM-DD`, no chrono.

/// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date for days since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// `2025-01-31T10:00:00Z` for unix milliseconds.
pub fn iso(ms: u64) -> String {
    let secs = (ms / 1000) as i64;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

/// `2025-01-31 10:00:00` (Nookal's date-time format) for unix milliseconds.
pub fn nookal_datetime(ms: u64) -> String {
    iso(ms).replace('T', " ").trim_end_matches('Z').to_string()
}

/// `YYYY-MM-DD` for days since the epoch.
pub fn date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Parse `YYYY-MM-DD` into (y, m, d) with a range check.
pub fn parse_date(text: &str) -> Option<(i64, u32, u32)> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i64 = text.get(0..4)?.parse().ok()?;
    let m: u32 = text.get(5..7)?.parse().ok()?;
    let d: u32 = text.get(8..10)?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// Parse an ISO 8601 date-time (`Z`, `+hh:mm` offsets, optional fraction; a bare date means midnight
/// UTC; a space instead of `T` is accepted) into unix milliseconds.
pub fn parse_iso(text: &str) -> Option<u64> {
    let text = text.trim();
    let (y, m, d) = parse_date(text.get(0..10)?)?;
    let mut ms = days_from_civil(y, m, d) * 86_400_000;
    let rest = &text[10..];
    if rest.is_empty() {
        return u64::try_from(ms).ok();
    }
    let rest = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' '))?;
    let hh: i64 = rest.get(0..2)?.parse().ok()?;
    let mm: i64 = rest.get(3..5)?.parse().ok()?;
    let ss: i64 = rest.get(6..8)?.parse().ok()?;
    if rest.get(2..3)? != ":" || rest.get(5..6)? != ":" || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    ms += (hh * 3600 + mm * 60 + ss) * 1000;
    let mut tail = &rest[8..];
    if let Some(frac) = tail.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        let first3: String = frac[..digits]
            .chars()
            .chain("000".chars())
            .take(3)
            .collect();
        ms += first3.parse::<i64>().ok()?;
        tail = &frac[digits..];
    }
    match tail {
        "" | "Z" | "z" => {}
        off => {
            let sign = match off.get(0..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let oh: i64 = off.get(1..3)?.parse().ok()?;
            let om: i64 = off.get(off.len().checked_sub(2)?..)?.parse().ok()?;
            ms -= sign * (oh * 3600 + om * 60) * 1000;
        }
    }
    u64::try_from(ms).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_round_trip() {
        let ms = parse_iso("2025-01-31T10:20:30Z").unwrap();
        assert_eq!(iso(ms), "2025-01-31T10:20:30Z");
        assert_eq!(parse_iso("2025-01-31T20:20:30+10:00"), Some(ms));
        assert_eq!(parse_iso("2025-01-31 10:20:30"), Some(ms));
        assert_eq!(parse_iso("2025-01-31T10:20:30.250Z"), Some(ms + 250));
        assert_eq!(parse_iso("2025-02-30x"), None);
        assert_eq!(nookal_datetime(ms), "2025-01-31 10:20:30");
        assert_eq!(date(days_from_civil(2000, 2, 29)), "2000-02-29");
    }
}
