//! The sales dashboard's figures: pipeline value, wins and losses, deal size, cycle
//! length, velocity, the funnel with time in stage, the forecast by month, activity
//! per user, lead conversion by source and quota attainment. They are computed over
//! the in-memory records a slice at a time (`SalesDashboardWork`; the one-shot
//! functions run it to the end), so a page never holds for the whole computation.
//! Every figure keeps the records it counts, so the dashboard can open them.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::activity_module::ACTIVITIES;
use super::activity_rules::local_date;
use super::agenda::assignee;
use super::analytics_modules::QUOTAS;
use super::board::{amount, expected_close, probability};
use super::lead_module::LEADS;
use super::pipeline::{add_checked, weight, ExchangeRates, InBase, Outcome};
use super::pipeline_records::outcome_of;
use super::record::{Record, Timestamp};
use super::record_set::{Dataset, RecordSet, CREATED_AT};
use super::sales_modules::{DEALS, STAGES};
use super::search::Slot;
use super::stage_trail::{steps, steps_iter as trail_steps};
use super::value::{Money, Value};

const DAY_MS: f64 = 86_400_000.0;
const CLOSED_AT: &str = "closed_at";
const EXPECTED_CLOSE: &str = "expected_close";

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

/// The periods a user picks from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodKind {
    Month,
    Quarter,
    Year,
}

/// The month, quarter or year around `today`: (first day, last day).
pub fn period_around(kind: PeriodKind, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let (y, m) = (today.year(), today.month());
    let (first_month, months) = match kind {
        PeriodKind::Month => (m, 1),
        PeriodKind::Quarter => ((m - 1) / 3 * 3 + 1, 3),
        PeriodKind::Year => (1, 12),
    };
    let start = NaiveDate::from_ymd_opt(y, first_month, 1).unwrap_or(today);
    let end = add_months(start, months) - Duration::days(1);
    (start, end)
}

fn add_months(d: NaiveDate, months: u32) -> NaiveDate {
    let total = d.year() * 12 + d.month0() as i32 + months as i32;
    NaiveDate::from_ymd_opt(total.div_euclid(12), total.rem_euclid(12) as u32 + 1, 1).unwrap_or(d)
}

impl Scope<'_> {
    fn local(&self, t: Timestamp) -> Option<NaiveDate> {
        chrono::DateTime::from_timestamp_millis(t).map(|t| local_date(t, self.utc_offset_minutes))
    }

    /// The period as [from, to) in milliseconds: local midnights, in UTC.
    fn bounds(&self) -> (Timestamp, Timestamp) {
        let midnight = |d: NaiveDate| {
            d.and_time(chrono::NaiveTime::MIN)
                .and_utc()
                .timestamp_millis()
                - self.utc_offset_minutes as i64 * 60_000
        };
        (midnight(self.start), midnight(self.end + Duration::days(1)))
    }

    /// The period's dates as the date index keeps them (from UTC midnights).
    fn date_bounds(&self) -> (Timestamp, Timestamp) {
        let midnight = |d: NaiveDate| {
            d.and_time(chrono::NaiveTime::MIN)
                .and_utc()
                .timestamp_millis()
        };
        (midnight(self.start), midnight(self.end + Duration::days(1)))
    }

    fn owns(&self, r: &Record) -> bool {
        self.owner.is_none_or(|o| r.owner.as_deref() == Some(o))
    }

    fn in_base(&self, r: &Record) -> Option<InBase> {
        amount(r).map(|m| self.rates.in_base(m))
    }
}

/// A sum in the base currency with the records it could not include.
#[derive(Clone, Debug, PartialEq)]
pub struct Sum {
    /// `None` when the sum (or an amount in it, converted) is beyond what a decimal
    /// holds: a figure that cannot be computed, shown as such (never a wrong one).
    pub value: Option<Decimal>,
    /// Records with an amount in a currency that has no rate.
    pub unconverted: usize,
    /// Records without an amount.
    pub missing: usize,
}

impl Default for Sum {
    fn default() -> Self {
        Sum {
            value: Some(Decimal::ZERO),
            unconverted: 0,
            missing: 0,
        }
    }
}

impl Sum {
    /// Adds a record's amount (`None`: it has none) times `weight` (at most one).
    /// True when the amount is part of the sum, even one too large to compute.
    fn add(&mut self, a: Option<InBase>, weight: Decimal) -> bool {
        match a {
            Some(InBase::Value(v)) => {
                // Checked: past what a decimal holds the sum is unknown, never a crash.
                self.value = v
                    .checked_mul(weight)
                    .and_then(|w| add_checked(self.value, w));
                true
            }
            Some(InBase::TooLarge) => {
                self.value = None;
                true
            }
            Some(InBase::NoRate) => {
                self.unconverted += 1;
                false
            }
            None => {
                self.missing += 1;
                false
            }
        }
    }

    /// The sum as money in `base`; `None` when it cannot be computed.
    pub fn money(&self, base: &str) -> Option<Money> {
        self.value.map(|v| Money {
            amount: v.round_dp(2),
            currency: base.to_string(),
        })
    }
}

/// A money figure worked out from sums (an average, a velocity).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Figure {
    /// Nothing to work it out from (no deal won, no time passed).
    #[default]
    Undefined,
    Value(Decimal),
    /// It, or a sum it comes from, is beyond what a decimal holds.
    TooLarge,
}

impl Figure {
    pub fn value(self) -> Option<Decimal> {
        match self {
            Figure::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// Where a stage sits: its pipeline, order and outcome.
struct StageInfo {
    pipeline: String,
    position: f64,
    outcome: Outcome,
}

/// The stages by id. A handful per pipeline: a list searched in order is faster here
/// than hashing every deal's stage id.
struct Stages<'a>(Vec<(&'a str, StageInfo)>);

impl Stages<'_> {
    fn get(&self, id: &str) -> Option<&StageInfo> {
        self.0.iter().find(|(s, _)| *s == id).map(|(_, i)| i)
    }
}

fn stage_index(data: &Dataset) -> Stages<'_> {
    Stages(
        data.set(STAGES)
            .map(|set| {
                set.records()
                    .map(|r| {
                        let info = StageInfo {
                            pipeline: match r.get("pipeline") {
                                Some(Value::Ref(p)) => p.clone(),
                                _ => String::new(),
                            },
                            position: match r.get("position") {
                                Some(Value::Number(n)) => *n,
                                _ => 0.0,
                            },
                            outcome: outcome_of(r),
                        };
                        (r.id.as_str(), info)
                    })
                    .collect()
            })
            .unwrap_or_default(),
    )
}

fn stage_of(r: &Record) -> Option<&str> {
    match r.get("stage") {
        Some(Value::Ref(s)) => Some(s),
        _ => None,
    }
}

fn outcome(stages: &Stages, r: &Record) -> Outcome {
    stage_of(r)
        .and_then(|s| stages.get(s))
        .map_or(Outcome::Open, |s| s.outcome)
}

/// When a closed deal closed: its close time, else when its trail entered the
/// closing stage.
fn closed_at(r: &Record) -> Timestamp {
    match r.get("closed_at") {
        Some(Value::DateTime(t)) => t.timestamp_millis(),
        _ => steps(r).last().map_or(r.updated_at, |s| s.at),
    }
}

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

fn median(values: &mut [i64]) -> Option<f64> {
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

/// Which parts of the dashboard a computation fills: the page wants them all, a
/// drill-down only the one its key names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parts {
    pub kpis: bool,
    pub funnel: bool,
    pub forecast: bool,
    pub activities: bool,
    pub leads: bool,
    pub quotas: bool,
}

impl Parts {
    pub const ALL: Parts = Parts {
        kpis: true,
        funnel: true,
        forecast: true,
        activities: true,
        leads: true,
        quotas: true,
    };
    pub const NONE: Parts = Parts {
        kpis: false,
        funnel: false,
        forecast: false,
        activities: false,
        leads: false,
        quotas: false,
    };

