//! Turning what a user typed into a typed value, field type by field type.
//! Accepts Persian, Arabic-Indic and Thai digits and local separators.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::records::calendar_system::CalendarSystem;
use crate::domain::records::field::FieldKind;
use crate::domain::records::normalize::{ascii_digit, phone_digits};
use crate::domain::records::time_zone::Zone;
use crate::domain::records::validate::Problem;
use crate::domain::records::value::{Money, Value};
use crate::domain::records::written_formats::{
    read_bool, read_date, read_date_in, read_date_time_in, read_number, strip_currency, DateOrder,
    DecimalMark,
};

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
    /// The user's time zone, for date-time inputs: a time is read with the offset of
    /// its own day.
    pub zone: Zone,
    /// How dates not written year first are read (a file's, or the user's own).
    pub date_order: DateOrder,
    /// The decimal mark numbers and amounts are written with.
    pub decimal_mark: DecimalMark,
    /// The calendar date fields are written in.
    pub calendar: CalendarSystem,
    /// The calendar date-times are written in: a form's date-time control is always
    /// Gregorian (the browser's); a file's follow the file.
    pub date_time_calendar: CalendarSystem,
}

impl Default for ParseContext {
    fn default() -> Self {
        ParseContext {
            default_currency: "USD".into(),
            zone: Zone::default(),
            date_order: DateOrder::YearFirst,
            decimal_mark: DecimalMark::Point,
            calendar: CalendarSystem::Gregorian,
            date_time_calendar: CalendarSystem::Gregorian,
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
        FieldKind::Number => Value::Number(parse_number_with(text, ctx.decimal_mark)?),
        FieldKind::Percent => Value::Number(parse_number_with(
            text.trim_end_matches(['%', '٪']),
            ctx.decimal_mark,
        )?),
        FieldKind::Currency => Value::Money(Box::new(parse_money_with(
            text,
            &ctx.default_currency,
            ctx.decimal_mark,
        )?)),
        FieldKind::Date => match read_date_in(text, ctx.date_order, ctx.calendar) {
            Ok(Some(d)) => Value::Date(d),
            Ok(None) => return Ok(None),
            Err(_) => return Err(Problem::InvalidDate(text.to_string())),
        },
        FieldKind::DateTime => {
            match read_date_time_in(text, ctx.date_order, ctx.date_time_calendar) {
                Ok(Some(local)) => Value::DateTime(ctx.zone.to_utc(local)),
                Ok(None) => return Ok(None),
                Err(_) => return Err(Problem::InvalidDateTime),
            }
        }
        // Yes or no in any of the five languages; anything else is named, not read
        // as "no".
        FieldKind::Checkbox => {
            Value::Bool(read_bool(text).ok_or_else(|| Problem::InvalidBoolean(text.to_string()))?)
        }
        FieldKind::Picklist { options } => {
            if !options.iter().any(|o| o.value == text) {
                return Err(Problem::UnknownOption(text.to_string()));
            }
            Value::Text(text.to_string())
        }
        FieldKind::User | FieldKind::Lookup { .. } => Value::Ref(text.to_string()),
        // Kept by the rules, never typed.
        FieldKind::AutoNumber { .. } | FieldKind::Formula { .. } | FieldKind::Rollup { .. } => {
            return Err(Problem::WrongType)
        }
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
        (FieldKind::Date, Some(Value::Date(d))) if ctx.calendar != CalendarSystem::Gregorian => {
            FieldInput::Text(ctx.calendar.format_iso_like(*d).unwrap_or_default())
        }
        (FieldKind::DateTime, Some(Value::DateTime(t))) => {
            let local = ctx.zone.to_local(*t);
            FieldInput::Text(local.format("%Y-%m-%dT%H:%M").to_string())
        }
        // Shown with the decimal mark it is read back with, so saving the form
        // unchanged keeps the number (1234.567 is not 1234567 with a decimal comma).
        (_, Some(v @ (Value::Number(_) | Value::Money(_))))
            if ctx.decimal_mark == DecimalMark::Comma =>
        {
            FieldInput::Text(v.to_plain().replace('.', ","))
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

/// Reads a number written with any digits and a decimal point (a lone comma that
/// cannot be grouping, "12,5", is a decimal mark too).
pub fn parse_number(text: &str) -> Result<f64, Problem> {
    parse_number_with(text, DecimalMark::Point)
}

/// Reads a number written with `mark` as the decimal mark; grouping that does not
/// fit ("1,2,3") is refused rather than read some way.
pub fn parse_number_with(text: &str, mark: DecimalMark) -> Result<f64, Problem> {
    read_number(text, mark)
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|n| n.is_finite())
        .ok_or_else(|| Problem::InvalidNumber(text.to_string()))
}

/// Reads "1,250.00 EUR", "EUR 1250" or "1250" (in the default currency).
pub fn parse_money(text: &str, default_currency: &str) -> Result<Money, Problem> {
    parse_money_with(text, default_currency, DecimalMark::Point)
}

/// Reads an amount with a currency code ("EUR 1.250,00"), a sign ("$1,250", "1 250 ₽",
/// "1.250 TL") or neither (the default currency), its number written with `mark`.
pub fn parse_money_with(
    text: &str,
    default_currency: &str,
    mark: DecimalMark,
) -> Result<Money, Problem> {
    let bad = || Problem::InvalidMoney(text.to_string());
    let mut currency = None;
    let mut amount = String::new();
    let (text_amount, signed) = match strip_currency(text, default_currency) {
        Some((rest, code)) => (rest, Some(code)),
        None => (text.to_string(), None),
    };
    for part in text_amount.split_whitespace() {
        if part.len() == 3 && part.chars().all(|c| c.is_ascii_alphabetic()) {
            if currency.is_some() || signed.is_some() {
                return Err(bad());
            }
            currency = Some(part.to_ascii_uppercase());
        } else {
            amount.push_str(part);
            amount.push(' ');
        }
    }
    let number = read_number(&amount, mark).ok_or_else(bad)?;
    let amount = Decimal::from_str(&number)
        .or_else(|_| Decimal::from_scientific(&number))
        .map_err(|_| bad())?;
    Ok(Money {
        amount,
        currency: signed
            .or(currency)
            .unwrap_or_else(|| default_currency.to_string()),
    })
}

/// Reads a year-first date ("2026-12-31"), as date inputs give it.
pub fn parse_date(text: &str) -> Result<NaiveDate, Problem> {
    match read_date(text, DateOrder::YearFirst) {
        Ok(Some(d)) => Ok(d),
        _ => Err(Problem::InvalidDate(text.to_string())),
    }
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
            Err(Problem::InvalidDate("2023-02-29".into()))
        );
        let ctx = ParseContext {
            zone: Zone::fixed(210), // Tehran
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
            zone: Zone::fixed(-300),
            ..Default::default()
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
        // With a decimal comma the form shows "1234,567" and reads it back as typed.
        let comma = ParseContext {
            decimal_mark: DecimalMark::Comma,
            ..ctx
        };
        for (kind, value) in [
            (FieldKind::Number, Value::Number(1234.567)),
            (
                FieldKind::Currency,
                Value::Money(Box::new(Money {
                    amount: Decimal::from_str("1234.567").unwrap(),
                    currency: "TRY".into(),
                })),
            ),
        ] {
            let shown = to_input(&kind, Some(&value), &comma);
            assert_eq!(
                parse_input(&kind, &shown, &comma),
                Ok(Some(value)),
                "{shown:?}"
            );
        }
    }

    #[test]
    fn a_date_field_in_the_solar_hijri_calendar_shows_and_reads_its_own_date() {
        let ctx = ParseContext {
            calendar: CalendarSystem::SolarHijri,
            ..Default::default()
        };
        let nowruz = Value::Date(NaiveDate::from_ymd_opt(2026, 3, 21).unwrap());
        let shown = to_input(&FieldKind::Date, Some(&nowruz), &ctx);
        assert_eq!(shown, FieldInput::Text("1405/01/01".into()));
        assert_eq!(
            parse_input(&FieldKind::Date, &shown, &ctx),
            Ok(Some(nowruz))
        );
        assert_eq!(
            parse_input(
                &FieldKind::Date,
                &FieldInput::Text("1405/12/30".into()),
                &ctx
            ),
            Err(Problem::InvalidDate("1405/12/30".into())),
            "1405 is a common year"
        );
    }

    #[test]
    fn values_from_files_in_their_own_formats() {
        let ctx = ParseContext {
            default_currency: "USD".into(),
            date_order: DateOrder::DayFirst,
            decimal_mark: DecimalMark::Comma,
            ..Default::default()
        };
        let p = |kind: FieldKind, s: &str| parse_input(&kind, &FieldInput::Text(s.into()), &ctx);
        assert_eq!(
            p(FieldKind::Date, "31.12.2026"),
            Ok(Some(Value::Date(
                NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
            )))
        );
        assert_eq!(
            p(FieldKind::Date, "12/31/2026"),
            Err(Problem::InvalidDate("12/31/2026".into()))
        );
        assert_eq!(p(FieldKind::Date, "0/0/00"), Ok(None));
        assert_eq!(
            p(FieldKind::Number, "1.234,56"),
            Ok(Some(Value::Number(1234.56)))
        );
        assert!(matches!(
            p(FieldKind::Number, "1,234.56"),
            Err(Problem::InvalidNumber(_))
        ));
        let Ok(Some(Value::Money(m))) = p(FieldKind::Currency, "₺1.250,50") else {
            panic!("an amount with a sign");
        };
        assert_eq!(
            (m.amount.to_string().as_str(), m.currency.as_str()),
            ("1250.50", "TRY")
        );
        assert!(p(FieldKind::Currency, "€ 5 USD").is_err(), "two currencies");
        assert_eq!(p(FieldKind::Checkbox, "Да"), Ok(Some(Value::Bool(true))));
        assert_eq!(
            p(FieldKind::Checkbox, "hayır"),
            Ok(Some(Value::Bool(false)))
        );
        assert_eq!(
            p(FieldKind::Checkbox, "perhaps"),
            Err(Problem::InvalidBoolean("perhaps".into()))
        );
        let Ok(Some(Value::DateTime(t))) = p(FieldKind::DateTime, "31.12.2026 09:30") else {
            panic!("a date and time");
        };
        assert_eq!(t.format("%Y-%m-%d %H:%M").to_string(), "2026-12-31 09:30");
        // A Thai file's date-times count Buddhist years; a form's never do.
        let thai_file = ParseContext {
            date_time_calendar: CalendarSystem::Buddhist,
            ..ctx.clone()
        };
        let read = |c: &ParseContext, s: &str| {
            parse_input(&FieldKind::DateTime, &FieldInput::Text(s.into()), c)
        };
        let Ok(Some(Value::DateTime(t))) = read(&thai_file, "31.12.2569 09:30") else {
            panic!("a Buddhist-era date and time");
        };
        assert_eq!(t.format("%Y-%m-%d %H:%M").to_string(), "2026-12-31 09:30");
        let form = ParseContext {
            calendar: CalendarSystem::SolarHijri,
            ..ParseContext::default()
        };
        let Ok(Some(Value::DateTime(t))) = read(&form, "2026-12-31T09:30") else {
            panic!("a date-time control's value");
        };
        assert_eq!(t.format("%Y-%m-%d").to_string(), "2026-12-31");
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
