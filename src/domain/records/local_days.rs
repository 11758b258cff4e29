//! The user's local days: the date of a UTC time at their offset, and the week,
//! month or quarter around a day.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};

/// The local calendar date of a UTC time.
pub fn local_date(t: DateTime<Utc>, utc_offset_minutes: i32) -> NaiveDate {
    (t.naive_utc() + Duration::minutes(utc_offset_minutes as i64)).date()
}

/// The seven days of the week holding `day`.
pub fn week_of(day: NaiveDate, week_start: Weekday) -> Vec<NaiveDate> {
    let back = (7 + day.weekday().num_days_from_monday() as i64
        - week_start.num_days_from_monday() as i64)
        % 7;
    let start = day - Duration::days(back);
    (0..7).map(|i| start + Duration::days(i)).collect()
}

/// The periods a user picks from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodKind {
    Month,
    Quarter,
    Year,
}

/// The month, quarter or year around `today`: (first day, last day).
pub fn period_around(kind: PeriodKind, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let (y, m) = (today.year(), today.month());
    let (first_month, months) = match kind {
        PeriodKind::Month => (m, 1),
        PeriodKind::Quarter => ((m - 1) / 3 * 3 + 1, 3),
        PeriodKind::Year => (1, 12),
    };
    let start = NaiveDate::from_ymd_opt(y, first_month, 1).unwrap_or(today);
    let end = add_months(start, months) - Duration::days(1);
    (start, end)
}

/// The first day of the month `months` after `d`'s month.
pub fn add_months(d: NaiveDate, months: u32) -> NaiveDate {
    let total = d.year() * 12 + d.month0() as i32 + months as i32;
    NaiveDate::from_ymd_opt(total.div_euclid(12), total.rem_euclid(12) as u32 + 1, 1).unwrap_or(d)
}
