//! The user's local days: the date of a UTC time at their offset, and the week,
//! month or quarter around a day.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};

use crate::domain::records::calendar_system::CalendarSystem;

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

/// The month, quarter or year around `today` counted in `calendar` (Azar 1405 for a
/// Persian user): (first day, last day).
pub fn period_around_in(
    kind: PeriodKind,
    today: NaiveDate,
    calendar: CalendarSystem,
) -> (NaiveDate, NaiveDate) {
    if calendar == CalendarSystem::Gregorian {
        return period_around(kind, today);
    }
    let (start, months) = match kind {
        PeriodKind::Month => (calendar.month_start(today), 1),
        PeriodKind::Quarter => (calendar.quarter_start(today), 3),
        PeriodKind::Year => (calendar.year_start(today), 12),
    };
    let end = calendar
        .add_months(start, months)
        .and_then(|next| next.pred_opt())
        .unwrap_or(today);
    (start, end)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_persian_users_month_quarter_and_year_are_solar_hijri() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let sh = CalendarSystem::SolarHijri;
        let today = d(2026, 12, 4); // 13 Azar 1405
                                    // Azar runs from 22 November to 21 December.
        assert_eq!(
            period_around_in(PeriodKind::Month, today, sh),
            (d(2026, 11, 22), d(2026, 12, 21))
        );
        // Autumn: Mehr, Aban and Azar, from 23 September.
        assert_eq!(
            period_around_in(PeriodKind::Quarter, today, sh),
            (d(2026, 9, 23), d(2026, 12, 21))
        );
        // 1405 runs from Nowruz 2026 to the day before Nowruz 2027.
        assert_eq!(
            period_around_in(PeriodKind::Year, today, sh),
            (d(2026, 3, 21), d(2027, 3, 20))
        );
        // The Buddhist era counts Gregorian months.
        for kind in [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year] {
            assert_eq!(
                period_around_in(kind, today, CalendarSystem::Buddhist),
                period_around(kind, today)
            );
        }
    }
}
