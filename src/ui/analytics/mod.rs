//! The home page, the sales dashboard, custom dashboards, and what reports and
//! dashboards share (labels, running in turns).

pub mod custom_dashboard;
pub mod dashboard_page;
pub mod home;
pub mod report_labels;
pub mod report_run;
