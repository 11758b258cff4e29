//! How people write dates, numbers, yes/no and amounts in files and forms: the order
//! of a date's parts, the decimal mark, yes and no in five languages, currency
//! symbols. Reading follows the chosen way strictly: "03/04/2026" is read by the
//! order chosen (or detected in the file), never by a guess, and what does not fit
//! is refused so the caller can name it.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::domain::records::calendar_system::CalendarSystem;
use crate::domain::records::normalize::ascii_digits as ascii;

/// The order of a date's parts when it is not written year first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// 2026-12-31 only.
    #[default]
    YearFirst,
    /// 31/12/2026, 31.12.2026 (and year-first dates too).
    DayFirst,
    /// 12/31/2026 (and year-first dates too).
    MonthFirst,
}

impl DateOrder {
    pub const ALL: [DateOrder; 3] = [
        DateOrder::DayFirst,
        DateOrder::MonthFirst,
        DateOrder::YearFirst,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DateOrder::YearFirst => "year_first",
            DateOrder::DayFirst => "day_first",
            DateOrder::MonthFirst => "month_first",
        }
    }

    pub fn from_key(key: &str) -> Option<DateOrder> {
        DateOrder::ALL.into_iter().find(|o| o.key() == key)
    }

    /// The translation key naming this order with an example ("31/12/2026").
    pub fn name_key(self) -> &'static str {
        match self {
            DateOrder::YearFirst => "format.date.year_first",
            DateOrder::DayFirst => "format.date.day_first",
            DateOrder::MonthFirst => "format.date.month_first",
        }
    }

    /// How people writing this language put a date's parts when a file does not
    /// show it: month first only in (US) English.
    pub fn for_language(lang: &str) -> DateOrder {
        match lang {
            "en" => DateOrder::MonthFirst,
            _ => DateOrder::DayFirst,
        }
    }
}

/// The mark between a number's whole part and its fraction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecimalMark {
    /// 1,234.56
    #[default]
    Point,
    /// 1.234,56 and 1 234,56
    Comma,
}

impl DecimalMark {
    pub const ALL: [DecimalMark; 2] = [DecimalMark::Point, DecimalMark::Comma];

    pub fn key(self) -> &'static str {
        match self {
            DecimalMark::Point => "point",
            DecimalMark::Comma => "comma",
        }
    }

    pub fn from_key(key: &str) -> Option<DecimalMark> {
        DecimalMark::ALL.into_iter().find(|o| o.key() == key)
    }

    pub fn name_key(self) -> &'static str {
        match self {
            DecimalMark::Point => "format.number.point",
            DecimalMark::Comma => "format.number.comma",
        }
    }

    /// Russian and Turkish write a decimal comma; Persian its own mark (٫, read in
    /// either setting), English and Thai a point.
    pub fn for_language(lang: &str) -> DecimalMark {
        match lang {
            "ru" | "tr" => DecimalMark::Comma,
            _ => DecimalMark::Point,
        }
    }

    /// A number written this way ("1,234.56"), as a short example.
    pub fn example(self) -> &'static str {
        match self {
            DecimalMark::Point => "1,234.56",
            DecimalMark::Comma => "1.234,56",
        }
    }

    fn chars(self) -> (char, char) {
        match self {
            DecimalMark::Point => ('.', ','),
            DecimalMark::Comma => (',', '.'),
        }
    }
}

/// A value that is not written the way it is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unreadable;

/// Whether `groups` (the whole part split at its group marks) are grouped the way
/// people group digits: 1–3 digits first, then threes (or the Indian twos before
/// the last three, "12,34,567").
fn grouped(groups: &[&str]) -> bool {
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    let Some((first, rest)) = groups.split_first() else {
        return false;
    };
    let first = first.trim_start_matches(['-', '+']);
    if !digits(first) || first.len() > 3 || rest.is_empty() {
        return false;
    }
    let (last, middle) = rest.split_last().unwrap_or((&"", &[]));
    let threes = middle.iter().all(|g| digits(g) && g.len() == 3);
    let twos = middle.iter().all(|g| digits(g) && g.len() == 2);
    digits(last) && last.len() == 3 && (threes || twos)
}

