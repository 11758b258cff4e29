//! The calendar a user reads dates in — Gregorian, Solar Hijri or the Thai Buddhist
//! era — and the month, quarter and year arithmetic, month grids and typed dates
//! done in it. Dates are stored as Gregorian `NaiveDate`s; a calendar only reads them.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::domain::records::normalize::{ascii_digit, ascii_digits};
use crate::domain::records::solar_hijri;

/// The Thai Buddhist era counts from 543 BCE; its months and days are Gregorian.
const BUDDHIST_OFFSET: i32 = 543;

/// A calendar to read dates in. Month, quarter and year starts and month grids fall
/// back to Gregorian for a date the Solar Hijri table does not reach, so they always
/// answer; conversions (`parts`, `format_iso_like`) say `None` instead.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarSystem {
    #[default]
    Gregorian,
    SolarHijri,
    Buddhist,
}

fn gregorian_month_length(year: i32, month: u32) -> u32 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

impl CalendarSystem {
    pub const ALL: [CalendarSystem; 3] = [
        CalendarSystem::Gregorian,
        CalendarSystem::SolarHijri,
        CalendarSystem::Buddhist,
    ];

    /// The stored and offered key ("solar_hijri").
    pub fn key(self) -> &'static str {
        match self {
            CalendarSystem::Gregorian => "gregorian",
            CalendarSystem::SolarHijri => "solar_hijri",
            CalendarSystem::Buddhist => "buddhist",
        }
    }

    pub fn from_key(key: &str) -> Option<CalendarSystem> {
        CalendarSystem::ALL.into_iter().find(|c| c.key() == key)
    }

    /// The translation key naming the calendar.
    pub fn name_key(self) -> &'static str {
        match self {
            CalendarSystem::Gregorian => "calendar.gregorian",
            CalendarSystem::SolarHijri => "calendar.solar_hijri",
            CalendarSystem::Buddhist => "calendar.buddhist",
        }
    }

    /// The calendar's Unicode (BCP 47) identifier, as `Intl` takes it.
    pub fn unicode_name(self) -> &'static str {
        match self {
            CalendarSystem::Gregorian => "gregory",
            CalendarSystem::SolarHijri => "persian",
            CalendarSystem::Buddhist => "buddhist",
        }
    }

    /// The calendar a language's users expect by default: Solar Hijri for Persian,
    /// the Buddhist era for Thai, Gregorian for the rest. Takes "fa", "fa-IR", "th_TH"…
    pub fn for_locale_default(lang: &str) -> CalendarSystem {
        let primary = lang.split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("fa") {
            CalendarSystem::SolarHijri
        } else if primary.eq_ignore_ascii_case("th") {
            CalendarSystem::Buddhist
        } else {
            CalendarSystem::Gregorian
        }
    }

    /// (year, month, day) of `date` in this calendar. `None` only for Solar Hijri
    /// dates outside its table (before about 560 or after 3798 CE).
    pub fn parts(self, date: NaiveDate) -> Option<(i32, u32, u32)> {
        let (y, m, d) = (date.year(), date.month(), date.day());
        match self {
            CalendarSystem::Gregorian => Some((y, m, d)),
            CalendarSystem::Buddhist => Some((y + BUDDHIST_OFFSET, m, d)),
            CalendarSystem::SolarHijri => {
                solar_hijri::from_gregorian(date).map(|s| (s.year, s.month, s.day))
            }
        }
    }

    /// The date with these parts in this calendar; `None` for a day that does not
    /// exist (month 13, 31 Mehr, 29 February of a common year…).
    pub fn date(self, year: i32, month: u32, day: u32) -> Option<NaiveDate> {
        match self {
            CalendarSystem::Gregorian => NaiveDate::from_ymd_opt(year, month, day),
            CalendarSystem::Buddhist => {
                NaiveDate::from_ymd_opt(year.checked_sub(BUDDHIST_OFFSET)?, month, day)
            }
            CalendarSystem::SolarHijri => solar_hijri::to_gregorian(year, month, day),
        }
    }

    /// Days in `month` of `year` (this calendar's numbering); 0 for no such month.
    pub fn month_length(self, year: i32, month: u32) -> u32 {
        match self {
            CalendarSystem::Gregorian => gregorian_month_length(year, month),
            CalendarSystem::Buddhist => {
                gregorian_month_length(year.saturating_sub(BUDDHIST_OFFSET), month)
            }
            CalendarSystem::SolarHijri => solar_hijri::month_length(year, month),
        }
    }

    /// The calendar to do period arithmetic in, with the date's parts: this one, or
    /// Gregorian for a date the Solar Hijri table does not reach, so that periods and
    /// grids always have an answer.
    fn reckon(self, date: NaiveDate) -> (CalendarSystem, (i32, u32, u32)) {
        match self.parts(date) {
            Some(parts) => (self, parts),
            None => (
                CalendarSystem::Gregorian,
                (date.year(), date.month(), date.day()),
            ),
        }
    }

    /// The first of month `month(m)` in the year of `date` (month `m`), or `date` itself
    /// if that is no day.
    fn in_year_of(self, date: NaiveDate, month: impl Fn(u32) -> u32) -> NaiveDate {
        let (cal, (y, m, _)) = self.reckon(date);
        cal.date(y, month(m), 1).unwrap_or(date)
    }

    /// The first day of the month holding `date`.
    pub fn month_start(self, date: NaiveDate) -> NaiveDate {
        self.in_year_of(date, |m| m)
    }

    /// The first day of the quarter holding `date`: months 1–3, 4–6, 7–9, 10–12, which
    /// in Solar Hijri are the seasons (spring begins at Nowruz).
    pub fn quarter_start(self, date: NaiveDate) -> NaiveDate {
        self.in_year_of(date, |m| (m - 1) / 3 * 3 + 1)
    }

    /// The first day of the year holding `date` (Nowruz in Solar Hijri).
    pub fn year_start(self, date: NaiveDate) -> NaiveDate {
        self.in_year_of(date, |_| 1)
    }

    /// `date` moved by `months` in this calendar, on the same day or, if the month is
    /// shorter, its last day (31 Shahrivar + 1 month = 30 Mehr). `None` past the
    /// calendar's range.
    pub fn add_months(self, date: NaiveDate, months: i32) -> Option<NaiveDate> {
        let (y, m, d) = self.parts(date)?;
        let index = i64::from(y) * 12 + i64::from(m - 1) + i64::from(months);
        let year = i32::try_from(index.div_euclid(12)).ok()?;
        let month = index.rem_euclid(12) as u32 + 1;
        self.date(year, month, d.min(self.month_length(year, month)))
    }

    /// Whole weeks starting on `week_start` that cover the month holding
    /// `date_in_month`: 35 or 42 dates (28 for a February that fits exactly), what a
    /// month view draws.
    pub fn month_grid(self, date_in_month: NaiveDate, week_start: Weekday) -> Vec<NaiveDate> {
        let (cal, (y, m, _)) = self.reckon(date_in_month);
        let first = cal.date(y, m, 1).unwrap_or(date_in_month);
        let length = cal.month_length(y, m).max(1);
        let last = first
            .checked_add_days(Days::new(u64::from(length - 1)))
            .unwrap_or(first);
        let ws = week_start.num_days_from_monday();
        let before = (first.weekday().num_days_from_monday() + 7 - ws) % 7;
        let after = (ws + 6 - last.weekday().num_days_from_monday()) % 7;
        // Only at chrono's own limits can the padding days be missing.
        let start = first
            .checked_sub_days(Days::new(u64::from(before)))
            .unwrap_or(first);
        let end = last
            .checked_add_days(Days::new(u64::from(after)))
            .unwrap_or(last);
        start.iter_days().take_while(|d| *d <= end).collect()
    }

    /// Reads a typed date in this calendar, year first: `1405/09/13`, `1405-9-13`,
    /// `1405.09.13`, in ASCII, Persian, Arabic-Indic or Thai digits. The year has four
    /// to six digits (a two-digit year is not guessed at); Buddhist years are BE.
    /// `None` for anything else or a day that does not exist.
    pub fn parse(self, text: &str) -> Option<NaiveDate> {
        let text = ascii_digits(text.trim());
        let sep = text.chars().find(|c| matches!(c, '/' | '-' | '.'))?;
        let mut fields = text.split(sep);
        let year = number(fields.next()?, 4, 6)?;
        let month = number(fields.next()?, 1, 2)?;
        let day = number(fields.next()?, 1, 2)?;
        if fields.next().is_some() {
            return None;
        }
        self.date(i32::try_from(year).ok()?, month, day)
    }

    /// `date` as `yyyy/mm/dd` in this calendar with ASCII digits, zero padded — what a
    /// date input shows before the interface localizes the digits; `parse` reads it
    /// back (for years from 1 on). `None` where `parts` is.
    pub fn format_iso_like(self, date: NaiveDate) -> Option<String> {
        let (y, m, d) = self.parts(date)?;
        Some(format!("{y:04}/{m:02}/{d:02}"))
    }
}

