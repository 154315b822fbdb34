//! Calendar dates for date-of-birth search: parsing typed dates and computing "today".

use serde::{Deserialize, Serialize};

/// A calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 1980.
    pub year: i32,
    /// Month 1–12.
    pub month: u32,
    /// Day 1–31.
    pub day: u32,
}

impl Date {
    /// A valid date, or `None` (31 April, 29 February in a common year, month 13…).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let ok = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        ok.then_some(Date { year, month, day })
    }

    /// `YYYY-MM-DD`, the form Cliniko filters and returns dates in.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Parse exactly `YYYY-MM-DD`.
    pub fn parse_iso(text: &str) -> Option<Date> {
        let mut parts = text.trim().split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// The UTC date of a Unix time in milliseconds (civil-from-days, H. Hinnant's algorithm).
    pub fn from_unix_ms(ms: i64) -> Date {
        let days = ms.div_euclid(86_400_000);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// How the clinician's locale writes numeric dates: `03/04/1980` is 3 April (day first, the
/// default: Australia, UK, NZ, Europe) or 4 March (month first: US, set from the browser locale).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// d/m/y
    #[default]
    DayFirst,
    /// m/d/y
    MonthFirst,
}

/// What a piece of text is, read as a date of birth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DobParse {
    /// Not shaped like a date at all (try other kinds).
    NotADate,
    /// Shaped like a date but impossible (the text says why).
    Invalid(&'static str),
    /// A date of birth.
    Date(Date),
}

/// Oldest age accepted for a typed date of birth.
const MAX_AGE_YEARS: i32 = 120;

/// Read `dd/mm/yyyy`, `d/m/yy`, `yyyy-mm-dd` (separators `/`, `.` or `-`, used consistently).
///
/// - `yyyy-mm-dd` is always year-month-day.
/// - Otherwise `order` decides, except when only one reading is a real date (`13/04/1980` can
///   only be day-first), which is then taken.
/// - Two-digit years take the century that puts the date in the past (not after `today`), which
///   is always within 100 years.
/// - Future dates and dates more than 120 years before `today` are refused.
pub fn parse_dob(text: &str, order: DateOrder, today: Date) -> DobParse {
    let date = match read_date(text, order, today) {
        DobParse::Date(d) => d,
        other => return other,
    };
    if date > today {
        return DobParse::Invalid("a date of birth cannot be in the future");
    }
    let limit = Date {
        year: today.year - MAX_AGE_YEARS,
        ..today
    };
    if date < limit {
        return DobParse::Invalid("more than 120 years ago");
    }
    DobParse::Date(date)
}

/// Read a numeric date as [`parse_dob`] does, without the past/120-year bounds (`today` only
/// resolves two-digit years).
pub fn read_date(text: &str, order: DateOrder, today: Date) -> DobParse {
    let t = text.trim();
    let Some(sep) = t.chars().find(|c| matches!(c, '/' | '.' | '-')) else {
        return DobParse::NotADate;
    };
    let parts: Vec<&str> = t.split(sep).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return DobParse::NotADate;
    }
    let lens = [parts[0].len(), parts[1].len(), parts[2].len()];
    let num = |s: &str| s.parse::<u32>().unwrap_or(0);
    let (a, b, c) = (num(parts[0]), num(parts[1]), num(parts[2]));
    let candidates: Vec<Option<Date>> = match lens {
        [4, 1..=2, 1..=2] => vec![Date::new(a as i32, b, c)],
        [1..=2, 1..=2, 2] | [1..=2, 1..=2, 4] => {
            let year = |m: u32, d: u32| -> Option<Date> {
                if lens[2] == 4 {
                    Date::new(c as i32, m, d)
                } else {
                    two_digit_year(c, m, d, today)
                }
            };
            let day_first = year(b, a);
            let month_first = year(a, b);
            match order {
                DateOrder::DayFirst => vec![day_first, month_first],
                DateOrder::MonthFirst => vec![month_first, day_first],
            }
        }
        _ => return DobParse::NotADate,
    };
    match candidates.into_iter().flatten().next() {
        Some(date) => DobParse::Date(date),
        None => DobParse::Invalid("not a real date"),
    }
}

/// `yy` → the most recent century that keeps the date on or before `today`.
fn two_digit_year(yy: u32, month: u32, day: u32, today: Date) -> Option<Date> {
    let century = today.year - today.year.rem_euclid(100);
    [century, century - 100]
        .into_iter()
        .filter_map(|c| Date::new(c + yy as i32, month, day))
        .find(|d| *d <= today)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_days_to_civil_dates() {
        assert_eq!(Date::from_unix_ms(0).iso(), "1970-01-01");
        assert_eq!(Date::from_unix_ms(1_735_689_600_000).iso(), "2025-01-01");
        assert_eq!(Date::from_unix_ms(951_782_400_000).iso(), "2000-02-29");
        assert_eq!(Date::from_unix_ms(-86_400_000).iso(), "1969-12-31");
    }

    #[test]
    fn leap_days() {
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(1900, 2, 29).is_none());
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2023, 2, 29).is_none());
    }
}
