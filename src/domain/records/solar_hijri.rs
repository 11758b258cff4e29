//! The Solar Hijri (Persian, Jalali) calendar: conversion to and from Gregorian dates
//! by Borkowski's arithmetic rule, the one the jalaali libraries use.
//!
//! Years follow a 33-year pattern of eight leap years, restarted at a table of break
//! years chosen so that Nowruz (1 Farvardin) stays on the day of the March equinox as
//! seen from Tehran. The table covers the years -61 to 3177 AP (about 560 to 3798 CE);
//! outside it there is no answer, and the functions here say so with `None`.

use chrono::{Datelike, Days, NaiveDate};

/// The first and last years the break table covers.
pub const FIRST_YEAR: i32 = -61;
pub const LAST_YEAR: i32 = 3177;

/// Years at which the 33-year leap pattern starts again. Each entry begins a stretch
/// ending just before the next one; the last entry only closes the final stretch.
const BREAKS: [i32; 20] = [
    -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324,
    2394, 2456, 3178,
];

/// A date in the Solar Hijri calendar. Months 1–6 have 31 days, 7–11 have 30 and the
/// twelfth (Esfand) 29, or 30 in a leap year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SolarHijri {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// What a year's place in the break table gives: whether it is leap and the
/// Gregorian date of its Nowruz.
struct YearFacts {
    leap: bool,
    nowruz: NaiveDate,
}

/// Leap years in a whole stretch of `len` years: eight per 33, then one per four of
/// the rest (the stretch's last years hand their leap year on to the next stretch).
fn leaps_in_stretch(len: i32) -> i32 {
    8 * (len / 33) + len % 33 / 4
}

fn year_facts(year: i32) -> Option<YearFacts> {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return None;
    }
    // The stretch holding `year` and the leap years of every stretch before it.
    let mut leaps = 0;
    let (start, len) = BREAKS.windows(2).find_map(|w| {
        let len = w[1] - w[0];
        if year < w[1] {
            Some((w[0], len))
        } else {
            leaps += leaps_in_stretch(len);
            None
        }
    })?;
    let n = year - start;

    // Leap years before this one within its stretch: eight per whole 33 and one per
    // four begun. A stretch whose length leaves 4 over a multiple of 33 moves its last
    // leap year one place earlier, which the plain count misses for one year.
    leaps += 8 * (n / 33) + (n % 33 + 3) / 4;
    if len % 33 == 4 && len - n == 4 {
        leaps += 1;
    }

    // Nowruz's day in March: the Persian leap days gained over the Gregorian ones
    // (the constants put both counts on one origin).
    let g_year = year + 621;
    let persian_leaps = leaps - 14;
    let gregorian_leaps = g_year / 4 - (g_year / 100 + 1) * 3 / 4 - 150;
    let march_day = 20 + persian_leaps - gregorian_leaps;
    let nowruz = NaiveDate::from_ymd_opt(g_year, 3, 1)?
        .checked_add_days(Days::new(u64::try_from(march_day - 1).ok()?))?;

    // Leap years sit at places 0, 4, …, 28 of each 33. The last five years of a
    // stretch count their place from the end, as if the next cycle began on time.
    let place = if len - n < 6 {
        n - len + (len + 4) / 33 * 33
    } else {
        n
    } % 33;
    let leap = place % 4 == 0 && place < 32;
    Some(YearFacts { leap, nowruz })
}

/// Whether `year` has 366 days (Esfand 30). False outside the table's years.
pub fn is_leap(year: i32) -> bool {
    year_facts(year).is_some_and(|f| f.leap)
}

/// Days in `month` (1–12) of `year`; 0 for a month that does not exist. Outside the
/// table's years Esfand counts as common.
pub fn month_length(year: i32, month: u32) -> u32 {
    match month {
        1..=6 => 31,
        7..=11 => 30,
        12 if is_leap(year) => 30,
        12 => 29,
        _ => 0,
    }
}

/// Days from Nowruz to the first of `month` (1–12).
fn days_before_month(month: u32) -> u32 {
    if month <= 7 {
        (month - 1) * 31
    } else {
        186 + (month - 7) * 30
    }
}

