//! Turning what a user typed into a typed value, field type by field type.
//! Accepts Persian, Arabic-Indic and Thai digits and local separators.

use std::str::FromStr;

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use rust_decimal::Decimal;

use crate::domain::records::field::FieldKind;
use crate::domain::records::normalize::{ascii_digit, phone_digits};
use crate::domain::records::validate::Problem;
use crate::domain::records::value::{Money, Value};

/// What a form control hands over.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldInput {
    Text(String),
    Bool(bool),
    List(Vec<String>),
}

/// Facts about the user's settings that parsing depends on.
#[derive(Clone, Debug)]
pub struct ParseContext {
    /// Currency assumed when an amount is typed without one.
    pub default_currency: String,
    /// The browser's offset from UTC in minutes (east positive), for date-time inputs.
    pub utc_offset_minutes: i32,
}

impl Default for ParseContext {
    fn default() -> Self {
        ParseContext {
            default_currency: "USD".into(),
            utc_offset_minutes: 0,
        }
    }
}

/// Parses one field's input. `Ok(None)` means the field was left empty.
pub fn parse_input(
    kind: &FieldKind,
    input: &FieldInput,
    ctx: &ParseContext,
) -> Result<Option<Value>, Problem> {
    let text = match input {
        FieldInput::Bool(b) => {
            return match kind {
                FieldKind::Checkbox => Ok(Some(Value::Bool(*b))),
                _ => Err(Problem::WrongType),
            }
        }
        FieldInput::List(items) => return parse_list(kind, items.clone()),
        FieldInput::Text(t) => t.trim(),
    };
    if text.is_empty() {
        return Ok(None);
    }
    let value = match kind {
        FieldKind::SingleLine => Value::Text(text.replace(['\n', '\r'], " ")),
        FieldKind::Trail { .. } => Value::Text(text.to_string()),
        FieldKind::MultiLine => Value::Text(text.to_string()),
        FieldKind::Email { multiple: true }
        | FieldKind::Phone { multiple: true }
        | FieldKind::MultiSelect { .. }
        | FieldKind::Users => return parse_list(kind, split_list(text)),
        FieldKind::Email { .. } => Value::Text(parse_email(text)?),
        FieldKind::Phone { .. } => Value::Text(parse_phone(text)?),
        FieldKind::Url => Value::Text(parse_url(text)?),
        FieldKind::Color => {
            let c = text.to_ascii_lowercase();
            if !crate::domain::records::validate::is_color(&c) {
                return Err(Problem::InvalidColor(text.to_string()));
            }
            Value::Text(c)
        }
        FieldKind::Number => Value::Number(parse_number(text)?),
        FieldKind::Percent => Value::Number(parse_number(text.trim_end_matches(['%', '٪']))?),
        FieldKind::Currency => Value::Money(Box::new(parse_money(text, &ctx.default_currency)?)),
        FieldKind::Date => Value::Date(parse_date(text)?),
        FieldKind::DateTime => {
            let local = NaiveDateTime::parse_from_str(&ascii(text), "%Y-%m-%dT%H:%M")
                .or_else(|_| NaiveDateTime::parse_from_str(&ascii(text), "%Y-%m-%dT%H:%M:%S"))
                .map_err(|_| Problem::InvalidDateTime)?;
            let utc = local - Duration::minutes(ctx.utc_offset_minutes as i64);
            Value::DateTime(Utc.from_utc_datetime(&utc))
        }
        FieldKind::Checkbox => Value::Bool(matches!(
            text.to_lowercase().as_str(),
            "true" | "yes" | "1" | "on" | "x"
        )),
        FieldKind::Picklist { options } => {
            if !options.iter().any(|o| o.value == text) {
                return Err(Problem::UnknownOption(text.to_string()));
            }
            Value::Text(text.to_string())
        }
        FieldKind::User | FieldKind::Lookup { .. } => Value::Ref(text.to_string()),
    };
    Ok(Some(value))
}

