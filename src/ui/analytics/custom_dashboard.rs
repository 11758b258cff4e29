//! The user's own dashboards (`#/dashboards`, `#/dashboards/<id>`): widgets over any
//! module — a number, a chart or a table of a measure grouped by a field, the owner or
//! a date — added, moved, resized and removed, saved with the dashboard record.

use crate::domain::FieldValues;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::analytics::dashboard_layout::{
    widget_data_from, Display, Layout, Widget, WidgetData,
};
use crate::domain::analytics::report::{
    FilterGroup, Measure, ReportError, ReportKind, ReportSpec, ReportWork,
};
use crate::domain::analytics::report_choices::{
    all_fields, grouping_choices, grouping_of, measure_fields, BUCKETS, OPERATORS,
};
use crate::domain::modules::analytics_modules::{definition_values, saved_definition};
use crate::domain::records::condition::Condition;
use crate::domain::records::module_def::OwnPage;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::search::Slot;
use crate::domain::Record;
use crate::i18n::{label, t, tr, Locale};
use crate::ui::analytics::dashboard_page::RecordTable;
use crate::ui::analytics::report_labels::{
    choice_name, field_name, group_label, measure_title, measure_value,
};
use crate::ui::analytics::report_run::run_in_turns;
use crate::ui::kit::chart::{Chart, ChartData, Series};
use crate::ui::kit::format::{count, number};
use crate::ui::kit::notice::Notice;
use crate::ui::kit::route::{navigate, Route};
use crate::ui::kit::state::{new_id, tk, use_state, AppState, Generation};
use crate::ui::writes::actions::{save_record, update_record};

/// The module dashboards are saved in: the one this page shows (empty when none,
/// and then no dashboard is found or saved).
fn dashboards_module(data: &Dataset) -> String {
    data.schema
        .shown_on(OwnPage::Dashboards)
        .map(|m| m.key.clone())
        .unwrap_or_default()
}

#[component]
pub fn DashboardsPage(id: String) -> impl IntoView {
    if id.is_empty() {
        view! { <DashboardList /> }.into_any()
    } else {
        view! { <DashboardView id=id /> }.into_any()
    }
}

