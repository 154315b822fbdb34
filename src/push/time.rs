//! UTC timestamps in the form Cliniko filters and answers with (`YYYY-MM-DDTHH:MM:SSZ`).

use crate::search::date::Date;

/// `ms` since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (UTC; "All dates and times are expected to be
/// in UTC", cliniko-api.md §11).
pub fn iso_utc(ms: i64) -> String {
    let d = Date::from_unix_ms(ms);
    let secs = ms.div_euclid(1000).rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        d.iso(),
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// `ms` since the epoch as a clinic-local `YYYY-MM-DD HH:MM:SS`, `offset_min` east of UTC (the
/// browser's offset at that time): the date-time Nookal files a note under.
pub fn local_date_time(ms: i64, offset_min: i32) -> String {
    iso_utc(ms + i64::from(offset_min) * 60_000)
        .trim_end_matches('Z')
        .replacen('T', " ", 1)
}

/// Parse Cliniko's `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)` to ms since the epoch.
pub fn parse_iso_ms(text: &str) -> Option<i64> {
    let t = text.trim();
    let (date, rest) = (t.get(..10)?, t.get(10..)?);
    let d = Date::parse_iso(date)?;
    let rest = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' '))?;
    let (hms, mut tail) = (rest.get(..8)?, rest.get(8..)?);
    let mut parts = hms.split(':');
    let h: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let s: i64 = parts.next()?.parse().ok()?;
    let mut frac_ms = 0i64;
    if let Some(f) = tail.strip_prefix('.') {
        let digits: String = f.chars().take_while(char::is_ascii_digit).collect();
        let first3: String = digits.chars().chain("000".chars()).take(3).collect();
        frac_ms = first3.parse().ok()?;
        tail = &f[digits.len()..];
    }
    let offset_s = match tail {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match tail.get(..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let oh: i64 = tail.get(1..3)?.parse().ok()?;
            let om: i64 = tail.get(tail.len() - 2..)?.parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
    };
    let days = days_from_civil(d.year.into(), d.month.into(), d.day.into());
    Some((days * 86_400 + h * 3600 + m * 60 + s - offset_s) * 1000 + frac_ms)
}

/// Days since 1970-01-01 (H. Hinnant's days-from-civil, the inverse of `Date::from_unix_ms`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_utc() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_utc(1_735_689_600_000), "2025-01-01T00:00:00Z");
        assert_eq!(iso_utc(1_709_210_096_789), "2024-02-29T12:34:56Z");
        for ms in [0, 1_735_689_600_000, 1_709_210_096_000, 951_782_400_000] {
            assert_eq!(parse_iso_ms(&iso_utc(ms)), Some(ms));
        }
        assert_eq!(
            parse_iso_ms("2024-02-29T12:34:56.789Z"),
            Some(1_709_210_096_789)
        );
        assert_eq!(
            parse_iso_ms("2024-02-29T22:34:56+10:00"),
            Some(1_709_210_096_000)
        );
        assert_eq!(parse_iso_ms("yesterday"), None);
    }

    #[test]
    fn local_date_time_shifts_by_the_offset() {
        let ms = parse_iso_ms("2025-01-31T23:30:00Z").unwrap();
        assert_eq!(local_date_time(ms, 0), "2025-01-31 23:30:00");
        assert_eq!(local_date_time(ms, 660), "2025-02-01 10:30:00");
        assert_eq!(local_date_time(ms, -300), "2025-01-31 18:30:00");
    }
}
