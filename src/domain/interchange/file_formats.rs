//! Which way a file writes its dates and numbers, read from the cells of the columns
//! mapped to date and number fields: "31/12/2026" can only be day first, "1.234,56"
//! only has a decimal comma. A file whose every date could be read either way
//! ("03/04/2026") is said to be so, and read the way the user's language writes
//! dates until the user chooses otherwise; rows that do not fit the way chosen are
//! refused by the importer, each with its value.

use crate::domain::interchange::csv_columns::{split_target, Part};
use crate::domain::interchange::csv_import::Table;
use crate::domain::records::calendar_system::CalendarSystem;
use crate::domain::records::field::FieldKind;
use crate::domain::records::module_def::ModuleDef;
use crate::domain::records::normalize::ascii_digits as ascii;
use crate::domain::records::written_formats::{strip_currency, DateOrder, DecimalMark};

/// How much of a file is looked at: enough to see its habits; a later row that
/// differs is refused with its value rather than read some other way.
pub const SAMPLE_ROWS: usize = 5_000;

/// How a format was settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// The file's own values show it.
    Found,
    /// Every value could be read either way: the language's way is taken.
    Assumed,
    /// The mapped columns have no such values.
    Absent,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileFormats {
    /// The calendar the file's years count in: Solar Hijri years (13xx, 14xx) and
    /// Buddhist ones (25xx) cannot be Gregorian years in a customer file.
    pub calendar: CalendarSystem,
    pub date_order: DateOrder,
    pub dates: Seen,
    pub decimal_mark: DecimalMark,
    pub numbers: Seen,
}

#[derive(Default)]
struct Votes {
    first: usize,
    second: usize,
    either: usize,
    /// Dates written with dots (31.12.2026): the day-first way of Europe, Russia
    /// and Turkey; no month-first convention uses dots.
    dotted: usize,
}

impl Votes {
    fn settle<T>(&self, first: T, second: T, assumed: T) -> (T, Seen) {
        if self.first + self.second > 0 {
            // The majority: the rows of the other way are refused one by one.
            let pick = if self.first >= self.second {
                first
            } else {
                second
            };
            (pick, Seen::Found)
        } else if self.either > 0 {
            (assumed, Seen::Assumed)
        } else {
            (assumed, Seen::Absent)
        }
    }
}

/// The calendar a 4-digit year belongs to.
fn calendar_of(year: u32) -> CalendarSystem {
    match year {
        1300..=1499 => CalendarSystem::SolarHijri,
        2400.. => CalendarSystem::Buddhist,
        _ => CalendarSystem::Gregorian,
    }
}

/// A date cell's vote: day first, month first, or either (year-first dates vote
/// for neither, as every order reads them), and the calendar of its year.
fn date_vote(cell: &str, votes: &mut Votes, calendars: &mut [usize; 3]) {
    let text = ascii(cell.trim());
    let date = text.split([' ', 'T']).next().unwrap_or("");
    let Some(sep) = date.chars().find(|c| matches!(c, '/' | '.' | '-')) else {
        return;
    };
    let parts: Vec<&str> = date.trim_end_matches('.').split(sep).collect();
    if parts.len() != 3 {
        return;
    }
    let year = if parts[0].len() == 4 {
        parts[0]
    } else {
        parts[2]
    };
    if let (4, Ok(y)) = (year.len(), year.parse::<u32>()) {
        calendars[calendar_of(y) as usize] += 1;
    }
    if parts[0].len() == 4 {
        return;
    }
    let (Ok(a), Ok(b)) = (parts[0].parse::<u32>(), parts[1].parse::<u32>()) else {
        return;
    };
    match (a, b) {
        (0, 0) => {}
        (13..=31, 1..=12) => votes.first += 1,
        (1..=12, 13..=31) => votes.second += 1,
        (1..=12, 1..=12) => {
            votes.either += 1;
            if sep == '.' {
                votes.dotted += 1;
            }
        }
        _ => {}
    }
}

/// A number cell's vote: point (first) or comma (second) as the decimal mark.
fn number_vote(cell: &str, votes: &mut Votes) {
    let text = match strip_currency(cell, "USD") {
        Some((rest, _)) => rest,
        None => cell.to_string(),
    };
    let text: String = ascii(&text)
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
        .collect();
    let (commas, points) = (text.matches(',').count(), text.matches('.').count());
    // A lone mark that cannot be grouping (not three digits after it, or no room
    // for a group before it) is the decimal mark.
    let decimal = |mark: char| {
        let (before, after) = text.split_once(mark).unwrap_or((&text, ""));
        after.len() != 3 || before.is_empty() || before == "0" || before.len() > 3
    };
    match (commas, points) {
        (0, 0) => {}
        (_, 0) if commas > 1 => votes.first += 1,
        (1, 0) if decimal(',') => votes.second += 1,
        (0, _) if points > 1 => votes.second += 1,
        (0, 1) if decimal('.') => votes.first += 1,
        (0, _) | (_, 0) => votes.either += 1,
        _ => {
            // Both marks: the last one is the decimal mark.
            if text.rfind('.') > text.rfind(',') {
                votes.first += 1
            } else {
                votes.second += 1
            }
        }
    }
}

