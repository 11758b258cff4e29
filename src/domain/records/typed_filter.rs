//! A list filter worked out once per query for its field's type: a date range as
//! local days and UTC milliseconds, a money threshold in the base currency, a text
//! folded. Matching a record then allocates nothing for choices, dates and amounts.

use chrono::{DateTime, NaiveDate, NaiveTime, Weekday};
use rust_decimal::Decimal;

use crate::domain::records::calendar_system::CalendarSystem;
use crate::domain::records::exchange::{ExchangeRates, InBase};
use crate::domain::records::field::FieldKind;
use crate::domain::records::list_query::{Filter, FilterOp};
use crate::domain::records::local_days::local_date;
use crate::domain::records::module_def::ModuleDef;
use crate::domain::records::normalize::fold;
use crate::domain::records::record::{Record, Timestamp};
use crate::domain::records::value::{Money, SortKey, Value};

/// What a query needs from outside the data: the user's day and currency. The page
/// reads the clock and passes it in.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryContext {
    /// The user's local day.
    pub today: NaiveDate,
    /// East of UTC, in minutes: where the user's local days start.
    pub utc_offset_minutes: i32,
    pub week_start: Weekday,
    /// The calendar "this month" and "this quarter" are counted in.
    pub calendar: CalendarSystem,
    /// Into the user's base currency.
    pub rates: ExchangeRates,
}

impl QueryContext {
    /// The context at `now` (milliseconds) for a user at `utc_offset_minutes`.
    pub fn at(
        now: Timestamp,
        utc_offset_minutes: i32,
        week_start: Weekday,
        rates: ExchangeRates,
    ) -> Self {
        let today = DateTime::from_timestamp_millis(now)
            .map(|t| local_date(t, utc_offset_minutes))
            .unwrap_or_default();
        QueryContext {
            today,
            utc_offset_minutes,
            week_start,
            calendar: CalendarSystem::Gregorian,
            rates,
        }
    }

    /// Counts months and quarters in `calendar` (the user's).
    pub fn in_calendar(mut self, calendar: CalendarSystem) -> Self {
        self.calendar = calendar;
        self
    }