/// What a form control shows for a stored value: the inverse of `parse_input`.
pub fn to_input(kind: &FieldKind, value: Option<&Value>, ctx: &ParseContext) -> FieldInput {
    match (kind, value) {
        (FieldKind::Checkbox, v) => FieldInput::Bool(matches!(v, Some(Value::Bool(true)))),
        (FieldKind::MultiSelect { open: false, .. }, Some(Value::List(items))) => {
            FieldInput::List(items.clone())
        }
        (FieldKind::MultiSelect { open: false, .. }, _) => FieldInput::List(Vec::new()),
        (FieldKind::Users, Some(Value::List(items))) => FieldInput::List(items.clone()),
        (FieldKind::Users, _) => FieldInput::List(Vec::new()),
        (FieldKind::DateTime, Some(Value::DateTime(t))) => {
            let local = t.naive_utc() + Duration::minutes(ctx.utc_offset_minutes as i64);
            FieldInput::Text(local.format("%Y-%m-%dT%H:%M").to_string())
        }
        (_, Some(v)) => FieldInput::Text(v.to_plain()),
        (_, None) => FieldInput::Text(String::new()),
    }
}

/// Splits a typed list on commas, semicolons and line breaks (including the Arabic comma).
pub fn split_list(text: &str) -> Vec<String> {
    text.split([',', ';', '\n', '،'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn parse_list(kind: &FieldKind, items: Vec<String>) -> Result<Option<Value>, Problem> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let item = match kind {
            FieldKind::Email { .. } => parse_email(item)?,
            FieldKind::Phone { .. } => parse_phone(item)?,
            FieldKind::Users => item.to_string(),
            FieldKind::MultiSelect { options, open } => {
                if !open && !options.iter().any(|o| o.value == item) {
                    return Err(Problem::UnknownOption(item.to_string()));
                }
                item.to_string()
            }
            _ => return Err(Problem::WrongType),
        };
        if !out.contains(&item) {
            out.push(item);
        }
    }
    Ok(if out.is_empty() {
        None
    } else {
        Some(Value::List(out))
    })
}

fn ascii(text: &str) -> String {
    text.chars().map(|c| ascii_digit(c).unwrap_or(c)).collect()
}

pub fn parse_email(text: &str) -> Result<String, Problem> {
    let bad = || Problem::InvalidEmail(text.to_string());
    let (local, domain) = text.rsplit_once('@').ok_or_else(bad)?;
    let ok = !local.is_empty()
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c == ',' || c == ';');
    if !ok {
        return Err(bad());
    }
    // Domains are case-insensitive; the local part is kept as typed.
    Ok(format!("{local}@{}", domain.to_lowercase()))
}

pub fn parse_phone(text: &str) -> Result<String, Problem> {
    let allowed = |c: char| {
        ascii_digit(c).is_some() || " +-().//\u{00A0}".contains(c) || c.is_ascii_alphabetic()
    };
    let digits = phone_digits(text).len();
    if !(3..=20).contains(&digits) || !text.chars().all(allowed) {
        return Err(Problem::InvalidPhone(text.to_string()));
    }
    Ok(text.to_string())
}

pub fn parse_url(text: &str) -> Result<String, Problem> {
    let bad = || Problem::InvalidUrl(text.to_string());
    if text.chars().any(char::is_whitespace) {
        return Err(bad());
    }
    let with_scheme = if text.contains("://") {
        text.to_string()
    } else {
        format!("https://{text}")
    };
    let (scheme, rest) = with_scheme.split_once("://").ok_or_else(bad)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    let scheme_ok = matches!(scheme.to_lowercase().as_str(), "http" | "https");
    if !scheme_ok || host.is_empty() || (!host.contains('.') && host != "localhost") {
        return Err(bad());
    }
    Ok(with_scheme)
}