/// A number as written with `mark`, in a form Rust parses ("-1234.56"), or `None`
/// when its marks do not fit. Any digits; spaces, apostrophes and the Arabic
/// thousands mark (٬) group; the Arabic decimal mark (٫) is always the decimal mark;
/// a lone mark of the other convention not followed by exactly three digits is a
/// decimal mark ("12,5" with a point setting is 12.5, "1,250" is 1250).
pub fn read_number(text: &str, mark: DecimalMark) -> Option<String> {
    let mut s: String = ascii(text.trim())
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{00A0}' | '\u{202F}' | '\'' | '\u{2019}' | '٬'))
        .map(|c| if c == '\u{2212}' { '-' } else { c })
        .collect();
    // Accounting notation for a negative amount: (1,234.00).
    if s.starts_with('(') && s.ends_with(')') && s.len() > 2 {
        s = format!("-{}", &s[1..s.len() - 1]);
    }
    let (mut decimal, mut group) = mark.chars();
    if s.contains('٫') {
        // Persian writing: its own decimal mark; either Latin mark may group.
        let latin_group = if s.contains(',') { ',' } else { '.' };
        s = s.replace('٫', "\u{1}");
        decimal = '\u{1}';
        group = latin_group;
    }
    let groups = s.matches(group).count();
    let decimals = s.matches(decimal).count();
    if decimals == 0 && groups == 1 {
        let (whole, after) = s.split_once(group)?;
        let digits = whole.trim_start_matches(['-', '+']);
        // Grouping puts one to three digits before its first mark, never a lone 0.
        let lone_decimal =
            after.len() != 3 || digits.is_empty() || digits == "0" || digits.len() > 3;
        if lone_decimal {
            std::mem::swap(&mut decimal, &mut group);
        }
    }
    if s.matches(decimal).count() > 1 {
        return None;
    }
    let (whole, fraction) = match s.split_once(decimal) {
        Some((w, f)) => (w, Some(f)),
        None => (s.as_str(), None),
    };
    if fraction.is_some_and(|f| f.contains(group)) {
        return None;
    }
    let whole = if whole.contains(group) {
        let parts: Vec<&str> = whole.split(group).collect();
        if !grouped(&parts) {
            return None;
        }
        parts.concat()
    } else {
        whole.to_string()
    };
    let out = match fraction {
        Some(f) => format!("{whole}.{f}"),
        None => whole,
    };
    let body = out.trim_start_matches(['-', '+']);
    let numeric = !body.is_empty()
        && body.chars().any(|c| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'));
    numeric.then_some(out)
}

/// The date part of `text` when the rest is a time of day ("2026-12-31 09:30",
/// "12/31/2026 9:30 AM", "2026-12-31T09:30:00Z"): the time, if any, as written.
fn date_and_time(text: &str) -> (&str, Option<&str>) {
    let split = text
        .char_indices()
        .find(|&(i, c)| c == ' ' || (c == 'T' && i > 0))
        .map(|(i, _)| i);
    match split {
        Some(i) => (&text[..i], Some(text[i + 1..].trim())),
        None => (text, None),
    }
}

/// Reads a date written with `order`: year-first dates always; `d/m/y` or `m/d/y`
/// (with `/`, `.` or `-`) by the order; two-digit years as spreadsheets read them
/// (00–29 are 2000s). `Ok(None)` for the "0/0/00" Outlook writes for no date.
pub fn read_date(text: &str, order: DateOrder) -> Result<Option<NaiveDate>, Unreadable> {
    read_date_in(text, order, CalendarSystem::Gregorian)
}

/// A date as `read_date` reads it, its year, month and day counted in `calendar`
/// (1405/09/13 in Solar Hijri, 31/12/2569 in the Buddhist era).
pub fn read_date_in(
    text: &str,
    order: DateOrder,
    calendar: CalendarSystem,
) -> Result<Option<NaiveDate>, Unreadable> {
    let text = ascii(text.trim());
    let (date, time) = date_and_time(&text);
    if let Some(t) = time {
        if read_time(t).is_none() {
            return Err(Unreadable);
        }
    }
    read_date_only(date, order, calendar)
}