/// A field of `min..=max` digits in any script `ascii_digit` knows.
fn number(field: &str, min: usize, max: usize) -> Option<u32> {
    let mut value = 0u32;
    let mut count = 0;
    for c in field.chars() {
        let digit = ascii_digit(c)?.to_digit(10)?;
        count += 1;
        if count > max {
            return None;
        }
        value = value * 10 + digit;
    }
    (count >= min).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use CalendarSystem::{Buddhist, Gregorian, SolarHijri};

    fn g(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const ALL: [CalendarSystem; 3] = [Gregorian, SolarHijri, Buddhist];

    #[test]
    fn parts_and_date_are_inverse() {
        assert_eq!(SolarHijri.parts(g("2026-12-04")), Some((1405, 9, 13)));
        assert_eq!(SolarHijri.date(1405, 9, 13), Some(g("2026-12-04")));
        assert_eq!(Buddhist.parts(g("2026-12-04")), Some((2569, 12, 4)));
        assert_eq!(Buddhist.date(2569, 12, 4), Some(g("2026-12-04")));
        assert_eq!(Buddhist.parts(g("2024-02-29")), Some((2567, 2, 29)));
        assert_eq!(Buddhist.date(2567, 2, 29), Some(g("2024-02-29")));
        assert_eq!(Buddhist.date(2568, 2, 29), None);
        assert_eq!(Gregorian.parts(g("2026-12-04")), Some((2026, 12, 4)));
        for cal in ALL {
            for day in g("2023-01-01").iter_days().take(800) {
                let (y, m, d) = cal.parts(day).unwrap();
                assert_eq!(cal.date(y, m, d), Some(day), "{cal:?} {day}");
                assert!(d <= cal.month_length(y, m), "{cal:?} {day}");
            }
        }
    }

    #[test]
    fn month_lengths_per_calendar() {
        assert_eq!(Gregorian.month_length(2024, 2), 29);
        assert_eq!(Gregorian.month_length(2100, 2), 28);
        assert_eq!(Gregorian.month_length(2000, 2), 29);
        assert_eq!(Buddhist.month_length(2567, 2), 29);
        assert_eq!(Buddhist.month_length(2568, 2), 28);
        assert_eq!(SolarHijri.month_length(1403, 12), 30);
        assert_eq!(SolarHijri.month_length(1404, 12), 29);
        assert_eq!(SolarHijri.month_length(1404, 6), 31);
        assert_eq!(SolarHijri.month_length(1404, 7), 30);
        for cal in ALL {
            assert_eq!(cal.month_length(2024, 13), 0);
            assert_eq!(cal.month_length(2024, 0), 0);
        }
    }

    #[test]
    fn months_quarters_and_years_start_in_the_calendar() {
        // 2026-12-04 is 1405/09/13 (Azar); Azar's first is 2026-11-22.
        let day = g("2026-12-04");
        assert_eq!(SolarHijri.month_start(day), g("2026-11-22"));
        assert_eq!(
            SolarHijri.quarter_start(day),
            SolarHijri.date(1405, 7, 1).unwrap()
        );
        assert_eq!(SolarHijri.quarter_start(day), g("2026-09-23"));
        assert_eq!(SolarHijri.year_start(day), g("2026-03-21"));
        // Month 8 (Aban) belongs to autumn, which starts on 1 Mehr.
        let aban = SolarHijri.date(1404, 8, 20).unwrap();
        assert_eq!(
            SolarHijri.parts(SolarHijri.quarter_start(aban)),
            Some((1404, 7, 1))
        );
        // Before Nowruz the year is still the previous one.
        assert_eq!(SolarHijri.year_start(g("2026-03-20")), g("2025-03-21"));

        assert_eq!(Gregorian.month_start(day), g("2026-12-01"));
        assert_eq!(Gregorian.quarter_start(day), g("2026-10-01"));
        assert_eq!(Gregorian.year_start(day), g("2026-01-01"));
        assert_eq!(Buddhist.quarter_start(g("2024-05-31")), g("2024-04-01"));
        assert_eq!(Buddhist.year_start(g("2024-05-31")), g("2024-01-01"));
    }

    #[test]
    fn period_starts_hold_their_date_in_every_month() {
        for cal in ALL {
            for day in g("2024-01-01").iter_days().take(800) {
                let (y, m, _) = cal.parts(day).unwrap();
                assert_eq!(cal.parts(cal.month_start(day)), Some((y, m, 1)));
                let q = (m - 1) / 3 * 3 + 1;
                assert_eq!(cal.parts(cal.quarter_start(day)), Some((y, q, 1)));
                assert_eq!(cal.parts(cal.year_start(day)), Some((y, 1, 1)));
            }
        }
    }

    #[test]
    fn adding_months_keeps_the_day_or_takes_the_last() {
        // 31 Shahrivar 1404 + 1 month: Mehr has 30 days.
        let shahrivar_31 = SolarHijri.date(1404, 6, 31).unwrap();
        let next = SolarHijri.add_months(shahrivar_31, 1).unwrap();
        assert_eq!(SolarHijri.parts(next), Some((1404, 7, 30)));
        // 30 Esfand 1403 (leap) + 12 months: Esfand 1404 has 29.
        let esfand_30 = SolarHijri.date(1403, 12, 30).unwrap();
        let year_on = SolarHijri.add_months(esfand_30, 12).unwrap();
        assert_eq!(SolarHijri.parts(year_on), Some((1404, 12, 29)));
        // Across the year boundary both ways.
        let day = SolarHijri.date(1404, 11, 15).unwrap();
        assert_eq!(
            SolarHijri.parts(SolarHijri.add_months(day, 3).unwrap()),
            Some((1405, 2, 15))
        );
        assert_eq!(
            SolarHijri.parts(SolarHijri.add_months(day, -11).unwrap()),
            Some((1403, 12, 15))
        );
        assert_eq!(
            SolarHijri.parts(SolarHijri.add_months(day, -23).unwrap()),
            Some((1402, 12, 15))
        );
        assert_eq!(SolarHijri.add_months(day, 0), Some(day));

        assert_eq!(
            Gregorian.add_months(g("2024-01-31"), 1),
            Some(g("2024-02-29"))
        );
        assert_eq!(
            Gregorian.add_months(g("2024-03-31"), -13),
            Some(g("2023-02-28"))
        );
        assert_eq!(
            Buddhist.add_months(g("2023-01-31"), 1),
            Some(g("2023-02-28"))
        );
        assert_eq!(Gregorian.add_months(g("2024-01-31"), i32::MAX), None);
        assert_eq!(SolarHijri.add_months(g("2024-01-31"), 12 * 2000), None);
    }

    #[test]
    fn month_grid_covers_the_month_in_whole_weeks() {
        // Esfand 1403: 2025-02-19 (a Wednesday) to 2025-03-20 (a Thursday), 30 days.
        let esfand = SolarHijri.date(1403, 12, 10).unwrap();
        let grid = SolarHijri.month_grid(esfand, Weekday::Sat);
        assert_eq!(grid.first(), Some(&g("2025-02-15")));
        assert_eq!(grid.last(), Some(&g("2025-03-21")));
        assert_eq!(grid.len(), 35);
        assert!(grid.contains(&g("2025-02-19")) && grid.contains(&g("2025-03-20")));

        for cal in ALL {
            for week_start in [Weekday::Mon, Weekday::Sat, Weekday::Sun] {
                for day in g("2024-01-01").iter_days().step_by(9).take(90) {
                    let grid = cal.month_grid(day, week_start);
                    let (y, m, _) = cal.parts(day).unwrap();
                    let first = cal.date(y, m, 1).unwrap();
                    let last = cal.date(y, m, cal.month_length(y, m)).unwrap();
                    assert_eq!(grid[0].weekday(), week_start, "{cal:?} {day}");
                    assert_eq!(grid.len() % 7, 0, "{cal:?} {day}");
                    assert!((28..=42).contains(&grid.len()), "{cal:?} {day}");
                    assert!(grid.contains(&first) && grid.contains(&last));
                    // No whole week lies outside the month.
                    assert!(grid[6] >= first && grid[grid.len() - 7] <= last);
                    assert!(grid.windows(2).all(|w| w[0].succ_opt() == Some(w[1])));
                }
            }
        }
    }

    #[test]
    fn parse_reads_digits_of_every_script_and_separators() {
        let azar_13 = g("2026-12-04");
        for text in [
            "1405/09/13",
            "1405-09-13",
            "1405.9.13",
            " 1405/9/13 ",
            "۱۴۰۵/۰۹/۱۳",
            "١٤٠٥/٠٩/١٣",
            "\u{200F}۱۴۰۵/۰۹/۱۳\u{200F}",
        ] {
            assert_eq!(SolarHijri.parse(text), Some(azar_13), "{text:?}");
        }
        assert_eq!(Buddhist.parse("๒๕๖๙-๑๒-๓๑"), Some(g("2026-12-31")));
        assert_eq!(Buddhist.parse("2569/12/04"), Some(azar_13));
        assert_eq!(Gregorian.parse("2026-12-04"), Some(azar_13));
        // The same text means a different day in each calendar.
        assert_eq!(Gregorian.parse("2569/12/04"), g("2569-12-04").into());
    }

    #[test]
    fn parse_rejects_nonsense() {
        for text in [
            "1405/13/01",
            "1405/07/31",
            "1404/12/30",
            "1405/00/10",
            "1405/01/00",
            "abc",
            "",
            "1405",
            "1405/09",
            "1405/09/13/1",
            "1405/09-13",
            "05/09/13",
            "13/09/1405",
            "1405//13",
            "1405/009/13",
            "1405/09/13x",
            "-1405/09/13",
            "99999999/01/01",
        ] {
            assert_eq!(SolarHijri.parse(text), None, "{text:?}");
        }
        assert_eq!(Gregorian.parse("2023/02/29"), None);
        assert_eq!(Buddhist.parse("2566/02/29"), None);
    }

    #[test]
    fn format_is_read_back_by_parse() {
        assert_eq!(
            SolarHijri.format_iso_like(g("2026-12-04")).as_deref(),
            Some("1405/09/13")
        );
        assert_eq!(
            Buddhist.format_iso_like(g("2026-01-05")).as_deref(),
            Some("2569/01/05")
        );
        assert_eq!(
            Gregorian.format_iso_like(g("0987-06-05")).as_deref(),
            Some("0987/06/05")
        );
        for cal in ALL {
            for day in g("1990-01-01").iter_days().step_by(3).take(5000) {
                let text = cal.format_iso_like(day).unwrap();
                assert_eq!(cal.parse(&text), Some(day), "{cal:?} {text}");
            }
        }
        assert_eq!(SolarHijri.format_iso_like(NaiveDate::MAX), None);
    }

    #[test]
    fn outside_the_solar_hijri_table_periods_fall_back_to_gregorian() {
        let far = g("5000-05-17");
        assert_eq!(SolarHijri.parts(far), None);
        assert_eq!(SolarHijri.month_start(far), g("5000-05-01"));
        assert_eq!(SolarHijri.quarter_start(far), g("5000-04-01"));
        assert_eq!(SolarHijri.year_start(far), g("5000-01-01"));
        let grid = SolarHijri.month_grid(far, Weekday::Mon);
        assert!(grid.contains(&g("5000-05-01")) && grid.contains(&g("5000-05-31")));
        // At chrono's own limits nothing panics.
        for cal in ALL {
            for day in [NaiveDate::MIN, NaiveDate::MAX] {
                cal.month_start(day);
                cal.quarter_start(day);
                cal.year_start(day);
                assert!(!cal.month_grid(day, Weekday::Sun).is_empty());
                cal.add_months(day, 1);
                cal.add_months(day, -1);
            }
        }
    }

    #[test]
    fn locale_defaults() {
        assert_eq!(CalendarSystem::for_locale_default("fa"), SolarHijri);
        assert_eq!(CalendarSystem::for_locale_default("fa-IR"), SolarHijri);
        assert_eq!(CalendarSystem::for_locale_default("th"), Buddhist);
        assert_eq!(CalendarSystem::for_locale_default("TH_th"), Buddhist);
        assert_eq!(CalendarSystem::for_locale_default("en"), Gregorian);
        assert_eq!(CalendarSystem::for_locale_default("de"), Gregorian);
        assert_eq!(CalendarSystem::for_locale_default("far"), Gregorian);
        assert_eq!(CalendarSystem::for_locale_default(""), Gregorian);
    }

    #[test]
    fn serializes_in_snake_case() {
        assert_eq!(
            serde_json::to_string(&SolarHijri).unwrap(),
            "\"solar_hijri\""
        );
        assert_eq!(serde_json::to_string(&Buddhist).unwrap(), "\"buddhist\"");
        for cal in ALL {
            let text = serde_json::to_string(&cal).unwrap();
            assert_eq!(serde_json::from_str::<CalendarSystem>(&text).unwrap(), cal);
        }
    }
}