#[component]
fn DashboardList() -> impl IntoView {
    let st = use_state();
    let name = RwSignal::new(String::new());
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n = name.get_untracked();
        let module = st.data.with_untracked(dashboards_module);
        spawn_local(async move {
            let values: FieldValues = definition_values(Some(n), Layout::default().to_json())
                .into_iter()
                .collect();
            match save_record(st, &module, None, values, None).await {
                Ok(Some(r)) => navigate(&Route::Dashboards(r.id)),
                Ok(None) => {}
                Err(e) => {
                    let l = st.locale.get_untracked();
                    let msg = st.data.with_untracked(|d| e.message(l, &module, d));
                    st.notice.set(Some(Notice::error(msg)));
                }
            }
        });
    };
    view! {
        <section class="page">
            <h1>{tk("module.dashboards.many")}</h1>
            <p>
                <a href="#/">{tk("dash.title")}</a>
            </p>
            <p class="muted">{tk("widget.intro")}</p>
            <ul class="link-list">
                {move || {
                    st.data
                        .with(|d| d.choices(&dashboards_module(d), None))
                        .into_iter()
                        .map(|(id, title)| {
                            view! {
                                <li>
                                    <a href=Route::Dashboards(id).href()>{title}</a>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <form class="card" on:submit=create>
                <h2>{tk("widget.new_dashboard")}</h2>
                <div class="field">
                    <label for="new-dashboard-name">{tk("field.name")}</label>
                    <input
                        id="new-dashboard-name"
                        type="text"
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                </div>
                <button type="submit" class="primary">
                    {tk("widget.create_dashboard")}
                </button>
            </form>
        </section>
    }
}

/// A change waiting to be applied to a dashboard's layout.
type Op = Box<dyn FnOnce(&mut Layout)>;

/// Writes layout changes one after another: each is applied to the layout as stored
/// once the previous write completed, so quick successive changes all land.
#[derive(Clone, Copy)]
struct Saver {
    saving: RwSignal<bool>,
    pending: StoredValue<Vec<Op>, LocalStorage>,
}

impl Saver {
    fn new() -> Self {
        Saver {
            saving: RwSignal::new(false),
            pending: StoredValue::new_local(Vec::new()),
        }
    }
}

/// A dashboard record's layout; `None` when it does not parse (it is left alone).
fn layout_of(r: &Record) -> Option<Layout> {
    match saved_definition(r) {
        Some(json) => Layout::parse(json).ok(),
        None => Some(Layout::default()),
    }
}

/// Changes a dashboard's layout; the page redraws once the write completed.
fn change_layout(st: AppState, saver: Saver, id: String, f: impl FnOnce(&mut Layout) + 'static) {
    saver.pending.update_value(|p| p.push(Box::new(f)));
    if saver.saving.get_untracked() {
        return;
    }
    saver.saving.set(true);
    spawn_local(async move {
        loop {
            let ops = saver
                .pending
                .try_update_value(std::mem::take)
                .unwrap_or_default();
            if ops.is_empty() {
                break;
            }
            // Applied to the layout as stored when the save's turn comes, so a
            // change never starts from one a write before it has replaced.
            let change = move |r: &Record| {
                let Some(mut layout) = layout_of(r) else {
                    return Vec::new();
                };
                for op in ops {
                    op(&mut layout);
                }
                definition_values(None, layout.to_json())
            };
            let module = st.data.with_untracked(dashboards_module);
            if let Err(e) = update_record(st, &module, &id, change, |_| {}).await {
                let l = st.locale.get_untracked();
                let msg = st.data.with_untracked(|d| e.message(l, &module, d));
                st.notice.set(Some(Notice::error(msg)));
                saver.pending.update_value(Vec::clear);
                break;
            }
        }
        saver.saving.set(false);
    });
}

#[component]
fn DashboardView(id: String) -> impl IntoView {
    let st = use_state();
    let record_id = id.clone();
    let stored = Memo::new(move |_| {
        st.data.with(|d| {
            let module = dashboards_module(d);
            d.get(&module, &record_id).map(|r| {
                let name = d.title(&module, &r.id).unwrap_or_default();
                let layout = match saved_definition(r) {
                    Some(json) => Layout::parse(json).map_err(|e| e.0),
                    None => Ok(Layout::default()),
                };
                (name, layout)
            })
        })
    });
    let adding = RwSignal::new(false);
    let saver = Saver::new();
    // The records behind the mark last chosen: (title, module, records).
    let picked: RwSignal<Option<(String, String, Vec<Slot>)>> = RwSignal::new(None);
    let id_for_widgets = id.clone();
    view! {
        <section class="page">
            <p>
                <a href=Route::Dashboards(String::new()).href()>{tk("module.dashboards.many")}</a>
            </p>
            {move || match stored.get() {
                None => view! { <h1>{tk("record.not_found")}</h1> }.into_any(),
                Some((name, Err(cause))) => {
                    view! {
                        <h1>{name}</h1>
                        <p role="alert" class="notice notice-error">
                            {move || tr(st.locale.get(), "widget.broken_layout", &[("cause", &cause)])}
                        </p>
                    }
                        .into_any()
                }
                Some((name, Ok(layout))) => {
                    let id = id_for_widgets.clone();
                    let editor_id = id.clone();
                    view! {
                        <h1>{name}</h1>
                        <div class="actions">
                            <button
                                type="button"
                                aria-expanded=move || adding.get().to_string()
                                on:click=move |_| adding.update(|a| *a = !*a)
                            >
                                {tk("widget.add")}
                            </button>
                            <button type="button" on:click=move |_| print()>
                                {tk("report.print")}
                            </button>
                        </div>
                        <Show when=move || adding.get()>
                            <WidgetEditor
                                saver=saver
                                dashboard=editor_id.clone()
                                done=Callback::new(move |_| adding.set(false))
                            />
                        </Show>
                        <div class="widget-grid">
                            // Keyed by the whole widget (and the language), so a moved or
                            // changed widget gets its own card rather than a neighbour's.
                            <For
                                each={
                                    let widgets = layout.widgets.clone();
                                    move || {
                                        st.locale.track();
                                        widgets.clone()
                                    }
                                }
                                key=move |w| {
                                    (
                                        st.locale.get_untracked().code(),
                                        serde_json::to_string(w).unwrap_or_default(),
                                    )
                                }
                                children={
                                    let id = id.clone();
                                    move |w| {
                                        view! {
                                            <WidgetCard
                                                widget=w
                                                saver=saver
                                                dashboard=id.clone()
                                                picked=picked
                                            />
                                        }
                                    }
                                }
                            />
                        </div>
                        {layout
                            .widgets
                            .is_empty()
                            .then(|| view! { <p class="muted">{tk("widget.none_yet")}</p> })}
                    }
                        .into_any()
                }
            }}
            {move || {
                picked
                    .get()
                    .map(|(title, module, slots)| {
                        let l = st.locale.get();
                        view! {
                            <section class="card" aria-labelledby="picked-records">
                                <h2 id="picked-records">{title}</h2>
                                <RecordTable module=module slots=slots locale=l />
                            </section>
                        }
                    })
            }}
        </section>
    }
}

fn print() {
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

/// How a widget's values read (axis ticks, tooltips, the KPI): as its measure's field.
fn value_format(st: AppState, l: Locale, spec: &ReportSpec) -> Callback<f64, String> {
    let base = st.base_currency.get_untracked();
    let def = st
        .data
        .with_untracked(|d| d.schema.module(&spec.module).cloned());
    let measure = spec.measure.clone();
    Callback::new(move |v: f64| match &def {
        // Not a number: a sum too large to compute (`WidgetData::values`).
        _ if !v.is_finite() => t(l, "money.too_large"),
        Some(def) => measure_value(l, &base, def, &measure, v),
        None => number(l, v),
    })
}

fn measure_label(st: AppState, l: Locale, spec: &ReportSpec) -> String {
    st.data
        .with_untracked(|d| match d.schema.module(&spec.module) {
            Some(def) => measure_title(l, def, &spec.measure),
            None => String::new(),
        })
}

#[component]
fn WidgetCard(
    widget: Widget,
    saver: Saver,
    dashboard: String,
    picked: RwSignal<Option<(String, String, Vec<Slot>)>>,
) -> impl IntoView {
    let st = use_state();
    let l = st.locale.get_untracked();
    // The widget's report runs in turns; leaving the page stops it.
    let result = RwSignal::new(None::<Result<WidgetData, ReportError>>);
    let busy = RwSignal::new(true);
    let w = widget.clone();
    run_in_turns(st, Generation::new(), &widget.spec, move |data| {
        result.set(Some(data.map(|r| widget_data_from(&w, r))));
        busy.set(false);
    });
    let title = widget.title.clone();
    let fmt = value_format(st, l, &widget.spec);
    let shown = widget.clone();
    let body = move || match result.get() {
        None => view! { <p class="muted" role="status">{t(l, "dash.computing")}</p> }.into_any(),
        Some(Err(e)) => view! {
            <p role="alert">{tr(l, "widget.cannot_show", &[("cause", &e.to_string())])}</p>
        }
        .into_any(),
        Some(Ok(data)) => widget_body(st, l, &shown, data, fmt, picked),
    };
    let change = move |f: fn(&mut Layout, &str)| {
        let dashboard = dashboard.clone();
        let wid = widget.id.clone();
        move |_| {
            let wid = wid.clone();
            change_layout(st, saver, dashboard.clone(), move |l| f(l, &wid));
        }
    };
    let named = move |key: &str| tr(l, key, &[("widget", &title)]);
    view! {
        <section class=format!("dash-card widget widget-w{}", widget.width) aria-label=widget.title.clone()>
            <h2>{widget.title.clone()}</h2>
            <div aria-busy=move || busy.get().to_string()>{body}</div>
            <div class="widget-tools">
                <button type="button" aria-label=named("widget.move_earlier") on:click=change(|l, w| l.shift(w, -1))>
                    "↑"
                </button>
                <button type="button" aria-label=named("widget.move_later") on:click=change(|l, w| l.shift(w, 1))>
                    "↓"
                </button>
                <button type="button" aria-label=named("widget.narrower") on:click=change(|l, w| l.resize(w, -1))>
                    "−"
                </button>
                <button type="button" aria-label=named("widget.wider") on:click=change(|l, w| l.resize(w, 1))>
                    "+"
                </button>
                <button type="button" class="danger" aria-label=named("widget.remove") on:click=change(|l, w| l.remove(w))>
                    "×"
                </button>
            </div>
        </section>
    }
}

fn widget_body(
    st: AppState,
    l: Locale,
    widget: &Widget,
    data: WidgetData,
    fmt: Callback<f64, String>,
    picked: RwSignal<Option<(String, String, Vec<Slot>)>>,
) -> AnyView {
    let module = widget.spec.module.clone();
    let names: Vec<String> = st.data.with_untracked(|d| {
        data.categories
            .iter()
            .map(|k| group_label(l, d, &module, k))
            .collect()
    });
    let series_names: Vec<String> = st.data.with_untracked(|d| {
        data.series
            .iter()
            .map(|s| match s {
                Some(k) => group_label(l, d, &module, k),
                None => measure_label(st, l, &widget.spec),
            })
            .collect()
    });
    let title = widget.title.clone();
    // The total as shown: "too large to total" rather than a wrong or empty figure.
    let total = match data.total {
        _ if data.total_too_large => t(l, "money.too_large"),
        Some(v) => fmt.run(v),
        None => "—".into(),
    };
    let too_large = data
        .too_large
        .then(|| view! { <p class="muted" role="note">{t(l, "report.too_large")}</p> });
    let body = match widget.display {
        Display::Kpi => {
            let value = total;
            let long = crate::ui::analytics::dashboard_page::long_figure(&value);
            let chars = format!("--chars: {}", value.chars().count());
            let all = data.all.clone();
            let n = all.len();
            let m = module.clone();
            view! {
                <button
                    type="button"
                    class="kpi widget-kpi"
                    on:click=move |_| picked.set(Some((title.clone(), m.clone(), all.clone())))
                >
                    <span class="kpi-value" class:long=long style=chars>{value}</span>
                    <span class="kpi-note">
                        {measure_label(st, l, &widget.spec)} " · " {tr(l, "widget.records", &[("n", &count(l, n))])}
                    </span>
                </button>
            }
            .into_any()
        }
        Display::Table => {
            let heads = series_names
                .iter()
                .map(|s| view! { <th scope="col">{s.clone()}</th> })
                .collect_view();
            let rows = names
                .iter()
                .enumerate()
                .map(|(c, name)| {
                    let cells = (0..data.series.len())
                        .map(|s| {
                            let v = fmt.run(data.values[s][c]);
                            let records = data.records[s][c].clone();
                            let m = module.clone();
                            let t2 = format!("{title} — {name}");
                            view! {
                                <td>
                                    <button
                                        type="button"
                                        class="link-button"
                                        on:click=move |_| picked.set(Some((t2.clone(), m.clone(), records.clone())))
                                    >
                                        {v}
                                    </button>
                                </td>
                            }
                        })
                        .collect_view();
                    view! {
                        <tr>
                            <th scope="row">{name.clone()}</th>
                            {cells}
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <table class="dash-table">
                    <thead>
                        <tr>
                            <td></td>
                            {heads}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                    <tfoot>
                        <tr>
                            <th scope="row">{tk("report.total")}</th>
                            <td>{total}</td>
                        </tr>
                    </tfoot>
                </table>
            }
            .into_any()
        }
        Display::Chart(kind) => {
            let chart = ChartData {
                title: widget.title.clone(),
                categories: names.clone(),
                series: series_names
                    .iter()
                    .zip(&data.values)
                    .map(|(name, values)| Series::new(name.clone(), values.clone()))
                    .collect(),
            };
            let records = data.records.clone();
            let select = Callback::new(move |(c, s): (usize, usize)| {
                if let Some(slots) = records.get(s).and_then(|r| r.get(c)) {
                    let what = names.get(c).cloned().unwrap_or_default();
                    picked.set(Some((
                        format!("{title} — {what}"),
                        module.clone(),
                        slots.clone(),
                    )));
                }
            });
            view! {
                <Chart
                    kind=kind
                    data=chart
                    format=fmt
                    percent=Callback::new(move |p: f64| crate::ui::kit::format::percent(l, p))
                    rtl=l.is_rtl()
                    on_select=select
                    table_caption=widget.title.clone()
                    empty_text=t(l, "dash.nothing")
                />
            }
            .into_any()
        }
    };
    view! {
        {body}
        {too_large}
    }
    .into_any()
}

fn measure(choice: &str) -> Measure {
    match choice.split_once(':') {
        Some(("sum", f)) => Measure::Sum(f.to_string()),
        Some(("avg", f)) => Measure::Avg(f.to_string()),
        _ => Measure::Count,
    }
}

/// Choices of a select as (value, label).
type Options = Vec<(String, String)>;
/// One filter row being edited: its number, field, operator and value.
type FilterRow = (usize, RwSignal<String>, RwSignal<String>, RwSignal<String>);

/// The grouping and measure choices a module offers, as (value, label): the same
/// ones the report builder offers.
fn choices(st: AppState, l: Locale, module: &str) -> (Options, Options) {
    st.data.with_untracked(|d| {
        let Some(def) = d.schema.module(module) else {
            return (Vec::new(), Vec::new());
        };
        let groups = grouping_choices(def)
            .into_iter()
            .map(|c| {
                let name = choice_name(l, def, &c);
                (c, name)
            })
            .collect();
        let measures = std::iter::once(Measure::Count)
            .chain(
                measure_fields(def)
                    .into_iter()
                    .flat_map(|f| [Measure::Sum(f.clone()), Measure::Avg(f)]),
            )
            .map(|m| {
                let value = match &m {
                    Measure::Count => "count".to_string(),
                    Measure::Sum(f) => format!("sum:{f}"),
                    Measure::Avg(f) => format!("avg:{f}"),
                };
                (value, measure_title(l, def, &m))
            })
            .collect();
        (groups, measures)
    })
}

#[component]
fn WidgetEditor(saver: Saver, dashboard: String, done: Callback<()>) -> impl IntoView {
    let st = use_state();
    let first_module = st
        .data
        .with_untracked(|d| d.schema.nav_modules().next().map(|m| m.key.clone()))
        .unwrap_or_default();
    let title = RwSignal::new(String::new());
    let display = RwSignal::new("bar".to_string());
    let module = RwSignal::new(first_module);
    let measure_choice = RwSignal::new("count".to_string());
    let group = RwSignal::new("owner".to_string());
    let split = RwSignal::new(String::new());
    let bucket = RwSignal::new("month".to_string());
    let any = RwSignal::new(false);
    let filters: RwSignal<Vec<FilterRow>> = RwSignal::new(Vec::new());
    let next_filter = StoredValue::new(0usize);
    let error = RwSignal::new(None::<String>);
    let offered = Memo::new(move |_| choices(st, st.locale.get(), &module.get()));
    let options = move |list: Vec<(String, String)>, current: RwSignal<String>| {
        list.into_iter()
            .map(|(v, name)| {
                let selected = current.get_untracked() == v;
                view! { <option value=v selected=selected>{name}</option> }
            })
            .collect_view()
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let l = st.locale.get_untracked();
        let shown = Display::from_key(&display.get_untracked()).unwrap_or(Display::Kpi);
        let first = grouping_of(&group.get_untracked(), &bucket.get_untracked());
        let second = grouping_of(&split.get_untracked(), &bucket.get_untracked());
        let kind = match (shown, first, second) {
            (Display::Kpi, _, _) => ReportKind::Tabular,
            (_, Some(rows), Some(cols)) => ReportKind::Matrix { rows, cols },
            (_, Some(g), None) => ReportKind::Summary(g),
            (_, None, _) => {
                error.set(Some(t(l, "widget.choose_grouping")));
                return;
            }
        };
        let conditions: Vec<Condition> = filters
            .get_untracked()
            .iter()
            .filter(|(_, f, _, _)| !f.get_untracked().is_empty())
            .map(|(_, f, o, v)| Condition {
                field: f.get_untracked(),
                operator: o.get_untracked(),
                value: v.get_untracked(),
            })
            .collect();
        let name = title.get_untracked().trim().to_string();
        let widget = Widget {
            id: new_id(),
            title: if name.is_empty() {
                t(l, "widget.untitled")
            } else {
                name
            },
            display: shown,
            spec: ReportSpec {
                module: module.get_untracked(),
                columns: Vec::new(),
                filter: FilterGroup {
                    any: any.get_untracked(),
                    conditions,
                    groups: Vec::new(),
                },
                sort: None,
                kind,
                measure: measure(&measure_choice.get_untracked()),
            },
            width: 1,
        };
        // Checking the spec is enough (a run fails only where this does); the card
        // runs it in turns.
        let checked = st
            .data
            .with_untracked(|d| ReportWork::new(d, &widget.spec).map(|_| ()));
        if let Err(e) = checked {
            error.set(Some(tr(
                l,
                "widget.cannot_show",
                &[("cause", &e.to_string())],
            )));
            return;
        }
        error.set(None);
        change_layout(st, saver, dashboard.clone(), move |l| l.add(widget));
        done.run(());
    };
    let field_options = move || {
        let l = st.locale.get();
        st.data.with(|d| {
            d.schema
                .module(&module.get())
                .map(|def| {
                    all_fields(def)
                        .into_iter()
                        .map(|k| {
                            let name = field_name(l, def, &k);
                            (k, name)
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <form class="card widget-editor" on:submit=add aria-labelledby="widget-editor-title">
            <h2 id="widget-editor-title">{tk("widget.add")}</h2>
            <div class="field">
                <label for="w-title">{tk("widget.title")}</label>
                <input id="w-title" type="text" on:input=move |ev| title.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="w-display">{tk("widget.display")}</label>
                <select id="w-display" on:change=move |ev| display.set(event_target_value(&ev))>
                    {Display::ALL
                        .into_iter()
                        .map(|d| {
                            let key = d.key();
                            view! {
                                <option value=key selected=key == "bar">
                                    {move || t(st.locale.get(), &format!("widget.display.{key}"))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="w-module">{tk("widget.module")}</label>
                <select
                    id="w-module"
                    on:change=move |ev| {
                        module.set(event_target_value(&ev));
                        measure_choice.set("count".into());
                        group.set("owner".into());
                        split.set(String::new());
                        filters.set(Vec::new());
                    }
                >
                    {move || {
                        let l = st.locale.get();
                        st.data
                            .with(|d| {
                                d.schema
                                    .nav_modules()
                                    .map(|m| (m.key.clone(), label(l, &m.plural)))
                                    .collect::<Vec<_>>()
                            })
                            .into_iter()
                            .map(|(k, name)| {
                                let selected = module.get_untracked() == k;
                                view! { <option value=k selected=selected>{name}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            <div class="field">
                <label for="w-measure">{tk("widget.measure")}</label>
                <select id="w-measure" on:change=move |ev| measure_choice.set(event_target_value(&ev))>
                    {move || options(offered.get().1, measure_choice)}
                </select>
            </div>
            <div class="field">
                <label for="w-group">{tk("widget.group_by")}</label>
                <select id="w-group" on:change=move |ev| group.set(event_target_value(&ev))>
                    {move || options(offered.get().0, group)}
                </select>
            </div>
            <div class="field">
                <label for="w-split">{tk("widget.split_by")}</label>
                <select id="w-split" on:change=move |ev| split.set(event_target_value(&ev))>
                    <option value="">{tk("widget.no_split")}</option>
                    {move || options(offered.get().0, split)}
                </select>
            </div>
            // Only a date grouping is cut into periods.
            <div
                class="field"
                hidden=move || !(group.get().starts_with("d:") || split.get().starts_with("d:"))
            >
                <label for="w-bucket">{tk("widget.date_bucket")}</label>
                <select id="w-bucket" on:change=move |ev| bucket.set(event_target_value(&ev))>
                    {BUCKETS
                        .into_iter()
                        .map(|b| {
                            view! {
                                <option value=b selected=b == "month">
                                    {move || t(st.locale.get(), &format!("report.bucket.{b}"))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <fieldset class="form-section">
                <legend>{tk("widget.filters")}</legend>
                <div class="field">
                    <label for="w-any">{tk("widget.match")}</label>
                    <select id="w-any" on:change=move |ev| any.set(event_target_value(&ev) == "any")>
                        <option value="all">{tk("widget.match_all")}</option>
                        <option value="any">{tk("widget.match_any")}</option>
                    </select>
                </div>
                <For
                    each=move || filters.get()
                    key=|(n, ..)| *n
                    children=move |(n, field, op, value)| {
                        let fid = format!("w-filter-{n}-field");
                        let oid = format!("w-filter-{n}-op");
                        let vid = format!("w-filter-{n}-value");
                        view! {
                            <div class="filter-row">
                                <div class="field">
                                    <label for=fid.clone()>{tk("widget.filter_field")}</label>
                                    <select id=fid on:change=move |ev| field.set(event_target_value(&ev))>
                                        <option value="">{tk("form.choose")}</option>
                                        {move || {
                                            field_options()
                                                .into_iter()
                                                .map(|(k, name)| view! { <option value=k>{name}</option> })
                                                .collect_view()
                                        }}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for=oid.clone()>{tk("widget.filter_operator")}</label>
                                    <select id=oid on:change=move |ev| op.set(event_target_value(&ev))>
                                        {OPERATORS
                                            .into_iter()
                                            .map(|o| {
                                                view! {
                                                    <option value=o>
                                                        {move || t(st.locale.get(), &format!("option.operator.{o}"))}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for=vid.clone()>{tk("widget.filter_value")}</label>
                                    <input id=vid type="text" on:input=move |ev| value.set(event_target_value(&ev)) />
                                </div>
                                <button
                                    type="button"
                                    on:click=move |_| filters.update(|f| f.retain(|x| x.0 != n))
                                >
                                    {tk("widget.remove_filter")}
                                </button>
                            </div>
                        }
                    }
                />
                <button
                    type="button"
                    on:click=move |_| {
                        let n = next_filter.get_value();
                        next_filter.set_value(n + 1);
                        filters
                            .update(|f| {
                                f.push((
                                    n,
                                    RwSignal::new(String::new()),
                                    RwSignal::new("is".to_string()),
                                    RwSignal::new(String::new()),
                                ))
                            });
                    }
                >
                    {tk("widget.add_filter")}
                </button>
            </fieldset>
            {move || error.get().map(|e| view! { <p role="alert" class="notice notice-error">{e}</p> })}
            <div class="actions">
                <button type="submit" class="primary">
                    {tk("widget.add_it")}
                </button>
                <button type="button" on:click=move |_| done.run(())>{tk("action.cancel")}</button>
            </div>
        </form>
    }
}