    /// Only the parts `pick` turns on.
    fn just(pick: fn(&mut Parts)) -> Parts {
        let mut parts = Parts::NONE;
        pick(&mut parts);
        parts
    }

    /// The part holding the records of a drill-down key (see `drill`).
    pub fn for_drill(key: &str) -> Parts {
        let head = key.split_once('/').map_or(key, |(h, _)| h);
        match head {
            "open" | "won" | "lost" | "closed" => Parts {
                kpis: true,
                ..Parts::NONE
            },
            "funnel" => Parts {
                funnel: true,
                ..Parts::NONE
            },
            "forecast" => Parts {
                forecast: true,
                ..Parts::NONE
            },
            "activities" => Parts {
                activities: true,
                ..Parts::NONE
            },
            "leads" | "converted" | "source" => Parts {
                leads: true,
                ..Parts::NONE
            },
            "quota" => Parts {
                quotas: true,
                ..Parts::NONE
            },
            _ => Parts::NONE,
        }
    }
}

/// The walks a dashboard computation makes, in order; each resumes where the
/// previous slice stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// KPIs: deals open now, through each open stage's links.
    OpenDeals,
    /// KPIs: deals closed in the period (close-time index).
    ClosedDeals,
    /// Funnel: deals created in the period (creation-time index).
    NewDeals,
    /// Forecast: open deals by expected close, then won deals by close time.
    ExpectedDeals,
    WonDeals,
    /// Activity report: activities done in the period (done-time index).
    DoneActivities,
    /// Lead figures: leads created in the period.
    NewLeads,
    /// Quotas: per quota, the deals closed within its own dates.
    Quotas,
    /// Funnel: the median stay of each stage, a stage per slice.
    Medians,
}

const PHASES: [Phase; 9] = [
    Phase::OpenDeals,
    Phase::ClosedDeals,
    Phase::NewDeals,
    Phase::ExpectedDeals,
    Phase::WonDeals,
    Phase::DoneActivities,
    Phase::NewLeads,
    Phase::Quotas,
    Phase::Medians,
];

impl Parts {
    fn want(&self, phase: Phase) -> bool {
        match phase {
            Phase::OpenDeals | Phase::ClosedDeals => self.kpis,
            Phase::NewDeals | Phase::Medians => self.funnel,
            Phase::ExpectedDeals | Phase::WonDeals => self.forecast,
            Phase::DoneActivities => self.activities,
            Phase::NewLeads => self.leads,
            Phase::Quotas => self.quotas,
        }
    }
}

/// Walks one range of a time index from where the last slice stopped, visiting up to
/// `budget` entries; true when the range is done.
fn walk(
    set: &RecordSet,
    field: &str,
    (from, to): (Timestamp, Timestamp),
    after: &mut Option<(i64, Slot)>,
    budget: &mut usize,
    mut visit: impl FnMut(Slot, &Record),
) -> bool {
    for entry in set.time_entries_after(field, from, to, *after) {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        *after = Some(entry);
        if let Some(r) = set.at(entry.1) {
            visit(entry.1, r);
        }
    }
    true
}

/// A quota's user and dates, if it has them.
fn quota_terms(q: &Record) -> Option<(&str, NaiveDate, NaiveDate)> {
    match (q.get("user"), q.get("start"), q.get("end")) {
        (Some(Value::Ref(user)), Some(Value::Date(start)), Some(Value::Date(end))) => {
            Some((user, *start, *end))
        }
        _ => None,
    }
}

/// The sales dashboard computed a slice of records at a time, so a page can give the
/// browser a turn between slices: `new`, then `step` until it says done, then
/// `finish`. The data and scope must be the same at every step (a page abandons the
/// work when either changes). Each step costs about its slice: every walk resumes
/// from a saved position in an index (a time-index entry, or a position in a link
/// list), never from the start.
pub struct SalesDashboardWork {
    parts: Parts,
    pipeline: String,
    phase: usize,
    /// The last time-index entry the current walk took.
    after: Option<(i64, Slot)>,
    /// Position in the current list (open stage, quota slot, funnel step) and within
    /// the list's item (the open stage's deals).
    outer: usize,
    inner: usize,
    out: SalesDashboard,
    won_with_amount: usize,
    cycle_total: f64,
    funnel_ids: Vec<String>,
    funnel_open: Vec<bool>,
    stays: Vec<Vec<i64>>,
    sources: BTreeMap<Option<String>, SourceRow>,
    /// The quota whose deals are being summed.
    quota: Option<QuotaRow>,
}

impl SalesDashboardWork {
    /// Records a page's step takes (≈ 1 ms in wasm over the benchmark's data): a turn
    /// runs steps until its time is used up.
    pub const SLICE: usize = 2_048;

    pub fn new(data: &Dataset, scope: &Scope, pipeline: &str, parts: Parts) -> Self {
        let mut work = SalesDashboardWork {
            parts,
            pipeline: pipeline.to_string(),
            phase: 0,
            after: None,
            outer: 0,
            inner: 0,
            out: SalesDashboard::default(),
            won_with_amount: 0,
            cycle_total: 0.0,
            funnel_ids: Vec::new(),
            funnel_open: Vec::new(),
            stays: Vec::new(),
            sources: BTreeMap::new(),
            quota: None,
        };
        if parts.funnel {
            work.start_funnel(data);
        }
        if parts.forecast {
            work.out.forecast = forecast_months(scope);
        }
        work
    }

    /// The funnel's steps: the pipeline's open stages in order, then its won stage.
    fn start_funnel(&mut self, data: &Dataset) {
        let stages = stage_index(data);
        let mut order: Vec<(&str, &StageInfo)> = stages
            .0
            .iter()
            .filter(|(_, s)| s.pipeline == self.pipeline && s.outcome != Outcome::Lost)
            .map(|(id, s)| (*id, s))
            .collect();
        // Open stages by position, the won stage(s) last.
        order.sort_by(|a, b| {
            (a.1.outcome == Outcome::Won)
                .cmp(&(b.1.outcome == Outcome::Won))
                .then(a.1.position.total_cmp(&b.1.position))
                .then(a.0.cmp(b.0))
        });
        self.funnel_ids = order.iter().map(|(id, _)| id.to_string()).collect();
        self.funnel_open = order
            .iter()
            .map(|(_, s)| s.outcome == Outcome::Open)
            .collect();
        self.stays = vec![Vec::new(); order.len()];
        self.out.funnel = self
            .funnel_ids
            .iter()
            .map(|id| FunnelStep {
                stage: id.clone(),
                reached: Vec::new(),
                median_days: None,
            })
            .collect();
    }

    /// Takes up to `max_records` more records (at least one); true once every part
    /// is computed and `finish` gives the result.
    pub fn step(&mut self, data: &Dataset, scope: &Scope, max_records: usize) -> bool {
        let mut budget = max_records.max(1);
        while let Some(&phase) = PHASES.get(self.phase) {
            let done = !self.parts.want(phase)
                || match phase {
                    Phase::OpenDeals => self.open_deals(data, scope, &mut budget),
                    Phase::ClosedDeals => self.closed_deals(data, scope, &mut budget),
                    Phase::NewDeals => self.new_deals(data, scope, &mut budget),
                    Phase::ExpectedDeals => self.forecast_walk(data, scope, true, &mut budget),
                    Phase::WonDeals => self.forecast_walk(data, scope, false, &mut budget),
                    Phase::DoneActivities => self.done_activities(data, scope, &mut budget),
                    Phase::NewLeads => self.new_leads(data, scope, &mut budget),
                    Phase::Quotas => self.quotas(data, scope, &mut budget),
                    Phase::Medians => self.medians(&mut budget),
                };
            if !done {
                return false;
            }
            self.phase += 1;
            self.after = None;
            self.outer = 0;
            self.inner = 0;
        }
        true
    }

