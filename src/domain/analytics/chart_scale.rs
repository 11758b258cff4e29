//! Chart geometry: value ticks, linear scales, pie angles, SVG arc paths, stacked
//! offsets and funnel widths. Pure arithmetic, so every chart the app draws is
//! tested natively; the SVG itself is assembled in `ui::chart`.

use serde::{Deserialize, Serialize};
use std::f64::consts::{PI, TAU};

/// The kinds of chart the app draws. Dashboards store this with each widget.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChartKind {
    Bar,
    StackedBar,
    Line,
    Pie,
    Donut,
    Funnel,
}

impl ChartKind {
    /// Every kind, in menu order.
    pub const ALL: [ChartKind; 6] = [
        ChartKind::Bar,
        ChartKind::StackedBar,
        ChartKind::Line,
        ChartKind::Pie,
        ChartKind::Donut,
        ChartKind::Funnel,
    ];

    /// A stable lower-case name (CSS class suffix, storage key).
    pub fn key(self) -> &'static str {
        match self {
            ChartKind::Bar => "bar",
            ChartKind::StackedBar => "stacked-bar",
            ChartKind::Line => "line",
            ChartKind::Pie => "pie",
            ChartKind::Donut => "donut",
            ChartKind::Funnel => "funnel",
        }
    }

    /// Whether the chart has a value axis with ticks.
    pub fn has_axes(self) -> bool {
        matches!(
            self,
            ChartKind::Bar | ChartKind::StackedBar | ChartKind::Line
        )
    }
}

/// A finite number, or zero for NaN and infinities.
fn finite(v: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        0.0
    }
}

/// Rounds to `decimals` places and turns `-0` into `0`.
fn round_to(v: f64, decimals: i32) -> f64 {
    let r = if decimals > 0 {
        let p = 10f64.powi(decimals);
        (v * p).round() / p
    } else {
        v.round()
    };
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// The 1, 2 or 5 × 10ⁿ step nearest to `raw` (which must be positive).
pub fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let exp = raw.log10().floor();
    let base = 10f64.powf(exp);
    let f = raw / base;
    let nice = if f < 1.5 {
        1.0
    } else if f < 3.0 {
        2.0
    } else if f < 7.0 {
        5.0
    } else {
        10.0
    };
    nice * base
}

/// Decimal places a step needs (0 for steps ≥ 1).
fn step_decimals(step: f64) -> i32 {
    let exp = step.log10().floor() as i32;
    (-exp).max(0)
}

/// Tick values for a value axis: evenly spaced by a 1/2/5×10ⁿ step, covering
/// `min..=max`, and always including zero (bars grow from zero, so the axis does
/// too: all-positive data starts at 0, all-negative data ends at 0). All-zero data
/// gives `0..=1`. About `target_count` ticks (at least two are always returned).
pub fn nice_ticks(min: f64, max: f64, target_count: usize) -> Vec<f64> {
    let (mut lo, mut hi) = (finite(min), finite(max));
    if lo > hi {
        std::mem::swap(&mut lo, &mut hi);
    }
    lo = lo.min(0.0);
    hi = hi.max(0.0);
    if lo == hi {
        hi = 1.0;
    }
    let intervals = target_count.max(2) - 1;
    let step = nice_step((hi - lo) / intervals as f64);
    let decimals = step_decimals(step);
    let first = (lo / step).floor() as i64;
    let last = (hi / step).ceil() as i64;
    (first..=last)
        .map(|k| round_to(k as f64 * step, decimals))
        .collect()
}

/// Maps a domain interval linearly onto a range (pixels). The range may run
/// backwards (SVG y grows downwards; right-to-left x axes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinearScale {
    pub domain: (f64, f64),
    pub range: (f64, f64),
}

impl LinearScale {
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Self {
        LinearScale { domain, range }
    }

    /// A scale over the first and last of `ticks` (as from [`nice_ticks`]).
    pub fn from_ticks(ticks: &[f64], range: (f64, f64)) -> Self {
        let lo = ticks.first().copied().unwrap_or(0.0);
        let hi = ticks.last().copied().unwrap_or(1.0);
        LinearScale::new((lo, hi), range)
    }

