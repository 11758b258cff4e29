//! The sales dashboard on the home page: headline figures, funnel, forecast, leads,
//! activity and quotas for a chosen period and owner. Every number links to the
//! records it counts (`#/dashboard/records/…`).

use chrono::{Duration, NaiveDate};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;

use crate::domain::records::calendar_system::CalendarSystem;
use crate::ui::kit::day_input::DayInput;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

use crate::domain::activities::activity_rules::local_date;
use crate::domain::analytics::report::DateBucket;
use crate::domain::analytics::sales_metrics::{
    drill_records, Drill, Figure, Parts, PeriodKind, SalesDashboard, SalesDashboardWork, Scope,
    Sum, ACTIVITY_KINDS, SALES_DASHBOARD,
};
use crate::domain::records::search::Slot;
use crate::domain::sales::board::exchange_rates;
use crate::domain::sales::pipeline::{ExchangeRates, InBase};
use crate::domain::{Money, Value};
use crate::i18n::{capitalised, label, t, tn, tr, Locale};
use crate::ui::analytics::report_labels::period_label;
use crate::ui::kit::chart::{Chart, ChartData, ChartKind, Series};
use crate::ui::kit::format::{count, money, money_compact, number, percent, user_name, value_text};
use crate::ui::kit::route::{navigate, Route};
use crate::ui::kit::state::{in_turns, now, tk, turn, use_state, utc_offset, AppState, Generation};
use crate::ui::kit::user_select::{whose_user, WhoseFilter};

const SCOPE_KEY: &str = "crm.dashboard";

/// What the dashboard looks at, kept between visits (and read by the records page).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DashboardScope {
    /// "month", "quarter", "year" or "custom".
    pub period: String,
    pub from: String,
    pub to: String,
    /// "" everyone, "@me", or a user id.
    pub whose: String,
    pub pipeline: String,
}

impl DashboardScope {
    pub fn load() -> Self {
        let mut s: DashboardScope = LocalStorage::get(SCOPE_KEY).unwrap_or_default();
        if s.period.is_empty() {
            s.period = "quarter".into();
        }
        s
    }

    fn save(&self) {
        let _ = LocalStorage::set(SCOPE_KEY, self);
    }

    /// First and last day of the period, in local time.
    /// Months, quarters and years are `calendar`'s (a Persian user's quarter is a
    /// Solar Hijri season).
    pub fn dates(&self, calendar: CalendarSystem) -> (NaiveDate, NaiveDate) {
        let today = chrono::DateTime::from_timestamp_millis(now())
            .map(|t| local_date(t, utc_offset()))
            .unwrap_or_default();
        let kind = match self.period.as_str() {
            "month" => PeriodKind::Month,
            "year" => PeriodKind::Year,
            "custom" => {
                let parse = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
                let from = parse(&self.from).unwrap_or(today - Duration::days(30));
                let to = parse(&self.to).unwrap_or(today).max(from);
                return (from, to);
            }
            _ => PeriodKind::Quarter,
        };
        crate::domain::records::local_days::period_around_in(kind, today, calendar)
    }

    /// Custom dates whose end comes before their start (the figures then cover the
    /// start day alone, and the page says so).
    pub fn reversed(&self) -> bool {
        let parse = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        self.period == "custom"
            && matches!((parse(&self.from), parse(&self.to)), (Some(a), Some(b)) if b < a)
    }

    /// The pipeline the funnel shows: the chosen one if it still exists, else the first.
    pub fn pipeline(&self, st: AppState) -> String {
        st.data.with(|d| {
            let choices = d.choices(SALES_DASHBOARD.pipelines, None);
            choices
                .iter()
                .find(|(id, _)| *id == self.pipeline)
                .or(choices.first())
                .map(|(id, _)| id.clone())
                .unwrap_or_default()
        })
    }
}

/// The scope the saved settings describe, owned: stepped work rebuilds its `Scope`
/// from it every turn.
pub struct ScopeParts {
    start: NaiveDate,
    end: NaiveDate,
    owner: Option<String>,
    now: i64,
    utc_offset_minutes: i32,
    rates: ExchangeRates,
}

