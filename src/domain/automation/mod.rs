//! Workflow rules: what they react to (`workflow.rs`), how they run on a plan
//! before it is committed (`run_rules.rs`), on a date reached (`due_rules.rs`) and
//! by hand (`manual_rules.rs`), the alerts they leave (`alerts.rs`), and an email
//! composed from a template (`compose.rs`).

pub mod alerts;
pub mod compose;
pub mod dry_run;
pub mod due_rules;
pub mod manual_rules;
pub mod run_rules;
pub mod workflow;
