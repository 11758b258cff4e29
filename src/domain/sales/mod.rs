//! Pipelines and deals: the pipeline and stage model, pipelines kept as records, the
//! deal stage rules, and the generic board's columns and totals.

pub mod board;
pub mod deal_rules;
pub mod pipeline;
pub mod pipeline_records;