impl ScopeParts {
    pub fn of(st: AppState, s: &DashboardScope) -> Self {
        let (start, end) = s.dates(untrack(|| st.calendar()));
        let base = st.base_currency.get();
        ScopeParts {
            start,
            end,
            owner: whose_user(st, &s.whose),
            now: now(),
            utc_offset_minutes: utc_offset(),
            rates: st.data.with(|d| exchange_rates(d, &base)),
        }
    }

    pub fn scope(&self) -> Scope<'_> {
        Scope {
            start: self.start,
            end: self.end,
            owner: self.owner.as_deref(),
            now: self.now,
            utc_offset_minutes: self.utc_offset_minutes,
            rates: &self.rates,
        }
    }
}

/// Computes `parts` of the dashboard a turn at a time (see `in_turns`), then hands
/// the figures to `done`; `busy` is true meanwhile.
fn compute_in_turns(
    st: AppState,
    generation: Generation,
    s: &DashboardScope,
    pipeline: String,
    parts: Parts,
    busy: RwSignal<bool>,
    done: impl FnOnce(SalesDashboard) + 'static,
) {
    let mine = generation.start();
    busy.set(true);
    let scope = ScopeParts::of(st, s);
    let work = st
        .data
        .with_untracked(|d| SalesDashboardWork::new(d, &scope.scope(), &pipeline, parts));
    in_turns(
        generation,
        mine,
        work,
        move |w| {
            let scope = scope.scope();
            st.data
                .with_untracked(|d| turn(|| w.step(d, &scope, SalesDashboardWork::SLICE)))
        },
        move |w| {
            done(w.finish());
            busy.set(false);
        },
    );
}

/// "Working out the figures…" before the first result, "Updating…" while newer
/// ones are computed: a polite live region that is always there.
fn progress_status(
    busy: RwSignal<bool>,
    shown: impl Fn() -> bool + Send + Sync + 'static,
) -> impl IntoView {
    let st = use_state();
    view! {
        <p class="muted dash-status" role="status">
            {move || {
                let l = st.locale.get();
                match (busy.get(), shown()) {
                    (false, _) => String::new(),
                    (true, true) => t(l, "dash.updating"),
                    (true, false) => t(l, "dash.computing"),
                }
            }}
        </p>
    }
}

fn drill_href(drill: Drill) -> String {
    Route::Drill(drill.key()).href()
}

/// A chart's selection opens the records behind the chosen category.
fn drill_on_select(keys: Vec<String>) -> Callback<(usize, usize)> {
    Callback::new(move |(c, _): (usize, usize)| {
        if let Some(k) = keys.get(c) {
            navigate(&Route::Drill(k.clone()));
        }
    })
}

/// A sum as money; "—" when it is too large to compute (the note says so).
fn sum_text(l: Locale, s: &Sum, base: &str) -> String {
    s.money(base)
        .map(|m| money(l, &m))
        .unwrap_or_else(|| "—".into())
}

/// A sum in a table cell, where no note says why: "— (too large to total)".
fn sum_cell(l: Locale, s: &Sum, base: &str) -> String {
    s.money(base)
        .map(|m| money(l, &m))
        .unwrap_or_else(|| t(l, "money.too_large"))
}

/// "too large to total" for a sum that could not be computed, else nothing.
fn too_large(l: Locale, s: &Sum) -> String {
    match s.value {
        Some(_) => String::new(),
        None => t(l, "dash.too_large"),
    }
}

/// What a sum left out, e.g. "2 without an amount · 1 without a rate".
fn not_counted(l: Locale, s: &Sum) -> Vec<String> {
    let mut parts = Vec::new();
    if s.missing > 0 {
        parts.push(tr(l, "dash.no_amount", &[("n", &count(l, s.missing))]));
    }
    if s.unconverted > 0 {
        parts.push(tr(l, "dash.no_rate", &[("n", &count(l, s.unconverted))]));
    }
    parts
}

/// A sum's note: "too large to total" when it could not be computed, then what it
/// left out.
fn left_out(l: Locale, s: &Sum) -> String {
    let mut parts = vec![too_large(l, s)];
    parts.extend(not_counted(l, s));
    parts.retain(|p| !p.is_empty());
    parts.join(" · ")
}

/// A sum for a chart: not a number when it is too large (nothing is drawn, and
/// the chart's table says "too large to total").
fn to_f64(s: &Sum) -> f64 {
    s.value.and_then(|d| d.to_f64()).unwrap_or(f64::NAN)
}