    /// The range position of `v`. A zero-width domain maps everything to the range start.
    pub fn map(&self, v: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        if d1 == d0 {
            return r0;
        }
        r0 + (finite(v) - d0) / (d1 - d0) * (r1 - r0)
    }
}

/// The slot (left-to-right position) of category `index` among `count`: reversed
/// when the chart runs right to left.
pub fn category_slot(index: usize, count: usize, rtl: bool) -> usize {
    if rtl {
        count.saturating_sub(1).saturating_sub(index)
    } else {
        index
    }
}

/// Start and end angles (radians, clockwise from 12 o'clock, `0..=TAU`) of one
/// slice per value. Zero, negative and non-finite values get an empty slice
/// (start == end); if no value is positive, every slice is empty. A single
/// positive value gives the full circle `(0, TAU)`.
pub fn pie_slices(values: &[f64]) -> Vec<(f64, f64)> {
    let positive = |v: f64| if v.is_finite() && v > 0.0 { v } else { 0.0 };
    let total: f64 = values.iter().map(|&v| positive(v)).sum();
    if total <= 0.0 {
        return values.iter().map(|_| (0.0, 0.0)).collect();
    }
    let mut acc = 0.0;
    values
        .iter()
        .map(|&v| {
            let start = acc / total * TAU;
            acc += positive(v);
            let end = if acc >= total { TAU } else { acc / total * TAU };
            (start, end.max(start))
        })
        .collect()
}

/// The point at `angle` (clockwise from 12 o'clock) on a circle.
pub fn polar(cx: f64, cy: f64, r: f64, angle: f64) -> (f64, f64) {
    (cx + r * angle.sin(), cy - r * angle.cos())
}