    /// Runs every remaining step at once.
    pub fn run(mut self, data: &Dataset, scope: &Scope) -> SalesDashboard {
        while !self.step(data, scope, usize::MAX) {}
        self.finish()
    }

    /// How far the work is, 0–100 (by walks done, a rough measure).
    pub fn percent(&self) -> u8 {
        (self.phase * 100 / PHASES.len()) as u8
    }

    fn open_deals(&mut self, data: &Dataset, scope: &Scope, budget: &mut usize) -> bool {
        let Some(set) = data.set(DEALS) else {
            return true;
        };
        let stages = stage_index(data);
        let open: Vec<&str> = stages
            .0
            .iter()
            .filter(|(_, s)| s.outcome == Outcome::Open)
            .map(|(id, _)| *id)
            .collect();
        let k = &mut self.out.kpis;
        while let Some(stage) = open.get(self.outer) {
            let slots = set.linking_slots("stage", stage);
            while let Some(&slot) = slots.get(self.inner) {
                if *budget == 0 {
                    return false;
                }
                *budget -= 1;
                self.inner += 1;
                let Some(r) = set.at(slot).filter(|r| scope.owns(r)) else {
                    continue;
                };
                let a = scope.in_base(r);
                k.open.push(slot);
                k.open_value.add(a, Decimal::ONE);
                k.weighted.add(a, weight(probability(r)));
            }
            self.outer += 1;
            self.inner = 0;
        }
        true
    }

    fn closed_deals(&mut self, data: &Dataset, scope: &Scope, budget: &mut usize) -> bool {
        let Some(set) = data.set(DEALS) else {
            return true;
        };
        let stages = stage_index(data);
        let k = &mut self.out.kpis;
        let (won_with_amount, cycle_total) = (&mut self.won_with_amount, &mut self.cycle_total);
        walk(
            set,
            CLOSED_AT,
            scope.bounds(),
            &mut self.after,
            budget,
            |slot, r| {
                if !scope.owns(r) {
                    return;
                }
                match outcome(&stages, r) {
                    Outcome::Won => {
                        k.won.push(slot);
                        if k.won_value.add(scope.in_base(r), Decimal::ONE) {
                            *won_with_amount += 1;
                        }
                        *cycle_total += (closed_at(r) - r.created_at).max(0) as f64 / DAY_MS;
                    }
                    Outcome::Lost => k.lost.push(slot),
                    Outcome::Open => {}
                }
            },
        )
    }

    /// The funnel's deals: created in the period in its pipeline. A deal reached
    /// every stage up to the furthest one its trail or current stage shows; a lost
    /// deal reached those it passed through.
    fn new_deals(&mut self, data: &Dataset, scope: &Scope, budget: &mut usize) -> bool {
        let Some(set) = data.set(DEALS) else {
            return true;
        };
        let ids = &self.funnel_ids;
        let open_at = &self.funnel_open;
        let rank = |id: &str| ids.iter().position(|s| s == id);
        let (steps, stays, pipeline) = (&mut self.out.funnel, &mut self.stays, &self.pipeline);
        walk(
            set,
            CREATED_AT,
            scope.bounds(),
            &mut self.after,
            budget,
            |slot, r| {
                if !matches!(r.get("pipeline"), Some(Value::Ref(p)) if p == pipeline)
                    || !scope.owns(r)
                {
                    return;
                }
                // One walk over the trail, without collecting it: this runs per deal.
                let current = stage_of(r).and_then(rank);
                let won = current.is_some_and(|i| !open_at[i]);
                let mut furthest = current.filter(|i| open_at[*i]);
                let mut previous: Option<(Option<usize>, Timestamp)> = None;
                for step in trail_steps(r) {
                    let i = rank(step.stage);
                    if let Some(i) = i.filter(|i| open_at[*i]) {
                        furthest = furthest.max(Some(i));
                    }
                    // Time in stage counts finished stays in open stages only.
                    if let Some((Some(p), at)) = previous {
                        stays[p].push(step.at - at);
                    }
                    previous = Some((i.filter(|i| open_at[*i]), step.at));
                }
                let reach = if won { Some(steps.len() - 1) } else { furthest };
                if let Some(last) = reach {
                    for step in steps.iter_mut().take(last + 1) {
                        step.reached.push(slot);
                    }
                }
            },
        )
    }

    /// The forecast: open deals by expected close (`by_expected`), won deals by close
    /// time; each deal counts from one walk only.
    fn forecast_walk(
        &mut self,
        data: &Dataset,
        scope: &Scope,
        by_expected: bool,
        budget: &mut usize,
    ) -> bool {
        let Some(set) = data.set(DEALS) else {
            return true;
        };
        let stages = stage_index(data);
        let months = &mut self.out.forecast;
        let (first, count) = (months.first().map(|f| f.month), months.len());
        // Month number since the first month of the period: arithmetic, not a search.
        let index = |d: NaiveDate| {
            let first = first?;
            if d < scope.start || d > scope.end {
                return None;
            }
            let i = (d.year() - first.year()) * 12 + d.month() as i32 - first.month() as i32;
            usize::try_from(i).ok().filter(|i| *i < count)
        };
        let (field, range) = if by_expected {
            (EXPECTED_CLOSE, scope.date_bounds())
        } else {
            (CLOSED_AT, scope.bounds())
        };
        walk(set, field, range, &mut self.after, budget, |slot, r| {
            if !scope.owns(r) {
                return;
            }
            let o = outcome(&stages, r);
            let day = match (o, by_expected) {
                (Outcome::Open, true) => expected_close(r),
                (Outcome::Won, false) => scope.local(closed_at(r)),
                _ => None,
            };
            let Some(i) = day.and_then(index) else {
                return;
            };
            let (a, p) = (scope.in_base(r), probability(r));
            let f = &mut months[i];
            f.records.push(slot);
            f.best_case.add(a, Decimal::ONE);
            if o == Outcome::Won {
                f.committed.add(a, Decimal::ONE);
            } else {
                f.weighted.add(a, weight(p));
            }
        })
    }

    /// Calls, emails, meetings and tasks completed in the period, per assignee.
    fn done_activities(&mut self, data: &Dataset, scope: &Scope, budget: &mut usize) -> bool {
        let Some(set) = data.set(ACTIVITIES) else {
            return true;
        };
        // A handful of users: a list beats a map.
        let rows = &mut self.out.activities;
        walk(
            set,
            "done_at",
            scope.bounds(),
            &mut self.after,
            budget,
            |slot, r| {
                if !matches!(r.get("done"), Some(Value::Bool(true))) {
                    return;
                }
                let Some(kind) = (match r.get("kind") {
                    Some(Value::Text(k)) => ACTIVITY_KINDS.iter().position(|x| x == k),
                    _ => None,
                }) else {
                    return;
                };
                let Some(user) = assignee(r) else { return };
                if scope.owner.is_some_and(|o| o != user) {
                    return;
                }
                let i = match rows.iter().position(|x| x.user == user) {
                    Some(i) => i,
                    None => {
                        rows.push(ActivityRow {
                            user: user.to_string(),
                            counts: [0; 4],
                            records: Vec::new(),
                        });
                        rows.len() - 1
                    }
                };
                rows[i].counts[kind] += 1;
                rows[i].records.push(slot);
            },
        )
    }

