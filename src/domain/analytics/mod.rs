//! Figures over records: reports, dashboards and their layouts, chart scales, and the
//! sales metrics.

pub mod chart_scale;
pub mod dashboard_layout;
pub mod report;
pub mod report_choices;
pub mod sales_metrics;
