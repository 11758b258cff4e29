//! The translation layer: every visible string is looked up here by key.
//! Pure Rust, so the completeness of every table is checked natively.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::domain::Label;

mod en;
mod fa;
pub mod problems;
mod ru;
mod th;
mod tr;

pub use problems::{field_error, field_name, problem_text};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Locale {
    En,
    Fa,
    Ru,
    Tr,
    Th,
}

/// A plural category, as CLDR names them: which form of a counted noun a number
/// takes in a language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plural {
    One,
    Few,
    Many,
    Other,
}

impl Plural {
    fn key(self) -> &'static str {
        match self {
            Plural::One => "one",
            Plural::Few => "few",
            Plural::Many => "many",
            Plural::Other => "other",
        }
    }
}

impl Locale {
    pub const ALL: [Locale; 5] = [Locale::En, Locale::Fa, Locale::Ru, Locale::Tr, Locale::Th];

    /// Short code kept in settings and used for `lang`.
    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fa => "fa",
            Locale::Ru => "ru",
            Locale::Tr => "tr",
            Locale::Th => "th",
        }
    }

    /// The form a count of `n` takes (CLDR's cardinal rules for whole numbers).
    /// Turkish nouns stay singular after a number and Thai has no plural, so their
    /// `.one` and `.other` texts may read alike; Russian has three forms.
    pub fn plural(self, n: usize) -> Plural {
        match self {
            Locale::Th => Plural::Other,
            Locale::Ru => {
                let (ten, hundred) = (n % 10, n % 100);
                if ten == 1 && hundred != 11 {
                    Plural::One
                } else if (2..=4).contains(&ten) && !(12..=14).contains(&hundred) {
                    Plural::Few
                } else {
                    Plural::Many
                }
            }
            Locale::En | Locale::Fa | Locale::Tr => {
                if n == 1 {
                    Plural::One
                } else {
                    Plural::Other
                }
            }
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        Locale::ALL
            .into_iter()
            .find(|l| code.to_lowercase().starts_with(l.code()))
    }

    /// The tag handed to the browser's Intl formatters.
    pub fn intl_tag(self) -> &'static str {
        match self {
            Locale::En => "en-US",
            Locale::Fa => "fa-IR",
            Locale::Ru => "ru-RU",
            Locale::Tr => "tr-TR",
            // Thai dates in the Buddhist era, as Thai users read them.
            Locale::Th => "th-TH",
        }
    }

    pub fn is_rtl(self) -> bool {
        matches!(self, Locale::Fa)
    }

    pub fn dir(self) -> &'static str {
        if self.is_rtl() {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// The language's own name, shown in the language picker.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Fa => "فارسی",
            Locale::Ru => "Русский",
            Locale::Tr => "Türkçe",
            Locale::Th => "ไทย",
        }
    }

    /// The first day of the week where the language is spoken: Saturday in Iran,
    /// Monday in Russia and Turkey, Sunday in Thailand and the United States.
    pub fn week_start(self) -> chrono::Weekday {
        match self {
            Locale::Fa => chrono::Weekday::Sat,
            Locale::Ru | Locale::Tr => chrono::Weekday::Mon,
            Locale::En | Locale::Th => chrono::Weekday::Sun,
        }
    }

    /// The days off where the language is spoken (CLDR's week data): Friday in Iran,
    /// Saturday and Sunday in Russia, Turkey, Thailand and the United States — what
    /// the calendar marks and business hours leave out.
    pub fn weekend(self) -> &'static [chrono::Weekday] {
        use chrono::Weekday::*;
        match self {
            Locale::Fa => &[Fri],
            Locale::En | Locale::Ru | Locale::Tr | Locale::Th => &[Sat, Sun],
        }
    }

    /// Currency assumed for amounts typed without one.
    pub fn default_currency(self) -> &'static str {
        match self {
            Locale::En => "USD",
            Locale::Fa => "IRR",
            Locale::Ru => "RUB",
            Locale::Tr => "TRY",
            Locale::Th => "THB",
        }
    }

    fn table(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Locale::En => en::STRINGS,
            Locale::Fa => fa::STRINGS,
            Locale::Ru => ru::STRINGS,
            Locale::Tr => tr::STRINGS,
            Locale::Th => th::STRINGS,
        }
    }

    fn map(self) -> &'static HashMap<&'static str, &'static str> {
        type Table = OnceLock<HashMap<&'static str, &'static str>>;
        static MAPS: [Table; 5] = [const { OnceLock::new() }; 5];
        MAPS[self as usize].get_or_init(|| self.table().iter().copied().collect())
    }
}