/// The formats of the columns `mapping` sends to `module`'s date and number fields,
/// `lang` giving the way taken when the file does not show it.
pub fn detect_formats(
    module: &ModuleDef,
    table: &Table,
    mapping: &[Option<String>],
    lang: &str,
) -> FileFormats {
    #[derive(PartialEq)]
    enum Column {
        Date,
        Number,
    }
    let columns: Vec<(usize, Column)> = mapping
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let (key, part) = split_target(t.as_deref()?)?;
            if part != Part::Value {
                return None;
            }
            match module.field(key)?.kind {
                FieldKind::Date | FieldKind::DateTime => Some((i, Column::Date)),
                FieldKind::Number | FieldKind::Percent | FieldKind::Currency => {
                    Some((i, Column::Number))
                }
                _ => None,
            }
        })
        .collect();
    let (mut dates, mut numbers) = (Votes::default(), Votes::default());
    let mut calendars = [0usize; 3];
    for row in table.rows.iter().take(SAMPLE_ROWS) {
        for (i, kind) in &columns {
            let Some(cell) = row.cells.get(*i).filter(|c| !c.trim().is_empty()) else {
                continue;
            };
            if *kind == Column::Date {
                date_vote(cell, &mut dates, &mut calendars);
            } else {
                number_vote(cell, &mut numbers);
            }
        }
    }
    let assumed = if dates.dotted > 0 {
        DateOrder::DayFirst
    } else {
        DateOrder::for_language(lang)
    };
    let (date_order, dates) = dates.settle(DateOrder::DayFirst, DateOrder::MonthFirst, assumed);
    let (decimal_mark, numbers) = numbers.settle(
        DecimalMark::Point,
        DecimalMark::Comma,
        DecimalMark::for_language(lang),
    );
    let all = [
        CalendarSystem::Gregorian,
        CalendarSystem::SolarHijri,
        CalendarSystem::Buddhist,
    ];
    let calendar = all
        .into_iter()
        .max_by_key(|c| (calendars[*c as usize], *c == CalendarSystem::Gregorian))
        .unwrap_or_default();
    FileFormats {
        calendar,
        date_order,
        dates,
        decimal_mark,
        numbers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::interchange::csv_import::{
        guess_mapping, read_table, DuplicatePolicy, Importer,
    };
    use crate::domain::modules::sales_modules::DEALS;
    use crate::domain::modules::standard_modules::standard_schema;
    use crate::domain::modules::standard_modules::CONTACTS;
    use crate::domain::records::input::ParseContext;
    use crate::domain::records::record_set::Dataset;
    use crate::domain::records::validate::Problem;
    use crate::domain::records::value::Value;

    fn english(l: &crate::domain::Label) -> Vec<String> {
        match l {
            crate::domain::Label::Key(k) => vec![crate::i18n::t(crate::i18n::Locale::En, k)],
            crate::domain::Label::Text(t) => vec![t.clone()],
        }
    }

    fn formats(module: &str, csv: &str, lang: &str) -> FileFormats {
        let schema = standard_schema();
        let m = schema.module(module).unwrap();
        let t = read_table(csv.as_bytes()).unwrap();
        let mapping = guess_mapping(m, &t.headers, &english);
        detect_formats(m, &t, &mapping, lang)
    }

    #[test]
    fn a_day_above_twelve_shows_the_order() {
        let f = formats(
            CONTACTS,
            "Last Name,Birthday\nBerg,03/04/1980\nNg,25/12/1979\n",
            "en",
        );
        assert_eq!((f.date_order, f.dates), (DateOrder::DayFirst, Seen::Found));
        let f = formats(
            CONTACTS,
            "Last Name,Birthday\nBerg,03/04/1980\nNg,12/25/1979\n",
            "ru",
        );
        assert_eq!(
            (f.date_order, f.dates),
            (DateOrder::MonthFirst, Seen::Found)
        );
    }

    #[test]
    fn dates_that_read_either_way_take_the_language_and_say_so() {
        let csv = "Last Name,Birthday\nBerg,03/04/1980\nNg,01/02/1979\n";
        let f = formats(CONTACTS, csv, "en");
        assert_eq!(
            (f.date_order, f.dates),
            (DateOrder::MonthFirst, Seen::Assumed)
        );
        let f = formats(CONTACTS, csv, "tr");
        assert_eq!(
            (f.date_order, f.dates),
            (DateOrder::DayFirst, Seen::Assumed)
        );
        let f = formats(CONTACTS, "Last Name,Birthday\nBerg,1980-04-03\n", "en");
        assert_eq!(f.dates, Seen::Absent);
        // Dots are written day first, whatever the user's language; still said.
        let f = formats(CONTACTS, "Last Name,Birthday\nBerg,03.04.1980\n", "en");
        assert_eq!(
            (f.date_order, f.dates),
            (DateOrder::DayFirst, Seen::Assumed)
        );
    }

    #[test]
    fn persian_and_thai_years_show_their_calendar() {
        let f = formats(
            CONTACTS,
            "Last Name,Birthday\nBerg,1359/05/14\nNg,۱۳۶۲/۱۱/۰۲\n",
            "fa",
        );
        assert_eq!(f.calendar, CalendarSystem::SolarHijri);
        let f = formats(CONTACTS, "Last Name,Birthday\nBerg,31/12/2530\n", "th");
        assert_eq!(f.calendar, CalendarSystem::Buddhist);
        let f = formats(CONTACTS, "Last Name,Birthday\nBerg,31/12/1987\n", "th");
        assert_eq!(f.calendar, CalendarSystem::Gregorian);
    }

    #[test]
    fn a_decimal_comma_is_seen_in_amounts() {
        let f = formats(DEALS, "Title,Amount\nA,\"1.234,56\"\nB,99\n", "en");
        assert_eq!(
            (f.decimal_mark, f.numbers),
            (DecimalMark::Comma, Seen::Found)
        );
        let f = formats(DEALS, "Title,Amount\nA,\"€ 12,5\"\n", "en");
        assert_eq!(f.decimal_mark, DecimalMark::Comma);
        let f = formats(DEALS, "Title,Amount\nA,\"$1,234,567\"\n", "ru");
        assert_eq!(f.decimal_mark, DecimalMark::Point);
        let f = formats(DEALS, "Title,Amount\nA,1.234\n", "ru");
        assert_eq!(
            (f.decimal_mark, f.numbers),
            (DecimalMark::Comma, Seen::Assumed)
        );
        // This app's own export: no grouping, a decimal point.
        let f = formats(DEALS, "Title,Amount\nA,1234.567\n", "ru");
        assert_eq!(
            (f.decimal_mark, f.numbers),
            (DecimalMark::Point, Seen::Found)
        );
        let f = formats(DEALS, "Title,Amount\nA,1234\n", "en");
        assert_eq!(f.numbers, Seen::Absent);
    }

    #[test]
    fn a_russian_excel_file_imports_with_what_was_found_and_refuses_the_misfit() {
        let schema = standard_schema();
        let m = schema.module(CONTACTS).unwrap();
        let csv = "Last Name,Birthday\nBerg,31.12.1980\nNg,13.01.1979\nOdd,12/31/1979\n";
        let t = read_table(csv.as_bytes()).unwrap();
        let mapping = guess_mapping(m, &t.headers, &english);
        let f = detect_formats(m, &t, &mapping, "en");
        let ctx = ParseContext {
            calendar: f.calendar,
            date_order: f.date_order,
            decimal_mark: f.decimal_mark,
            ..ParseContext::default()
        };
        let data = Dataset::new(schema.clone());
        let mut imp = Importer::new(m, &t, mapping, DuplicatePolicy::Create, ctx, "u".into(), 1);
        let mut n = 0;
        let mut ids = || {
            n += 1;
            format!("c{n}")
        };
        let mut finder = crate::domain::records::duplicates::DuplicateIndex::new(m);
        while !imp.step(&data, &mut finder, &mut ids, 100) {}
        let plan = imp.finish(&data, &mut ids);
        assert_eq!(plan.write.inserts.len(), 2, "{:?}", plan.rejects);
        assert_eq!(
            plan.write.inserts[0].get("birthday"),
            Some(&Value::Date(
                chrono::NaiveDate::from_ymd_opt(1980, 12, 31).unwrap()
            ))
        );
        assert_eq!(plan.rejects.len(), 1);
        assert_eq!(plan.rejects[0].row, 4);
        assert_eq!(
            plan.rejects[0].problems,
            vec![(
                "birthday".to_string(),
                Problem::InvalidDate("12/31/1979".into())
            )]
        );
    }
}
