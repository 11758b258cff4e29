//! The date ranges a list filter offers (today, this month, before a date, …), each
//! worked out once per query from the user's local day into first and last days.

use chrono::{Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::domain::records::calendar_system::CalendarSystem;
use crate::domain::records::field::YEARS;
use crate::domain::records::local_days::{period_around_in, week_of, PeriodKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateRange {
    Today,
    ThisWeek,
    ThisMonth,
    ThisQuarter,
    LastMonth,
    /// Today and the 29 days after it.
    Next30Days,
    /// The 29 days before today, and today.
    Last30Days,
    /// Strictly before this day.
    Before(NaiveDate),
    /// Strictly after this day.
    After(NaiveDate),
    /// From the first day to the second, both included.
    Between(NaiveDate, NaiveDate),
}

/// The ranges that need no date typed, in the order a filter offers them.
pub const RELATIVE: [DateRange; 7] = [
    DateRange::Today,
    DateRange::ThisWeek,
    DateRange::ThisMonth,
    DateRange::ThisQuarter,
    DateRange::LastMonth,
    DateRange::Next30Days,
    DateRange::Last30Days,
];

impl DateRange {
    /// The stable word of the range (in links and translation keys).
    pub fn word(&self) -> &'static str {
        match self {
            DateRange::Today => "today",
            DateRange::ThisWeek => "this_week",
            DateRange::ThisMonth => "this_month",
            DateRange::ThisQuarter => "this_quarter",
            DateRange::LastMonth => "last_month",
            DateRange::Next30Days => "next_30_days",
            DateRange::Last30Days => "last_30_days",
            DateRange::Before(_) => "before",
            DateRange::After(_) => "after",
            DateRange::Between(..) => "between",
        }
    }

    /// A relative range by its word.
    pub fn relative(word: &str) -> Option<DateRange> {
        RELATIVE.into_iter().find(|r| r.word() == word)
    }

    /// First and last day in range, both included (`None`: open on that side), for a
    /// user whose local day is `today` and whose weeks start on `week_start`.
    pub fn days(
        &self,
        today: NaiveDate,
        week_start: Weekday,
    ) -> (Option<NaiveDate>, Option<NaiveDate>) {
        self.days_in(today, week_start, CalendarSystem::Gregorian)
    }

    /// `days` with months and quarters counted in `calendar`.
    pub fn days_in(
        &self,
        today: NaiveDate,
        week_start: Weekday,
        calendar: CalendarSystem,
    ) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let period_around = |kind, day| period_around_in(kind, day, calendar);
        let both = |(a, b): (NaiveDate, NaiveDate)| (Some(a), Some(b));
        match *self {
            DateRange::Today => both((today, today)),
            DateRange::ThisWeek => {
                let week = week_of(today, week_start);
                (week.first().copied(), week.last().copied())
            }
            DateRange::ThisMonth => both(period_around(PeriodKind::Month, today)),
            DateRange::ThisQuarter => both(period_around(PeriodKind::Quarter, today)),
            DateRange::LastMonth => {
                let (first, _) = period_around(PeriodKind::Month, today);
                match first.pred_opt() {
                    Some(last) => both(period_around(PeriodKind::Month, last)),
                    None => both((first, first)),
                }
            }
            DateRange::Next30Days => (Some(today), today.checked_add_signed(Duration::days(29))),
            DateRange::Last30Days => (today.checked_sub_signed(Duration::days(29)), Some(today)),
            DateRange::Before(d) => (None, d.pred_opt()),
            DateRange::After(d) => (d.succ_opt(), None),
            DateRange::Between(a, b) => both((a.min(b), a.max(b))),
        }
    }
}

