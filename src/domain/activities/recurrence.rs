//! Recurring activities: when the next occurrence of a series falls. Months and
//! years keep the series' day where it exists and use the month's last day where it
//! does not (31 January → 29 February → 31 March), so a series never drifts.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "every", rename_all = "snake_case")]
pub enum Frequency {
    Day,
    /// On the chosen days of the week.
    Week {
        weekdays: Vec<Weekday>,
    },
    Month,
    Year,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecurrenceEnd {
    Never,
    /// The last date an occurrence may fall on (inclusive).
    Until(NaiveDate),
    /// How many occurrences the series has in all, the first included.
    After(u32),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recurrence {
    pub frequency: Frequency,
    /// Every `interval` days, weeks, months or years; at least 1.
    pub interval: u32,
    pub end: RecurrenceEnd,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RecurrenceError {
    ZeroInterval,
    NoWeekdays,
    ZeroCount,
    EndsBeforeStart,
}

impl RecurrenceError {
    pub fn key(&self) -> &'static str {
        match self {
            RecurrenceError::ZeroInterval => "recurrence.err.interval",
            RecurrenceError::NoWeekdays => "recurrence.err.weekdays",
            RecurrenceError::ZeroCount => "recurrence.err.count",
            RecurrenceError::EndsBeforeStart => "recurrence.err.until",
        }
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .and_then(|d| d.pred_opt())
        .map(|d| d.day())
        .unwrap_or(28)
}

/// `start` moved by whole months, keeping its day or the month's last day.
fn add_months(start: NaiveDate, months: u64) -> Option<NaiveDate> {
    let total = (start.year() as i64 * 12 + start.month0() as i64)
        .checked_add(i64::try_from(months).ok()?)?;
    let year = i32::try_from(total.div_euclid(12)).ok()?;
    let month = total.rem_euclid(12) as u32 + 1;
    let day = start.day().min(days_in_month(year, month));
    NaiveDate::from_ymd_opt(year, month, day)
}

impl Recurrence {
    pub fn validate(&self, start: NaiveDate) -> Result<(), RecurrenceError> {
        if self.interval == 0 {
            return Err(RecurrenceError::ZeroInterval);
        }
        if let Frequency::Week { weekdays } = &self.frequency {
            if weekdays.is_empty() {
                return Err(RecurrenceError::NoWeekdays);
            }
        }
        match self.end {
            RecurrenceEnd::After(0) => Err(RecurrenceError::ZeroCount),
            RecurrenceEnd::Until(d) if d < start => Err(RecurrenceError::EndsBeforeStart),
            _ => Ok(()),
        }
    }

    /// The date of occurrence number `n` (0 is the first) of a series that starts on
    /// `start`, ignoring the end. For weekly series the first occurrence is the first
    /// chosen weekday on or after `start`.
    fn nth_unbounded(&self, start: NaiveDate, n: u32) -> Option<NaiveDate> {
        let step = self.interval.max(1) as u64;
        match &self.frequency {
            // Checked throughout: a crafted series (a huge interval or occurrence
            // number from a file) has no next date rather than a panic.
            Frequency::Day => start.checked_add_signed(Duration::try_days(
                i64::try_from((n as u64).checked_mul(step)?).ok()?,
            )?),
            Frequency::Month => add_months(start, (n as u64).checked_mul(step)?),
            Frequency::Year => add_months(start, (n as u64).checked_mul(step)?.checked_mul(12)?),
            Frequency::Week { weekdays } => {
                let mut days: Vec<u32> =
                    weekdays.iter().map(|w| w.num_days_from_monday()).collect();
                days.sort_unstable();
                days.dedup();
                if days.is_empty() {
                    return None;
                }
                let monday = start - Duration::days(start.weekday().num_days_from_monday() as i64);
                // Occurrences in the first week are those on or after the start.
                let first_week: Vec<u32> = days
                    .iter()
                    .copied()
                    .filter(|d| *d >= start.weekday().num_days_from_monday())
                    .collect();
                let (week, index) = if (n as usize) < first_week.len() {
                    return monday
                        .checked_add_signed(Duration::days(first_week[n as usize] as i64));
                } else {
                    let rest = n as usize - first_week.len();
                    (1 + rest / days.len(), rest % days.len())
                };
                let offset = (week as u64)
                    .checked_mul(step)?
                    .checked_mul(7)?
                    .checked_add(days[index] as u64)?;
                monday.checked_add_signed(Duration::try_days(i64::try_from(offset).ok()?)?)
            }
        }
    }

    /// Occurrence number `n` (0 is the first), or `None` once the series has ended.
    pub fn nth(&self, start: NaiveDate, n: u32) -> Option<NaiveDate> {
        if let RecurrenceEnd::After(count) = self.end {
            if n >= count {
                return None;
            }
        }
        let date = self.nth_unbounded(start, n)?;
        match self.end {
            RecurrenceEnd::Until(last) if date > last => None,
            _ => Some(date),
        }
    }

    /// What completing occurrence number `done` creates: the next occurrence's
    /// number and date, or `None` when that was the last one.
    pub fn after_completing(&self, start: NaiveDate, done: u32) -> Option<(u32, NaiveDate)> {
        let next = done.checked_add(1)?;
        self.nth(start, next).map(|d| (next, d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crafted_series_has_no_next_date_instead_of_a_crash() {
        let start = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        for frequency in [
            Frequency::Day,
            Frequency::Month,
            Frequency::Year,
            Frequency::Week {
                weekdays: vec![chrono::Weekday::Mon],
            },
        ] {
            let r = Recurrence {
                frequency,
                interval: u32::MAX,
                end: RecurrenceEnd::Never,
            };
            assert_eq!(r.nth(start, 200_000_000), None);
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn series(r: &Recurrence, start: NaiveDate, n: u32) -> Vec<NaiveDate> {
        (0..n).map_while(|i| r.nth(start, i)).collect()
    }

    fn rule(frequency: Frequency, interval: u32, end: RecurrenceEnd) -> Recurrence {
        Recurrence {
            frequency,
            interval,
            end,
        }
    }

    #[test]
    fn daily_with_an_interval() {
        let r = rule(Frequency::Day, 3, RecurrenceEnd::Never);
        assert_eq!(
            series(&r, d(2024, 2, 26), 3),
            vec![d(2024, 2, 26), d(2024, 2, 29), d(2024, 3, 3)]
        );
    }

    #[test]
    fn monthly_on_the_31st_uses_each_month_end_without_drifting() {
        let r = rule(Frequency::Month, 1, RecurrenceEnd::Never);
        assert_eq!(
            series(&r, d(2024, 1, 31), 5),
            vec![
                d(2024, 1, 31),
                d(2024, 2, 29),
                d(2024, 3, 31),
                d(2024, 4, 30),
                d(2024, 5, 31)
            ]
        );
        assert_eq!(r.nth(d(2023, 1, 31), 1), Some(d(2023, 2, 28)));
        // Across a year end, every two months.
        let r2 = rule(Frequency::Month, 2, RecurrenceEnd::Never);
        assert_eq!(
            series(&r2, d(2025, 11, 30), 2),
            vec![d(2025, 11, 30), d(2026, 1, 30)]
        );
    }

    #[test]
    fn yearly_on_leap_day_returns_to_it_in_leap_years() {
        let r = rule(Frequency::Year, 1, RecurrenceEnd::Never);
        assert_eq!(
            series(&r, d(2024, 2, 29), 5),
            vec![
                d(2024, 2, 29),
                d(2025, 2, 28),
                d(2026, 2, 28),
                d(2027, 2, 28),
                d(2028, 2, 29)
            ]
        );
    }

    #[test]
    fn weekly_on_chosen_weekdays() {
        // Start on a Wednesday; Monday and Friday, every second week.
        let r = rule(
            Frequency::Week {
                weekdays: vec![Weekday::Fri, Weekday::Mon],
            },
            2,
            RecurrenceEnd::Never,
        );
        assert_eq!(
            series(&r, d(2026, 11, 18), 4),
            vec![
                d(2026, 11, 20),
                d(2026, 11, 30),
                d(2026, 12, 4),
                d(2026, 12, 14)
            ]
        );
    }

    #[test]
    fn series_end_by_count_or_date() {
        let by_count = rule(Frequency::Day, 1, RecurrenceEnd::After(2));
        assert_eq!(series(&by_count, d(2026, 1, 1), 10).len(), 2);
        assert_eq!(
            by_count.after_completing(d(2026, 1, 1), 0),
            Some((1, d(2026, 1, 2)))
        );
        assert_eq!(by_count.after_completing(d(2026, 1, 1), 1), None);
        let until = rule(
            Frequency::Week {
                weekdays: vec![Weekday::Tue],
            },
            1,
            RecurrenceEnd::Until(d(2026, 1, 20)),
        );
        assert_eq!(
            series(&until, d(2026, 1, 1), 10),
            vec![d(2026, 1, 6), d(2026, 1, 13), d(2026, 1, 20)]
        );
    }

    #[test]
    fn invalid_rules_are_named() {
        let start = d(2026, 1, 1);
        assert_eq!(
            rule(Frequency::Day, 0, RecurrenceEnd::Never).validate(start),
            Err(RecurrenceError::ZeroInterval)
        );
        assert_eq!(
            rule(
                Frequency::Week { weekdays: vec![] },
                1,
                RecurrenceEnd::Never
            )
            .validate(start),
            Err(RecurrenceError::NoWeekdays)
        );
        assert_eq!(
            rule(Frequency::Day, 1, RecurrenceEnd::After(0)).validate(start),
            Err(RecurrenceError::ZeroCount)
        );
        assert_eq!(
            rule(Frequency::Day, 1, RecurrenceEnd::Until(d(2025, 12, 31))).validate(start),
            Err(RecurrenceError::EndsBeforeStart)
        );
        assert!(rule(Frequency::Month, 1, RecurrenceEnd::Never)
            .validate(start)
            .is_ok());
    }
}
