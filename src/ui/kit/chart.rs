//! SVG charts drawn by the app itself: bar, stacked bar, line, pie, donut and
//! funnel. The geometry lives in `domain::chart_scale`; this file only assembles
//! the SVG, the legend and a data table for screen readers and print.
//!
//! The caller passes already-translated text and a number formatter, so the chart
//! itself knows no translation keys. Props are plain values: wrap the component in
//! a reactive closure to redraw it when the data change.

use std::sync::atomic::{AtomicUsize, Ordering};

use leptos::prelude::*;

pub use crate::domain::analytics::chart_scale::ChartKind;
use crate::domain::analytics::chart_scale::{
    all_zero, arc_path, category_slot, extent, funnel_percents, funnel_widths, nice_ticks,
    pie_slices, polar, stack_extent, stack_offsets, svg_num, truncate_label, LinearScale,
};

/// One named row of values, one value per category.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
    /// The exact text of each value where the caller has one (a money sum to the
    /// cent), shown in the table and read out for each mark; empty: the values
    /// formatted. Axis ticks always use the formatter.
    pub texts: Vec<String>,
}

impl Series {
    /// A series whose values are shown through the chart's formatter.
    pub fn new(name: String, values: Vec<f64>) -> Self {
        Series {
            name,
            values,
            texts: Vec::new(),
        }
    }
}

/// What a chart shows: a title, the category labels and one or more series.
/// Pie, donut and funnel charts draw the first series only.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartData {
    pub title: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

impl ChartData {
    /// The value of series `s` at category `c` (zero when missing).
    pub fn value(&self, c: usize, s: usize) -> f64 {
        self.series
            .get(s)
            .and_then(|series| series.values.get(c))
            .copied()
            .unwrap_or(0.0)
    }

    /// The text of series `s` at category `c`: the caller's exact text, else the
    /// value formatted.
    pub fn text(&self, c: usize, s: usize, format: Callback<f64, String>) -> String {
        self.series
            .get(s)
            .and_then(|series| series.texts.get(c))
            .cloned()
            .unwrap_or_else(|| format.run(self.value(c, s)))
    }

    /// Whether there is nothing to draw for `kind`: no categories, no series, or
    /// every drawn value zero.
    pub fn is_empty_for(&self, kind: ChartKind) -> bool {
        let n = self.categories.len();
        if n == 0 || self.series.is_empty() {
            return true;
        }
        let drawn = match kind {
            ChartKind::Pie | ChartKind::Donut | ChartKind::Funnel => 1,
            _ => self.series.len(),
        };
        all_zero(
            (0..drawn)
                .flat_map(|s| (0..n).map(move |c| (c, s)))
                .map(|(c, s)| self.value(c, s)),
        )
    }
}

/// Number of colours in the palette (`--chart-1` … `--chart-8` in style/main.css).
const PALETTE: usize = 8;
/// The drawing's width before the chart is measured, in viewBox units. Once on
/// screen a chart is drawn at its own width in CSS pixels (within these bounds), so
/// its 12-unit text is 12 px wide or narrow, never shrunk below what reads.
const W: f64 = 640.0;
const MIN_W: f64 = 280.0;
const MAX_W: f64 = 1200.0;

/// A cartesian chart's height for its width: 16:9, within readable bounds.
fn height_for(w: f64) -> f64 {
    (w * 0.5625).clamp(240.0, 360.0)
}
/// The narrowest value axis (its labels' width decides beyond that).
const AXIS: f64 = 64.0;
const EDGE: f64 = 16.0;
const TOP: f64 = 20.0;

fn fill(i: usize) -> String {
    format!("fill: var(--chart-{})", i % PALETTE + 1)
}

fn swatch(i: usize) -> String {
    format!("background: var(--chart-{})", i % PALETTE + 1)
}

static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

/// Everything a mark needs besides its geometry.
#[derive(Clone, Copy)]
struct Marks {
    on_select: Option<Callback<(usize, usize)>>,
}

