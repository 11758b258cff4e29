//! CSV export of any module's records, over its field definitions, as a file a
//! spreadsheet reads and our import reads back: choices by their labels in the
//! user's language (or their keys), money as a bare number beside a currency column,
//! dates in ISO form, lookups as the linked record's title beside its id, and a
//! trail (a deal's stage history) as readable text or not at all.

use chrono::{TimeZone, Utc};

use crate::domain::interchange::csv_columns::Part;
use crate::domain::records::field::{FieldDef, FieldKind, Label, PicklistOption};
use crate::domain::records::record::Record;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::search::Slot;
use crate::domain::records::stage_trail;
use crate::domain::records::value::Value;

/// What the export writes, and in which words.
pub struct ExportOptions<'a> {
    /// A label in the user's language: field headers, choices, header templates.
    pub label: &'a dyn Fn(&Label) -> String,
    /// Picklist and multi-select values as their stored keys rather than labels.
    pub values_as_keys: bool,
    /// Trail fields (a deal's stage history) as a readable column; left out if not.
    pub trails: bool,
    /// The user's offset from UTC in minutes: date-times and trail dates are written
    /// in local time, as the import reads them.
    /// The user's zone: a date-time is written as the wall clock showed it then.
    pub zone: crate::domain::records::time_zone::Zone,
}

/// What a spreadsheet takes for the start of a formula (`−`, `＝`, `＋` are the
/// typographic and full-width forms some spreadsheets accept too).
const FORMULA_STARTS: [char; 9] = [
    '=', '+', '-', '@', '\t', '\r', '\u{2212}', '\u{FF1D}', '\u{FF0B}',
];

/// Whether `cell`, past any apostrophes it starts with, begins like a formula. The
/// apostrophes count so that a value already starting with `'=` gets one more, and
/// [`unneutralise`] can tell the added apostrophe from one that was typed.
fn needs_apostrophe(cell: &str) -> bool {
    cell.trim_start_matches('\'')
        .starts_with(|c| FORMULA_STARTS.contains(&c))
}

/// A cell a spreadsheet would run as a formula gets a leading apostrophe, so a
/// value such as `=HYPERLINK(…)` from an outside source stays inert text.
pub fn neutralise(cell: &str) -> String {
    if needs_apostrophe(cell) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Undoes [`neutralise`] exactly, for a file read back: the apostrophe is taken off
/// only where `neutralise` would have put it, so `'+98 21…` imports as the phone
/// number it was and an apostrophe typed before plain text stays.
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_apostrophe(rest) => rest,
        _ => cell,
    }
}

/// The records at `slots` of `module`, one row each, with the columns of every
/// field in definition order (see [`Part::of`]). Starts with a byte-order mark so
/// spreadsheet programs read the UTF-8 (Persian, Thai…) correctly.
pub fn export(data: &Dataset, module: &str, slots: &[Slot], opts: &ExportOptions) -> String {
    let Some(set) = data.set(module) else {
        return String::new();
    };
    let columns: Vec<(&FieldDef, Part)> = set
        .module
        .fields
        .iter()
        .filter(|f| opts.trails || !matches!(f.kind, FieldKind::Trail { .. }))
        .flat_map(|f| Part::of(&f.kind).iter().map(move |p| (f, *p)))
        .collect();
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let headers = columns
        .iter()
        .map(|(f, p)| neutralise(&p.header(&(opts.label)(&f.label), opts.label)));
    // Writing into memory cannot fail.
    let _ = out.write_record(headers);
    for record in slots.iter().filter_map(|s| set.at(*s)) {
        let row = columns.iter().map(|(f, p)| cell(data, record, f, *p, opts));
        let _ = out.write_record(row);
    }
    let bytes = out.into_inner().unwrap_or_default();
    format!("\u{FEFF}{}", String::from_utf8(bytes).unwrap_or_default())
}