fn read_date_only(
    text: &str,
    order: DateOrder,
    calendar: CalendarSystem,
) -> Result<Option<NaiveDate>, Unreadable> {
    let text = text.trim_end_matches('.');
    let sep = text
        .chars()
        .find(|c| matches!(c, '/' | '.' | '-'))
        .ok_or(Unreadable)?;
    let parts: Vec<&str> = text.split(sep).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(Unreadable);
    }
    let n = |p: &str| p.parse::<u32>().map_err(|_| Unreadable);
    if parts.iter().all(|p| n(p) == Ok(0)) {
        return Ok(None);
    }
    let (y, m, d) = if parts[0].len() == 4 {
        (parts[0], parts[1], parts[2])
    } else {
        match order {
            DateOrder::YearFirst => return Err(Unreadable),
            DateOrder::DayFirst => (parts[2], parts[1], parts[0]),
            DateOrder::MonthFirst => (parts[2], parts[0], parts[1]),
        }
    };
    let year = match y.len() {
        4 => n(y)? as i32,
        // Only a Gregorian spreadsheet shortens years.
        2 if calendar == CalendarSystem::Gregorian => {
            let yy = n(y)? as i32;
            if yy < 30 {
                2000 + yy
            } else {
                1900 + yy
            }
        }
        _ => return Err(Unreadable),
    };
    calendar
        .date(year, n(m)?, n(d)?)
        .map(Some)
        .ok_or(Unreadable)
}