/// Reads a number written with any digits, `.`/`٫` as the decimal mark and
/// `,`/`٬`/spaces as group separators.
pub fn parse_number(text: &str) -> Result<f64, Problem> {
    let cleaned = clean_number(text);
    cleaned
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or_else(|| Problem::InvalidNumber(text.to_string()))
}

fn clean_number(text: &str) -> String {
    text.trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '٬' | ' ' | '\u{00A0}' | '\u{202F}' | '\''))
        .map(|c| match c {
            '٫' => '.',
            '\u{2212}' => '-',
            c => ascii_digit(c).unwrap_or(c),
        })
        .collect()
}

/// Reads "1,250.00 EUR", "EUR 1250" or "1250" (in the default currency).
pub fn parse_money(text: &str, default_currency: &str) -> Result<Money, Problem> {
    let bad = || Problem::InvalidMoney(text.to_string());
    let mut currency = None;
    let mut amount = String::new();
    for part in text.split_whitespace() {
        if part.len() == 3 && part.chars().all(|c| c.is_ascii_alphabetic()) {
            if currency.is_some() {
                return Err(bad());
            }
            currency = Some(part.to_ascii_uppercase());
        } else {
            amount.push_str(part);
        }
    }
    let amount = Decimal::from_str(&clean_number(&amount)).map_err(|_| bad())?;
    Ok(Money {
        amount,
        currency: currency.unwrap_or_else(|| default_currency.to_string()),
    })
}