/// A focusable mark: its shape, a `<title>` (hover tooltip and accessible name) and
/// a value text shown on hover and keyboard focus. Click, Enter and Space select.
#[allow(clippy::too_many_arguments)]
fn mark(
    marks: Marks,
    c: usize,
    s: usize,
    label: String,
    shape: impl IntoView + 'static,
    tip: String,
    tip_at: (f64, f64),
    anchor: &'static str,
) -> impl IntoView {
    let on_select = marks.on_select;
    let select = move || {
        if let Some(cb) = on_select {
            cb.run((c, s));
        }
    };
    let aria = label.clone();
    view! {
        <g
            class="chart-mark"
            class:selectable=on_select.is_some()
            tabindex="0"
            role=on_select.map(|_| "button")
            aria-label=aria
            on:click=move |_| select()
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                let key = ev.key();
                if key == "Enter" || key == " " {
                    ev.prevent_default();
                    select();
                }
            }
        >
            <title>{label}</title>
            {shape}
            <text
                class="chart-tip"
                x=svg_num(tip_at.0)
                y=svg_num(tip_at.1)
                text-anchor=anchor
                aria-hidden="true"
            >
                {tip}
            </text>
        </g>
    }
}

/// "category — series: value", the accessible label of every mark.
fn mark_label(data: &ChartData, c: usize, s: usize, formatted: &str) -> String {
    let category = data.categories.get(c).map(String::as_str).unwrap_or("");
    let series = data.series.get(s).map(|x| x.name.as_str()).unwrap_or("");
    if series.is_empty() {
        format!("{category}: {formatted}")
    } else {
        format!("{category} — {series}: {formatted}")
    }
}

