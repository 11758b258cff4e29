//! CSV export of any module's records, over its field definitions. Values are
//! written in their plain, locale-independent form so the file reads back exactly;
//! lookups are written as the linked record's title.

use crate::domain::records::field::FieldKind;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::search::Slot;
use crate::domain::records::value::Value;

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

/// The records at `slots` of `module`, one row each, with one column per field in
/// definition order. `headers` gives each field's column title (the UI passes
/// translated labels). Starts with a byte-order mark so spreadsheet programs read
/// the UTF-8 (Persian, Thai…) correctly.
pub fn export(data: &Dataset, module: &str, slots: &[Slot], headers: &[String]) -> String {
    let Some(set) = data.set(module) else {
        return String::new();
    };
    let fields = &set.module.fields;
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing into memory cannot fail.
    let _ = out.write_record(headers.iter().map(|h| neutralise(h)));
    for record in slots.iter().filter_map(|s| set.at(*s)) {
        let row = fields.iter().map(|f| {
            let text = match (&f.kind, record.get(&f.key)) {
                (_, None) => String::new(),
                (FieldKind::Lookup { module, .. }, Some(Value::Ref(id))) => {
                    data.title(module, id).unwrap_or_default()
                }
                (_, Some(v)) => v.to_plain(),
            };
            neutralise(&text)
        });
        let _ = out.write_record(row);
    }
    let bytes = out.into_inner().unwrap_or_default();
    format!("\u{FEFF}{}", String::from_utf8(bytes).unwrap_or_default())
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
    use crate::domain::modules::standard_modules::{standard_schema, COMPANIES, CONTACTS};
    use crate::domain::Record;

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

        let set = ds.set(CONTACTS).unwrap();
        let headers: Vec<String> = set.module.fields.iter().map(|f| f.key.clone()).collect();
        let text = export(&ds, CONTACTS, &set.search(""), &headers);
        assert!(text.starts_with('\u{FEFF}'));
        let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{FEFF}').as_bytes());
        let head: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        assert_eq!(head, headers);
        let row: Vec<String> = reader
            .records()
            .next()
            .unwrap()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        let col = |k: &str| row[headers.iter().position(|h| h == k).unwrap()].clone();
        assert_eq!(col("last_name"), "ใจดี");
        assert_eq!(col("company"), "شرکت \"نمونه\", تهران");
        assert_eq!(col("emails"), "a@x.com, b@y.com");
        assert_eq!(col("phones"), "'+66 2 123");
        assert_eq!(col("first_name"), "");

        let cset = ds.set(COMPANIES).unwrap();
        let cheaders: Vec<String> = cset.module.fields.iter().map(|f| f.key.clone()).collect();
        let ctext = export(&ds, COMPANIES, &cset.search(""), &cheaders);
        let mut reader = csv::Reader::from_reader(ctext.trim_start_matches('\u{FEFF}').as_bytes());
        let row = reader.records().next().unwrap().unwrap();
        let pos = cheaders.iter().position(|h| h == "description").unwrap();
        assert_eq!(&row[pos], "line one\nline two");
    }
}