    /// The UTC millisecond at which a local day starts.
    fn midnight(&self, d: NaiveDate) -> Timestamp {
        d.and_time(NaiveTime::MIN).and_utc().timestamp_millis()
            - self.utc_offset_minutes as i64 * 60_000
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Test {
    Empty,
    NotEmpty,
    /// The stored value itself (a choice's value, a record's id, `true`/`false`);
    /// `unset` says whether a record without the value matches (an unticked box).
    Exactly {
        want: String,
        unset: bool,
    },
    /// Text equal case- and accent-insensitively (`want` folded).
    Folded(String),
    /// Text containing `part` (folded).
    Contains(String),
    /// Numbers within [lo, hi]; money converted into the base currency within
    /// [lo_base, hi_base] (`None`: open that side).
    Amount {
        lo: f64,
        hi: f64,
        lo_base: Option<Decimal>,
        hi_base: Option<Decimal>,
    },
    /// Dates within [from, to] (local days), date-times within [from_ms, to_ms).
    Dates {
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        from_ms: Timestamp,
        to_ms: Timestamp,
    },
    /// A filter that can match nothing (a threshold no decimal holds).
    Never,
}

/// A filter ready to match records.
#[derive(Clone, Debug, PartialEq)]
pub struct Prepared {
    field: String,
    test: Test,
}

/// Fields whose stored values are stable keys (options, ids): "is" compares exactly.
fn keyed(kind: Option<&FieldKind>) -> bool {
    matches!(
        kind,
        Some(
            FieldKind::Picklist { .. }
                | FieldKind::MultiSelect { .. }
                | FieldKind::Lookup { .. }
                | FieldKind::User
                | FieldKind::Users
                | FieldKind::Checkbox
        )
    )
}

/// A threshold as the exact decimal it reads as (0.1 is 0.1, not its binary neighbour).
fn decimal(n: f64) -> Option<Decimal> {
    if !n.is_finite() {
        return None;
    }
    n.to_string().parse().ok()
}

impl Prepared {
    pub fn new(module: &ModuleDef, filter: &Filter, ctx: &QueryContext) -> Self {
        let kind = module.field(&filter.field).map(|f| &f.kind);
        let amount = |lo: f64, hi: f64| {
            let side = |n: f64| n.is_finite().then(|| decimal(n));
            match (side(lo), side(hi)) {
                (Some(None), _) | (_, Some(None)) => Test::Never,
                (lo_base, hi_base) => Test::Amount {
                    lo,
                    hi,
                    lo_base: lo_base.flatten(),
                    hi_base: hi_base.flatten(),
                },
            }
        };
        let test = match &filter.op {
            FilterOp::IsEmpty => Test::Empty,
            FilterOp::IsNotEmpty => Test::NotEmpty,
            FilterOp::Is(want) if keyed(kind) => Test::Exactly {
                want: want.clone(),
                unset: matches!(kind, Some(FieldKind::Checkbox)) && want == "false",
            },
            FilterOp::Is(want) => Test::Folded(fold(want)),
            FilterOp::Contains(part) => Test::Contains(fold(part)),
            FilterOp::AtLeast(n) => amount(*n, f64::INFINITY),
            FilterOp::AtMost(n) => amount(f64::NEG_INFINITY, *n),
            FilterOp::Between(a, b) => amount(a.min(*b), a.max(*b)),
            FilterOp::InDates(range) => {
                let (from, to) = range.days_in(ctx.today, ctx.week_start, ctx.calendar);
                Test::Dates {
                    from,
                    to,
                    from_ms: from.map_or(Timestamp::MIN, |d| ctx.midnight(d)),
                    to_ms: to
                        .and_then(|d| d.succ_opt())
                        .map_or(Timestamp::MAX, |d| ctx.midnight(d)),
                }
            }
        };
        Prepared {
            field: filter.field.clone(),
            test,
        }
    }

    pub fn matches(&self, record: &Record, rates: &ExchangeRates) -> bool {
        let value = record.get(&self.field);
        match &self.test {
            Test::Empty => value.is_none_or(Value::is_empty),
            Test::NotEmpty => value.is_some_and(|v| !v.is_empty()),
            Test::Exactly { want, unset } => match value {
                Some(Value::List(items)) => items.iter().any(|i| i == want),
                Some(Value::Bool(b)) => want == if *b { "true" } else { "false" },
                Some(Value::Text(s) | Value::Ref(s)) => s == want,
                Some(_) => false,
                None => *unset,
            },
            Test::Folded(want) => match value {
                Some(Value::List(items)) => items.iter().any(|i| folded_eq(i, want)),
                Some(Value::Text(s) | Value::Ref(s)) => folded_eq(s, want),
                Some(v) => fold(&v.to_plain()) == *want,
                None => false,
            },
            Test::Contains(part) => value.is_some_and(|v| fold(&v.search_text()).contains(part)),
            Test::Amount {
                lo,
                hi,
                lo_base,
                hi_base,
            } => match value {
                Some(Value::Number(x)) => lo <= x && x <= hi,
                Some(Value::Money(m)) => match rates.in_base(m) {
                    InBase::Value(v) => {
                        lo_base.is_none_or(|lo| v >= lo) && hi_base.is_none_or(|hi| v <= hi)
                    }
                    // Without a rate the amount is not comparable to a base figure.
                    InBase::NoRate | InBase::TooLarge => false,
                },
                _ => false,
            },
            Test::Dates {
                from,
                to,
                from_ms,
                to_ms,
            } => match value {
                Some(Value::Date(d)) => from.is_none_or(|f| *d >= f) && to.is_none_or(|t| *d <= t),
                Some(Value::DateTime(t)) => {
                    let ms = t.timestamp_millis();
                    *from_ms <= ms && ms < *to_ms
                }
                _ => false,
            },
            Test::Never => false,
        }
    }
}

/// `s` equal to `folded` (already folded), without allocating for ASCII text.
fn folded_eq(s: &str, folded: &str) -> bool {
    if s.is_ascii() && folded.is_ascii() {
        s.eq_ignore_ascii_case(folded)
    } else {
        fold(s) == folded
    }
}

/// The key a money value sorts by: its amount in the base currency (`None`, sorted
/// last, when it has no rate), so 900 EUR and 1,000 USD order by what they are worth.
pub fn money_sort_key(money: &Money, rates: &ExchangeRates) -> Option<SortKey> {
    match rates.in_base(money) {
        // An empty String holds no allocation: the key costs one Decimal.
        InBase::Value(v) => Some(SortKey::Money(String::new(), v)),
        InBase::NoRate | InBase::TooLarge => None,
    }
}
