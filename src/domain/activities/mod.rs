//! Activities: the activity rules, recurrence, the agenda (due and done) and the
//! record timeline.

pub mod activity_rules;
pub mod agenda;
pub mod recurrence;
pub mod timeline;
