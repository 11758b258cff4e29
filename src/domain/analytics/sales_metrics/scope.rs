//! The period and people a dashboard looks at.

use chrono::{Duration, NaiveDate};

use crate::domain::activities::activity_rules::local_date;
use crate::domain::records::record::{Record, Timestamp};
use crate::domain::sales::board::amount;
use crate::domain::sales::pipeline::{ExchangeRates, InBase};

pub(super) const DAY_MS: f64 = 86_400_000.0;
pub(super) const CLOSED_AT: &str = "closed_at";
pub(super) const EXPECTED_CLOSE: &str = "expected_close";

/// The period and people a dashboard looks at.
#[derive(Clone, Debug)]
pub struct Scope<'a> {
    /// First and last day of the period, both included, in the user's local time.
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Only records this user owns (activities: is assigned); `None` for everyone.
    pub owner: Option<&'a str>,
    pub now: Timestamp,
    pub utc_offset_minutes: i32,
    pub rates: &'a ExchangeRates,
}

pub(super) use crate::domain::records::local_days::add_months;
pub use crate::domain::records::local_days::{period_around, PeriodKind};

impl Scope<'_> {
    pub(super) fn local(&self, t: Timestamp) -> Option<NaiveDate> {
        chrono::DateTime::from_timestamp_millis(t).map(|t| local_date(t, self.utc_offset_minutes))
    }

    /// The period as [from, to) in milliseconds: local midnights, in UTC.
    pub(super) fn bounds(&self) -> (Timestamp, Timestamp) {
        let midnight = |d: NaiveDate| {
            d.and_time(chrono::NaiveTime::MIN)
                .and_utc()
                .timestamp_millis()
                - self.utc_offset_minutes as i64 * 60_000
        };
        (midnight(self.start), midnight(self.end + Duration::days(1)))
    }

    /// The period's dates as the date index keeps them (from UTC midnights).
    pub(super) fn date_bounds(&self) -> (Timestamp, Timestamp) {
        let midnight = |d: NaiveDate| {
            d.and_time(chrono::NaiveTime::MIN)
                .and_utc()
                .timestamp_millis()
        };
        (midnight(self.start), midnight(self.end + Duration::days(1)))
    }

    pub(super) fn owns(&self, r: &Record) -> bool {
        self.owner.is_none_or(|o| r.owner.as_deref() == Some(o))
    }

    pub(super) fn in_base(&self, r: &Record) -> Option<InBase> {
        amount(r).map(|m| self.rates.in_base(m))
    }
}
