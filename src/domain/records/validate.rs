//! Validation of a record's values against its module's field definitions.
//! The same rules serve forms, backup import and (later) CSV import.

use crate::domain::records::field_values::FieldValues;

use chrono::Datelike;
use rust_decimal::Decimal;

use crate::domain::records::field::{FieldDef, FieldKind, MAX_AMOUNT, MAX_NUMBER, YEARS};
use crate::domain::records::input::{parse_email, parse_phone, parse_url};
use crate::domain::records::module_def::ModuleDef;
use crate::domain::records::normalize::{fold, phone_digits};
use crate::domain::records::value::Value;

/// What is wrong with one value. Each problem has a translation key; the UI words it.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    Required,
    TooLong {
        max: usize,
    },
    InvalidEmail(String),
    InvalidPhone(String),
    InvalidUrl(String),
    InvalidNumber(String),
    InvalidMoney(String),
    /// An amount beyond `MAX_AMOUNT` either way (the limit, written out).
    AmountTooLarge(String),
    /// A number above the field's maximum (the limit, written out).
    TooLarge(String),
    /// A number below the smallest allowed (the limit, written out).
    TooSmall(String),
    /// A date outside `YEARS` (the years, written out).
    DateOutOfRange(String),
    /// Not a date in the way dates are read (the text, quoted in the message).
    InvalidDate(String),
    InvalidDateTime,
    /// Neither yes nor no in any of the languages (the text).
    InvalidBoolean(String),
    UnknownOption(String),
    /// Another record of the module already has this value.
    NotUnique(String),
    /// A lookup points at a record that does not exist.
    MissingRecord(String),
    UnknownUser(String),
    /// A lookup points at a record that does not belong with the record's other link
    /// (a stage of another pipeline).
    NotWithin(String),
    InvalidColor(String),
    /// A rule of the module itself (a lost deal needs its reason).
    Rule(&'static str),
    /// The stored value's type does not fit the field (only seen in imported data).
    WrongType,
    /// The value names a field the module does not have (only seen in imported data).
    UnknownField,
    /// A move of a stage-like field needs these fields filled first (their names).
    MoveNeeds(String),
    /// A move of a stage-like field that a transition rule refuses ("A → B").
    MoveNotAllowed(String),
    /// A rule names a field its module does not have (the name typed).
    NoSuchFieldNamed(String),
}

