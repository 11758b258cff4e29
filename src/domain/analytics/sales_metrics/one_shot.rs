//! The one-shot figures and the records behind a figure (drill-down).

use crate::domain::modules::activity_module::ACTIVITIES;
use crate::domain::modules::analytics_modules::QUOTAS;
use crate::domain::modules::lead_module::LEADS;
use crate::domain::modules::sales_modules::DEALS;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::search::Slot;

use super::*;

pub(super) fn only(data: &Dataset, scope: &Scope, pipeline: &str, parts: Parts) -> SalesDashboard {
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
    Some(match Drill::parse(key)? {
        Drill::Open => (DEALS, d.kpis.open),
        Drill::Won => (DEALS, d.kpis.won),
        Drill::Lost => (DEALS, d.kpis.lost),
        Drill::Closed => {
            let mut all = d.kpis.won;
            all.extend(d.kpis.lost);
            (DEALS, all)
        }
        Drill::Funnel(stage) => (
            DEALS,
            d.funnel.into_iter().find(|s| s.stage == stage)?.reached,
        ),
        Drill::Forecast(month) => (
            DEALS,
            d.forecast
                .into_iter()
                .find(|f| f.month.format("%Y-%m").to_string() == month.format("%Y-%m").to_string())?
                .records,
        ),
        Drill::Activities(user) => (
            ACTIVITIES,
            d.activities.into_iter().find(|a| a.user == user)?.records,
        ),
        Drill::Leads => (LEADS, d.leads.leads),
        Drill::Converted => (LEADS, d.leads.converted),
        Drill::Source(source) => (
            LEADS,
            d.leads
                .by_source
                .into_iter()
                .find(|s| s.source == source)?
                .leads,
        ),
        Drill::Quota(id) => {
            let qset = data.set(QUOTAS)?;
            (
                DEALS,
                d.quotas
                    .into_iter()
                    .find(|q| qset.at(q.quota).is_some_and(|r| r.id == id))?
                    .deals,
            )
        }
    })
}