/// The text for `key`, falling back to English and then to the key itself, so a
/// missing translation shows up in review rather than as a blank.
pub fn t(locale: Locale, key: &str) -> String {
    locale
        .map()
        .get(key)
        .or_else(|| Locale::En.map().get(key))
        .map(|s| s.to_string())
        .unwrap_or_else(|| key.to_string())
}

/// `t` with `{name}` placeholders filled in.
pub fn tr(locale: Locale, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = t(locale, key);
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

/// A count with its noun in the form the language gives `n` (`key.one`, and in
/// Russian `key.few` and `key.many`), else `key.other`; `{n}` is the number already
/// formatted for the locale.
pub fn tn(locale: Locale, key: &str, n: usize, formatted: &str) -> String {
    let form = format!("{key}.{}", locale.plural(n).key());
    // A text that does not show the number ("Correct the field below.") is for
    // exactly one; Russian's `one` form also serves 21, 31…, which need a number.
    let fits = locale
        .map()
        .get(form.as_str())
        .is_some_and(|text| n == 1 || text.contains("{n}"));
    let key = if fits { form } else { format!("{key}.other") };
    tr(locale, &key, &[("n", formatted)])
}

/// The words of a metadata label.
pub fn label(locale: Locale, label: &Label) -> String {
    match label {
        Label::Key(k) => t(locale, k),
        Label::Text(s) => s.clone(),
    }
}

/// `text` with its first letter capitalised, for a label that starts a sentence
/// (a module's singular name is written for the middle of one: "New deal").
pub fn capitalised(locale: Locale, text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        None => String::new(),
        // Turkish dots its capital i.
        Some('i') if locale.code() == "tr" => format!("İ{}", chars.as_str()),
        Some(c) => c.to_uppercase().chain(chars).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::interchange::backup::BackupProblem;
    use crate::domain::modules::standard_modules::standard_schema;
    use crate::domain::records::validate::Problem;

    #[test]
    fn weeks_start_and_rest_where_each_language_is_spoken() {
        use chrono::Weekday::*;
        let expected = [
            (Locale::Fa, Sat, vec![Fri]),
            (Locale::Ru, Mon, vec![Sat, Sun]),
            (Locale::Tr, Mon, vec![Sat, Sun]),
            (Locale::Th, Sun, vec![Sat, Sun]),
            (Locale::En, Sun, vec![Sat, Sun]),
        ];
        for (l, start, weekend) in expected {
            assert_eq!(l.week_start(), start, "{l:?}");
            assert_eq!(l.weekend(), weekend.as_slice(), "{l:?}");
        }
    }

    #[test]
    fn a_label_starting_a_sentence_is_capitalised_and_other_scripts_are_left_as_they_are() {
        assert_eq!(capitalised(Locale::En, "exchange rate"), "Exchange rate");
        assert_eq!(capitalised(Locale::Fa, "معامله"), "معامله");
        assert_eq!(capitalised(Locale::En, ""), "");
        // Singular names are for the middle of a sentence: none starts with a capital
        // in English, so "New deal" and "New company" read alike.
        for m in standard_schema().modules {
            let one = label(Locale::En, &m.singular);
            assert!(!one.starts_with(char::is_uppercase), "{}: {one}", m.key);
        }
    }
    use std::collections::BTreeSet;

    fn keys(locale: Locale) -> BTreeSet<&'static str> {
        locale.table().iter().map(|(k, _)| *k).collect()
    }

    #[test]
    fn tables_have_no_duplicate_keys_and_no_blank_text() {
        for l in Locale::ALL {
            assert_eq!(keys(l).len(), l.table().len(), "duplicate key in {l:?}");
            for (k, v) in l.table() {
                assert!(!v.trim().is_empty(), "{l:?}: {k} is blank");
            }
        }
    }

    #[test]
    fn every_language_translates_every_key() {
        let en = keys(Locale::En);
        for l in Locale::ALL {
            let other = keys(l);
            let missing: Vec<_> = en.difference(&other).collect();
            assert!(missing.is_empty(), "{l:?} lacks {missing:?}");
            // Beyond English's keys only the plural forms the language has.
            let forms = plural_forms(l);
            let extra: Vec<_> = other
                .difference(&en)
                .filter(|k| {
                    let (base, form) = k.rsplit_once('.').unwrap_or((k, ""));
                    !(forms.contains(&form) && counted().contains(base))
                })
                .collect();
            assert!(extra.is_empty(), "{l:?} has keys English lacks: {extra:?}");
            // Every counted noun has every form the language uses.
            for k in counted() {
                for form in &forms {
                    assert!(
                        other.contains(format!("{k}.{form}").as_str()),
                        "{l:?} lacks {k}.{form}"
                    );
                }
            }
        }
    }

    /// The counted nouns: keys with a `one` form and an `other` form that shows the
    /// number (a module's singular and plural names are not counts).
    fn counted() -> BTreeSet<&'static str> {
        let en = Locale::En.map();
        en.keys()
            .filter_map(|k| k.strip_suffix(".one"))
            .filter(|base| {
                en.iter()
                    .any(|(k, v)| k.strip_suffix(".other") == Some(base) && v.contains("{n}"))
            })
            .collect()
    }

    /// The plural forms a language's table must hold beyond `one` and `other`.
    fn plural_forms(l: Locale) -> Vec<&'static str> {
        let mut forms: Vec<&str> = (0..200).map(|n| l.plural(n).key()).collect();
        forms.sort();
        forms.dedup();
        forms.retain(|f| *f != "one" && *f != "other");
        forms
    }

    #[test]
    fn every_translation_keeps_the_english_placeholders() {
        let names = |s: &str| -> BTreeSet<String> {
            s.split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                .collect()
        };
        let en = Locale::En.map();
        for l in Locale::ALL {
            for (k, v) in l.table() {
                // Russian's few and many forms say what English's other does.
                let english = en.get(k).copied().or_else(|| {
                    let (base, _) = k.rsplit_once('.')?;
                    en.get(format!("{base}.other").as_str()).copied()
                });
                let mut wanted = names(english.unwrap_or_default());
                let mut got = names(v);
                // A `one` form may show the number where English does not.
                if k.ends_with(".one") {
                    wanted.remove("n");
                    got.remove("n");
                }
                assert_eq!(got, wanted, "{l:?} {k}: {v}");
            }
        }
    }

    #[test]
    fn each_language_counts_with_its_own_plural_rules() {
        use Plural::*;
        let ru: Vec<Plural> = [0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 1004]
            .into_iter()
            .map(|n| Locale::Ru.plural(n))
            .collect();
        assert_eq!(
            ru,
            [Many, One, Few, Few, Many, Many, Many, Many, One, Few, Many, One, Many, Few]
        );
        assert_eq!(Locale::En.plural(1), One);
        assert_eq!(Locale::En.plural(0), Other);
        assert_eq!(Locale::Tr.plural(2), Other);
        assert!((0..50).all(|n| Locale::Th.plural(n) == Other));
        // Each form's own text is chosen; a language without a form falls back to
        // `other`.
        assert_ne!(
            tn(Locale::Ru, "count.records", 2, "2"),
            tn(Locale::Ru, "count.records", 5, "5").replace('5', "2")
        );
        assert_eq!(
            tn(Locale::Th, "count.records", 1, "1"),
            tr(Locale::Th, "count.records.other", &[("n", "1")])
        );
    }

    #[test]
    fn every_metadata_label_is_translated() {
        let en = keys(Locale::En);
        let mut wanted: Vec<String> = Vec::new();
        for m in standard_schema().modules {
            for l in [&m.singular, &m.plural] {
                if let Label::Key(k) = l {
                    wanted.push(k.clone());
                }
            }
            if let Some(k) = m.settings.as_ref().and_then(|s| s.label.as_ref()) {
                wanted.push(k.clone());
            }
            for s in &m.sections {
                if let Label::Key(k) = &s.label {
                    wanted.push(k.clone());
                }
            }
            for f in &m.fields {
                for l in [Some(&f.label), f.help.as_ref()].into_iter().flatten() {
                    if let Label::Key(k) = l {
                        wanted.push(k.clone());
                    }
                }
                for o in f.kind.options() {
                    if let Label::Key(k) = &o.label {
                        wanted.push(k.clone());
                    }
                }
            }
        }
        let problems = [
            Problem::Required,
            Problem::TooLong { max: 1 },
            Problem::InvalidEmail(String::new()),
            Problem::InvalidPhone(String::new()),
            Problem::InvalidUrl(String::new()),
            Problem::InvalidNumber(String::new()),
            Problem::InvalidMoney(String::new()),
            Problem::InvalidDate(String::new()),
            Problem::InvalidBoolean(String::new()),
            Problem::InvalidDateTime,
            Problem::UnknownOption(String::new()),
            Problem::NotUnique(String::new()),
            Problem::MissingRecord(String::new()),
            Problem::UnknownUser(String::new()),
            Problem::WrongType,
            Problem::UnknownField,
            Problem::NotWithin(String::new()),
            Problem::InvalidColor(String::new()),
            // Module rules' own problems.
            Problem::Rule("problem.loss_reason_required"),
            Problem::Rule("problem.percent_range"),
            Problem::Rule("problem.negative"),
            Problem::Rule("problem.positive"),
            Problem::Rule("problem.repeat_needs_due"),
            Problem::Rule("problem.dead_reason_required"),
            Problem::Rule("problem.convert_with_action"),
        ];
        wanted.extend(problems.iter().map(|p| p.key().to_string()));
        let backup = [
            BackupProblem::Empty,
            BackupProblem::NotJson(crate::domain::interchange::backup::JsonFault::Unexpected),
            BackupProblem::NotJson(crate::domain::interchange::backup::JsonFault::EndsEarly),
            BackupProblem::Unreadable(String::new()),
            BackupProblem::NotABackup,
            BackupProblem::ForeignFormat(String::new()),
            BackupProblem::MissingPart(""),
            BackupProblem::TooNew(0),
            BackupProblem::UnknownVersion(0),
            BackupProblem::MalformedRecord(String::new()),
            BackupProblem::MalformedChange(String::new()),
            BackupProblem::OrphanChange(String::new()),
            BackupProblem::DuplicateId(String::new()),
            BackupProblem::UnknownModule(String::new()),
            BackupProblem::BadSetting(String::new()),
        ];
        wanted.extend(backup.iter().map(|p| p.key().to_string()));
        use crate::domain::rules::conversion::ConversionError as C;
        for e in [
            C::NotFound,
            C::AlreadyConverted,
            C::Closed(String::new()),
            C::Invalid(vec![]),
        ] {
            wanted.push(e.key().to_string());
        }
        use crate::domain::interchange::csv_import::CsvError as V;
        for e in [
            V::NotText,
            V::Empty,
            V::NotCsv(String::new()),
            V::Malformed(String::new()),
            V::TooManyColumns { limit: 0, found: 0 },
            V::TooLarge { limit: 0, found: 0 },
        ] {
            wanted.push(e.key().to_string());
        }
        use crate::domain::records::duplicates::MatchReason as D;
        for e in [
            D::SameEmail(String::new()),
            D::SamePhone(String::new()),
            D::SimilarNameSameCompany,
            D::SameName,
        ] {
            wanted.push(e.key().to_string());
        }
        use crate::domain::quality::merge::MergeError as G;
        for e in [G::SameRecord, G::NotFound(String::new()), G::WrongModule] {
            wanted.push(e.key().to_string());
        }
        wanted.push(Problem::Rule("problem.extra_cells").key().to_string());
        use crate::domain::activities::recurrence::RecurrenceError as R;
        let recurrence = [
            R::ZeroInterval,
            R::NoWeekdays,
            R::ZeroCount,
            R::EndsBeforeStart,
        ];
        wanted.extend(recurrence.iter().map(|e| e.key().to_string()));
        use crate::domain::sales::pipeline::{Pipeline, PipelineError as P};
        for p in [Pipeline::new_business(), Pipeline::renewals()] {
            for l in std::iter::once(&p.name).chain(p.stages.iter().map(|s| &s.name)) {
                if let Label::Key(k) = l {
                    wanted.push(k.clone());
                }
            }
        }
        let pipeline_errors = [
            P::EmptyName,
            P::DuplicateStage(String::new()),
            P::UnknownStage(String::new()),
            P::ProbabilityOver100,
            P::TerminalStage,
            P::StageHasDeals(0),
            P::TargetIsRemoved,
            P::LastOpenStage,
        ];
        wanted.extend(pipeline_errors.iter().map(|e| e.key().to_string()));
        let missing: Vec<_> = wanted.iter().filter(|k| !en.contains(k.as_str())).collect();
        assert!(missing.is_empty(), "untranslated: {missing:?}");
    }

    /// Every source file under `src/`, read from disk (so a new file is scanned
    /// without being listed anywhere).
    fn sources() -> Vec<(String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut out = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let name = path.strip_prefix(&root).unwrap().display().to_string();
                    // The tables themselves hold every key.
                    if !name.starts_with("i18n") {
                        out.push((name, std::fs::read_to_string(&path).unwrap()));
                    }
                }
            }
        }
        out
    }

    /// The keys asked for by literal in `t(…, "key")`, `tr(…, "key", …)`,
    /// `tn(…, "key", …)` and `tk("key")`, wherever the line breaks fall.
    fn literal_keys(src: &str) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let bytes = src.as_bytes();
        for (call, plural) in [("tk(", false), ("t(", false), ("tr(", false), ("tn(", true)] {
            let mut from = 0;
            while let Some(i) = src[from..].find(call) {
                let at = from + i;
                from = at + call.len();
                // A whole word: `t(` but not `set(` or `format(`.
                if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
                    continue;
                }
                let mut rest = src[from..].trim_start();
                if call != "tk(" {
                    // Skip the locale argument: a name or a plain call chain
                    // (`l`, `st.locale.get()`).
                    let Some(comma) = rest.find(',') else {
                        continue;
                    };
                    let arg = &rest[..comma];
                    let plain = arg
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_.()".contains(c));
                    if !plain || arg.matches('(').count() != arg.matches(')').count() {
                        continue;
                    }
                    rest = rest[comma + 1..].trim_start();
                }
                let Some(lit) = rest.strip_prefix('"') else {
                    continue;
                };
                let key: String = lit.chars().take_while(|c| *c != '"').collect();
                if key.contains('{') {
                    continue;
                }
                out.push((if plural { "plural" } else { "one" }, key));
            }
        }
        out
    }

    /// Every key the code asks for by literal exists, in every source file.
    #[test]
    fn every_key_the_code_uses_is_translated() {
        let en = keys(Locale::En);
        let mut missing = BTreeSet::new();
        let mut found = 0;
        for (name, src) in sources() {
            for (kind, key) in literal_keys(&src) {
                found += 1;
                let ok = if kind == "plural" {
                    en.contains(format!("{key}.one").as_str())
                        && en.contains(format!("{key}.other").as_str())
                } else {
                    en.contains(key.as_str())
                };
                if !ok {
                    missing.insert(format!("{name}: {key}"));
                }
            }
        }
        assert!(
            found > 300,
            "the scan found only {found} keys: has the calling style changed?"
        );
        assert!(missing.is_empty(), "untranslated keys: {missing:?}");
    }

    #[test]
    fn the_key_scan_reads_calls_across_line_breaks() {
        let src = "let a = t(l, \"a.one\");\nlet b = tr(\n    locale,\n    \"b.two\",\n    &[]);\nlet c = tk(\"c.three\"); let d = set(x, \"no.key\");\ntn(l, \"d.four\", n, &s)";
        let keys: Vec<String> = literal_keys(src).into_iter().map(|(_, k)| k).collect();
        assert_eq!(keys, vec!["c.three", "a.one", "b.two", "d.four"]);
    }

    #[test]
    fn placeholders_are_filled_and_fallbacks_are_visible() {
        assert_eq!(tn(Locale::En, "count.records", 1, "1"), "1 record");
        assert_eq!(tn(Locale::En, "count.records", 3, "3"), "3 records");
        assert_eq!(t(Locale::Fa, "no.such.key"), "no.such.key");
        assert_eq!(Locale::from_code("fa-IR"), Some(Locale::Fa));
        assert_eq!(Locale::from_code("ru"), Some(Locale::Ru));
        assert_eq!(Locale::from_code("tr-TR"), Some(Locale::Tr));
        assert_eq!(Locale::from_code("th"), Some(Locale::Th));
        use chrono::Weekday::*;
        let starts: Vec<_> = Locale::ALL.iter().map(|l| l.week_start()).collect();
        assert_eq!(starts, [Sun, Sat, Mon, Mon, Sun]);
        assert!(Locale::Fa.is_rtl() && !Locale::En.is_rtl());
    }
}