/// One cell: every text neutralised against formulas; numbers are our own digits
/// and stay numbers (a neutralised `-5` would be text to a spreadsheet).
fn cell(data: &Dataset, record: &Record, f: &FieldDef, part: Part, opts: &ExportOptions) -> String {
    let Some(value) = record.get(&f.key) else {
        return String::new();
    };
    let text = match (&f.kind, part, value) {
        (_, Part::Currency, Value::Money(m)) => m.currency.clone(),
        (_, Part::Id, Value::Ref(id)) => id.clone(),
        (_, Part::Currency | Part::Id, _) => String::new(),
        (_, _, Value::Money(m)) => return m.amount.to_string(),
        (_, _, Value::Number(_) | Value::Date(_)) => return value.to_plain(),
        (_, _, Value::DateTime(t)) => {
            let local = opts.zone.to_local(*t);
            return local.format("%Y-%m-%dT%H:%M").to_string();
        }
        (FieldKind::Lookup { module, .. }, _, Value::Ref(id)) => {
            data.title(module, id).unwrap_or_default()
        }
        (FieldKind::Picklist { options }, _, Value::Text(v)) => choice(options, v, opts),
        (FieldKind::MultiSelect { options, .. }, _, Value::List(items)) => items
            .iter()
            .map(|v| choice(options, v, opts))
            .collect::<Vec<_>>()
            .join(", "),
        (FieldKind::Trail { module }, _, Value::Text(t)) => trail_text(data, module, t, opts),
        (_, _, v) => v.to_plain(),
    };
    neutralise(&text)
}

/// A choice's label in the user's language, or its key when asked (or when the
/// value is no longer one of the options).
fn choice(options: &[PicklistOption], value: &str, opts: &ExportOptions) -> String {
    match options.iter().find(|o| o.value == value) {
        Some(o) if !opts.values_as_keys => (opts.label)(&o.label),
        _ => value.to_string(),
    }
}

/// "Qualified 2026-11-02 → Proposal 2026-11-20": each record entered by its title
/// and the local date; a trail that does not read is written as stored.
fn trail_text(data: &Dataset, module: &str, trail: &str, opts: &ExportOptions) -> String {
    let Some(steps) = stage_trail::parse(trail) else {
        return trail.to_string();
    };
    steps
        .iter()
        .map(|s| {
            let name = data
                .title(module, s.stage)
                .unwrap_or_else(|| s.stage.to_string());
            match Utc.timestamp_millis_opt(s.at).single() {
                Some(t) => format!("{name} {}", opts.zone.local_date(t).format("%Y-%m-%d")),
                None => name,
            }
        })
        .collect::<Vec<_>>()
        .join(" \u{2192} ")
}

/// A small seeded generator (xorshift) for the property tests of the CSV files, so
/// they need no crate and fail the same way every run.
#[cfg(test)]
pub(crate) struct Prng(pub u64);