    /// Leads created in the period, by source, with the won value of the deals the
    /// converted ones became.
    fn new_leads(&mut self, data: &Dataset, scope: &Scope, budget: &mut usize) -> bool {
        let Some(set) = data.set(LEADS) else {
            return true;
        };
        let stages = stage_index(data);
        let (out, sources) = (&mut self.out.leads, &mut self.sources);
        walk(
            set,
            CREATED_AT,
            scope.bounds(),
            &mut self.after,
            budget,
            |slot, r| {
                if !scope.owns(r) {
                    return;
                }
                let source = match r.get("source") {
                    Some(Value::Text(s)) => Some(s.clone()),
                    _ => None,
                };
                let row = sources.entry(source.clone()).or_insert_with(|| SourceRow {
                    source,
                    leads: Vec::new(),
                    converted: 0,
                    won_value: Sum::default(),
                });
                out.leads.push(slot);
                row.leads.push(slot);
                if r.get("converted_contact").is_some() {
                    out.converted.push(slot);
                    row.converted += 1;
                    let won_deal = match r.get("converted_deal") {
                        Some(Value::Ref(id)) => data
                            .get(DEALS, id)
                            .filter(|d| outcome(&stages, d) == Outcome::Won),
                        _ => None,
                    };
                    if let Some(d) = won_deal {
                        row.won_value.add(scope.in_base(d), Decimal::ONE);
                    }
                }
            },
        )
    }

    /// The quotas whose dates overlap the period (of the scope's user, or everyone's),
    /// each with what its user won within the quota's own dates.
    fn quotas(&mut self, data: &Dataset, scope: &Scope, budget: &mut usize) -> bool {
        let (Some(qset), Some(deals)) = (data.set(QUOTAS), data.set(DEALS)) else {
            return true;
        };
        let stages = stage_index(data);
        loop {
            if self.quota.is_none() {
                // The next quota that applies, after the last one taken.
                let next = qset.iter().find(|(slot, q)| {
                    *slot as usize >= self.outer
                        && quota_terms(q).is_some_and(|(user, start, end)| {
                            start <= scope.end
                                && end >= scope.start
                                && scope.owner.is_none_or(|o| o == user)
                        })
                });
                let Some((slot, q)) = next else {
                    return true;
                };
                self.outer = slot as usize + 1;
                self.after = None;
                self.quota = Some(QuotaRow {
                    quota: slot,
                    user: quota_terms(q).map(|t| t.0.to_string()).unwrap_or_default(),
                    target: match q.get("target") {
                        Some(Value::Money(m)) => scope.rates.in_base(m),
                        _ => InBase::NoRate,
                    },
                    won: Sum::default(),
                    deals: Vec::new(),
                    attainment: None,
                });
            }
            let Some(row) = self.quota.as_mut() else {
                return true;
            };
            let Some((_, start, end)) = qset.at(row.quota).and_then(quota_terms) else {
                // Gone (the data changed under the work): leave it out.
                self.quota = None;
                continue;
            };
            let user = row.user.as_str();
            let own = Scope {
                start,
                end,
                owner: Some(user),
                ..scope.clone()
            };
            let (won, list) = (&mut row.won, &mut row.deals);
            let done = walk(
                deals,
                CLOSED_AT,
                own.bounds(),
                &mut self.after,
                budget,
                |ds, d| {
                    if d.owner.as_deref() == Some(user) && outcome(&stages, d) == Outcome::Won {
                        won.add(own.in_base(d), Decimal::ONE);
                        list.push(ds);
                    }
                },
            );
            if !done {
                return false;
            }
            if let Some(mut row) = self.quota.take() {
                // Checked: a tiny target under a huge sum is beyond a decimal too.
                row.attainment = match (row.won.value, row.target) {
                    (Some(won), InBase::Value(t)) if t > Decimal::ZERO => {
                        won.checked_div(t).and_then(|a| a.to_f64())
                    }
                    _ => None,
                };
                self.out.quotas.push(row);
            }
        }
    }

    /// Each funnel stage's median stay, a stage at a time (a year holds ≈ 100,000
    /// stays per stage).
    fn medians(&mut self, budget: &mut usize) -> bool {
        while let Some(times) = self.stays.get_mut(self.outer) {
            if *budget == 0 {
                return false;
            }
            *budget = budget.saturating_sub(times.len().max(1));
            let mut times = std::mem::take(times);
            self.out.funnel[self.outer].median_days = median(&mut times).map(|ms| ms / DAY_MS);
            self.outer += 1;
        }
        true
    }

    /// The figures: the ratios, and the rows in their display order. Only complete
    /// once `step` said so.
    pub fn finish(self) -> SalesDashboard {
        let mut out = self.out;
        let k = &mut out.kpis;
        let closed = k.won.len() + k.lost.len();
        k.win_rate = (closed > 0).then(|| k.won.len() as f64 / closed as f64);
        k.average_deal = match k.won_value.value {
            _ if self.won_with_amount == 0 => Figure::Undefined,
            // A quotient by a whole count of at least one never overflows.
            Some(won) => Figure::Value(won / Decimal::from(self.won_with_amount)),
            None => Figure::TooLarge,
        };
        k.cycle_days = (!k.won.is_empty()).then(|| self.cycle_total / k.won.len() as f64);
        k.velocity = match (k.average_deal, k.win_rate, k.cycle_days) {
            (Figure::Value(avg), Some(rate), Some(days)) if days > 0.0 => {
                // At least a millisecond's cycle: at most ≈ 8.6 × 10^7 a day, which a
                // decimal holds.
                let per_day = Decimal::from_f64_retain(rate / days).unwrap_or_default();
                let open = Decimal::from(k.open.len());
                // Checked, in either order (a product can fit where one order's
                // intermediate does not).
                avg.checked_mul(per_day)
                    .and_then(|x| x.checked_mul(open))
                    .or_else(|| open.checked_mul(avg)?.checked_mul(per_day))
                    .map_or(Figure::TooLarge, Figure::Value)
            }
            (Figure::TooLarge, Some(_), Some(days)) if days > 0.0 => Figure::TooLarge,
            _ => Figure::Undefined,
        };
        // Most active first.
        out.activities.sort_by(|a, b| {
            b.records
                .len()
                .cmp(&a.records.len())
                .then(a.user.cmp(&b.user))
        });
        let l = &mut out.leads;
        l.rate = (!l.leads.is_empty()).then(|| l.converted.len() as f64 / l.leads.len() as f64);
        l.by_source = self.sources.into_values().collect();
        // Biggest sources first; the leads without a source last.
        l.by_source.sort_by(|a, b| {
            a.source
                .is_none()
                .cmp(&b.source.is_none())
                .then(b.leads.len().cmp(&a.leads.len()))
        });
        out.quotas
            .sort_by(|a, b| a.user.cmp(&b.user).then(a.quota.cmp(&b.quota)));
        out
    }
}

/// Every month of the period, empty.
fn forecast_months(scope: &Scope) -> Vec<ForecastMonth> {
    let mut months = Vec::new();
    let mut m =
        NaiveDate::from_ymd_opt(scope.start.year(), scope.start.month(), 1).unwrap_or(scope.start);
    while m <= scope.end && months.len() < 120 {
        months.push(ForecastMonth {
            month: m,
            committed: Sum::default(),
            weighted: Sum::default(),
            best_case: Sum::default(),
            records: Vec::new(),
        });
        m = add_months(m, 1);
    }
    months
}

fn only(data: &Dataset, scope: &Scope, pipeline: &str, parts: Parts) -> SalesDashboard {
    SalesDashboardWork::new(data, scope, pipeline, parts).run(data, scope)
}

/// The headline figures: deals open now (through the stage links) and closed in the
/// period (a range of the close-time index).
pub fn kpis(data: &Dataset, scope: &Scope) -> Kpis {
    only(data, scope, "", Parts::just(|p| p.kpis = true)).kpis
}

/// The funnel of one pipeline over the deals created in the period: its open stages
/// in order, then its won stage.
pub fn funnel(data: &Dataset, scope: &Scope, pipeline: &str) -> Vec<FunnelStep> {
    only(data, scope, pipeline, Parts::just(|p| p.funnel = true)).funnel
}

/// The forecast for every month of the period, by expected close (open deals) and
/// close time (won deals).
pub fn forecast(data: &Dataset, scope: &Scope) -> Vec<ForecastMonth> {
    only(data, scope, "", Parts::just(|p| p.forecast = true)).forecast
}

