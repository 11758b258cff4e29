//! Leads: scoring, assignment and the lead rules that run both.

pub mod assignment;
pub mod lead_rules;
pub mod scoring;