#[cfg(test)]
impl Prng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.below(from.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::lead_module::TERRITORIES;
    use crate::domain::modules::sales_modules::DEALS;
    use crate::domain::modules::standard_modules::{standard_schema, COMPANIES, CONTACTS};
    use crate::domain::records::field_values::FieldValues;
    use crate::domain::records::value::Money;
    use crate::domain::sales::pipeline_records::default_pipeline_records;
    use crate::i18n::{label, Locale};
    use chrono::NaiveDate;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    #[test]
    fn formulas_are_neutralised_and_plain_text_is_not() {
        assert_eq!(neutralise("=1+2"), "'=1+2");
        assert_eq!(neutralise("+98 21 1234"), "'+98 21 1234");
        assert_eq!(neutralise("-5"), "'-5");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("Acme = best"), "Acme = best");
        assert_eq!(neutralise(""), "");
        // Typed apostrophes before a formula get one more, so the import can tell.
        assert_eq!(neutralise("'=1"), "''=1");
        assert_eq!(neutralise("'plain"), "'plain");
    }

    #[test]
    fn unneutralise_takes_off_only_the_apostrophe_neutralise_added() {
        assert_eq!(unneutralise("'+98 21 1234 5678"), "+98 21 1234 5678");
        assert_eq!(unneutralise("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unneutralise("''=1"), "'=1");
        assert_eq!(unneutralise("'plain"), "'plain", "a typed apostrophe stays");
        assert_eq!(unneutralise("'"), "'");
        assert_eq!(unneutralise("=raw"), "=raw");
    }

    #[test]
    fn for_any_text_unneutralise_of_neutralise_gives_it_back_and_no_formula_is_left() {
        let alphabet = [
            '\'', '\'', '=', '+', '-', '@', '\t', '\r', '\n', '\u{2212}', '\u{FF1D}', '\u{FF0B}',
            'a', '1', ' ', ',', '"', 'ش', '\u{FEFF}',
        ];
        let mut rng = Prng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let len = rng.below(7);
            let s: String = (0..len).map(|_| rng.pick(&alphabet)).collect();
            let out = neutralise(&s);
            assert_eq!(unneutralise(&out), s, "{s:?} → {out:?}");
            assert!(
                !out.starts_with(|c| FORMULA_STARTS.contains(&c)),
                "{s:?} → {out:?} still starts a formula"
            );
        }
    }

    /// Words as an English-speaking user sees them.
    pub(crate) fn english(l: &Label) -> String {
        label(Locale::En, l)
    }

    pub(crate) fn persian(l: &Label) -> String {
        label(Locale::Fa, l)
    }

    pub(crate) fn options(words: &dyn Fn(&Label) -> String) -> ExportOptions<'_> {
        ExportOptions {
            label: words,
            values_as_keys: false,
            trails: false,
            zone: crate::domain::records::time_zone::Zone::default(),
        }
    }

    /// The header and the rows of an exported file, cells as a spreadsheet sees them.
    struct Sheet {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    }

    impl Sheet {
        fn of(text: &str) -> Sheet {
            let mut reader =
                csv::Reader::from_reader(text.trim_start_matches('\u{FEFF}').as_bytes());
            let head = reader
                .headers()
                .unwrap()
                .iter()
                .map(str::to_string)
                .collect();
            let rows = reader
                .records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect())
                .collect();
            Sheet { head, rows }
        }
        fn cell(&self, row: usize, header: &str) -> &str {
            let at = self.head.iter().position(|h| h == header);
            &self.rows[row][at.unwrap_or_else(|| panic!("no {header:?} in {:?}", self.head))]
        }
    }

    fn export_all(ds: &Dataset, module: &str, opts: &ExportOptions) -> Sheet {
        let text = export(ds, module, &ds.set(module).unwrap().search(""), opts);
        assert!(text.starts_with('\u{FEFF}'));
        Sheet::of(&text)
    }

    fn ms(date: &str) -> i64 {
        NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp_millis()
    }

    /// A deal of Nordic AB in the proposal stage, through qualification, for 1250.50 EUR.
    fn one_deal() -> Dataset {
        let mut ds = Dataset::new(standard_schema());
        for r in default_pipeline_records(1, &|k| crate::i18n::t(Locale::En, k)) {
            ds.upsert(r);
        }
        let company: FieldValues = [("name".to_string(), Value::Text("Nordic AB".into()))].into();
        ds.upsert(Record::new("c-123".into(), COMPANIES, 1, None, company));
        let trail = format!(
            "stage-new_business-qualification@{} stage-new_business-proposal@{}",
            ms("2026-11-02"),
            ms("2026-11-20")
        );
        let deal: FieldValues = [
            ("title".to_string(), Value::Text("Fleet".into())),
            (
                "amount".to_string(),
                Value::Money(Box::new(Money {
                    amount: Decimal::from_str("1250.50").unwrap(),
                    currency: "EUR".into(),
                })),
            ),
            (
                "pipeline".to_string(),
                Value::Ref("pipeline-new_business".into()),
            ),
            (
                "stage".to_string(),
                Value::Ref("stage-new_business-proposal".into()),
            ),
            ("company".to_string(), Value::Ref("c-123".into())),
            ("priority".to_string(), Value::Text("high".into())),
            (
                "expected_close".to_string(),
                Value::Date(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()),
            ),
            (
                "closed_at".to_string(),
                Value::DateTime(
                    NaiveDate::from_ymd_opt(2026, 3, 1)
                        .unwrap()
                        .and_hms_opt(9, 0, 0)
                        .unwrap()
                        .and_utc(),
                ),
            ),
            ("stage_trail".to_string(), Value::Text(trail)),
        ]
        .into();
        ds.upsert(Record::new("d-1".into(), DEALS, 1, None, deal));
        ds
    }

    #[test]
    fn choices_are_written_as_labels_in_the_users_language_or_as_keys() {
        let ds = one_deal();
        assert_eq!(
            export_all(&ds, DEALS, &options(&english)).cell(0, "Priority"),
            "High"
        );
        assert_eq!(
            export_all(&ds, DEALS, &options(&persian)).cell(0, "اولویت"),
            "زیاد"
        );
        let keys = ExportOptions {
            values_as_keys: true,
            ..options(&english)
        };
        assert_eq!(export_all(&ds, DEALS, &keys).cell(0, "Priority"), "high");

        // A multi-select's items each by label; a value no longer an option as stored.
        let mut ds = Dataset::new(standard_schema());
        let t: FieldValues = [
            ("name".to_string(), Value::Text("North".into())),
            (
                "industries".to_string(),
                Value::List(vec!["software".into(), "retail".into(), "gone".into()]),
            ),
        ]
        .into();
        ds.upsert(Record::new("t".into(), TERRITORIES, 1, None, t));
        let sheet = export_all(&ds, TERRITORIES, &options(&persian));
        assert_eq!(sheet.cell(0, "صنایع"), "نرم‌افزار, خرده‌فروشی, gone");
        let sheet = export_all(&ds, TERRITORIES, &keys);
        assert_eq!(sheet.cell(0, "Industries"), "software, retail, gone");
    }

    #[test]
    fn money_is_a_bare_number_beside_a_currency_column() {
        let mut ds = one_deal();
        let sheet = export_all(&ds, DEALS, &options(&english));
        assert_eq!(sheet.cell(0, "Amount"), "1250.50");
        assert_eq!(sheet.cell(0, "Amount currency"), "EUR");
        let at = sheet.head.iter().position(|h| h == "Amount").unwrap();
        assert_eq!(sheet.head[at + 1], "Amount currency", "side by side");
        let sheet = export_all(&ds, DEALS, &options(&persian));
        assert_eq!(sheet.cell(0, "ارز مبلغ"), "EUR");

        // No grouping, a point for decimals, and a negative amount stays a number.
        let mut deal = ds.get(DEALS, "d-1").unwrap().clone();
        deal.values.insert(
            "amount",
            Value::Money(Box::new(Money {
                amount: Decimal::from_str("-1234567.5").unwrap(),
                currency: "IRR".into(),
            })),
        );
        ds.upsert(deal);
        let sheet = export_all(&ds, DEALS, &options(&english));
        assert_eq!(sheet.cell(0, "Amount"), "-1234567.5");
        assert_eq!(sheet.cell(0, "Amount currency"), "IRR");
    }

    #[test]
    fn dates_are_iso_and_date_times_iso_in_local_time() {
        let ds = one_deal();
        let sheet = export_all(&ds, DEALS, &options(&english));
        assert_eq!(sheet.cell(0, "Expected close"), "2026-12-03");
        assert_eq!(sheet.cell(0, "Closed at"), "2026-03-01T09:00");
        let tehran = ExportOptions {
            zone: crate::domain::records::time_zone::Zone::fixed(210),
            ..options(&english)
        };
        let sheet = export_all(&ds, DEALS, &tehran);
        assert_eq!(sheet.cell(0, "Closed at"), "2026-03-01T12:30");
        assert_eq!(sheet.cell(0, "Expected close"), "2026-12-03");
    }

    #[test]
    fn the_stage_trail_is_left_out_unless_asked_then_named_and_dated() {
        let ds = one_deal();
        let sheet = export_all(&ds, DEALS, &options(&english));
        assert!(
            !sheet.head.iter().any(|h| h == "Stage history"),
            "{:?}",
            sheet.head
        );
        let with = ExportOptions {
            trails: true,
            ..options(&english)
        };
        let sheet = export_all(&ds, DEALS, &with);
        assert_eq!(
            sheet.cell(0, "Stage history"),
            "Qualification 2026-11-02 \u{2192} Proposal 2026-11-20"
        );
        // Dated in the user's time zone: noon UTC is the next day in Auckland.
        let auckland = ExportOptions {
            zone: crate::domain::records::time_zone::Zone::fixed(13 * 60),
            ..with
        };
        let sheet = export_all(&ds, DEALS, &auckland);
        assert_eq!(
            sheet.cell(0, "Stage history"),
            "Qualification 2026-11-03 \u{2192} Proposal 2026-11-21"
        );
    }

    #[test]
    fn a_lookup_is_the_linked_records_title_beside_its_id() {
        let mut ds = one_deal();
        let sheet = export_all(&ds, DEALS, &options(&english));
        assert_eq!(sheet.cell(0, "Company"), "Nordic AB");
        assert_eq!(sheet.cell(0, "Company id"), "c-123");
        assert_eq!(sheet.cell(0, "Stage"), "Proposal");
        assert_eq!(sheet.cell(0, "Stage id"), "stage-new_business-proposal");
        let sheet = export_all(&ds, DEALS, &options(&persian));
        assert_eq!(sheet.cell(0, "شناسه شرکت"), "c-123");
        // A title a spreadsheet would run stays inert text.
        let company: FieldValues = [("name".to_string(), Value::Text("=EVIL()".into()))].into();
        ds.upsert(Record::new("c-123".into(), COMPANIES, 1, None, company));
        let sheet = export_all(&ds, DEALS, &options(&english));
        assert_eq!(sheet.cell(0, "Company"), "'=EVIL()");
    }

    #[test]
    fn rows_follow_the_fields_with_quoting_lookups_and_non_latin_text() {
        let mut ds = Dataset::new(standard_schema());
        let company: crate::domain::FieldValues = [
            (
                "name".to_string(),
                Value::Text("شرکت \"نمونه\", تهران".into()),
            ),
            (
                "description".to_string(),
                Value::Text("line one\nline two".into()),
            ),
        ]
        .into();
        ds.upsert(Record::new("c".into(), COMPANIES, 1, None, company));
        let contact: crate::domain::FieldValues = [
            ("last_name".to_string(), Value::Text("ใจดี".into())),
            ("company".to_string(), Value::Ref("c".into())),
            (
                "emails".to_string(),
                Value::List(vec!["a@x.com".into(), "b@y.com".into()]),
            ),
            ("phones".to_string(), Value::List(vec!["+66 2 123".into()])),
        ]
        .into();
        ds.upsert(Record::new("p".into(), CONTACTS, 1, None, contact));

        let sheet = export_all(&ds, CONTACTS, &options(&english));
        let fields = &ds.set(CONTACTS).unwrap().module.fields;
        assert_eq!(sheet.head[0], english(&fields[0].label));
        assert_eq!(sheet.cell(0, "Last name"), "ใจดี");
        assert_eq!(sheet.cell(0, "Company"), "شرکت \"نمونه\", تهران");
        assert_eq!(sheet.cell(0, "Company id"), "c");
        assert_eq!(sheet.cell(0, "Emails"), "a@x.com, b@y.com");
        assert_eq!(sheet.cell(0, "Phones"), "'+66 2 123");
        assert_eq!(sheet.cell(0, "First name"), "");

        let sheet = export_all(&ds, COMPANIES, &options(&english));
        assert_eq!(sheet.cell(0, "Description"), "line one\nline two");
    }
}