/// Calls, emails, meetings and tasks completed in the period, per assignee (most
/// active first).
pub fn activity_report(data: &Dataset, scope: &Scope) -> Vec<ActivityRow> {
    only(data, scope, "", Parts::just(|p| p.activities = true)).activities
}

pub fn lead_figures(data: &Dataset, scope: &Scope) -> LeadFigures {
    only(data, scope, "", Parts::just(|p| p.leads = true)).leads
}

/// The quotas whose dates overlap the period (of the scope's user, or everyone's).
pub fn quotas(data: &Dataset, scope: &Scope) -> Vec<QuotaRow> {
    only(data, scope, "", Parts::just(|p| p.quotas = true)).quotas
}

/// The whole dashboard in one go (a page steps `SalesDashboardWork` instead).
pub fn sales_dashboard(data: &Dataset, scope: &Scope, pipeline: &str) -> SalesDashboard {
    only(data, scope, pipeline, Parts::ALL)
}

/// The records behind one number of the dashboard, named as its links name them
/// (`open`, `won`, `lost`, `closed`, `funnel/<stage>`, `forecast/<yyyy-mm>`,
/// `activities/<user>`, `leads`, `converted`, `source/<value or ->`,
/// `quota/<id>`): (module, records).
pub fn drill(
    data: &Dataset,
    scope: &Scope,
    pipeline: &str,
    key: &str,
) -> Option<(&'static str, Vec<Slot>)> {
    drill_records(
        data,
        only(data, scope, pipeline, Parts::for_drill(key)),
        key,
    )
}

