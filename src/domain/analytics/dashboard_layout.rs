//! A user's own dashboard: widgets, each a small report (module, filters, measure,
//! grouping) shown as a number, a chart or a table, in an order and width the user
//! arranges. Stored as JSON in the dashboard record's `definition`.

use serde::{Deserialize, Serialize};

use crate::domain::analytics::chart_scale::ChartKind;
use crate::domain::analytics::report::{
    run, GroupKey, ReportError, ReportKind, ReportResult, ReportSpec,
};
use crate::domain::records::record_set::Dataset;
use crate::domain::records::search::Slot;
use crate::domain::sales::pipeline::ExchangeRates;

/// How a widget shows its report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Display {
    /// One number: the measure over every matching record.
    Kpi,
    Chart(ChartKind),
    Table,
}

impl Display {
    pub const ALL: [Display; 8] = [
        Display::Kpi,
        Display::Chart(ChartKind::Bar),
        Display::Chart(ChartKind::StackedBar),
        Display::Chart(ChartKind::Line),
        Display::Chart(ChartKind::Pie),
        Display::Chart(ChartKind::Donut),
        Display::Chart(ChartKind::Funnel),
        Display::Table,
    ];

    /// Stable key for forms and translations.
    pub fn key(self) -> &'static str {
        match self {
            Display::Kpi => "kpi",
            Display::Table => "table",
            Display::Chart(k) => k.key(),
        }
    }

    pub fn from_key(key: &str) -> Option<Display> {
        Display::ALL.into_iter().find(|d| d.key() == key)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Widget {
    pub id: String,
    pub title: String,
    pub display: Display,
    pub spec: ReportSpec,
    /// Columns of the dashboard grid it spans: 1 to 3.
    pub width: u8,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    pub widgets: Vec<Widget>,
}

/// Why a stored layout could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct LayoutError(pub String);

impl Layout {
    pub fn parse(json: &str) -> Result<Layout, LayoutError> {
        if json.trim().is_empty() {
            return Ok(Layout::default());
        }
        serde_json::from_str(json).map_err(|e| LayoutError(e.to_string()))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn add(&mut self, widget: Widget) {
        self.widgets.push(widget);
    }

    pub fn remove(&mut self, id: &str) {
        self.widgets.retain(|w| w.id != id);
    }

    /// Moves a widget one place earlier (`-1`) or later (`1`); at an end, nothing moves.
    pub fn shift(&mut self, id: &str, by: isize) {
        let Some(i) = self.widgets.iter().position(|w| w.id == id) else {
            return;
        };
        let j = i as isize + by;
        if j >= 0 && (j as usize) < self.widgets.len() {
            self.widgets.swap(i, j as usize);
        }
    }

    /// Makes a widget wider or narrower, within 1 to 3 columns.
    pub fn resize(&mut self, id: &str, by: i8) {
        if let Some(w) = self.widgets.iter_mut().find(|w| w.id == id) {
            w.width = (w.width as i8 + by).clamp(1, 3) as u8;
        }
    }
}

/// What a widget draws: categories × series of values, each value with its records.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WidgetData {
    pub categories: Vec<GroupKey>,
    /// `None` names the single series of a one-grouping widget (the measure).
    pub series: Vec<Option<GroupKey>>,
    /// `values[series][category]`; not a number where the sum is too large to
    /// compute (a chart draws nothing there, its table says why).
    pub values: Vec<Vec<f64>>,
    /// `records[series][category]`.
    pub records: Vec<Vec<Vec<Slot>>>,
    pub total: Option<f64>,
    /// The total is beyond what a decimal holds (`total` is then `None`).
    pub total_too_large: bool,
    /// Some value or the total is too large to compute.
    pub too_large: bool,
    pub all: Vec<Slot>,
    pub unconverted: usize,
}

/// A cell's value as drawn: zero without one, not a number when too large.
fn drawn(value: Option<f64>, too_large: bool) -> f64 {
    if too_large {
        f64::NAN
    } else {
        value.unwrap_or(0.0)
    }
}

/// Runs a widget's report and shapes it for drawing: a summary gives one series over
/// its groups, a matrix one series per column group (a stacked bar's layers).
pub fn widget_data(
    data: &Dataset,
    widget: &Widget,
    rates: &ExchangeRates,
) -> Result<WidgetData, ReportError> {
    Ok(widget_data_from(widget, run(data, &widget.spec, rates)?))
}

/// What a widget draws from its report's result (a page runs the report in steps).
pub fn widget_data_from(widget: &Widget, result: ReportResult) -> WidgetData {
    let mut out = WidgetData {
        total: result.total,
        total_too_large: result.total_too_large,
        too_large: result.total_too_large,
        all: result.rows.clone(),
        unconverted: result.unconverted,
        ..WidgetData::default()
    };
    match (&widget.spec.kind, result.matrix) {
        (ReportKind::Matrix { .. }, Some(m)) => {
            out.categories = m.row_keys;
            out.series = m.col_keys.into_iter().map(Some).collect();
            for c in 0..out.series.len() {
                out.values.push(
                    m.cells
                        .iter()
                        .map(|row| drawn(row[c].value, row[c].too_large))
                        .collect(),
                );
                out.records
                    .push(m.cells.iter().map(|row| row[c].records.clone()).collect());
            }
        }
        _ => {
            out.categories = result.groups.iter().map(|g| g.key.clone()).collect();
            out.series = vec![None];
            out.values = vec![result
                .groups
                .iter()
                .map(|g| drawn(g.value, g.too_large))
                .collect()];
            out.records = vec![result.groups.into_iter().map(|g| g.records).collect()];
        }
    }
    out.too_large |= out.values.iter().flatten().any(|v| v.is_nan());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::analytics::report::{DateBucket, FilterGroup, Grouping, Measure};
    use crate::domain::modules::standard_modules::standard_schema;
    use crate::domain::records::record::Record;
    use crate::domain::records::value::Value;

    fn widget(id: &str, kind: ReportKind) -> Widget {
        Widget {
            id: id.into(),
            title: id.into(),
            display: Display::Chart(ChartKind::Bar),
            spec: ReportSpec {
                module: "companies".into(),
                columns: vec![],
                filter: FilterGroup::default(),
                sort: None,
                kind,
                measure: Measure::Count,
            },
            width: 1,
        }
    }

    fn data() -> Dataset {
        let mut d = Dataset::new(standard_schema());
        for (id, industry, owner) in [
            ("c1", "retail", "a"),
            ("c2", "retail", "b"),
            ("c3", "energy", "a"),
        ] {
            let values = [
                ("name".to_string(), Value::Text(id.into())),
                ("industry".to_string(), Value::Text(industry.into())),
            ]
            .into();
            d.upsert(Record::new(
                id.into(),
                "companies",
                1,
                Some(owner.into()),
                values,
            ));
        }
        d
    }

    #[test]
    fn widgets_are_added_moved_resized_and_removed_and_survive_json() {
        let mut l = Layout::default();
        for id in ["a", "b", "c"] {
            l.add(widget(id, ReportKind::Summary(Grouping::Owner)));
        }
        l.shift("c", -1);
        l.shift("a", -1); // already first: stays
        l.resize("b", 5);
        l.resize("a", -3);
        l.remove("nobody");
        let order: Vec<(&str, u8)> = l.widgets.iter().map(|w| (w.id.as_str(), w.width)).collect();
        assert_eq!(order, [("a", 1), ("c", 1), ("b", 3)]);
        let back = Layout::parse(&l.to_json()).unwrap();
        assert_eq!(back, l);
        l.remove("c");
        assert_eq!(l.widgets.len(), 2);
        assert_eq!(Layout::parse("").unwrap(), Layout::default());
        assert!(Layout::parse("{\"widgets\": 3}").is_err());
    }

    #[test]
    fn a_summary_is_one_series_and_a_matrix_one_series_per_column() {
        let d = data();
        let rates = ExchangeRates::default();
        let w = widget("w", ReportKind::Summary(Grouping::Field("industry".into())));
        let out = widget_data(&d, &w, &rates).unwrap();
        assert_eq!(out.series, vec![None]);
        // Picklist groups come in option order: retail before energy.
        assert_eq!(out.values, vec![vec![2.0, 1.0]]);
        assert_eq!(
            out.categories[0],
            GroupKey::Option {
                field: "industry".into(),
                value: "retail".into()
            }
        );
        assert_eq!(out.total, Some(3.0));

        let m = widget(
            "m",
            ReportKind::Matrix {
                rows: Grouping::Field("industry".into()),
                cols: Grouping::Owner,
            },
        );
        let out = widget_data(&d, &m, &rates).unwrap();
        assert_eq!(
            out.series,
            vec![
                Some(GroupKey::User("a".into())),
                Some(GroupKey::User("b".into()))
            ]
        );
        // Rows retail, energy. Owner a: 1 and 1; owner b: 1 and 0.
        assert_eq!(out.values, vec![vec![1.0, 1.0], vec![1.0, 0.0]]);
        assert_eq!(out.records[1][0].len(), 1);
        assert!(out.records[1][1].is_empty());

        let bad = widget(
            "x",
            ReportKind::Summary(Grouping::Date("name".into(), DateBucket::Month)),
        );
        assert!(widget_data(&d, &bad, &rates).is_err());
    }

    #[test]
    fn a_widget_over_sums_too_large_draws_nothing_there_and_says_so() {
        let mut d = data();
        // Two retail companies with the largest revenue a decimal holds (stored
        // before amounts were bounded); energy has a plain one.
        for (id, amount) in [
            ("c1", rust_decimal::Decimal::MAX),
            ("c2", rust_decimal::Decimal::MAX),
            ("c3", rust_decimal::Decimal::from(5)),
        ] {
            let mut r = d.get("companies", id).unwrap().clone();
            r.values.insert(
                "annual_revenue",
                Value::Money(Box::new(crate::domain::records::value::Money {
                    amount,
                    currency: "EUR".into(),
                })),
            );
            d.upsert(r);
        }
        let rates = ExchangeRates {
            base: "EUR".into(),
            ..ExchangeRates::default()
        };
        let mut w = widget("w", ReportKind::Summary(Grouping::Field("industry".into())));
        w.spec.measure = Measure::Sum("annual_revenue".into());
        let out = widget_data(&d, &w, &rates).unwrap();
        assert!(out.values[0][0].is_nan(), "retail cannot be computed");
        assert_eq!(out.values[0][1], 5.0, "energy can");
        assert_eq!(
            (out.total, out.total_too_large, out.too_large),
            (None, true, true)
        );
        assert_eq!(out.unconverted, 0);
        // A count over the same records is an ordinary widget.
        let out = widget_data(
            &d,
            &widget("n", ReportKind::Summary(Grouping::Owner)),
            &rates,
        )
        .unwrap();
        assert!(!out.too_large && !out.total_too_large);
    }
}
