//! The one way the UI writes: `actions::commit_plan` (a domain plan committed, then
//! announced once), the write queue, and other tabs following the announcements.

pub mod actions;
pub mod other_tabs;
pub mod write_queue;