/// A day as `YYYY-MM-DD`, read strictly: exactly that shape, a real day, a year in
/// the range dates may have.
pub fn parse_day(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return None;
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    YEARS.contains(&chrono::Datelike::year(&d)).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn span(r: DateRange, today: NaiveDate) -> (Option<NaiveDate>, Option<NaiveDate>) {
        r.days(today, Weekday::Mon)
    }

    #[test]
    fn relative_ranges_around_a_mid_month_day() {
        // Wednesday 12 August 2026.
        let today = d(2026, 8, 12);
        let s = |r| span(r, today);
        assert_eq!(s(DateRange::Today), (Some(today), Some(today)));
        assert_eq!(
            s(DateRange::ThisWeek),
            (Some(d(2026, 8, 10)), Some(d(2026, 8, 16)))
        );
        assert_eq!(
            s(DateRange::ThisMonth),
            (Some(d(2026, 8, 1)), Some(d(2026, 8, 31)))
        );
        assert_eq!(
            s(DateRange::ThisQuarter),
            (Some(d(2026, 7, 1)), Some(d(2026, 9, 30)))
        );
        assert_eq!(
            s(DateRange::LastMonth),
            (Some(d(2026, 7, 1)), Some(d(2026, 7, 31)))
        );
        assert_eq!(
            s(DateRange::Next30Days),
            (Some(today), Some(d(2026, 9, 10)))
        );
        assert_eq!(
            s(DateRange::Last30Days),
            (Some(d(2026, 7, 14)), Some(today))
        );
        assert_eq!(s(DateRange::Before(today)), (None, Some(d(2026, 8, 11))));
        assert_eq!(s(DateRange::After(today)), (Some(d(2026, 8, 13)), None));
        // Given the wrong way round, a between still means the days between.
        assert_eq!(
            s(DateRange::Between(d(2026, 8, 20), d(2026, 8, 1))),
            (Some(d(2026, 8, 1)), Some(d(2026, 8, 20)))
        );
    }

    #[test]
    fn month_quarter_and_year_boundaries() {
        // 1 January: last month is December of the year before; the quarter is Q1.
        let new_year = d(2027, 1, 1);
        assert_eq!(
            span(DateRange::LastMonth, new_year),
            (Some(d(2026, 12, 1)), Some(d(2026, 12, 31)))
        );
        assert_eq!(
            span(DateRange::ThisQuarter, new_year),
            (Some(d(2027, 1, 1)), Some(d(2027, 3, 31)))
        );
        // The last day of a quarter is still in it; the next day starts the next.
        assert_eq!(
            span(DateRange::ThisQuarter, d(2026, 6, 30)),
            (Some(d(2026, 4, 1)), Some(d(2026, 6, 30)))
        );
        assert_eq!(
            span(DateRange::ThisQuarter, d(2026, 10, 1)),
            (Some(d(2026, 10, 1)), Some(d(2026, 12, 31)))
        );
        // Leap February, and last month from 31 March.
        assert_eq!(
            span(DateRange::ThisMonth, d(2028, 2, 10)),
            (Some(d(2028, 2, 1)), Some(d(2028, 2, 29)))
        );
        assert_eq!(
            span(DateRange::LastMonth, d(2026, 3, 31)),
            (Some(d(2026, 2, 1)), Some(d(2026, 2, 28)))
        );
        // A week crossing the year, starting on Saturday (the Persian week).
        assert_eq!(
            DateRange::ThisWeek.days(d(2026, 12, 31), Weekday::Sat),
            (Some(d(2026, 12, 26)), Some(d(2027, 1, 1)))
        );
    }

    #[test]
    fn words_name_the_relative_ranges_and_days_are_read_strictly() {
        for r in RELATIVE {
            assert_eq!(DateRange::relative(r.word()), Some(r));
        }
        assert_eq!(DateRange::relative("before"), None);
        assert_eq!(parse_day("2026-02-28"), Some(d(2026, 2, 28)));
        for bad in [
            "2026-02-30",
            "2026-2-28",
            "20260228",
            "0999-01-01",
            "+2026-01-01",
            "2026-01-01x",
            "",
            "२०२६-01-01",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }
}