/// Bar, stacked bar and line charts: value axis, category axis and marks.
fn cartesian(
    kind: ChartKind,
    data: &ChartData,
    format: Callback<f64, String>,
    rtl: bool,
    marks: Marks,
    w: f64,
) -> (String, impl IntoView) {
    let h = height_for(w);
    let n = data.categories.len();
    let m = data.series.len();
    let offsets = stack_offsets(
        &data
            .series
            .iter()
            .map(|s| s.values.clone())
            .collect::<Vec<_>>(),
        n,
    );
    let (lo, hi) = if kind == ChartKind::StackedBar {
        stack_extent(&offsets)
    } else {
        extent(
            (0..m)
                .flat_map(|s| (0..n).map(move |c| (c, s)))
                .map(|(c, s)| data.value(c, s)),
        )
    };
    let ticks = nice_ticks(lo, hi, 5);
    let tick_texts: Vec<String> = ticks.iter().map(|&t| format.run(t)).collect();
    // The value axis is as wide as its longest label ("۲۰ میلیارد ریال" needs more
    // than "$20K"), within a third of the chart.
    let longest = tick_texts
        .iter()
        .map(|t| t.chars().count())
        .max()
        .unwrap_or(0);
    let axis = (longest as f64 * 7.0 + 16.0).clamp(AXIS, w / 3.0);
    let (x0, x1) = if rtl {
        (EDGE, w - axis)
    } else {
        (axis, w - EDGE)
    };
    let band = (x1 - x0) / n.max(1) as f64;
    let slot_x = move |c: usize| x0 + category_slot(c, n, rtl) as f64 * band;

    // Category labels: horizontal when they all fit, otherwise slanted and cut.
    let fits = ((band / 7.0).floor() as usize).max(1);
    let slanted = data.categories.iter().any(|c| c.chars().count() > fits);
    let bottom = h - if slanted { 96.0 } else { 36.0 };
    let y = LinearScale::from_ticks(&ticks, (bottom, TOP));
    let zero = y.map(0.0);

    let (tick_x, tick_anchor) = if rtl {
        (x1 + 8.0, "start")
    } else {
        (x0 - 8.0, "end")
    };
    let axis = ticks
        .iter()
        .zip(tick_texts)
        .map(|(&t, text)| {
            let ty = y.map(t);
            view! {
                <g class="chart-tick">
                    <line class="chart-grid" x1=svg_num(x0) x2=svg_num(x1) y1=svg_num(ty) y2=svg_num(ty) />
                    <text x=svg_num(tick_x) y=svg_num(ty + 4.0) text-anchor=tick_anchor>
                        {text}
                    </text>
                </g>
            }
        })
        .collect::<Vec<_>>();

    let category_labels = data
        .categories
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let cx = slot_x(c) + band / 2.0;
            let ly = bottom + 16.0;
            let (text, anchor, transform) = if slanted {
                let angle = if rtl { 40 } else { -40 };
                (
                    truncate_label(name, 16),
                    if rtl { "start" } else { "end" },
                    format!("rotate({angle} {} {})", svg_num(cx), svg_num(ly)),
                )
            } else {
                (name.clone(), "middle", String::new())
            };
            view! {
                <g class="chart-category">
                    <title>{name.clone()}</title>
                    <text x=svg_num(cx) y=svg_num(ly) text-anchor=anchor transform=transform>
                        {text}
                    </text>
                </g>
            }
        })
        .collect::<Vec<_>>();

    let tip_above = move |v: f64, top: f64, bottom: f64| {
        if v < 0.0 {
            bottom + 14.0
        } else {
            top - 5.0
        }
    };
    let mut drawn = Vec::new();
    match kind {
        ChartKind::Line => {
            for s in 0..m {
                let points = (0..n)
                    .map(|c| {
                        format!(
                            "{},{}",
                            svg_num(slot_x(c) + band / 2.0),
                            svg_num(y.map(data.value(c, s)))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                let stroke = format!("stroke: var(--chart-{})", s % PALETTE + 1);
                drawn.push(
                    view! { <polyline class="chart-line" points=points style=stroke /> }.into_any(),
                );
            }
            for s in 0..m {
                for c in 0..n {
                    let v = data.value(c, s);
                    let text = data.text(c, s, format);
                    let (px, py) = (slot_x(c) + band / 2.0, y.map(v));
                    let shape = view! {
                        <circle class="chart-shape" cx=svg_num(px) cy=svg_num(py) r="5" style=fill(s) />
                    };
                    drawn.push(
                        mark(
                            marks,
                            c,
                            s,
                            mark_label(data, c, s, &text),
                            shape,
                            text,
                            (px, py - 10.0),
                            "middle",
                        )
                        .into_any(),
                    );
                }
            }
        }
        ChartKind::StackedBar => {
            let width = band * 0.6;
            for (s, segments) in offsets.iter().enumerate() {
                for (c, &(low, high)) in segments.iter().enumerate() {
                    let text = data.text(c, s, format);
                    let bx = slot_x(c) + (band - width) / 2.0;
                    let (top, bot) = (y.map(high), y.map(low));
                    let shape = view! {
                        <rect
                            class="chart-shape"
                            x=svg_num(bx)
                            y=svg_num(top)
                            width=svg_num(width)
                            height=svg_num(bot - top)
                            style=fill(s)
                        />
                    };
                    drawn.push(
                        mark(
                            marks,
                            c,
                            s,
                            mark_label(data, c, s, &text),
                            shape,
                            text,
                            (bx + width / 2.0, (top + bot) / 2.0 + 4.0),
                            "middle",
                        )
                        .into_any(),
                    );
                }
            }
        }
        _ => {
            let inner = band * 0.8;
            let sub = inner / m.max(1) as f64;
            for s in 0..m {
                for c in 0..n {
                    let v = data.value(c, s);
                    let text = data.text(c, s, format);
                    let bx =
                        slot_x(c) + (band - inner) / 2.0 + category_slot(s, m, rtl) as f64 * sub;
                    let vy = y.map(v);
                    let (top, bot) = (vy.min(zero), vy.max(zero));
                    let shape = view! {
                        <rect
                            class="chart-shape"
                            x=svg_num(bx + 1.0)
                            y=svg_num(top)
                            width=svg_num((sub - 2.0).max(1.0))
                            height=svg_num(bot - top)
                            style=fill(s)
                        />
                    };
                    drawn.push(
                        mark(
                            marks,
                            c,
                            s,
                            mark_label(data, c, s, &text),
                            shape,
                            text,
                            (bx + sub / 2.0, tip_above(v, top, bot)),
                            "middle",
                        )
                        .into_any(),
                    );
                }
            }
        }
    }

    let view_box = format!("0 0 {} {}", svg_num(w), svg_num(h));
    let body = view! {
        <g class="chart-axis">{axis}</g>
        <line class="chart-baseline" x1=svg_num(x0) x2=svg_num(x1) y1=svg_num(zero) y2=svg_num(zero) />
        <g class="chart-categories">{category_labels}</g>
        <g class="chart-marks">{drawn}</g>
    };
    (view_box, body)
}

/// Pie and donut charts over the first series, one slice per category.
fn round(
    donut: bool,
    data: &ChartData,
    format: Callback<f64, String>,
    rtl: bool,
    marks: Marks,
) -> (String, impl IntoView) {
    use std::f64::consts::TAU;
    let (cx, cy, r) = (160.0, 160.0, 150.0);
    let inner = if donut { 90.0 } else { 0.0 };
    let values: Vec<f64> = (0..data.categories.len())
        .map(|c| data.value(c, 0))
        .collect();
    let slices = pie_slices(&values)
        .into_iter()
        .enumerate()
        .filter(|(_, (a, b))| b > a)
        .map(|(c, (a, b))| {
            // Right to left: slices run anticlockwise.
            let (a, b) = if rtl { (TAU - b, TAU - a) } else { (a, b) };
            let text = data.text(c, 0, format);
            let d = arc_path(cx, cy, r, inner, a, b);
            let mid = if b - a >= TAU - 1e-9 {
                0.0
            } else {
                (a + b) / 2.0
            };
            let tip_r = if donut {
                (r + inner) / 2.0
            } else if b - a >= TAU - 1e-9 {
                0.0
            } else {
                r * 0.62
            };
            let (tx, ty) = polar(cx, cy, tip_r, mid);
            let shape = view! { <path class="chart-shape" d=d style=fill(c) /> };
            mark(
                marks,
                c,
                0,
                mark_label(data, c, 0, &text),
                shape,
                text,
                (tx, ty + 4.0),
                "middle",
            )
        })
        .collect::<Vec<_>>();
    let total = donut.then(|| {
        let sum: f64 = values.iter().filter(|v| v.is_finite() && **v > 0.0).sum();
        view! {
            <text class="chart-total" x=svg_num(cx) y=svg_num(cy + 6.0) text-anchor="middle" aria-hidden="true">
                {format.run(sum)}
            </text>
        }
    });
    let body = view! {
        {total}
        <g class="chart-marks">{slices}</g>
    };
    ("0 0 320 320".to_string(), body)
}

/// A funnel over the first series: centred bars shrinking with the value, each
/// labelled with its value and its share of the first step.
fn funnel(
    data: &ChartData,
    format: Callback<f64, String>,
    percent: Option<Callback<f64, String>>,
    marks: Marks,
    w: f64,
) -> (String, impl IntoView) {
    let (step, gap) = (40.0, 6.0);
    let n = data.categories.len();
    let values: Vec<f64> = (0..n).map(|c| data.value(c, 0)).collect();
    let widths = funnel_widths(&values, w - 2.0 * EDGE);
    let percents = funnel_percents(&values);
    let steps = (0..n)
        .map(|c| {
            let step_w = widths[c].max(2.0);
            let top = c as f64 * (step + gap) + gap;
            let text = data.text(c, 0, format);
            let shown = match percents[c] {
                Some(p) => {
                    let share = match percent {
                        Some(f) => f.run(p.round()),
                        None => format!("{}%", p.round()),
                    };
                    format!("{} — {text} ({share})", data.categories[c])
                }
                None => format!("{} — {text}", data.categories[c]),
            };
            let shape = view! {
                <rect
                    class="chart-shape"
                    x=svg_num((w - step_w) / 2.0)
                    y=svg_num(top)
                    width=svg_num(step_w)
                    height=svg_num(step)
                    rx="3"
                    style=fill(c)
                />
                <text class="chart-funnel-label" x=svg_num(w / 2.0) y=svg_num(top + step / 2.0 + 5.0) text-anchor="middle" aria-hidden="true">
                    {shown}
                </text>
            };
            mark(
                marks,
                c,
                0,
                mark_label(data, c, 0, &text),
                shape,
                String::new(),
                (w / 2.0, top),
                "middle",
            )
        })
        .collect::<Vec<_>>();
    let height = n as f64 * (step + gap) + gap;
    (
        format!("0 0 {} {}", svg_num(w), svg_num(height)),
        view! { <g class="chart-marks">{steps}</g> },
    )
}

/// A chart with its legend and a data table. `format` turns values into
/// locale-formatted text (ticks, tooltips, table); `on_select` gets
/// `(category, series)` when a mark is clicked or activated with Enter or Space.
/// `empty_text` is shown instead of the chart when there is nothing to draw;
/// `table_toggle_label`, when given, adds a button that shows the data table.
#[component]
pub fn Chart(
    kind: ChartKind,
    data: ChartData,
    #[prop(into)] format: Callback<f64, String>,
    #[prop(optional)] rtl: bool,
    #[prop(optional, into)] on_select: Option<Callback<(usize, usize)>>,
    #[prop(into)] table_caption: String,
    #[prop(into)] empty_text: String,
    #[prop(optional, into)] table_toggle_label: Option<String>,
    /// Formats a funnel step's share of the first (0–100) in the user's locale.
    #[prop(optional, into)]
    percent: Option<Callback<f64, String>>,
) -> impl IntoView {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let title_id = format!("chart-{id}-title");
    let table_id = format!("chart-{id}-table");
    let labelledby = title_id.clone();
    let class = format!("chart chart-{}", kind.key());

    if data.is_empty_for(kind) {
        return view! {
            <figure class=format!("{class} chart-empty")>
                <figcaption class="chart-title">{data.title.clone()}</figcaption>
                <p class="muted">{empty_text}</p>
            </figure>
        }
        .into_any();
    }

    let marks = Marks { on_select };
    // The chart's own width in CSS pixels, measured once it is on screen and again
    // when the window's size changes: the drawing is laid out at that width.
    let width = RwSignal::new(W);
    let figure = NodeRef::<leptos::html::Figure>::new();
    // Measured on the next frame or a resize, when the chart may have been redrawn
    // away already: its values are then gone, and nothing is done.
    let measure = move || {
        let (Some(Some(el)), Some(now)) = (figure.try_get_untracked(), width.try_get_untracked())
        else {
            return;
        };
        let w = (el.client_width() as f64).clamp(MIN_W, MAX_W);
        if el.client_width() > 0 && (w - now).abs() > 4.0 {
            width.try_set(w);
        }
    };
    Effect::new(move |_| {
        if figure.get().is_some() {
            request_animation_frame(measure);
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    let drawn = StoredValue::new(data.clone());
    let drawing = move || {
        let w = width.get();
        drawn.with_value(|data| match kind {
            ChartKind::Pie | ChartKind::Donut => {
                let (v, b) = round(kind == ChartKind::Donut, data, format, rtl, marks);
                (v, b.into_any())
            }
            ChartKind::Funnel => {
                let (v, b) = funnel(data, format, percent, marks, w);
                (v, b.into_any())
            }
            _ => {
                let (v, b) = cartesian(kind, data, format, rtl, marks, w);
                (v, b.into_any())
            }
        })
    };
    let chart_title = data.title.clone();

    // Legend: categories for pie and donut, series for the rest (a single bar
    // series needs none; a funnel labels its steps itself).
    let legend_items: Vec<(usize, String)> = match kind {
        ChartKind::Pie | ChartKind::Donut => data.categories.iter().cloned().enumerate().collect(),
        ChartKind::Funnel => Vec::new(),
        ChartKind::Bar if data.series.len() < 2 => Vec::new(),
        _ => data
            .series
            .iter()
            .map(|s| s.name.clone())
            .enumerate()
            .collect(),
    };
    let legend = (!legend_items.is_empty()).then(|| {
        let items = legend_items
            .into_iter()
            .map(|(i, name)| {
                view! {
                    <li>
                        <span class="chart-swatch" style=swatch(i) aria-hidden="true"></span>
                        {name}
                    </li>
                }
            })
            .collect::<Vec<_>>();
        view! { <ul class="chart-legend" aria-hidden="true">{items}</ul> }
    });

    let shown = RwSignal::new(false);
    let toggle = table_toggle_label.map(|label| {
        let controls = table_id.clone();
        view! {
            <button
                type="button"
                class="small chart-table-toggle"
                aria-expanded=move || shown.get().to_string()
                aria-controls=controls
                on:click=move |_| shown.update(|s| *s = !*s)
            >
                {label}
            </button>
        }
    });

    let header = data
        .series
        .iter()
        .map(|s| view! { <th scope="col">{s.name.clone()}</th> })
        .collect::<Vec<_>>();
    let rows = data
        .categories
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let cells = (0..data.series.len())
                .map(|s| view! { <td>{data.text(c, s, format)}</td> })
                .collect::<Vec<_>>();
            view! {
                <tr>
                    <th scope="row">{name.clone()}</th>
                    {cells}
                </tr>
            }
        })
        .collect::<Vec<_>>();

    view! {
        <figure class=class node_ref=figure>
            {move || {
                let (view_box, body) = drawing();
                view! {
                    <svg
                        class="chart-svg"
                        role="group"
                        aria-labelledby=labelledby.clone()
                        viewBox=view_box
                        preserveAspectRatio="xMidYMid meet"
                        direction="ltr"
                        xmlns="http://www.w3.org/2000/svg"
                    >
                        <title id=title_id.clone()>{chart_title.clone()}</title>
                        {body}
                    </svg>
                }
            }}
            {legend}
            {toggle}
            <table id=table_id class="chart-table" class:visually-hidden=move || !shown.get()>
                <caption>{table_caption}</caption>
                <thead>
                    <tr>
                        <td></td>
                        {header}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </figure>
    }
    .into_any()
}