/// A series of money sums: drawn from their nearest float, but shown in the table
/// and read out exactly, to the cent, as the cards show them.
fn money_series<T>(
    l: Locale,
    base: &str,
    name: String,
    items: &[T],
    sum: impl Fn(&T) -> &Sum,
) -> Series {
    Series {
        name,
        values: items.iter().map(|i| to_f64(sum(i))).collect(),
        texts: items.iter().map(|i| sum_cell(l, sum(i), base)).collect(),
    }
}

#[component]
pub fn SalesDashboardView() -> impl IntoView {
    let st = use_state();
    let settings = RwSignal::new(DashboardScope::load());
    let whose = RwSignal::new(settings.get_untracked().whose);
    Effect::new(move |_| {
        let w = whose.get();
        settings.update(|s| s.whose = w);
    });
    Effect::new(move |_| settings.with(DashboardScope::save));
    let pipeline = Memo::new(move |_| settings.with(|s| s.pipeline(st)));
    // The figures shown: the previous ones stay while newer ones are computed.
    let figures = RwSignal::new(None::<SalesDashboard>);
    let busy = RwSignal::new(true);
    let generation = Generation::new();
    // A new period, owner, pipeline, currency or any data change starts over.
    Effect::new(move |_| {
        let s = settings.get();
        let p = pipeline.get();
        st.data.track();
        compute_in_turns(st, generation, &s, p, Parts::ALL, busy, move |f| {
            figures.set(Some(f))
        });
    });
    let set = move |f: fn(&mut DashboardScope, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            settings.update(|s| f(s, v));
        }
    };
    let custom = move || settings.with(|s| s.period == "custom");
    let period_text = move || {
        let l = st.locale.get();
        let (a, b) = settings.with(|s| s.dates(st.calendar()));
        format!(
            "{} – {}",
            crate::ui::kit::format::date(l, a),
            crate::ui::kit::format::date(l, b)
        )
    };
    view! {
        <section class="dashboard" aria-labelledby="dash-title">
            <h2 id="dash-title">{tk("dash.title")}</h2>
            <p>
                <a href=Route::Dashboards(String::new()).href()>{tk("dash.my_dashboards")}</a>
            </p>
            <div class="dash-controls">
                <div class="field">
                    <label for="dash-period">{tk("dash.period")}</label>
                    <select id="dash-period" on:change=set(|s, v| s.period = v)>
                        {["month", "quarter", "year", "custom"]
                            .into_iter()
                            .map(|p| {
                                view! {
                                    <option
                                        value=p
                                        selected=move || settings.with(|s| s.period == p)
                                    >
                                        {move || t(st.locale.get(), &format!("dash.period.{p}"))}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <Show when=custom>
                    <div class="field">
                        <label for="dash-from">{tk("dash.from")}</label>
                        <DayInput
                            id="dash-from"
                            value=Signal::derive(move || settings.with(|s| s.from.clone()))
                            on_day=Callback::new(move |v: String| settings.update(|s| s.from = v))
                        />
                    </div>
                    <div class="field">
                        <label for="dash-to">{tk("dash.to")}</label>
                        <DayInput
                            id="dash-to"
                            value=Signal::derive(move || settings.with(|s| s.to.clone()))
                            on_day=Callback::new(move |v: String| settings.update(|s| s.to = v))
                        />
                    </div>
                </Show>
                <WhoseFilter id="dash-whose" label_key="dash.whose" whose=whose />
                <div class="field">
                    <label for="dash-pipeline">{tk("dash.pipeline")}</label>
                    <select id="dash-pipeline" on:change=set(|s, v| s.pipeline = v)>
                        {move || {
                            let current = pipeline.get();
                            st.data
                                .with(|d| d.choices(SALES_DASHBOARD.pipelines, None))
                                .into_iter()
                                .map(|(id, name)| {
                                    let selected = id == current;
                                    view! { <option value=id selected=selected>{name}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                <p class="muted dash-range">{period_text}</p>
            </div>
            {move || {
                settings
                    .with(DashboardScope::reversed)
                    .then(|| view! { <p role="alert" class="notice notice-error">{tk("dash.reversed")}</p> })
            }}
            {progress_status(busy, move || figures.with(Option::is_some))}
            <div class="dash-figures" aria-busy=move || busy.get().to_string()>
                // Redrawn with the language too: the widgets format in the user's locale.
                {move || {
                    st.locale.track();
                    figures.with(|f| f.as_ref().map(|f| view! { <Kpis f=f.clone() /> }))
                }}
                <div class="dash-grid">
                    {move || {
                        st.locale.track();
                        figures
                            .get()
                            .map(|f| {
                                view! {
                                    <Funnel f=f.clone() />
                                    <Forecast f=f.clone() />
                                    <Leads f=f.clone() />
                                    <Activities f=f.clone() />
                                    <Quotas f=f />
                                }
                            })
                    }}
                </div>
            </div>
        </section>
    }
}

/// A figure too long for a card at its usual size ("۶۰٬۳۰۳٬۴۴۶٬۴۱۲ ریال").
pub fn long_figure(text: &str) -> bool {
    text.chars().count() > 14
}

#[component]
fn Kpi(label_key: &'static str, value: String, note: String, href: String) -> impl IntoView {
    let long = long_figure(&value);
    let chars = format!("--chars: {}", value.chars().count());
    view! {
        <a class="kpi" href=href>
            <span class="kpi-label">{tk(label_key)}</span>
            <span class="kpi-value" class:long=long style=chars>{value}</span>
            <span class="kpi-note">{note}</span>
        </a>
    }
}

#[component]
fn Kpis(f: SalesDashboard) -> impl IntoView {
    let st = use_state();
    let l = st.locale.get_untracked();
    let base = st.base_currency.get_untracked();
    let k = f.kpis;
    let deals = |n: usize| tn(l, "dash.deals", n, &count(l, n));
    let opt_money = |f: Figure| {
        f.value()
            .map(|v| {
                money(
                    l,
                    &Money {
                        amount: v.round_dp(2),
                        currency: base.clone(),
                    },
                )
            })
            .unwrap_or_else(|| "—".into())
    };
    let figure_note = |f: Figure| match f {
        Figure::TooLarge => t(l, "dash.too_large"),
        _ => String::new(),
    };
    let days = |d: Option<f64>| {
        d.map(|v| {
            tr(
                l,
                "dash.days",
                &[("n", &number(l, (v * 10.0).round() / 10.0))],
            )
        })
        .unwrap_or_else(|| "—".into())
    };
    let rate = k
        .win_rate
        .map(|r| percent(l, (r * 1000.0).round() / 10.0))
        .unwrap_or_else(|| "—".into());
    let velocity_inputs = format!(
        "{} × {} × {} ÷ {}",
        deals(k.open.len()),
        opt_money(k.average_deal),
        rate,
        days(k.cycle_days)
    );
    let closed = k.won.len() + k.lost.len();
    view! {
        <div class="kpi-grid" role="list">
            <div role="listitem">
                <Kpi
                    label_key="dash.open_value"
                    value=sum_text(l, &k.open_value, &base)
                    note=[deals(k.open.len()), left_out(l, &k.open_value)].join(" ")
                    href=drill_href(Drill::Open)
                />
            </div>
            <div role="listitem">
                <Kpi
                    label_key="dash.weighted"
                    value=sum_text(l, &k.weighted, &base)
                    note=[deals(k.open.len()), too_large(l, &k.weighted)].join(" ")
                    href=drill_href(Drill::Open)
                />
            </div>
            <div role="listitem">
                <Kpi
                    label_key="dash.won_value"
                    value=sum_text(l, &k.won_value, &base)
                    note=[deals(k.won.len()), left_out(l, &k.won_value)].join(" ")
                    href=drill_href(Drill::Won)
                />
            </div>
            <div role="listitem">
                <Kpi
                    label_key="dash.won_count"
                    value=count(l, k.won.len())
                    note=String::new()
                    href=drill_href(Drill::Won)
                />
            </div>
            <div role="listitem">
                <Kpi
                    label_key="dash.lost_count"
                    value=count(l, k.lost.len())
                    note=String::new()
                    href=drill_href(Drill::Lost)
                />
            </div>
            <div role="listitem">
                <Kpi
                    label_key="dash.win_rate"
                    value=rate.clone()
                    note=tr(l, "dash.of_closed", &[("n", &count(l, closed))])
                    href=drill_href(Drill::Closed)
                />
            </div>
            <div role="listitem">
                <Kpi
                    label_key="dash.average_deal"
                    value=opt_money(k.average_deal)
                    note=[deals(k.won.len()), figure_note(k.average_deal)].join(" ")
                    href=drill_href(Drill::Won)
                />
            </div>
            <div role="listitem">
                <Kpi
                    label_key="dash.cycle"
                    value=days(k.cycle_days)
                    note=deals(k.won.len())
                    href=drill_href(Drill::Won)
                />
            </div>
            <div role="listitem">
                <Kpi
                    label_key="dash.velocity"
                    value=k
                        .velocity
                        .value()
                        .map(|_| tr(l, "dash.per_day", &[("v", &opt_money(k.velocity))]))
                        .unwrap_or_else(|| "—".into())
                    note=[velocity_inputs, figure_note(k.velocity)].join(" ")
                    href=drill_href(Drill::Open)
                />
            </div>
        </div>
    }
}

fn money_format(l: Locale, base: String) -> Callback<f64, String> {
    Callback::new(move |v: f64| {
        // Not a number: a sum too large to compute (see `to_f64`).
        if !v.is_finite() {
            return t(l, "money.too_large");
        }
        // Only the axis uses this: every bar's own figure is exact (`money_series`).
        money_compact(l, v, &base)
    })
}

fn count_format(l: Locale) -> Callback<f64, String> {
    Callback::new(move |v: f64| number(l, v))
}

fn stage_name(st: AppState, id: &str) -> String {
    st.data
        .with_untracked(|d| d.title(SALES_DASHBOARD.stages, id))
        .unwrap_or_default()
}

#[component]
fn Funnel(f: SalesDashboard) -> impl IntoView {
    let st = use_state();
    let l = st.locale.get_untracked();
    let steps = f.funnel;
    let names: Vec<String> = steps.iter().map(|s| stage_name(st, &s.stage)).collect();
    let data = ChartData {
        title: t(l, "dash.funnel"),
        categories: names.clone(),
        series: vec![Series::new(
            t(l, "dash.reached"),
            steps.iter().map(|s| s.reached.len() as f64).collect(),
        )],
    };
    let keys: Vec<String> = steps
        .iter()
        .map(|s| Drill::Funnel(s.stage.clone()).key())
        .collect();
    let select = drill_on_select(keys);
    let rows = steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let n = s.reached.len();
            let next = steps.get(i + 1).map(|x| x.reached.len());
            let drop = next
                .map(|m| count(l, n.saturating_sub(m)))
                .unwrap_or_default();
            let conv = match next {
                Some(m) if n > 0 => percent(l, (m as f64 / n as f64 * 1000.0).round() / 10.0),
                _ => String::new(),
            };
            let median = s
                .median_days
                .map(|d| {
                    tr(
                        l,
                        "dash.days",
                        &[("n", &number(l, (d * 10.0).round() / 10.0))],
                    )
                })
                .unwrap_or_else(|| "—".into());
            let href = drill_href(Drill::Funnel(s.stage.clone()));
            view! {
                <tr>
                    <th scope="row">
                        <a href=href>{names[i].clone()}</a>
                    </th>
                    <td>{count(l, n)}</td>
                    <td>{drop}</td>
                    <td>{conv}</td>
                    <td>{median}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="dash-card" aria-labelledby="dash-funnel">
            <h3 id="dash-funnel">{tk("dash.funnel")}</h3>
            <p class="muted">{tk("dash.funnel_help")}</p>
            <Chart
                kind=ChartKind::Funnel
                data=data
                format=count_format(l)
                percent=Callback::new(move |p: f64| percent(l, p))
                rtl=l.is_rtl()
                on_select=select
                table_caption=t(l, "dash.funnel")
                empty_text=t(l, "dash.nothing")
            />
            <table class="dash-table">
                <thead>
                    <tr>
                        <th scope="col">{tk("dash.stage")}</th>
                        <th scope="col">{tk("dash.reached")}</th>
                        <th scope="col">{tk("dash.drop_off")}</th>
                        <th scope="col">{tk("dash.to_next")}</th>
                        <th scope="col">{tk("dash.median_time")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

#[component]
fn Forecast(f: SalesDashboard) -> impl IntoView {
    let st = use_state();
    let l = st.locale.get_untracked();
    let base = st.base_currency.get_untracked();
    let months = f.forecast;
    let data = ChartData {
        title: t(l, "dash.forecast"),
        categories: months
            .iter()
            .map(|m| period_label(l, m.month, DateBucket::Month))
            .collect(),
        series: vec![
            money_series(l, &base, t(l, "dash.committed"), &months, |m| &m.committed),
            money_series(l, &base, t(l, "dash.weighted_forecast"), &months, |m| {
                &m.weighted
            }),
            money_series(l, &base, t(l, "dash.best_case"), &months, |m| &m.best_case),
        ],
    };
    let keys: Vec<String> = months
        .iter()
        .map(|m| Drill::Forecast(m.month).key())
        .collect();
    let select = drill_on_select(keys);
    // A month too large to total is named: its bars are missing from the chart.
    let notes: Vec<String> = months
        .iter()
        .map(|m| {
            let gone = [&m.committed, &m.weighted, &m.best_case]
                .into_iter()
                .any(|s| s.value.is_none());
            let mut parts = Vec::new();
            if gone {
                let month = period_label(l, m.month, DateBucket::Month);
                parts.push(tr(l, "dash.too_large_in", &[("what", &month)]));
            }
            parts.extend(not_counted(l, &m.best_case));
            parts.join(" · ")
        })
        .filter(|s| !s.is_empty())
        .collect();
    view! {
        <section class="dash-card" aria-labelledby="dash-forecast">
            <h3 id="dash-forecast">{tk("dash.forecast")}</h3>
            <p class="muted">{tk("dash.forecast_help")}</p>
            <Chart
                kind=ChartKind::Bar
                data=data
                format=money_format(l, base)
                rtl=l.is_rtl()
                on_select=select
                table_caption=t(l, "dash.forecast")
                empty_text=t(l, "dash.nothing")
            />
            <p class="muted">{notes.join(" · ")}</p>
        </section>
    }
}

fn source_label(st: AppState, l: Locale, source: Option<&str>) -> String {
    let Some(s) = source else {
        return t(l, "dash.no_source");
    };
    st.data.with_untracked(|d| {
        d.schema
            .module(SALES_DASHBOARD.leads)
            .and_then(|m| m.field(SALES_DASHBOARD.lead_source))
            .map(|f| value_text(l, d, f, &Value::Text(s.to_string())))
            .unwrap_or_else(|| s.to_string())
    })
}

#[component]
fn Leads(f: SalesDashboard) -> impl IntoView {
    let st = use_state();
    let l = st.locale.get_untracked();
    let base = st.base_currency.get_untracked();
    let lf = f.leads;
    let rate = lf
        .rate
        .map(|r| percent(l, (r * 1000.0).round() / 10.0))
        .unwrap_or_else(|| "—".into());
    let names: Vec<String> = lf
        .by_source
        .iter()
        .map(|s| source_label(st, l, s.source.as_deref()))
        .collect();
    let keys: Vec<String> = lf
        .by_source
        .iter()
        .map(|s| Drill::Source(s.source.clone()).key())
        .collect();
    let data = ChartData {
        title: t(l, "dash.by_source"),
        categories: names.clone(),
        series: vec![Series::new(
            t(l, "dash.leads"),
            lf.by_source.iter().map(|s| s.leads.len() as f64).collect(),
        )],
    };
    let select = drill_on_select(keys.clone());
    let rows = lf
        .by_source
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let conv = if s.leads.is_empty() {
                String::new()
            } else {
                percent(
                    l,
                    (s.converted as f64 / s.leads.len() as f64 * 1000.0).round() / 10.0,
                )
            };
            view! {
                <tr>
                    <th scope="row">
                        <a href=Route::Drill(keys[i].clone()).href()>{names[i].clone()}</a>
                    </th>
                    <td>{count(l, s.leads.len())}</td>
                    <td>{count(l, s.converted)}</td>
                    <td>{conv}</td>
                    <td>{sum_cell(l, &s.won_value, &base)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="dash-card" aria-labelledby="dash-leads">
            <h3 id="dash-leads">{tk("dash.lead_conversion")}</h3>
            <p class="dash-figure">
                <a href=drill_href(Drill::Converted)>{rate}</a>
                " "
                <span class="muted">
                    {tr(
                        l,
                        "dash.converted_of",
                        &[("c", &count(l, lf.converted.len())), ("n", &count(l, lf.leads.len()))],
                    )}
                </span>
                " "
                <a href=drill_href(Drill::Leads)>{tk("dash.all_leads")}</a>
            </p>
            <Chart
                kind=ChartKind::Donut
                data=data
                format=count_format(l)
                rtl=l.is_rtl()
                on_select=select
                table_caption=t(l, "dash.by_source")
                empty_text=t(l, "dash.nothing")
            />
            <table class="dash-table">
                <caption>{tk("dash.by_source")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tk("dash.source")}</th>
                        <th scope="col">{tk("dash.leads")}</th>
                        <th scope="col">{tk("dash.converted")}</th>
                        <th scope="col">{tk("dash.win_rate_leads")}</th>
                        <th scope="col">{tk("dash.won_value")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

#[component]
fn Activities(f: SalesDashboard) -> impl IntoView {
    let st = use_state();
    let l = st.locale.get_untracked();
    let rows = f.activities;
    let users: Vec<String> = rows
        .iter()
        .map(|r| st.data.with_untracked(|d| user_name(l, d, &r.user)))
        .collect();
    let kind_names: Vec<String> = ACTIVITY_KINDS
        .iter()
        .map(|k| t(l, &format!("option.activity_kind.{k}")))
        .collect();
    let data = ChartData {
        title: t(l, "dash.activities"),
        categories: users.clone(),
        series: kind_names
            .iter()
            .enumerate()
            .map(|(k, name)| {
                Series::new(
                    name.clone(),
                    rows.iter().map(|r| r.counts[k] as f64).collect(),
                )
            })
            .collect(),
    };
    let keys: Vec<String> = rows
        .iter()
        .map(|r| Drill::Activities(r.user.clone()).key())
        .collect();
    let select = drill_on_select(keys);
    view! {
        <section class="dash-card" aria-labelledby="dash-activities">
            <h3 id="dash-activities">{tk("dash.activities")}</h3>
            <Chart
                kind=ChartKind::StackedBar
                data=data
                format=count_format(l)
                rtl=l.is_rtl()
                on_select=select
                table_caption=t(l, "dash.activities")
                empty_text=t(l, "dash.nothing")
            />
        </section>
    }
}

#[component]
fn Quotas(f: SalesDashboard) -> impl IntoView {
    let st = use_state();
    let l = st.locale.get_untracked();
    let base = st.base_currency.get_untracked();
    let rows = f
        .quotas
        .iter()
        .map(|q| {
            let (id, name) = st.data.with_untracked(|d| {
                d.set(SALES_DASHBOARD.quotas)
                    .and_then(|s| s.at(q.quota))
                    .map(|r| {
                        (
                            r.id.clone(),
                            d.title(SALES_DASHBOARD.quotas, &r.id).unwrap_or_default(),
                        )
                    })
                    .unwrap_or_default()
            });
            let who = st.data.with_untracked(|d| user_name(l, d, &q.user));
            let target = match q.target {
                InBase::Value(v) => money(
                    l,
                    &Money {
                        amount: v.round_dp(2),
                        currency: base.clone(),
                    },
                ),
                InBase::NoRate => t(l, "dash.no_rate_short"),
                InBase::TooLarge => t(l, "money.too_large"),
            };
            let pct = q.attainment.map(|a| (a * 1000.0).round() / 10.0);
            let pct_text = pct.map(|p| percent(l, p)).unwrap_or_else(|| "—".into());
            let bar_id = format!("quota-{id}");
            view! {
                <li class="quota">
                    <label for=bar_id.clone()>
                        <a href=drill_href(Drill::Quota(id.clone()))>{format!("{who} — {name}")}</a>
                    </label>
                    <progress id=bar_id max="100" value=pct.unwrap_or(0.0).min(100.0)>
                        {pct_text.clone()}
                    </progress>
                    <span>
                        {format!("{} / {} ({pct_text})", sum_cell(l, &q.won, &base), target)}
                    </span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="dash-card" aria-labelledby="dash-quotas">
            <h3 id="dash-quotas">{tk("dash.quotas")}</h3>
            {f.quotas.is_empty().then(|| view! { <p class="muted">{tk("dash.no_quotas")}</p> })}
            <ul class="quota-list">{rows}</ul>
            <a href=Route::List(SALES_DASHBOARD.quotas.into()).href()>{tk("dash.manage_quotas")}</a>
        </section>
    }
}

/// The records behind one dashboard number.
#[component]
pub fn DrillPage(key: String) -> impl IntoView {
    let st = use_state();
    let settings = DashboardScope::load();
    let pipeline = settings.pipeline(st);
    let drill = Drill::parse(&key);
    // The records, once computed: `None` until then, `Some(None)` for an unknown key.
    let found = RwSignal::new(None::<Option<(&'static str, Vec<Slot>)>>);
    let busy = RwSignal::new(true);
    let generation = Generation::new();
    Effect::new({
        let key = key.clone();
        move |_| {
            st.data.track();
            let key = key.clone();
            compute_in_turns(
                st,
                generation,
                &settings,
                pipeline.clone(),
                Parts::for_drill(&key),
                busy,
                move |f| {
                    let records = st.data.with_untracked(|d| drill_records(d, f, &key));
                    found.set(Some(records));
                },
            );
        }
    });
    let title = move || {
        let l = st.locale.get();
        let Some(drill) = &drill else {
            return String::new();
        };
        let what = match drill {
            Drill::Funnel(stage) => stage_name(st, stage),
            Drill::Forecast(month) => period_label(l, *month, DateBucket::Month),
            Drill::Activities(user) => st.data.with(|d| user_name(l, d, user)),
            Drill::Source(source) => source_label(st, l, source.as_deref()),
            Drill::Quota(id) => st
                .data
                .with(|d| d.title(SALES_DASHBOARD.quotas, id))
                .unwrap_or_default(),
            _ => String::new(),
        };
        tr(
            l,
            &format!("dash.drill.{}", drill.kind()),
            &[("what", &what)],
        )
    };
    view! {
        <section class="page">
            <p>
                <a href="#/">{tk("dash.back")}</a>
            </p>
            <h1>{title}</h1>
            {progress_status(busy, move || found.with(Option::is_some))}
            <div aria-busy=move || busy.get().to_string()>
                {move || {
                    let l = st.locale.get();
                    match found.get() {
                        None => ().into_any(),
                        Some(None) => {
                            view! { <p role="alert">{tk("dash.drill_unknown")}</p> }.into_any()
                        }
                        Some(Some((module, slots))) => {
                            view! { <RecordTable module=module.to_string() slots=slots locale=l /> }
                                .into_any()
                        }
                    }
                }}
            </div>
        </section>
    }
}

/// A plain table of records: title and the module's list columns; the first 500.
#[component]
pub fn RecordTable(
    module: String,
    slots: Vec<crate::domain::records::search::Slot>,
    locale: Locale,
) -> impl IntoView {
    let st = use_state();
    let l = locale;
    st.data.with_untracked(|d| {
        let Some(set) = d.set(&module) else {
            return view! { <p></p> }.into_any();
        };
        // The first column is the record's title: its title fields are not repeated.
        let fields: Vec<_> = set
            .module
            .fields
            .iter()
            .filter(|f| f.in_list && !set.module.title_fields.contains(&f.key))
            .cloned()
            .collect();
        let shown = slots.len().min(500);
        let heads = fields
            .iter()
            .map(|f| view! { <th scope="col">{label(l, &f.label)}</th> })
            .collect_view();
        let rows = slots
            .iter()
            .take(500)
            .filter_map(|s| set.at(*s))
            .map(|r| {
                let cells = fields
                    .iter()
                    .map(|f| {
                        let text = r.get(&f.key).map(|v| value_text(l, d, f, v)).unwrap_or_default();
                        view! { <td>{text}</td> }
                    })
                    .collect_view();
                let href = Route::View(module.clone(), r.id.clone()).href();
                let title = d.title(&module, &r.id).unwrap_or_default();
                view! {
                    <tr>
                        <th scope="row">
                            <a href=href>{title}</a>
                        </th>
                        {cells}
                    </tr>
                }
            })
            .collect_view();
        view! {
            <p class="result-count">
                {tr(l, "dash.showing", &[("shown", &count(l, shown)), ("n", &count(l, slots.len()))])}
            </p>
            <div class="table-scroll">
                <table class="dash-table drill-table">
                    <thead>
                        <tr>
                            <th scope="col">{capitalised(l, &label(l, &set.module.singular))}</th>
                            {heads}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    })
}