/// A time of day: "9:30", "09:30:15", "9:30 PM", "09:30:00Z", "09:30:00.000+03:00"
/// (an offset written in the file is not kept: exports write local times).
fn read_time(text: &str) -> Option<NaiveTime> {
    let lower = text.trim().to_ascii_lowercase();
    let (clock, pm) = match lower.strip_suffix("pm").or(lower.strip_suffix("p.m.")) {
        Some(c) => (c.trim(), Some(true)),
        None => match lower.strip_suffix("am").or(lower.strip_suffix("a.m.")) {
            Some(c) => (c.trim(), Some(false)),
            None => (lower.as_str(), None),
        },
    };
    let clock = clock.trim_end_matches('z');
    let clock = match clock.find(['+', '-']) {
        Some(i) if i >= 4 => &clock[..i],
        _ => clock,
    };
    let clock = clock.split('.').next().unwrap_or(clock);
    let parts: Vec<&str> = clock.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let mut hour: u32 = parts[0].parse().ok()?;
    let minute: u32 = parts[1].parse().ok()?;
    let second: u32 = parts.get(2).map_or(Some(0), |s| s.parse().ok())?;
    if let Some(pm) = pm {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = match (hour, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
    }
    NaiveTime::from_hms_opt(hour, minute, second)
}

/// Reads a local date and time written with `order`; a date alone is its midnight.
pub fn read_date_time(text: &str, order: DateOrder) -> Result<Option<NaiveDateTime>, Unreadable> {
    read_date_time_in(text, order, CalendarSystem::Gregorian)
}

/// A date and time as `read_date_time` reads it, the date counted in `calendar`.
pub fn read_date_time_in(
    text: &str,
    order: DateOrder,
    calendar: CalendarSystem,
) -> Result<Option<NaiveDateTime>, Unreadable> {
    let text = ascii(text.trim());
    let (date, time) = date_and_time(&text);
    let Some(date) = read_date_only(date, order, calendar)? else {
        return Ok(None);
    };
    let time = match time {
        Some(t) => read_time(t).ok_or(Unreadable)?,
        None => NaiveTime::MIN,
    };
    Ok(Some(date.and_time(time)))
}

/// Yes and no as spreadsheets and people write them in the five languages, and as
/// check marks. Upper-case Turkish "YANLIŞ" lower-cases to "yanliş", so both spellings.
const YES: &[&str] = &[
    "true",
    "yes",
    "y",
    "1",
    "on",
    "x",
    "t",
    "✓",
    "✔",
    "☑",
    "بله",
    "بلی",
    "آری",
    "درست",
    "да",
    "истина",
    "evet",
    "doğru",
    "dogru",
    "ใช่",
    "จริง",
    "ถูก",
];
const NO: &[&str] = &[
    "false",
    "no",
    "n",
    "0",
    "off",
    "f",
    "✗",
    "✘",
    "☐",
    "خیر",
    "نه",
    "نادرست",
    "غلط",
    "нет",
    "ложь",
    "hayır",
    "hayir",
    "yanlış",
    "yanliş",
    "yanlis",
    "ไม่",
    "ไม่ใช่",
    "เท็จ",
    "ผิด",
];

/// Yes or no, or `None` when the text is neither.
pub fn read_bool(text: &str) -> Option<bool> {
    let t = ascii(text.trim()).to_lowercase();
    if YES.contains(&t.as_str()) {
        Some(true)
    } else if NO.contains(&t.as_str()) {
        Some(false)
    } else {
        None
    }
}

/// Currency signs and local words for them, longest first so "US$" wins over "$".
/// "$" and "¥" name the user's own currency when it is a dollar or yuan.
const SYMBOLS: &[(&str, &str)] = &[
    ("руб.", "RUB"),
    ("руб", "RUB"),
    ("บาท", "THB"),
    ("ریال", "IRR"),
    ("US$", "USD"),
    ("CA$", "CAD"),
    ("AU$", "AUD"),
    ("R$", "BRL"),
    ("C$", "CAD"),
    ("A$", "AUD"),
    ("TL", "TRY"),
    ("р.", "RUB"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("₽", "RUB"),
    ("₺", "TRY"),
    ("฿", "THB"),
    ("﷼", "IRR"),
    ("₹", "INR"),
    ("₩", "KRW"),
    ("₪", "ILS"),
    ("₫", "VND"),
    ("$", "$"),
    ("¥", "¥"),
];

const DOLLARS: &[&str] = &[
    "USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD", "ARS", "CLP", "COP",
];

/// Takes a currency sign or word off either end of `text` ("$1,250", "1 250 ₽",
/// "-€5"): the amount that is left, its minus kept, and the currency it names.
pub fn strip_currency(text: &str, default_currency: &str) -> Option<(String, String)> {
    let t = text.trim();
    let (minus, body) = match t.strip_prefix(['-', '\u{2212}']) {
        Some(rest) => ("-", rest.trim_start()),
        None => ("", t),
    };
    SYMBOLS.iter().find_map(|(sign, code)| {
        let rest = body
            .strip_prefix(sign)
            .or_else(|| body.strip_suffix(sign))?;
        Some((
            format!("{minus}{}", rest.trim()),
            resolve(code, default_currency),
        ))
    })
}

fn resolve(code: &str, default_currency: &str) -> String {
    match code {
        "$" if DOLLARS.contains(&default_currency) => default_currency.to_string(),
        "$" => "USD".into(),
        "¥" if default_currency == "CNY" => "CNY".into(),
        "¥" => "JPY".into(),
        c => c.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str, mark: DecimalMark) -> Option<f64> {
        read_number(text, mark).and_then(|s| s.parse().ok())
    }

    #[test]
    fn numbers_with_a_decimal_point() {
        let p = DecimalMark::Point;
        assert_eq!(num("1,250", p), Some(1250.0));
        assert_eq!(num("1,250.10", p), Some(1250.10));
        assert_eq!(num("1,234,567.5", p), Some(1234567.5));
        assert_eq!(num("12,34,567", p), Some(1234567.0));
        assert_eq!(num("-1,234.5", p), Some(-1234.5));
        assert_eq!(num("(1,234.00)", p), Some(-1234.0));
        assert_eq!(num("\u{2212}5", p), Some(-5.0));
        assert_eq!(num("1e3", p), Some(1000.0));
        // The other convention's lone mark is read as a decimal when it cannot group.
        assert_eq!(num("12,5", p), Some(12.5));
        assert_eq!(num("0,125", p), Some(0.125));
        assert_eq!(num("1234,567", p), Some(1234.567));
        // Marks that do not fit are refused, not read some way.
        assert_eq!(num("1.234,56", p), None);
        assert_eq!(num("1,2,3", p), None);
        assert_eq!(num("1,23,4.5", p), None);
        assert_eq!(num("1.2.3", p), None);
        assert_eq!(num("12a", p), None);
        assert_eq!(num("", p), None);
        assert_eq!(num(",", p), None);
    }

    #[test]
    fn numbers_with_a_decimal_comma() {
        let c = DecimalMark::Comma;
        assert_eq!(num("1.234,56", c), Some(1234.56));
        assert_eq!(num("1 234,56", c), Some(1234.56));
        assert_eq!(num("1\u{00A0}234,56", c), Some(1234.56));
        assert_eq!(num("12,5", c), Some(12.5));
        assert_eq!(num("1.234", c), Some(1234.0));
        assert_eq!(num("1.234.567", c), Some(1234567.0));
        assert_eq!(num("12.5", c), Some(12.5));
        // As a program writes it (an export of this app): no grouping, a point.
        assert_eq!(num("1234.567", c), Some(1234.567));
        assert_eq!(num("1,234.56", c), None);
        assert_eq!(num("1,2,3", c), None);
    }

    #[test]
    fn persian_and_thai_digits_and_marks() {
        for mark in DecimalMark::ALL {
            assert_eq!(num("۱۲٬۳۴۵٫۵", mark), Some(12345.5));
            assert_eq!(num("۱۲,۳۴۵٫۵", mark), Some(12345.5));
            assert_eq!(num("๑๒๓", mark), Some(123.0));
        }
    }

    #[test]
    fn a_number_written_with_groups_reads_back_in_either_convention() {
        // Property: for many whole numbers and fractions, writing them the way each
        // convention does and reading with that convention gives them back.
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..2_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let whole = seed % 10_000_000_000;
            let cents = (seed >> 40) % 100;
            let digits = whole.to_string();
            let mut groups: Vec<&str> = Vec::new();
            let first = digits.len() % 3;
            if first > 0 {
                groups.push(&digits[..first]);
            }
            let mut i = first;
            while i < digits.len() {
                groups.push(&digits[i..i + 3]);
                i += 3;
            }
            let point = format!("{}.{cents:02}", groups.join(","));
            let comma = format!("{},{cents:02}", groups.join("."));
            let want = format!("{whole}.{cents:02}");
            assert_eq!(
                read_number(&point, DecimalMark::Point),
                Some(want.clone()),
                "{point}"
            );
            assert_eq!(
                read_number(&comma, DecimalMark::Comma),
                Some(want),
                "{comma}"
            );
        }
    }

    fn d(y: i32, m: u32, day: u32) -> Result<Option<NaiveDate>, Unreadable> {
        Ok(Some(NaiveDate::from_ymd_opt(y, m, day).unwrap()))
    }

    #[test]
    fn dates_follow_the_order_they_are_written_in() {
        use DateOrder::*;
        assert_eq!(read_date("31/12/2026", DayFirst), d(2026, 12, 31));
        assert_eq!(read_date("31.12.2026", DayFirst), d(2026, 12, 31));
        assert_eq!(read_date("12/31/2026", MonthFirst), d(2026, 12, 31));
        assert_eq!(read_date("03/04/2026", DayFirst), d(2026, 4, 3));
        assert_eq!(read_date("03/04/2026", MonthFirst), d(2026, 3, 4));
        assert_eq!(read_date("2026-12-31", DayFirst), d(2026, 12, 31));
        assert_eq!(read_date("2026/12/31", MonthFirst), d(2026, 12, 31));
        assert_eq!(read_date("2026-12-31", YearFirst), d(2026, 12, 31));
        assert_eq!(read_date("1/2/26", DayFirst), d(2026, 2, 1));
        assert_eq!(read_date("1/2/85", DayFirst), d(1985, 2, 1));
        assert_eq!(read_date("۳۱/۱۲/۲۰۲۶", DayFirst), d(2026, 12, 31));
        assert_eq!(read_date("๓๑/๑๒/๒๐๒๖", DayFirst), d(2026, 12, 31));
        assert_eq!(read_date("2026-12-31 09:30", DayFirst), d(2026, 12, 31));
        assert_eq!(read_date("2026-12-31T09:30:00Z", DayFirst), d(2026, 12, 31));
        assert_eq!(read_date("31.12.2026.", DayFirst), d(2026, 12, 31));
        // Outlook's way of writing "no birthday".
        assert_eq!(read_date("0/0/00", MonthFirst), Ok(None));
        // What does not fit the order is refused.
        assert_eq!(read_date("12/31/2026", DayFirst), Err(Unreadable));
        assert_eq!(read_date("31/12/2026", MonthFirst), Err(Unreadable));
        assert_eq!(read_date("31/12/2026", YearFirst), Err(Unreadable));
        assert_eq!(read_date("2026-02-30", DayFirst), Err(Unreadable));
        assert_eq!(read_date("31/12", DayFirst), Err(Unreadable));
        assert_eq!(read_date("next week", DayFirst), Err(Unreadable));
        assert_eq!(read_date("2026-12-31 later", DayFirst), Err(Unreadable));
    }

    #[test]
    fn dates_in_the_solar_hijri_calendar_and_the_buddhist_era() {
        use DateOrder::*;
        let sh = CalendarSystem::SolarHijri;
        assert_eq!(read_date_in("1405/09/13", DayFirst, sh), d(2026, 12, 4));
        assert_eq!(read_date_in("۱۴۰۵/۰۹/۱۳", YearFirst, sh), d(2026, 12, 4));
        assert_eq!(
            read_date_in("\u{200F}13/09/1405", DayFirst, sh),
            d(2026, 12, 4)
        );
        assert_eq!(read_date_in("1404/12/30", DayFirst, sh), Err(Unreadable));
        let be = CalendarSystem::Buddhist;
        assert_eq!(read_date_in("31/12/2569", DayFirst, be), d(2026, 12, 31));
        assert_eq!(read_date_in("๓๑/๑๒/๒๕๖๙", DayFirst, be), d(2026, 12, 31));
        assert_eq!(read_date_in("31/12/69", DayFirst, be), Err(Unreadable));
    }

    #[test]
    fn date_times_with_their_clock() {
        use DateOrder::*;
        let at = |y, m, d, h, min| {
            Ok(Some(
                NaiveDate::from_ymd_opt(y, m, d)
                    .unwrap()
                    .and_hms_opt(h, min, 0)
                    .unwrap(),
            ))
        };
        assert_eq!(
            read_date_time("2026-12-31 09:30", DayFirst),
            at(2026, 12, 31, 9, 30)
        );
        assert_eq!(
            read_date_time("2026-12-31T09:30", YearFirst),
            at(2026, 12, 31, 9, 30)
        );
        assert_eq!(
            read_date_time("12/31/2026 9:30 PM", MonthFirst),
            at(2026, 12, 31, 21, 30)
        );
        assert_eq!(
            read_date_time("12/31/2026 12:05 AM", MonthFirst),
            at(2026, 12, 31, 0, 5)
        );
        assert_eq!(
            read_date_time("31.12.2026 18:00:00", DayFirst),
            at(2026, 12, 31, 18, 0)
        );
        assert_eq!(
            read_date_time("2026-12-31T09:30:00.000+03:00", DayFirst),
            at(2026, 12, 31, 9, 30)
        );
        assert_eq!(
            read_date_time("31/12/2026", DayFirst),
            at(2026, 12, 31, 0, 0)
        );
        assert_eq!(
            read_date_time("31/12/2026 25:00", DayFirst),
            Err(Unreadable)
        );
        assert_eq!(
            read_date_time("31/12/2026 13:00 PM", DayFirst),
            Err(Unreadable)
        );
    }

    #[test]
    fn yes_and_no_in_five_languages() {
        for yes in [
            "Yes",
            "TRUE",
            "1",
            "✓",
            "x",
            "بله",
            "Да",
            "ИСТИНА",
            "Evet",
            "DOĞRU",
            "ใช่",
            "จริง",
            "۱",
        ] {
            assert_eq!(read_bool(yes), Some(true), "{yes}");
        }
        for no in [
            "No",
            "FALSE",
            "0",
            "✗",
            "خیر",
            "Нет",
            "ЛОЖЬ",
            "Hayır",
            "HAYIR",
            "YANLIŞ",
            "ไม่ใช่",
            "เท็จ",
            "۰",
        ] {
            assert_eq!(read_bool(no), Some(false), "{no}");
        }
        for neither in ["maybe", "2", "yess", "ok?"] {
            assert_eq!(read_bool(neither), None, "{neither}");
        }
    }

    #[test]
    fn currency_signs_name_their_currency() {
        assert_eq!(
            strip_currency("$1,250.00", "EUR"),
            Some(("1,250.00".into(), "USD".into()))
        );
        assert_eq!(
            strip_currency("$1,250.00", "CAD"),
            Some(("1,250.00".into(), "CAD".into()))
        );
        assert_eq!(
            strip_currency("1.250,00 €", "USD"),
            Some(("1.250,00".into(), "EUR".into()))
        );
        assert_eq!(
            strip_currency("1 250 ₽", "USD"),
            Some(("1 250".into(), "RUB".into()))
        );
        assert_eq!(
            strip_currency("1 250 руб.", "USD"),
            Some(("1 250".into(), "RUB".into()))
        );
        assert_eq!(
            strip_currency("₺1.250,00", "USD"),
            Some(("1.250,00".into(), "TRY".into()))
        );
        assert_eq!(
            strip_currency("1.250 TL", "USD"),
            Some(("1.250".into(), "TRY".into()))
        );
        assert_eq!(
            strip_currency("฿1,250", "USD"),
            Some(("1,250".into(), "THB".into()))
        );
        assert_eq!(
            strip_currency("1,250 บาท", "USD"),
            Some(("1,250".into(), "THB".into()))
        );
        assert_eq!(
            strip_currency("۱۲۰٬۰۰۰ ریال", "USD"),
            Some(("۱۲۰٬۰۰۰".into(), "IRR".into()))
        );
        assert_eq!(
            strip_currency("US$ 10", "EUR"),
            Some(("10".into(), "USD".into()))
        );
        assert_eq!(
            strip_currency("-$5", "EUR"),
            Some(("-5".into(), "USD".into()))
        );
        assert_eq!(strip_currency("1250", "USD"), None);
    }
}
