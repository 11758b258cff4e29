//! Computing the dashboard a slice at a time (`SalesDashboardWork`).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::domain::activities::agenda::assignee;
use crate::domain::modules::activity_module::ACTIVITIES;
use crate::domain::modules::analytics_modules::QUOTAS;
use crate::domain::modules::lead_module::LEADS;
use crate::domain::modules::sales_modules::DEALS;
use crate::domain::records::record::{Record, Timestamp};
use crate::domain::records::record_set::{Dataset, RecordSet, CREATED_AT};
use crate::domain::records::search::Slot;
use crate::domain::records::stage_trail::steps_iter as trail_steps;
use crate::domain::records::value::Value;
use crate::domain::sales::board::{expected_close, probability};
use crate::domain::sales::pipeline::{weight, InBase, Outcome};

use super::*;

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
    pub(super) fn just(pick: fn(&mut Parts)) -> Parts {
        let mut parts = Parts::NONE;
        pick(&mut parts);
        parts
    }

    /// The part holding the records of a drill-down key (see `drill`).
    pub fn for_drill(key: &str) -> Parts {
        let pick: fn(&mut Parts) = match Drill::parse(key) {
            None => return Parts::NONE,
            Some(Drill::Open | Drill::Won | Drill::Lost | Drill::Closed) => |p| p.kpis = true,
            Some(Drill::Funnel(_)) => |p| p.funnel = true,
            Some(Drill::Forecast(_)) => |p| p.forecast = true,
            Some(Drill::Activities(_)) => |p| p.activities = true,
            Some(Drill::Leads | Drill::Converted | Drill::Source(_)) => |p| p.leads = true,
            Some(Drill::Quota(_)) => |p| p.quotas = true,
        };
        Parts::just(pick)
    }
}

/// The walks a dashboard computation makes, in order; each resumes where the
/// previous slice stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Phase {
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

pub(super) const PHASES: [Phase; 9] = [
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
    pub(super) fn want(&self, phase: Phase) -> bool {
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
pub(super) fn walk(
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
pub(super) fn quota_terms(q: &Record) -> Option<(&str, NaiveDate, NaiveDate)> {
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
    pub(super) parts: Parts,
    pub(super) pipeline: String,
    pub(super) phase: usize,
    /// The last time-index entry the current walk took.
    pub(super) after: Option<(i64, Slot)>,
    /// Position in the current list (open stage, quota slot, funnel step) and within
    /// the list's item (the open stage's deals).
    pub(super) outer: usize,
    pub(super) inner: usize,
    pub(super) out: SalesDashboard,
    pub(super) won_with_amount: usize,
    pub(super) cycle_total: f64,
    pub(super) funnel_ids: Vec<String>,
    pub(super) funnel_open: Vec<bool>,
    pub(super) stays: Vec<Vec<i64>>,
    pub(super) sources: BTreeMap<Option<String>, SourceRow>,
    /// The quota whose deals are being summed.
    pub(super) quota: Option<QuotaRow>,
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
    pub(super) fn start_funnel(&mut self, data: &Dataset) {
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

    pub(super) fn open_deals(&mut self, data: &Dataset, scope: &Scope, budget: &mut usize) -> bool {
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

    pub(super) fn closed_deals(
        &mut self,
        data: &Dataset,
        scope: &Scope,
        budget: &mut usize,
    ) -> bool {
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
    pub(super) fn new_deals(&mut self, data: &Dataset, scope: &Scope, budget: &mut usize) -> bool {
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
    pub(super) fn forecast_walk(
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
    pub(super) fn done_activities(
        &mut self,
        data: &Dataset,
        scope: &Scope,
        budget: &mut usize,
    ) -> bool {
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
    pub(super) fn new_leads(&mut self, data: &Dataset, scope: &Scope, budget: &mut usize) -> bool {
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
    pub(super) fn quotas(&mut self, data: &Dataset, scope: &Scope, budget: &mut usize) -> bool {
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
    pub(super) fn medians(&mut self, budget: &mut usize) -> bool {
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
pub(super) fn forecast_months(scope: &Scope) -> Vec<ForecastMonth> {
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