/// `drill` from figures already computed (with at least `Parts::for_drill(key)`).
pub fn drill_records(
    data: &Dataset,
    d: SalesDashboard,
    key: &str,
) -> Option<(&'static str, Vec<Slot>)> {
    let (head, arg) = key.split_once('/').unwrap_or((key, ""));
    Some(match head {
        "open" => (DEALS, d.kpis.open),
        "won" => (DEALS, d.kpis.won),
        "lost" => (DEALS, d.kpis.lost),
        "closed" => {
            let mut all = d.kpis.won;
            all.extend(d.kpis.lost);
            (DEALS, all)
        }
        "funnel" => (
            DEALS,
            d.funnel.into_iter().find(|s| s.stage == arg)?.reached,
        ),
        "forecast" => (
            DEALS,
            d.forecast
                .into_iter()
                .find(|f| f.month.format("%Y-%m").to_string() == arg)?
                .records,
        ),
        "activities" => (
            ACTIVITIES,
            d.activities.into_iter().find(|a| a.user == arg)?.records,
        ),
        "leads" => (LEADS, d.leads.leads),
        "converted" => (LEADS, d.leads.converted),
        "source" => (
            LEADS,
            d.leads
                .by_source
                .into_iter()
                .find(|s| s.source.as_deref().unwrap_or("-") == arg)?
                .leads,
        ),
        "quota" => {
            let qset = data.set(QUOTAS)?;
            (
                DEALS,
                d.quotas
                    .into_iter()
                    .find(|q| qset.at(q.quota).is_some_and(|r| r.id == arg))?
                    .deals,
            )
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::pipeline_records::default_pipeline_records;
    use crate::domain::sales_modules::RATES;
    use crate::domain::stage_trail::TRAIL;
    use crate::domain::standard_modules::standard_schema;
    use chrono::{NaiveTime, TimeZone, Utc};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn ms(s: &str) -> Timestamp {
        day(s).and_time(NaiveTime::MIN).and_utc().timestamp_millis()
    }
    fn at(s: &str) -> Value {
        Value::DateTime(Utc.timestamp_millis_opt(ms(s)).unwrap())
    }
    fn money(a: i64, c: &str) -> Value {
        Value::Money(Box::new(Money {
            amount: a.into(),
            currency: c.into(),
        }))
    }
    fn stage(s: &str) -> String {
        format!("stage-new_business-{s}")
    }
    fn rec(module: &str, id: &str, owner: &str, created: &str, v: Vec<(&str, Value)>) -> Record {
        let values = v.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        Record::new(id.into(), module, ms(created), Some(owner.into()), values)
    }

    struct Deal<'a> {
        id: &'a str,
        owner: &'a str,
        stage: &'a str,
        amount: Option<(i64, &'a str)>,
        p: f64,
        created: &'a str,
        expected: &'a str,
        trail: &'a [(&'a str, &'a str)],
        closed: Option<&'a str>,
    }

    fn deal(d: Deal) -> Record {
        let trail = d
            .trail
            .iter()
            .map(|(s, when)| format!("{}@{}", stage(s), ms(when)))
            .collect::<Vec<_>>()
            .join(" ");
        let mut v = vec![
            ("title", Value::Text(d.id.into())),
            ("pipeline", Value::Ref("pipeline-new_business".into())),
            ("stage", Value::Ref(stage(d.stage))),
            ("probability", Value::Number(d.p)),
            ("expected_close", Value::Date(day(d.expected))),
            (TRAIL, Value::Text(trail)),
        ];
        if let Some((a, c)) = d.amount {
            v.push(("amount", money(a, c)));
        }
        if let Some(c) = d.closed {
            v.push(("closed_at", at(c)));
        }
        rec(DEALS, d.id, d.owner, d.created, v)
    }

    /// Hand-worked fixture: see each test for the arithmetic.
    fn fixture() -> Dataset {
        let mut data = Dataset::new(standard_schema());
        for r in default_pipeline_records(1, &|k| k.to_string()) {
            data.upsert(r);
        }
        data.upsert(rec(
            RATES,
            "eur",
            "a",
            "2025-01-01",
            vec![
                ("currency", Value::Text("EUR".into())),
                ("base", Value::Text("USD".into())),
                ("rate", Value::Number(1.1)),
            ],
        ));
        let deals = [
            Deal {
                id: "d1",
                owner: "a",
                stage: "qualification",
                amount: Some((1000, "USD")),
                p: 10.0,
                created: "2026-01-10",
                expected: "2026-02-20",
                trail: &[("qualification", "2026-01-10")],
                closed: None,
            },
            Deal {
                id: "d2",
                owner: "b",
                stage: "proposal",
                amount: Some((2000, "EUR")),
                p: 50.0,
                created: "2026-01-05",
                expected: "2026-03-10",
                trail: &[
                    ("qualification", "2026-01-05"),
                    ("needs_analysis", "2026-01-07"),
                    ("proposal", "2026-01-15"),
                ],
                closed: None,
            },
            Deal {
                id: "d3",
                owner: "a",
                stage: "negotiation",
                amount: None,
                p: 75.0,
                created: "2026-02-01",
                expected: "2026-03-20",
                trail: &[
                    ("qualification", "2026-02-01"),
                    ("negotiation", "2026-02-11"),
                ],
                closed: None,
            },
            Deal {
                id: "d4",
                owner: "a",
                stage: "won",
                amount: Some((3000, "USD")),
                p: 100.0,
                created: "2026-01-01",
                expected: "2026-01-31",
                trail: &[
                    ("qualification", "2026-01-01"),
                    ("needs_analysis", "2026-01-11"),
                    ("proposal", "2026-01-21"),
                    ("won", "2026-01-31"),
                ],
                closed: Some("2026-01-31"),
            },
            // Won in a currency without a rate, skipping stages.
            Deal {
                id: "d5",
                owner: "a",
                stage: "won",
                amount: Some((500, "GBP")),
                p: 100.0,
                created: "2026-02-01",
                expected: "2026-02-11",
                trail: &[("qualification", "2026-02-01"), ("won", "2026-02-11")],
                closed: Some("2026-02-11"),
            },
            Deal {
                id: "d6",
                owner: "a",
                stage: "lost",
                amount: Some((800, "USD")),
                p: 0.0,
                created: "2026-01-20",
                expected: "2026-02-20",
                trail: &[
                    ("qualification", "2026-01-20"),
                    ("needs_analysis", "2026-01-30"),
                    ("lost", "2026-02-20"),
                ],
                closed: Some("2026-02-20"),
            },
            // Won before the period.
            Deal {
                id: "d7",
                owner: "a",
                stage: "won",
                amount: Some((10000, "USD")),
                p: 100.0,
                created: "2025-12-01",
                expected: "2025-12-20",
                trail: &[("qualification", "2025-12-01"), ("won", "2025-12-20")],
                closed: Some("2025-12-20"),
            },
            // Won, then reopened: open again, not a win.
            Deal {
                id: "d8",
                owner: "a",
                stage: "negotiation",
                amount: Some((1000, "USD")),
                p: 75.0,
                created: "2026-01-03",
                expected: "2026-04-15",
                trail: &[
                    ("qualification", "2026-01-03"),
                    ("won", "2026-01-13"),
                    ("negotiation", "2026-02-02"),
                ],
                closed: None,
            },
        ];
        for d in deals {
            data.upsert(deal(d));
        }
        let activity =
            |id: &str, owner: &str, kind: &str, done: Option<&str>, assignee: Option<&str>| {
                let mut v = vec![
                    ("subject", Value::Text(id.into())),
                    ("kind", Value::Text(kind.into())),
                ];
                if let Some(d) = done {
                    v.push(("done", Value::Bool(true)));
                    v.push(("done_at", at(d)));
                }
                if let Some(a) = assignee {
                    v.push(("assignee", Value::Ref(a.into())));
                }
                rec(ACTIVITIES, id, owner, "2025-12-01", v)
            };
        data.upsert(activity("a1", "a", "call", Some("2026-02-01"), None));
        data.upsert(activity("a2", "a", "email", Some("2026-01-05"), Some("b")));
        data.upsert(activity("a3", "a", "meeting", None, None));
        data.upsert(activity("a4", "a", "task", Some("2025-12-31"), None));
        data.upsert(activity("a5", "a", "note", Some("2026-01-31"), None));
        data.upsert(activity("a6", "b", "call", Some("2026-03-01"), None));
        let lead = |id: &str, created: &str, source: Option<&str>, deal: Option<&str>| {
            let mut v = vec![("last_name", Value::Text(id.into()))];
            if let Some(s) = source {
                v.push(("source", Value::Text(s.into())));
            }
            if let Some(d) = deal {
                v.push(("converted_contact", Value::Ref("c1".into())));
                v.push(("converted_deal", Value::Ref(d.into())));
            }
            rec(LEADS, id, "a", created, v)
        };
        data.upsert(lead("l1", "2026-01-10", Some("website"), Some("d4")));
        data.upsert(lead("l2", "2026-02-01", Some("website"), None));
        data.upsert(lead("l3", "2026-03-01", Some("referral"), Some("d1")));
        data.upsert(lead("l4", "2026-01-02", None, None));
        data.upsert(lead("l5", "2025-11-01", Some("website"), None));
        let quota = |id: &str, user: &str, start: &str, end: &str, target: Value| {
            rec(
                QUOTAS,
                id,
                "a",
                "2025-12-01",
                vec![
                    ("name", Value::Text(id.into())),
                    ("user", Value::Ref(user.into())),
                    ("start", Value::Date(day(start))),
                    ("end", Value::Date(day(end))),
                    ("target", target),
                ],
            )
        };
        data.upsert(quota(
            "q1",
            "a",
            "2026-01-01",
            "2026-03-31",
            money(5000, "USD"),
        ));
        data.upsert(quota(
            "q2",
            "b",
            "2026-04-01",
            "2026-06-30",
            money(5000, "USD"),
        ));
        data.upsert(quota(
            "q3",
            "b",
            "2026-02-01",
            "2026-02-28",
            money(1000, "EUR"),
        ));
        data
    }

    fn rates() -> ExchangeRates {
        ExchangeRates {
            base: "USD".into(),
            rates: [("EUR".to_string(), Decimal::new(11, 1))].into(),
        }
    }

    fn q1<'a>(rates: &'a ExchangeRates, owner: Option<&'a str>) -> Scope<'a> {
        Scope {
            start: day("2026-01-01"),
            end: day("2026-03-31"),
            owner,
            now: ms("2026-03-15"),
            utc_offset_minutes: 0,
            rates,
        }
    }

    fn ids(data: &Dataset, module: &str, slots: &[Slot]) -> Vec<String> {
        let set = data.set(module).unwrap();
        let mut v: Vec<String> = slots
            .iter()
            .map(|s| set.at(*s).unwrap().id.clone())
            .collect();
        v.sort();
        v
    }

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn headline_figures_follow_the_worked_example() {
        let data = fixture();
        let r = rates();
        let k = kpis(&data, &q1(&r, None));
        // Open now: d1, d2, d3 and the reopened d8, whatever the period.
        assert_eq!(ids(&data, DEALS, &k.open), ["d1", "d2", "d3", "d8"]);
        // 1000 + 2000 EUR × 1.1 + 1000; d3 has no amount.
        assert_eq!(
            (k.open_value.value, k.open_value.missing),
            (Some(dec("4200")), 1)
        );
        // 1000 × 10% + 2200 × 50% + 1000 × 75%.
        assert_eq!(k.weighted.value, Some(dec("1950")));
        // Won in Q1: d4 and d5 (GBP without a rate); d7 closed in 2025; lost: d6.
        assert_eq!(ids(&data, DEALS, &k.won), ["d4", "d5"]);
        assert_eq!(
            (k.won_value.value, k.won_value.unconverted),
            (Some(dec("3000")), 1)
        );
        assert_eq!(ids(&data, DEALS, &k.lost), ["d6"]);
        assert_eq!(k.win_rate, Some(2.0 / 3.0));
        assert_eq!(k.average_deal, Figure::Value(dec("3000")));
        // d4: 30 days, d5: 10 days.
        assert_eq!(k.cycle_days, Some(20.0));
        // 4 open × 3000 × 2/3 ÷ 20 days = 400 a day.
        assert_eq!(k.velocity.value().map(|v| v.round_dp(2)), Some(dec("400")));
    }

    #[test]
    fn the_owner_filter_and_an_empty_period_leave_figures_undefined_not_zero() {
        let data = fixture();
        let r = rates();
        let k = kpis(&data, &q1(&r, Some("b")));
        assert_eq!(ids(&data, DEALS, &k.open), ["d2"]);
        assert!(k.won.is_empty());
        assert_eq!(
            (k.win_rate, k.average_deal, k.cycle_days, k.velocity),
            (None, Figure::Undefined, None, Figure::Undefined)
        );

        let empty = Scope {
            start: day("2030-01-01"),
            end: day("2030-01-31"),
            ..q1(&r, None)
        };
        let d = sales_dashboard(&data, &empty, "pipeline-new_business");
        assert!(d.kpis.won.is_empty() && d.kpis.lost.is_empty());
        assert_eq!(d.kpis.win_rate, None);
        assert!(d
            .funnel
            .iter()
            .all(|s| s.reached.is_empty() && s.median_days.is_none()));
        assert_eq!(d.forecast.len(), 1);
        assert_eq!(d.forecast[0].best_case, Sum::default());
        assert!(d.activities.is_empty() && d.leads.leads.is_empty() && d.quotas.is_empty());
        assert_eq!(d.leads.rate, None);
    }

    #[test]
    fn the_funnel_counts_deals_reaching_each_stage_and_median_days_in_it() {
        let data = fixture();
        let r = rates();
        let f = funnel(&data, &q1(&r, None), "pipeline-new_business");
        let stages: Vec<&str> = f.iter().map(|s| s.stage.as_str()).collect();
        assert_eq!(
            stages,
            [
                stage("qualification"),
                stage("needs_analysis"),
                stage("proposal"),
                stage("negotiation"),
                stage("won")
            ]
        );
        let reached: Vec<usize> = f.iter().map(|s| s.reached.len()).collect();
        // d7 was created before the period; won deals reached every stage; d6 was
        // lost after needs analysis; reopened d8 counts where it is now.
        assert_eq!(reached, [7, 6, 5, 4, 2]);
        assert_eq!(ids(&data, DEALS, &f[4].reached), ["d4", "d5"]);
        let medians: Vec<Option<f64>> = f.iter().map(|s| s.median_days).collect();
        // Qualification stays 2, 10, 10, 10, 10, 10; needs analysis 8, 10, 21;
        // proposal 10; nobody left negotiation; the won stage is not timed.
        assert_eq!(medians, [Some(10.0), Some(10.0), Some(10.0), None, None]);
    }

    #[test]
    fn the_forecast_splits_each_month_into_committed_weighted_and_best_case() {
        let data = fixture();
        let r = rates();
        let f = forecast(&data, &q1(&r, None));
        let months: Vec<String> = f
            .iter()
            .map(|m| m.month.format("%Y-%m").to_string())
            .collect();
        assert_eq!(months, ["2026-01", "2026-02", "2026-03"]);
        // January: d4 won.
        assert_eq!(f[0].committed.value, Some(dec("3000")));
        assert_eq!(f[0].best_case.value, Some(dec("3000")));
        assert_eq!(f[0].weighted.value, Some(Decimal::ZERO));
        // February: d1 expected (1000 at 10%), d5 won without a rate.
        assert_eq!(f[1].weighted.value, Some(dec("100")));
        assert_eq!(
            (f[1].best_case.value, f[1].best_case.unconverted),
            (Some(dec("1000")), 1)
        );
        assert_eq!(f[1].committed.unconverted, 1);
        // March: d2 (2200 at 50%) and d3 without an amount; d8 is expected in April.
        assert_eq!(f[2].weighted.value, Some(dec("1100")));
        assert_eq!(
            (f[2].best_case.value, f[2].best_case.missing),
            (Some(dec("2200")), 1)
        );
        assert_eq!(ids(&data, DEALS, &f[2].records), ["d2", "d3"]);
    }

    #[test]
    fn activities_count_what_each_assignee_completed_in_the_period() {
        let data = fixture();
        let r = rates();
        let rows = activity_report(&data, &q1(&r, None));
        let summary: Vec<(&str, [usize; 4])> =
            rows.iter().map(|r| (r.user.as_str(), r.counts)).collect();
        // a2 is a's email assigned to b; a3 is not done, a4 was done in 2025, a5 is a note.
        assert_eq!(summary, [("b", [1, 1, 0, 0]), ("a", [1, 0, 0, 0])]);
        let only_a = activity_report(&data, &q1(&r, Some("a")));
        assert_eq!(ids(&data, ACTIVITIES, &only_a[0].records), ["a1"]);
    }

    #[test]
    fn leads_convert_and_sources_are_credited_with_won_deals() {
        let data = fixture();
        let r = rates();
        let l = lead_figures(&data, &q1(&r, None));
        assert_eq!(ids(&data, LEADS, &l.leads), ["l1", "l2", "l3", "l4"]);
        assert_eq!(ids(&data, LEADS, &l.converted), ["l1", "l3"]);
        assert_eq!(l.rate, Some(0.5));
        let rows: Vec<(Option<&str>, usize, usize, Option<Decimal>)> = l
            .by_source
            .iter()
            .map(|s| {
                (
                    s.source.as_deref(),
                    s.leads.len(),
                    s.converted,
                    s.won_value.value,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (Some("website"), 2, 1, Some(dec("3000"))),
                (Some("referral"), 1, 1, Some(Decimal::ZERO)),
                (None, 1, 0, Some(Decimal::ZERO))
            ]
        );
    }

    #[test]
    fn quota_attainment_is_won_in_the_quotas_own_dates_over_its_target() {
        let data = fixture();
        let r = rates();
        let rows = quotas(&data, &q1(&r, None));
        let summary: Vec<(&str, InBase, Option<Decimal>, Option<f64>)> = rows
            .iter()
            .map(|q| (q.user.as_str(), q.target, q.won.value, q.attainment))
            .collect();
        // q2 lies outside the period; q3's target is 1000 EUR = 1100 USD.
        assert_eq!(
            summary,
            [
                (
                    "a",
                    InBase::Value(dec("5000")),
                    Some(dec("3000")),
                    Some(0.6)
                ),
                (
                    "b",
                    InBase::Value(dec("1100.0")),
                    Some(Decimal::ZERO),
                    Some(0.0)
                )
            ]
        );
        assert_eq!(ids(&data, DEALS, &rows[0].deals), ["d4", "d5"]);
        assert_eq!(rows[0].won.unconverted, 1);
    }

    /// A deal of the largest amount a decimal holds, as a record stored before
    /// amounts were bounded has it.
    fn huge(id: &str, owner: &str, stage: &str, p: f64, closed: Option<&str>) -> Record {
        let mut r = deal(Deal {
            id,
            owner,
            stage,
            amount: Some((1, "USD")),
            p,
            created: "2026-01-10",
            expected: "2026-02-20",
            trail: &[("qualification", "2026-01-10")],
            closed,
        });
        r.values.insert(
            "amount",
            Value::Money(Box::new(Money {
                amount: Decimal::MAX,
                currency: "USD".into(),
            })),
        );
        r
    }

    #[test]
    fn amounts_beyond_a_decimal_make_figures_too_large_not_unconverted_nor_a_crash() {
        let mut data = fixture();
        // Two open in a 10 % stage (the case), two won in February.
        data.upsert(huge("h1", "a", "qualification", 10.0, None));
        data.upsert(huge("h2", "a", "qualification", 10.0, None));
        data.upsert(huge("h3", "a", "won", 100.0, Some("2026-02-05")));
        data.upsert(huge("h4", "a", "won", 100.0, Some("2026-02-06")));
        // One won against a target small enough that won ÷ target overflows.
        data.upsert(huge("h5", "c", "won", 100.0, Some("2026-02-07")));
        data.upsert(rec(
            QUOTAS,
            "q4",
            "a",
            "2025-12-01",
            vec![
                ("name", Value::Text("q4".into())),
                ("user", Value::Ref("c".into())),
                ("start", Value::Date(day("2026-01-01"))),
                ("end", Value::Date(day("2026-03-31"))),
                (
                    "target",
                    Value::Money(Box::new(Money {
                        amount: dec("0.5"),
                        currency: "USD".into(),
                    })),
                ),
            ],
        ));
        let r = rates();
        let scope = q1(&r, None);
        let d = sales_dashboard(&data, &scope, "pipeline-new_business");
        let k = &d.kpis;
        assert_eq!(k.open.len(), 6);
        assert_eq!(k.open_value.value, None, "not computable");
        assert_eq!(
            (k.open_value.unconverted, k.open_value.missing),
            (0, 1),
            "nothing lacks a rate (d3 has no amount)"
        );
        // A tenth of each still fits: the weighted figure is computed.
        assert!(k
            .weighted
            .value
            .is_some_and(|v| v > Decimal::MAX / dec("10")));
        assert_eq!(k.won.len(), 5);
        assert_eq!(k.won_value.value, None);
        assert_eq!(k.won_value.unconverted, 1, "d5's GBP only");
        assert_eq!(k.average_deal, Figure::TooLarge);
        assert_eq!(k.velocity, Figure::TooLarge);
        // February: h3, h4 and h5 won, h1 and h2 expected.
        let feb = &d.forecast[1];
        assert_eq!((feb.committed.value, feb.best_case.value), (None, None));
        assert_eq!(
            (feb.committed.unconverted, feb.best_case.unconverted),
            (1, 1)
        );
        assert!(feb.weighted.value.is_some());
        // Other months keep their figures.
        assert_eq!(d.forecast[2].weighted.value, Some(dec("1100")));
        let a = d.quotas.iter().find(|q| q.user == "a").unwrap();
        assert_eq!((a.won.value, a.attainment), (None, None));
        let c = d.quotas.iter().find(|q| q.user == "c").unwrap();
        assert_eq!(c.target, InBase::Value(dec("0.5")));
        assert_eq!(c.won.value, Some(Decimal::MAX));
        assert_eq!(c.attainment, None, "MAX ÷ 0.5 is beyond a decimal");
        // A rate that makes one amount too large converted: too large, not "no rate".
        let big_rate = ExchangeRates {
            base: "EUR".into(),
            rates: [("USD".to_string(), dec("2"))].into(),
        };
        let eur = Scope {
            rates: &big_rate,
            ..scope.clone()
        };
        let k = kpis(&data, &eur);
        assert_eq!(k.open_value.value, None);
        assert_eq!(k.weighted.value, None);
        assert_eq!(
            k.open_value.unconverted, 0,
            "too large is not lacking a rate"
        );
        // Stepping gives the same figures.
        stepping_matches(&data, &[scope, eur], "pipeline-new_business");
    }

    #[test]
    fn drilling_into_a_number_gives_the_records_it_counts() {
        let data = fixture();
        let r = rates();
        let s = q1(&r, None);
        let p = "pipeline-new_business";
        let (m, slots) = drill(&data, &s, p, &format!("funnel/{}", stage("negotiation"))).unwrap();
        assert_eq!(
            (m, ids(&data, DEALS, &slots)),
            (
                DEALS,
                vec!["d3".to_string(), "d4".into(), "d5".into(), "d8".into()]
            )
        );
        let (_, slots) = drill(&data, &s, p, "forecast/2026-02").unwrap();
        assert_eq!(ids(&data, DEALS, &slots), ["d1", "d5"]);
        let (m, slots) = drill(&data, &s, p, "source/-").unwrap();
        assert_eq!(
            (m, ids(&data, LEADS, &slots)),
            (LEADS, vec!["l4".to_string()])
        );
        let (_, slots) = drill(&data, &s, p, "quota/q1").unwrap();
        assert_eq!(ids(&data, DEALS, &slots), ["d4", "d5"]);
        assert!(drill(&data, &s, p, "nonsense").is_none());
        assert!(drill(&data, &s, p, "funnel/no-such-stage").is_none());
    }

    #[test]
    fn periods_are_whole_months_quarters_and_years() {
        let today = day("2026-11-25");
        assert_eq!(
            period_around(PeriodKind::Month, today),
            (day("2026-11-01"), day("2026-11-30"))
        );
        assert_eq!(
            period_around(PeriodKind::Quarter, today),
            (day("2026-10-01"), day("2026-12-31"))
        );
        assert_eq!(
            period_around(PeriodKind::Year, day("2024-02-29")),
            (day("2024-01-01"), day("2024-12-31"))
        );
    }

    /// Runs the work `slice` records at a time; also says how many steps it took.
    fn stepped(
        data: &Dataset,
        scope: &Scope,
        pipeline: &str,
        slice: usize,
    ) -> (SalesDashboard, usize) {
        let mut work = SalesDashboardWork::new(data, scope, pipeline, Parts::ALL);
        let mut steps = 1;
        while !work.step(data, scope, slice) {
            steps += 1;
            assert!(steps < 10_000_000, "the work makes no progress");
        }
        (work.finish(), steps)
    }

    /// Every period, owner and slice size gives exactly the one-shot figures.
    fn stepping_matches(data: &Dataset, scopes: &[Scope], pipeline: &str) {
        for scope in scopes {
            let whole = sales_dashboard(data, scope, pipeline);
            for slice in [1, 7, 1_000_000] {
                let (figures, steps) = stepped(data, scope, pipeline, slice);
                assert_eq!(figures, whole, "slice {slice}, {scope:?}");
                if slice == 1 && data.total() > 0 {
                    assert!(steps > 1, "one record per step cannot finish at once");
                }
            }
            for key in drill_keys(data, &whole) {
                assert_eq!(
                    drill(data, scope, pipeline, &key),
                    drill_records(data, whole.clone(), &key),
                    "{key}"
                );
            }
        }
    }

    /// Every drill-down key the figures link to.
    fn drill_keys(data: &Dataset, d: &SalesDashboard) -> Vec<String> {
        let mut keys: Vec<String> = ["open", "won", "lost", "closed", "leads", "converted"]
            .map(String::from)
            .into();
        keys.extend(d.funnel.iter().map(|s| format!("funnel/{}", s.stage)));
        keys.extend(
            d.forecast
                .iter()
                .map(|f| format!("forecast/{}", f.month.format("%Y-%m"))),
        );
        keys.extend(
            d.activities
                .iter()
                .map(|a| format!("activities/{}", a.user)),
        );
        keys.extend(
            d.leads
                .by_source
                .iter()
                .map(|s| format!("source/{}", s.source.as_deref().unwrap_or("-"))),
        );
        if let Some(q) = data.set(QUOTAS) {
            keys.extend(
                d.quotas
                    .iter()
                    .filter_map(|r| q.at(r.quota))
                    .map(|r| format!("quota/{}", r.id)),
            );
        }
        keys
    }

    fn scopes<'a>(rates: &'a ExchangeRates, now: Timestamp, users: &[&'a str]) -> Vec<Scope<'a>> {
        let today = chrono::DateTime::from_timestamp_millis(now)
            .unwrap()
            .date_naive();
        let mut out = Vec::new();
        for kind in [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year] {
            let (start, end) = period_around(kind, today);
            for owner in std::iter::once(None).chain(users.iter().map(|u| Some(*u))) {
                out.push(Scope {
                    start,
                    end,
                    owner,
                    now,
                    utc_offset_minutes: 210,
                    rates,
                });
            }
        }
        out
    }

    #[test]
    fn stepping_gives_the_one_shot_figures_on_the_worked_example() {
        let data = fixture();
        let r = rates();
        let mut all = vec![q1(&r, None), q1(&r, Some("a")), q1(&r, Some("b"))];
        all.extend(scopes(&r, ms("2026-02-15"), &["a"]));
        stepping_matches(&data, &all, "pipeline-new_business");
        // A pipeline that does not exist: an empty funnel, the rest as before.
        stepping_matches(&data, &all[..1], "pipeline-none");
    }

    #[test]
    fn stepping_gives_the_one_shot_figures_on_the_sample_and_synthetic_data() {
        let now = ms("2026-11-25") + 13 * 3_600_000;
        let mut sample = Dataset::new(standard_schema());
        for r in default_pipeline_records(1, &|k| k.to_string()) {
            sample.upsert(r);
        }
        for r in crate::domain::sample::sample_records(now) {
            sample.upsert(r);
        }
        let r = rates();
        let users = sample.user_ids();
        let users: Vec<&str> = users.iter().map(String::as_str).take(2).collect();
        let sample_scopes = scopes(&r, now, &users);
        let year = sales_dashboard(&sample, &sample_scopes[6], "pipeline-new_business");
        assert!(!year.kpis.open.is_empty() && !year.leads.leads.is_empty());
        stepping_matches(&sample, &sample_scopes, "pipeline-new_business");

        let scale = crate::domain::scale_data::scale_dataset(600, 2_000, now);
        stepping_matches(&scale, &scopes(&r, now, &["u1"]), "pipeline-new_business");
    }

    #[test]
    fn stepping_over_no_data_finishes_with_empty_figures() {
        let empty = Dataset::new(standard_schema());
        let r = rates();
        let all = scopes(&r, ms("2026-02-15"), &["a"]);
        stepping_matches(&empty, &all, "");
        let (d, steps) = stepped(&empty, &all[0], "", 1);
        assert_eq!(steps, 1);
        assert!(d.kpis.open.is_empty() && d.funnel.is_empty() && d.quotas.is_empty());
        assert_eq!(d.forecast.len(), 1);
    }
}