impl Problem {
    pub fn key(&self) -> &'static str {
        match self {
            Problem::Required => "problem.required",
            Problem::TooLong { .. } => "problem.too_long",
            Problem::InvalidEmail(_) => "problem.email",
            Problem::InvalidPhone(_) => "problem.phone",
            Problem::InvalidUrl(_) => "problem.url",
            Problem::InvalidNumber(_) => "problem.number",
            Problem::InvalidMoney(_) => "problem.money",
            Problem::AmountTooLarge(_) => "problem.amount_too_large",
            Problem::TooLarge(_) => "problem.too_large",
            Problem::TooSmall(_) => "problem.too_small",
            Problem::DateOutOfRange(_) => "problem.date_range",
            Problem::InvalidDate(_) => "problem.date",
            Problem::InvalidDateTime => "problem.date_time",
            Problem::InvalidBoolean(_) => "problem.boolean",
            Problem::UnknownOption(_) => "problem.option",
            Problem::NotUnique(_) => "problem.unique",
            Problem::MissingRecord(_) => "problem.missing_record",
            Problem::UnknownUser(_) => "problem.unknown_user",
            Problem::NotWithin(_) => "problem.not_within",
            Problem::InvalidColor(_) => "problem.color",
            Problem::Rule(key) => key,
            Problem::WrongType => "problem.wrong_type",
            Problem::UnknownField => "problem.unknown_field",
            Problem::MoveNeeds(_) => "problem.move_needs",
            Problem::MoveNotAllowed(_) => "problem.move_not_allowed",
            Problem::NoSuchFieldNamed(_) => "problem.no_such_field_named",
        }
    }

    /// The value the message quotes, if any (`{value}` in the translation).
    pub fn detail(&self) -> String {
        match self {
            Problem::TooLong { max } => max.to_string(),
            Problem::InvalidEmail(s)
            | Problem::InvalidPhone(s)
            | Problem::InvalidUrl(s)
            | Problem::InvalidNumber(s)
            | Problem::InvalidMoney(s)
            | Problem::AmountTooLarge(s)
            | Problem::TooLarge(s)
            | Problem::TooSmall(s)
            | Problem::DateOutOfRange(s)
            | Problem::UnknownOption(s)
            | Problem::NotUnique(s)
            | Problem::MissingRecord(s)
            | Problem::UnknownUser(s)
            | Problem::NotWithin(s)
            | Problem::InvalidColor(s)
            | Problem::InvalidDate(s)
            | Problem::InvalidBoolean(s)
            | Problem::MoveNeeds(s)
            | Problem::MoveNotAllowed(s)
            | Problem::NoSuchFieldNamed(s) => s.clone(),
            _ => String::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub problem: Problem,
}

/// What validation needs to know about other records.
pub trait Lookups {
    fn record_exists(&self, module: &str, id: &str) -> bool;
    fn user_exists(&self, id: &str) -> bool;
    /// Whether another record than `except` of `module` holds `key` in unique field `field`.
    fn unique_taken(&self, module: &str, field: &str, key: &str, except: &str) -> bool;
    /// The value of `field` on record `id` of `module`, if both exist.
    fn value_of(&self, module: &str, id: &str, field: &str) -> Option<Value>;
}

/// The keys a value occupies in a unique field: folded so "ANNA@x.com" and
/// "anna@x.com", or two spellings of one phone number, collide.
pub fn unique_keys(kind: &FieldKind, value: &Value) -> Vec<String> {
    let key = |s: &str| match kind {
        FieldKind::Phone { .. } => phone_digits(s),
        _ => fold(s.trim()),
    };
    match value {
        Value::List(items) => items.iter().map(|s| key(s)).collect(),
        Value::Text(s) | Value::Ref(s) => vec![key(s)],
        other => vec![other.to_plain()],
    }
}

/// Checks every value of a record. `record_id` is the record's own id, excluded from
/// uniqueness checks.
pub fn validate_values(
    module: &ModuleDef,
    values: &FieldValues,
    record_id: &str,
    lookups: &dyn Lookups,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for key in values.keys() {
        if module.field(key).is_none() {
            errors.push(FieldError {
                field: key.to_string(),
                problem: Problem::UnknownField,
            });
        }
    }
    for field in &module.fields {
        let problem = match values.get(&field.key) {
            None => field.required.then_some(Problem::Required),
            Some(v) if v.is_empty() => field.required.then_some(Problem::Required),
            Some(v) => check_value(module, field, v, record_id, lookups)
                .or_else(|| check_within(field, v, values, lookups)),
        };
        if let Some(problem) = problem {
            errors.push(FieldError {
                field: field.key.clone(),
                problem,
            });
        }
    }
    errors
}

fn check_value(
    module: &ModuleDef,
    field: &FieldDef,
    value: &Value,
    record_id: &str,
    lookups: &dyn Lookups,
) -> Option<Problem> {
    if let Some(p) = check_shape(&field.kind, value).or_else(|| check_bounds(field, value)) {
        return Some(p);
    }
    match (&field.kind, value) {
        (FieldKind::Lookup { module: target, .. }, Value::Ref(id))
            if !lookups.record_exists(target, id) =>
        {
            return Some(Problem::MissingRecord(id.clone()));
        }
        (FieldKind::User, Value::Ref(id)) if !lookups.user_exists(id) => {
            return Some(Problem::UnknownUser(id.clone()));
        }
        (FieldKind::Users, Value::List(ids)) => {
            if let Some(id) = ids.iter().find(|id| !lookups.user_exists(id)) {
                return Some(Problem::UnknownUser(id.clone()));
            }
        }
        _ => {}
    }
    if field.unique {
        let shown = match value {
            Value::List(items) => items.clone(),
            other => vec![other.to_plain()],
        };
        for (key, shown) in unique_keys(&field.kind, value).iter().zip(shown) {
            if lookups.unique_taken(&module.key, &field.key, key, record_id) {
                return Some(Problem::NotUnique(shown));
            }
        }
    }
    None
}

/// A lookup with `within` must point at a record that carries the same link as this
/// record: a deal's stage must be one of the deal's pipeline.
fn check_within(
    field: &FieldDef,
    value: &Value,
    values: &FieldValues,
    lookups: &dyn Lookups,
) -> Option<Problem> {
    let (
        FieldKind::Lookup {
            module,
            within: Some(other),
        },
        Value::Ref(id),
    ) = (&field.kind, value)
    else {
        return None;
    };
    let theirs = lookups.value_of(module, id, other);
    (theirs.as_ref() != values.get(other)).then(|| Problem::NotWithin(id.clone()))
}

/// Whether a stored value has the type and form its field needs. Form input is
/// already parsed into shape; this guards data that arrives from files.
fn check_shape(kind: &FieldKind, value: &Value) -> Option<Problem> {
    let each =
        |items: &[String], f: &dyn Fn(&str) -> Option<Problem>| items.iter().find_map(|s| f(s));
    let email = |s: &str| parse_email(s).err();
    let phone = |s: &str| parse_phone(s).err();
    match (kind, value) {
        (FieldKind::SingleLine | FieldKind::MultiLine, Value::Text(_)) => None,
        (FieldKind::Email { multiple: false }, Value::Text(s)) => email(s),
        (FieldKind::Email { multiple: true }, Value::List(items)) => each(items, &email),
        (FieldKind::Phone { multiple: false }, Value::Text(s)) => phone(s),
        (FieldKind::Phone { multiple: true }, Value::List(items)) => each(items, &phone),
        (FieldKind::Url, Value::Text(s)) => parse_url(s).err(),
        (FieldKind::Number | FieldKind::Percent, Value::Number(n)) => {
            (!n.is_finite()).then(|| Problem::InvalidNumber(n.to_string()))
        }
        (FieldKind::Currency, Value::Money(m)) => {
            let code_ok =
                m.currency.len() == 3 && m.currency.chars().all(|c| c.is_ascii_uppercase());
            (!code_ok).then(|| Problem::InvalidMoney(m.currency.clone()))
        }
        (FieldKind::Date, Value::Date(_)) => None,
        (FieldKind::DateTime, Value::DateTime(_)) => None,
        (FieldKind::Checkbox, Value::Bool(_)) => None,
        (FieldKind::Picklist { options }, Value::Text(s)) => {
            (!options.iter().any(|o| &o.value == s)).then(|| Problem::UnknownOption(s.clone()))
        }
        (FieldKind::MultiSelect { options, open }, Value::List(items)) => {
            if *open {
                None
            } else {
                items
                    .iter()
                    .find(|s| !options.iter().any(|o| &o.value == *s))
                    .map(|s| Problem::UnknownOption(s.clone()))
            }
        }
        (FieldKind::User | FieldKind::Lookup { .. }, Value::Ref(_)) => None,
        (FieldKind::Users, Value::List(_)) => None,
        (FieldKind::Trail { .. }, Value::Text(s)) => crate::domain::records::stage_trail::parse(s)
            .is_none()
            .then_some(Problem::WrongType),
        (FieldKind::Color, Value::Text(s)) => {
            (!is_color(s)).then(|| Problem::InvalidColor(s.clone()))
        }
        (FieldKind::AutoNumber { .. }, Value::Text(_)) => None,
        (FieldKind::Formula { result, .. }, v) => (!result.holds(v)).then_some(Problem::WrongType),
        (FieldKind::Rollup { .. }, Value::Number(n)) => {
            (!n.is_finite()).then(|| Problem::InvalidNumber(n.to_string()))
        }
        (FieldKind::Rollup { .. }, Value::Money(_)) => None,
        _ => Some(Problem::WrongType),
    }
}

/// Whether a value stays within the limits every later computation relies on: text
/// length, the size of numbers and amounts (sums must not overflow), the years of
/// dates (date steps must stay in range). Data from files is checked like a form's.
fn check_bounds(field: &FieldDef, value: &Value) -> Option<Problem> {
    let max_len = field.text_limit();
    let too_long = |s: &String| s.chars().count() > max_len;
    match value {
        Value::Text(s) | Value::Ref(s) if too_long(s) => Some(Problem::TooLong { max: max_len }),
        Value::List(items) if items.iter().any(too_long) => Some(Problem::TooLong { max: max_len }),
        Value::Number(n) => {
            let max = field.max_value.unwrap_or(MAX_NUMBER).min(MAX_NUMBER);
            if *n > max {
                Some(Problem::TooLarge(written(max)))
            } else if *n < -MAX_NUMBER {
                Some(Problem::TooSmall(written(-MAX_NUMBER)))
            } else {
                None
            }
        }
        Value::Money(m) if m.amount.abs() > Decimal::from(MAX_AMOUNT) => {
            Some(Problem::AmountTooLarge(written(MAX_AMOUNT as f64)))
        }
        Value::Date(d) if !YEARS.contains(&d.year()) => Some(years_problem()),
        Value::DateTime(t) if !YEARS.contains(&t.year()) => Some(years_problem()),
        _ => None,
    }
}

fn years_problem() -> Problem {
    Problem::DateOutOfRange(format!("{}–{}", YEARS.start(), YEARS.end()))
}

/// A whole limit with its thousands grouped, so "10^15" reads at a glance.
fn written(n: f64) -> String {
    let digits = format!("{}", n.abs() as i64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0.0 {
        format!("−{out}")
    } else {
        out
    }
}

/// `#rrggbb`, as a colour input gives it.
pub fn is_color(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::{standard_schema, COMPANIES, CONTACTS};

    struct Fixture {
        taken_email: &'static str,
    }
    impl Lookups for Fixture {
        fn record_exists(&self, module: &str, id: &str) -> bool {
            module == COMPANIES && id == "c1"
        }
        fn user_exists(&self, id: &str) -> bool {
            id == "u1"
        }
        fn unique_taken(&self, _m: &str, field: &str, key: &str, except: &str) -> bool {
            field == "emails" && key == self.taken_email && except != "owner-of-it"
        }
        fn value_of(&self, _m: &str, _id: &str, _f: &str) -> Option<Value> {
            None
        }
    }

    fn contact(pairs: Vec<(&str, Value)>) -> FieldValues {
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    fn check(values: &FieldValues, id: &str) -> Vec<(String, Problem)> {
        let schema = standard_schema();
        let fx = Fixture {
            taken_email: "anna@example.com",
        };
        validate_values(schema.module(CONTACTS).unwrap(), values, id, &fx)
            .into_iter()
            .map(|e| (e.field, e.problem))
            .collect()
    }

    #[test]
    fn required_fields_are_named() {
        let errs = check(
            &contact(vec![("first_name", Value::Text("Anna".into()))]),
            "x",
        );
        assert_eq!(errs, vec![("last_name".into(), Problem::Required)]);
    }

    #[test]
    fn a_valid_contact_passes() {
        let v = contact(vec![
            ("last_name", Value::Text("Berg".into())),
            ("company", Value::Ref("c1".into())),
            ("emails", Value::List(vec!["anna.b@example.com".into()])),
        ]);
        assert!(check(&v, "x").is_empty());
    }

    #[test]
    fn uniqueness_is_case_insensitive_and_ignores_the_record_itself() {
        let v = contact(vec![
            ("last_name", Value::Text("Berg".into())),
            ("emails", Value::List(vec!["ANNA@example.com".into()])),
        ]);
        assert_eq!(
            check(&v, "x"),
            vec![(
                "emails".into(),
                Problem::NotUnique("ANNA@example.com".into())
            )]
        );
        assert!(check(&v, "owner-of-it").is_empty());
    }

    #[test]
    fn lookups_must_point_at_existing_records() {
        let v = contact(vec![
            ("last_name", Value::Text("Berg".into())),
            ("company", Value::Ref("gone".into())),
        ]);
        assert_eq!(
            check(&v, "x"),
            vec![("company".into(), Problem::MissingRecord("gone".into()))]
        );
    }

    #[test]
    fn wrong_types_unknown_fields_and_long_text_are_refused() {
        let v = contact(vec![
            ("last_name", Value::Number(3.0)),
            ("shoe_size", Value::Number(42.0)),
            ("first_name", Value::Text("x".repeat(101))),
            ("emails", Value::List(vec!["nope".into()])),
        ]);
        let errs = check(&v, "x");
        assert!(errs.contains(&("shoe_size".into(), Problem::UnknownField)));
        assert!(errs.contains(&("last_name".into(), Problem::WrongType)));
        assert!(errs.contains(&("first_name".into(), Problem::TooLong { max: 100 })));
        assert!(errs.contains(&("emails".into(), Problem::InvalidEmail("nope".into()))));
    }

    #[test]
    fn phone_keys_compare_digits_only() {
        let kind = FieldKind::Phone { multiple: false };
        assert_eq!(
            unique_keys(&kind, &Value::Text("+98 912-123".into())),
            unique_keys(&kind, &Value::Text("98912123".into()))
        );
    }

    fn problems_in(module: &str, pairs: Vec<(&str, Value)>) -> Vec<(String, Problem)> {
        let schema = standard_schema();
        let fx = Fixture {
            taken_email: "none",
        };
        validate_values(schema.module(module).unwrap(), &contact(pairs), "x", &fx)
            .into_iter()
            .map(|e| (e.field, e.problem))
            .collect()
    }

    fn money(amount: &str) -> Value {
        Value::Money(Box::new(crate::domain::records::value::Money {
            amount: amount.parse().unwrap(),
            currency: "USD".into(),
        }))
    }

    #[test]
    fn an_amount_beyond_ten_to_the_fifteenth_is_refused_either_way() {
        use crate::domain::modules::sales_modules::DEALS;
        let limit = Problem::AmountTooLarge("1,000,000,000,000,000".into());
        for huge in ["79228162514264337593543950335", "-1000000000000000.01"] {
            let errs = problems_in(DEALS, vec![("amount", money(huge))]);
            assert!(
                errs.contains(&("amount".into(), limit.clone())),
                "{huge}: {errs:?}"
            );
        }
        let errs = problems_in(DEALS, vec![("amount", money("1000000000000000"))]);
        assert!(!errs.iter().any(|(f, _)| f == "amount"), "{errs:?}");
        assert_eq!(limit.key(), "problem.amount_too_large");
        assert_eq!(limit.detail(), "1,000,000,000,000,000");
    }

    #[test]
    fn numbers_beyond_their_limit_are_refused() {
        use crate::domain::modules::activity_module::ACTIVITIES;
        use crate::domain::modules::sales_modules::RATES;
        let errs = problems_in(RATES, vec![("rate", Value::Number(1e20))]);
        assert!(errs.contains(&(
            "rate".into(),
            Problem::TooLarge("1,000,000,000,000,000".into())
        )));
        let errs = problems_in(RATES, vec![("rate", Value::Number(-1e20))]);
        assert!(errs.contains(&(
            "rate".into(),
            Problem::TooSmall("−1,000,000,000,000,000".into())
        )));
        let errs = problems_in(
            ACTIVITIES,
            vec![
                ("occurrence", Value::Number(200_000_000.0)),
                ("repeat_count", Value::Number(10_001.0)),
                ("repeat_interval", Value::Number(1001.0)),
            ],
        );
        assert!(errs.contains(&("occurrence".into(), Problem::TooLarge("1,000,000".into()))));
        assert!(errs.contains(&("repeat_count".into(), Problem::TooLarge("10,000".into()))));
        assert!(errs.contains(&("repeat_interval".into(), Problem::TooLarge("1,000".into()))));
    }

    #[test]
    fn dates_outside_the_years_one_thousand_to_9999_are_refused() {
        use crate::domain::modules::sales_modules::DEALS;
        let last = chrono::NaiveDate::MAX;
        let errs = problems_in(DEALS, vec![("expected_close", Value::Date(last))]);
        let range = Problem::DateOutOfRange("1000–9999".into());
        assert!(errs.contains(&("expected_close".into(), range.clone())));
        let far = last.and_hms_opt(0, 0, 0).unwrap().and_utc();
        let errs = problems_in(DEALS, vec![("closed_at", Value::DateTime(far))]);
        assert!(errs.contains(&("closed_at".into(), range)));
        let fine = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
        let errs = problems_in(DEALS, vec![("expected_close", Value::Date(fine))]);
        assert!(!errs.iter().any(|(f, _)| f == "expected_close"));
    }

    #[test]
    fn every_text_has_a_maximum_length_even_without_its_own() {
        use crate::domain::modules::sales_modules::DEALS;
        let errs = problems_in(
            DEALS,
            vec![("description", Value::Text("x".repeat(100_001)))],
        );
        assert!(errs.contains(&("description".into(), Problem::TooLong { max: 100_000 })));
        let errs = problems_in(
            DEALS,
            vec![("description", Value::Text("x".repeat(100_000)))],
        );
        assert!(!errs.iter().any(|(f, _)| f == "description"));
        // Each item of a list (an open tag list) has the single-line limit.
        let errs = problems_in(
            CONTACTS,
            vec![("tags", Value::List(vec!["ok".into(), "t".repeat(1001)]))],
        );
        assert!(errs.contains(&("tags".into(), Problem::TooLong { max: 1_000 })));
        assert_eq!(FieldKind::SingleLine.text_limit(), 1_000);
        assert_eq!(FieldKind::MultiLine.text_limit(), 100_000);
    }
}