/// The Gregorian date of a Solar Hijri one; `None` for a day the month does not have
/// (1403/07/31, Esfand 30 of a common year) or a year outside the table.
pub fn to_gregorian(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    let facts = year_facts(year)?;
    let length = match month {
        1..=11 => month_length(year, month),
        12 if facts.leap => 30,
        12 => 29,
        _ => return None,
    };
    if day == 0 || day > length {
        return None;
    }
    let offset = days_before_month(month) + day - 1;
    facts.nowruz.checked_add_days(Days::new(u64::from(offset)))
}

/// The Solar Hijri date of a Gregorian one; `None` outside the table's years.
pub fn from_gregorian(date: NaiveDate) -> Option<SolarHijri> {
    // Nowruz falls in March, so the Persian year is the Gregorian one less 621 from
    // Nowruz on and less 622 before it.
    let later = date.year().checked_sub(621)?;
    let (year, nowruz) = match year_facts(later) {
        Some(f) if f.nowruz <= date => (later, f.nowruz),
        _ => {
            let f = year_facts(later - 1)?;
            let length = if f.leap { 366 } else { 365 };
            // Past the table's last year the earlier year may not reach `date`.
            if (date - f.nowruz).num_days() >= length || date < f.nowruz {
                return None;
            }
            (later - 1, f.nowruz)
        }
    };
    let offset = u32::try_from((date - nowruz).num_days()).ok()?;
    let (month, day) = if offset < 186 {
        (offset / 31 + 1, offset % 31 + 1)
    } else {
        ((offset - 186) / 30 + 7, (offset - 186) % 30 + 1)
    };
    Some(SolarHijri { year, month, day })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn sh(year: i32, month: u32, day: u32) -> SolarHijri {
        SolarHijri { year, month, day }
    }

    /// Known correspondences: Nowruz of several years, the last day of leap and common
    /// years, the revolution's day (22 Bahman 1357), ordinary days, and the ends of
    /// the span where ICU 78's Persian calendar agrees day by day (1800 to 2123).
    const KNOWN: [((i32, u32, u32), &str); 15] = [
        ((1178, 10, 11), "1800-01-01"),
        ((1354, 1, 1), "1975-03-21"),
        ((1357, 11, 22), "1979-02-11"),
        ((1399, 1, 1), "2020-03-20"),
        ((1399, 12, 30), "2021-03-20"),
        ((1400, 1, 1), "2021-03-21"),
        ((1400, 12, 29), "2022-03-20"),
        ((1401, 1, 1), "2022-03-21"),
        ((1403, 1, 1), "2024-03-20"),
        ((1403, 12, 30), "2025-03-20"),
        ((1404, 1, 1), "2025-03-21"),
        ((1405, 1, 1), "2026-03-21"),
        ((1405, 9, 13), "2026-12-04"),
        ((1395, 1, 23), "2016-04-11"),
        ((1502, 10, 10), "2123-12-31"),
    ];

    #[test]
    fn known_dates_convert_both_ways() {
        for ((y, m, d), greg) in KNOWN {
            assert_eq!(to_gregorian(y, m, d), Some(g(greg)), "{y}/{m}/{d}");
            assert_eq!(from_gregorian(g(greg)), Some(sh(y, m, d)), "{greg}");
        }
    }

    #[test]
    fn known_dates_agree_by_day_counting() {
        // 1405/09/13 is 6×31 + 2×30 + 12 = 258 days after Nowruz (21 March 2026).
        let nowruz = to_gregorian(1405, 1, 1).unwrap();
        assert_eq!(nowruz + Days::new(258), g("2026-12-04"));
        // 22 Bahman 1357: 186 + 4×30 + 21 = 327 days after 1 Farvardin 1357 (1978-03-21).
        assert_eq!(to_gregorian(1357, 1, 1), Some(g("1978-03-21")));
        assert_eq!(g("1978-03-21") + Days::new(327), g("1979-02-11"));
    }

    #[test]
    fn leap_years_follow_the_pattern() {
        for year in [
            1370, 1375, 1379, 1383, 1387, 1391, 1395, 1399, 1403, 1408, 1412,
        ] {
            assert!(is_leap(year), "{year} is leap");
            assert_eq!(month_length(year, 12), 30);
        }
        for year in [1400, 1401, 1402, 1404, 1405, 1406, 1407, 1409] {
            assert!(!is_leap(year), "{year} is common");
            assert_eq!(month_length(year, 12), 29);
        }
    }

    #[test]
    fn leap_rule_and_nowruz_rule_agree_over_the_whole_table() {
        // The two halves of the algorithm are computed separately: a year is leap
        // exactly when the next Nowruz comes 366 days after its own.
        let mut leaps = 0;
        for year in FIRST_YEAR..LAST_YEAR {
            let this = year_facts(year).unwrap();
            let next = year_facts(year + 1).unwrap();
            let days = (next.nowruz - this.nowruz).num_days();
            assert_eq!(days, if this.leap { 366 } else { 365 }, "year {year}");
            leaps += i32::from(this.leap);
        }
        // Close to the tropical year's 365.2422 days: 0.2422 × 3238 ≈ 784.
        let years = LAST_YEAR - FIRST_YEAR;
        assert!(
            (leaps - years * 2422 / 10_000).abs() <= 2,
            "{leaps} leap years"
        );
    }

    #[test]
    fn nowruz_stays_near_the_equinox() {
        for year in FIRST_YEAR..=LAST_YEAR {
            let nowruz = to_gregorian(year, 1, 1).unwrap();
            assert_eq!(nowruz.month(), 3, "{year}");
            assert!((19..=22).contains(&nowruz.day()), "{year}: {nowruz}");
        }
    }

    #[test]
    fn impossible_days_have_no_date() {
        assert_eq!(to_gregorian(1403, 7, 31), None);
        assert_eq!(to_gregorian(1400, 12, 30), None);
        assert_eq!(to_gregorian(1404, 12, 30), None);
        assert_eq!(to_gregorian(1403, 13, 1), None);
        assert_eq!(to_gregorian(1403, 0, 1), None);
        assert_eq!(to_gregorian(1403, 1, 0), None);
        assert_eq!(to_gregorian(1403, 6, 32), None);
        assert!(to_gregorian(1403, 6, 31).is_some());
        assert!(to_gregorian(1403, 12, 30).is_some());
        assert_eq!(month_length(1403, 13), 0);
    }

    #[test]
    fn years_outside_the_table_have_no_answer() {
        assert_eq!(to_gregorian(LAST_YEAR + 1, 1, 1), None);
        assert_eq!(to_gregorian(FIRST_YEAR - 1, 1, 1), None);
        assert_eq!(to_gregorian(i32::MAX, 1, 1), None);
        assert_eq!(to_gregorian(i32::MIN, 1, 1), None);
        assert!(!is_leap(i32::MAX));
        assert_eq!(from_gregorian(NaiveDate::MAX), None);
        assert_eq!(from_gregorian(NaiveDate::MIN), None);

        // The table's last day converts; the day after it does not.
        let last = to_gregorian(LAST_YEAR, 12, month_length(LAST_YEAR, 12)).unwrap();
        assert_eq!(
            from_gregorian(last),
            Some(sh(LAST_YEAR, 12, month_length(LAST_YEAR, 12)))
        );
        assert_eq!(from_gregorian(last.succ_opt().unwrap()), None);
        let first = to_gregorian(FIRST_YEAR, 1, 1).unwrap();
        assert_eq!(from_gregorian(first), Some(sh(FIRST_YEAR, 1, 1)));
        assert_eq!(from_gregorian(first.pred_opt().unwrap()), None);
    }

    #[test]
    fn every_day_from_1900_to_2100_round_trips_and_follows_the_previous() {
        let mut day = g("1900-01-01");
        let end = g("2100-12-31");
        let mut prev = from_gregorian(day).unwrap();
        assert_eq!(prev, sh(1278, 10, 11));
        while day < end {
            day = day.succ_opt().unwrap();
            let this = from_gregorian(day).unwrap();
            assert_eq!(to_gregorian(this.year, this.month, this.day), Some(day));
            let expected = if prev.day < month_length(prev.year, prev.month) {
                sh(prev.year, prev.month, prev.day + 1)
            } else if prev.month < 12 {
                sh(prev.year, prev.month + 1, 1)
            } else {
                sh(prev.year + 1, 1, 1)
            };
            assert_eq!(this, expected, "{day}");
            prev = this;
        }
        assert_eq!(prev, sh(1479, 10, 10));
    }
}
