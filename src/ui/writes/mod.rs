//! The one way the UI writes: `actions::commit_plan` (a domain plan committed, then
//! announced once), the write queue, other tabs following the announcements, and
//! the clock that runs rules on a date reached.

pub mod actions;
pub mod automation_part;
pub mod other_tabs;
pub mod rule_clock;
pub mod write_queue;