pub fn parse_date(text: &str) -> Result<NaiveDate, Problem> {
    NaiveDate::parse_from_str(&ascii(text), "%Y-%m-%d").map_err(|_| Problem::InvalidDate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::field::Label;
    use crate::domain::records::field::PicklistOption;

    fn parse(kind: FieldKind, s: &str) -> Result<Option<Value>, Problem> {
        parse_input(&kind, &FieldInput::Text(s.into()), &ParseContext::default())
    }

    #[test]
    fn empty_input_is_no_value() {
        assert_eq!(parse(FieldKind::Number, "   "), Ok(None));
    }

    #[test]
    fn emails_are_checked_and_domains_lowered() {
        assert_eq!(
            parse(FieldKind::Email { multiple: false }, " Anna@Example.COM "),
            Ok(Some(Value::Text("Anna@example.com".into())))
        );
        for bad in ["anna", "anna@", "@x.com", "a b@x.com", "a@x", "a@.com"] {
            assert!(
                matches!(
                    parse(FieldKind::Email { multiple: false }, bad),
                    Err(Problem::InvalidEmail(_))
                ),
                "{bad}"
            );
        }
        assert_eq!(
            parse(
                FieldKind::Email { multiple: true },
                "a@x.com, b@y.org; a@x.com"
            ),
            Ok(Some(Value::List(vec!["a@x.com".into(), "b@y.org".into()])))
        );
    }

    #[test]
    fn numbers_accept_persian_digits_and_separators() {
        assert_eq!(
            parse(FieldKind::Number, "۱۲٬۳۴۵٫۵"),
            Ok(Some(Value::Number(12345.5)))
        );
        assert_eq!(
            parse(FieldKind::Number, "1,250"),
            Ok(Some(Value::Number(1250.0)))
        );
        assert_eq!(
            parse(FieldKind::Percent, "12.5%"),
            Ok(Some(Value::Number(12.5)))
        );
        assert!(matches!(
            parse(FieldKind::Number, "12a"),
            Err(Problem::InvalidNumber(_))
        ));
    }

    #[test]
    fn money_keeps_exact_amount_and_currency() {
        let m = parse_money("1,250.10 eur", "USD").unwrap();
        assert_eq!(m.amount.to_string(), "1250.10");
        assert_eq!(m.currency, "EUR");
        assert_eq!(parse_money("99", "IRR").unwrap().currency, "IRR");
        assert!(parse_money("EUR USD 3", "USD").is_err());
        assert!(parse_money("lots", "USD").is_err());
    }

    #[test]
    fn urls_get_a_scheme_and_need_a_host() {
        assert_eq!(parse_url("example.com/x").unwrap(), "https://example.com/x");
        assert!(parse_url("not a url").is_err());
        assert!(parse_url("ftp://example.com").is_err());
        assert!(parse_url("https://").is_err());
    }

    #[test]
    fn phones_allow_common_punctuation() {
        assert!(parse_phone("+98 (21) 8888-1234").is_ok());
        assert!(parse_phone("۰۹۱۲ ۱۲۳ ۴۵۶۷").is_ok());
        assert!(parse_phone("12").is_err());
        assert!(parse_phone("call me!").is_err());
    }

    #[test]
    fn dates_and_date_times() {
        assert_eq!(
            parse(FieldKind::Date, "2024-02-29"),
            Ok(Some(Value::Date(
                NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
            )))
        );
        assert_eq!(
            parse(FieldKind::Date, "2023-02-29"),
            Err(Problem::InvalidDate)
        );
        let ctx = ParseContext {
            utc_offset_minutes: 210, // Tehran
            ..Default::default()
        };
        let v = parse_input(
            &FieldKind::DateTime,
            &FieldInput::Text("2026-03-01T12:30".into()),
            &ctx,
        )
        .unwrap()
        .unwrap();
        assert_eq!(v.to_plain(), "2026-03-01T09:00");
    }

    #[test]
    fn picklists_accept_only_their_options() {
        let kind = FieldKind::Picklist {
            options: vec![PicklistOption {
                value: "retail".into(),
                label: Label::key("x"),
            }],
        };
        assert_eq!(
            parse(kind.clone(), "retail"),
            Ok(Some(Value::Text("retail".into())))
        );
        assert_eq!(
            parse(kind, "mining"),
            Err(Problem::UnknownOption("mining".into()))
        );
        let tags = FieldKind::MultiSelect {
            options: vec![],
            open: true,
        };
        assert_eq!(
            parse_input(
                &tags,
                &FieldInput::List(vec!["vip".into(), " ".into(), "vip".into()]),
                &ParseContext::default()
            ),
            Ok(Some(Value::List(vec!["vip".into()])))
        );
    }

    #[test]
    fn every_kind_round_trips_through_its_form_control() {
        let ctx = ParseContext {
            default_currency: "EUR".into(),
            utc_offset_minutes: -300,
        };
        let cases = [
            (FieldKind::SingleLine, "Acme"),
            (FieldKind::Email { multiple: true }, "a@x.com, b@y.com"),
            (FieldKind::Phone { multiple: false }, "+1 555 0100"),
            (FieldKind::Url, "https://example.com"),
            (FieldKind::Number, "12.5"),
            (FieldKind::Currency, "1250.10 EUR"),
            (FieldKind::Date, "2024-02-29"),
            (FieldKind::DateTime, "2026-01-31T23:30"),
        ];
        for (kind, text) in cases {
            let value = parse_input(&kind, &FieldInput::Text(text.into()), &ctx)
                .unwrap()
                .unwrap();
            assert_eq!(
                to_input(&kind, Some(&value), &ctx),
                FieldInput::Text(text.into()),
                "{kind:?}"
            );
        }
        assert_eq!(
            to_input(&FieldKind::Checkbox, None, &ctx),
            FieldInput::Bool(false)
        );
    }

    #[test]
    fn checkboxes_take_booleans() {
        assert_eq!(
            parse_input(
                &FieldKind::Checkbox,
                &FieldInput::Bool(true),
                &ParseContext::default()
            ),
            Ok(Some(Value::Bool(true)))
        );
        assert_eq!(
            parse_input(
                &FieldKind::Number,
                &FieldInput::Bool(true),
                &ParseContext::default()
            ),
            Err(Problem::WrongType)
        );
    }
}
