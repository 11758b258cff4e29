//! The figures a dashboard shows.

use chrono::NaiveDate;

use crate::domain::records::search::Slot;
use crate::domain::sales::pipeline::InBase;

use super::*;

/// The headline figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Kpis {
    /// Deals open now (whatever the period).
    pub open: Vec<Slot>,
    pub open_value: Sum,
    pub weighted: Sum,
    /// Deals won and lost within the period.
    pub won: Vec<Slot>,
    pub won_value: Sum,
    pub lost: Vec<Slot>,
    /// Won ÷ (won + lost); `None` when nothing closed.
    pub win_rate: Option<f64>,
    /// Won value ÷ won deals that have a convertible amount.
    pub average_deal: Figure,
    /// Mean days from creation to winning, over the deals won in the period.
    pub cycle_days: Option<f64>,
    /// Open deals × average deal × win rate ÷ cycle days: expected revenue per day.
    pub velocity: Figure,
}

/// One step of the funnel: the deals that reached a stage.
#[derive(Clone, Debug, PartialEq)]
pub struct FunnelStep {
    pub stage: String,
    pub reached: Vec<Slot>,
    /// Median days a deal spent in this stage before moving on.
    pub median_days: Option<f64>,
}

pub(super) fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2] as f64
    } else {
        (values[n / 2 - 1] as f64 + values[n / 2] as f64) / 2.0
    })
}

/// One month of the forecast.
#[derive(Clone, Debug, PartialEq)]
pub struct ForecastMonth {
    /// First day of the month.
    pub month: NaiveDate,
    /// Won in this month.
    pub committed: Sum,
    /// Open deals expected to close this month, each times its probability.
    pub weighted: Sum,
    /// Committed plus every open deal expected this month at full value.
    pub best_case: Sum,
    pub records: Vec<Slot>,
}

/// The activity kinds the activity report counts, in its column order.
pub const ACTIVITY_KINDS: [&str; 4] = ["call", "email", "meeting", "task"];

/// Activities one user completed in the period, by kind.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivityRow {
    pub user: String,
    pub counts: [usize; 4],
    pub records: Vec<Slot>,
}

/// Leads created in the period from one source (first touch).
#[derive(Clone, Debug, PartialEq)]
pub struct SourceRow {
    /// The `source` option; `None` for leads without one.
    pub source: Option<String>,
    pub leads: Vec<Slot>,
    pub converted: usize,
    /// Won value of the deals these leads were converted into.
    pub won_value: Sum,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct LeadFigures {
    pub leads: Vec<Slot>,
    pub converted: Vec<Slot>,
    /// Converted ÷ created; `None` without leads.
    pub rate: Option<f64>,
    pub by_source: Vec<SourceRow>,
}

/// One quota and how far its user got.
#[derive(Clone, Debug, PartialEq)]
pub struct QuotaRow {
    pub quota: Slot,
    pub user: String,
    /// The target in the base currency, or why there is none.
    pub target: InBase,
    /// Won by the user within the quota's own dates.
    pub won: Sum,
    pub deals: Vec<Slot>,
    /// Won ÷ target.
    pub attainment: Option<f64>,
}

/// Everything the sales dashboard shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SalesDashboard {
    pub kpis: Kpis,
    pub funnel: Vec<FunnelStep>,
    pub forecast: Vec<ForecastMonth>,
    pub activities: Vec<ActivityRow>,
    pub leads: LeadFigures,
    pub quotas: Vec<QuotaRow>,
}