/// A coordinate for SVG text: at most two decimals, no trailing zeros, no `-0`.
pub fn svg_num(v: f64) -> String {
    let r = round_to(finite(v), 2);
    let s = format!("{r:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

fn pt(p: (f64, f64)) -> String {
    format!("{} {}", svg_num(p.0), svg_num(p.1))
}

/// An SVG path for a pie slice (`inner == 0`) or a donut segment (`inner > 0`)
/// from `start` to `end` (radians, clockwise from 12 o'clock). Empty slices give an
/// empty string; a full circle is drawn as two half arcs (one arc cannot start and
/// end at the same point), with the donut hole wound the other way so it stays
/// empty under the default `nonzero` fill rule.
pub fn arc_path(cx: f64, cy: f64, outer: f64, inner: f64, start: f64, end: f64) -> String {
    let sweep = end - start;
    if sweep.is_nan() || sweep <= 0.0 || outer <= 0.0 {
        return String::new();
    }
    let ro = svg_num(outer);
    let ri = svg_num(inner);
    if sweep >= TAU - 1e-9 {
        let top = pt((cx, cy - outer));
        let bottom = pt((cx, cy + outer));
        let mut d = format!("M{top} A{ro} {ro} 0 1 1 {bottom} A{ro} {ro} 0 1 1 {top} Z");
        if inner > 0.0 {
            let top = pt((cx, cy - inner));
            let bottom = pt((cx, cy + inner));
            d.push_str(&format!(
                " M{top} A{ri} {ri} 0 1 0 {bottom} A{ri} {ri} 0 1 0 {top} Z"
            ));
        }
        return d;
    }
    let large = if sweep > PI { 1 } else { 0 };
    let o0 = pt(polar(cx, cy, outer, start));
    let o1 = pt(polar(cx, cy, outer, end));
    if inner > 0.0 {
        let i0 = pt(polar(cx, cy, inner, start));
        let i1 = pt(polar(cx, cy, inner, end));
        format!("M{o0} A{ro} {ro} 0 {large} 1 {o1} L{i1} A{ri} {ri} 0 {large} 0 {i0} Z")
    } else {
        let c = pt((cx, cy));
        format!("M{c} L{o0} A{ro} {ro} 0 {large} 1 {o1} Z")
    }
}

/// Stacked-bar segments: for each series, for each category, the `(low, high)`
/// values the segment spans. Positive values stack upwards from zero, negative ones
/// downwards; missing and non-finite values are zero-height segments.
pub fn stack_offsets(series: &[Vec<f64>], categories: usize) -> Vec<Vec<(f64, f64)>> {
    let mut up = vec![0.0; categories];
    let mut down = vec![0.0; categories];
    series
        .iter()
        .map(|values| {
            (0..categories)
                .map(|c| {
                    let v = finite(values.get(c).copied().unwrap_or(0.0));
                    if v >= 0.0 {
                        let low = up[c];
                        up[c] += v;
                        (low, up[c])
                    } else {
                        let high = down[c];
                        down[c] += v;
                        (down[c], high)
                    }
                })
                .collect()
        })
        .collect()
}

/// The lowest and highest value any stacked segment reaches (`(0, 0)` when empty).
pub fn stack_extent(offsets: &[Vec<(f64, f64)>]) -> (f64, f64) {
    offsets
        .iter()
        .flatten()
        .fold((0.0, 0.0), |(lo, hi), &(a, b)| (lo.min(a), hi.max(b)))
}

/// The lowest and highest finite value (`(0, 0)` when there is none).
pub fn extent(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let mut it = values.into_iter().filter(|v| v.is_finite());
    let Some(first) = it.next() else {
        return (0.0, 0.0);
    };
    it.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

/// Whether there is nothing to draw: no value, or every value zero or not finite.
pub fn all_zero(values: impl IntoIterator<Item = f64>) -> bool {
    values.into_iter().all(|v| !v.is_finite() || v == 0.0)
}

/// Funnel step widths: proportional to each value, the largest taking `full_width`.
/// Negative and non-finite values give zero; all-zero data gives all zeros.
pub fn funnel_widths(values: &[f64], full_width: f64) -> Vec<f64> {
    let clean = |v: f64| finite(v).max(0.0);
    let max = values.iter().map(|&v| clean(v)).fold(0.0, f64::max);
    values
        .iter()
        .map(|&v| {
            if max > 0.0 {
                clean(v) / max * full_width
            } else {
                0.0
            }
        })
        .collect()
}

/// Each funnel step as a percentage of the first step (`None` when the first step
/// is not positive, so there is nothing to compare with).
pub fn funnel_percents(values: &[f64]) -> Vec<Option<f64>> {
    let first = values.first().copied().map(finite).unwrap_or(0.0);
    values
        .iter()
        .map(|&v| (first > 0.0).then(|| finite(v) / first * 100.0))
        .collect()
}

/// A label cut to at most `max_chars` characters, ending in "…" when cut.
pub fn truncate_label(label: &str, max_chars: usize) -> String {
    if label.chars().count() <= max_chars {
        return label.to_string();
    }
    let keep = max_chars.saturating_sub(1);
    let mut s: String = label.chars().take(keep).collect();
    s = s.trim_end().to_string();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(1.2), 1.0);
        assert_eq!(nice_step(2.5), 2.0);
        assert_eq!(nice_step(25.0), 20.0);
        assert_eq!(nice_step(4.0), 5.0);
        assert_eq!(nice_step(800.0), 1000.0);
        assert_eq!(nice_step(0.025), 0.02);
        assert_eq!(nice_step(0.03), 0.05);
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(f64::NAN), 1.0);
    }

    #[test]
    fn ticks_cover_positive_data_from_zero() {
        assert_eq!(
            nice_ticks(0.0, 100.0, 5),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        // Data away from zero still starts at zero, and the top is covered.
        assert_eq!(
            nice_ticks(30.0, 87.0, 5),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(
            nice_ticks(0.0, 12_345.0, 5),
            vec![0.0, 5000.0, 10_000.0, 15_000.0]
        );
    }

    #[test]
    fn ticks_for_all_zero_and_single_values() {
        assert_eq!(nice_ticks(0.0, 0.0, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(nice_ticks(5.0, 5.0, 5), vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(nice_ticks(1.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
    }

    #[test]
    fn ticks_for_negative_and_mixed_values() {
        assert_eq!(
            nice_ticks(-30.0, 70.0, 5),
            vec![-40.0, -20.0, 0.0, 20.0, 40.0, 60.0, 80.0]
        );
        assert_eq!(
            nice_ticks(-50.0, -10.0, 5),
            vec![-50.0, -40.0, -30.0, -20.0, -10.0, 0.0]
        );
        // Reversed bounds are accepted.
        assert_eq!(nice_ticks(100.0, 0.0, 5), nice_ticks(0.0, 100.0, 5));
    }

    #[test]
    fn ticks_have_no_float_noise_and_no_negative_zero() {
        let ticks = nice_ticks(0.0, 0.7, 8);
        assert_eq!(ticks, vec![0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
        assert!(ticks[0].is_sign_positive());
        assert!(nice_ticks(-1.0, 0.0, 3).last().unwrap().is_sign_positive());
    }

    #[test]
    fn ticks_survive_bad_input() {
        assert_eq!(nice_ticks(f64::NAN, f64::INFINITY, 0), vec![0.0, 1.0]);
        assert_eq!(nice_ticks(0.0, 10.0, 1), vec![0.0, 10.0]);
    }

    #[test]
    fn linear_scale_maps_forwards_and_backwards() {
        let y = LinearScale::from_ticks(&[0.0, 50.0, 100.0], (300.0, 100.0));
        assert_eq!(y.map(0.0), 300.0);
        assert_eq!(y.map(50.0), 200.0);
        assert_eq!(y.map(100.0), 100.0);
        let flat = LinearScale::new((3.0, 3.0), (10.0, 20.0));
        assert_eq!(flat.map(3.0), 10.0);
        assert_eq!(flat.map(f64::NAN), 10.0);
        let x = LinearScale::new((-10.0, 10.0), (0.0, 200.0));
        assert_eq!(x.map(0.0), 100.0);
    }

    #[test]
    fn categories_reverse_right_to_left() {
        assert_eq!(category_slot(0, 3, false), 0);
        assert_eq!(category_slot(0, 3, true), 2);
        assert_eq!(category_slot(2, 3, true), 0);
        assert_eq!(category_slot(0, 0, true), 0);
    }

    #[test]
    fn pie_slices_split_the_circle_by_share() {
        assert_eq!(
            pie_slices(&[1.0, 1.0, 2.0]),
            vec![(0.0, PI / 2.0), (PI / 2.0, PI), (PI, TAU)]
        );
    }

    #[test]
    fn pie_slices_skip_zero_and_negative_values() {
        assert_eq!(
            pie_slices(&[0.0, 3.0, -2.0, 1.0, f64::NAN]),
            vec![
                (0.0, 0.0),
                (0.0, 1.5 * PI),
                (1.5 * PI, 1.5 * PI),
                (1.5 * PI, TAU),
                (TAU, TAU)
            ]
        );
        assert_eq!(pie_slices(&[0.0, -1.0]), vec![(0.0, 0.0), (0.0, 0.0)]);
        assert_eq!(pie_slices(&[]), Vec::<(f64, f64)>::new());
    }

    #[test]
    fn a_single_value_is_a_full_circle() {
        assert_eq!(pie_slices(&[42.0]), vec![(0.0, TAU)]);
        assert_eq!(
            pie_slices(&[0.0, 7.0, 0.0]),
            vec![(0.0, 0.0), (0.0, TAU), (TAU, TAU)]
        );
    }

    #[test]
    fn svg_numbers_are_short() {
        assert_eq!(svg_num(50.0), "50");
        assert_eq!(svg_num(12.345), "12.35");
        assert_eq!(svg_num(0.5), "0.5");
        assert_eq!(svg_num(-0.001), "0");
        assert_eq!(svg_num(-3.1), "-3.1");
        assert_eq!(svg_num(f64::NAN), "0");
    }

    #[test]
    fn pie_slice_paths() {
        // A quarter from 12 o'clock to 3 o'clock.
        assert_eq!(
            arc_path(50.0, 50.0, 40.0, 0.0, 0.0, PI / 2.0),
            "M50 50 L50 10 A40 40 0 0 1 90 50 Z"
        );
        // Three quarters uses the large-arc flag.
        assert_eq!(
            arc_path(50.0, 50.0, 40.0, 0.0, PI / 2.0, TAU),
            "M50 50 L90 50 A40 40 0 1 1 50 10 Z"
        );
        assert_eq!(arc_path(50.0, 50.0, 40.0, 0.0, 1.0, 1.0), "");
        assert_eq!(arc_path(50.0, 50.0, 0.0, 0.0, 0.0, 1.0), "");
    }

    #[test]
    fn donut_segment_paths() {
        assert_eq!(
            arc_path(50.0, 50.0, 40.0, 20.0, 0.0, PI / 2.0),
            "M50 10 A40 40 0 0 1 90 50 L70 50 A20 20 0 0 0 50 30 Z"
        );
    }

    #[test]
    fn a_full_circle_is_two_half_arcs() {
        assert_eq!(
            arc_path(50.0, 50.0, 40.0, 0.0, 0.0, TAU),
            "M50 10 A40 40 0 1 1 50 90 A40 40 0 1 1 50 10 Z"
        );
        assert_eq!(
            arc_path(50.0, 50.0, 40.0, 20.0, 0.0, TAU),
            "M50 10 A40 40 0 1 1 50 90 A40 40 0 1 1 50 10 Z \
             M50 30 A20 20 0 1 0 50 70 A20 20 0 1 0 50 30 Z"
        );
    }

    #[test]
    fn stacked_offsets_accumulate_per_category() {
        let offsets = stack_offsets(&[vec![1.0, 2.0], vec![3.0, -1.0], vec![2.0]], 2);
        assert_eq!(
            offsets,
            vec![
                vec![(0.0, 1.0), (0.0, 2.0)],
                vec![(1.0, 4.0), (-1.0, 0.0)],
                vec![(4.0, 6.0), (2.0, 2.0)],
            ]
        );
        assert_eq!(stack_extent(&offsets), (-1.0, 6.0));
        assert_eq!(stack_extent(&[]), (0.0, 0.0));
    }

    #[test]
    fn extent_and_emptiness() {
        assert_eq!(extent([3.0, -1.0, f64::NAN, 7.0]), (-1.0, 7.0));
        assert_eq!(extent([]), (0.0, 0.0));
        assert!(all_zero([0.0, 0.0, f64::NAN]));
        assert!(all_zero([]));
        assert!(!all_zero([0.0, -2.0]));
    }

    #[test]
    fn funnel_widths_shrink_with_value() {
        assert_eq!(
            funnel_widths(&[200.0, 100.0, 50.0, 0.0], 400.0),
            vec![400.0, 200.0, 100.0, 0.0]
        );
        // The widest step need not be the first.
        assert_eq!(funnel_widths(&[50.0, 100.0], 400.0), vec![200.0, 400.0]);
        assert_eq!(funnel_widths(&[0.0, -5.0], 400.0), vec![0.0, 0.0]);
        assert_eq!(
            funnel_percents(&[200.0, 100.0, 50.0]),
            vec![Some(100.0), Some(50.0), Some(25.0)]
        );
        assert_eq!(funnel_percents(&[0.0, 10.0]), vec![None, None]);
    }

    #[test]
    fn long_labels_are_truncated_with_an_ellipsis() {
        assert_eq!(truncate_label("Short", 10), "Short");
        assert_eq!(truncate_label("Negotiation review", 10), "Negotiati…");
        assert_eq!(truncate_label("Qualified lead", 11), "Qualified…");
        assert_eq!(truncate_label("Ünïcödé wörds", 5), "Ünïc…");
    }

    #[test]
    fn chart_kinds_round_trip_through_json() {
        for kind in ChartKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(serde_json::from_str::<ChartKind>(&json).unwrap(), kind);
        }
        assert_eq!(
            serde_json::to_string(&ChartKind::StackedBar).unwrap(),
            "\"StackedBar\""
        );
        assert!(ChartKind::Line.has_axes());
        assert!(!ChartKind::Donut.has_axes());
    }
}
