//! Deals' stages and outcomes, as the figures read them.

use crate::domain::modules::sales_modules::STAGES;
use crate::domain::records::record::{Record, Timestamp};
use crate::domain::records::record_set::Dataset;
use crate::domain::records::stage_trail::steps;
use crate::domain::records::value::Value;
use crate::domain::sales::pipeline::Outcome;
use crate::domain::sales::pipeline_records::outcome_of;

/// Where a stage sits: its pipeline, order and outcome.
pub(super) struct StageInfo {
    pub(super) pipeline: String,
    pub(super) position: f64,
    pub(super) outcome: Outcome,
}

/// The stages by id. A handful per pipeline: a list searched in order is faster here
/// than hashing every deal's stage id.
pub(super) struct Stages<'a>(pub(super) Vec<(&'a str, StageInfo)>);

impl Stages<'_> {
    pub(super) fn get(&self, id: &str) -> Option<&StageInfo> {
        self.0.iter().find(|(s, _)| *s == id).map(|(_, i)| i)
    }
}

pub(super) fn stage_index(data: &Dataset) -> Stages<'_> {
    Stages(
        data.set(STAGES)
            .map(|set| {
                set.records()
                    .map(|r| {
                        let info = StageInfo {
                            pipeline: match r.get("pipeline") {
                                Some(Value::Ref(p)) => p.clone(),
                                _ => String::new(),
                            },
                            position: match r.get("position") {
                                Some(Value::Number(n)) => *n,
                                _ => 0.0,
                            },
                            outcome: outcome_of(r),
                        };
                        (r.id.as_str(), info)
                    })
                    .collect()
            })
            .unwrap_or_default(),
    )
}

pub(super) fn stage_of(r: &Record) -> Option<&str> {
    match r.get("stage") {
        Some(Value::Ref(s)) => Some(s),
        _ => None,
    }
}

pub(super) fn outcome(stages: &Stages, r: &Record) -> Outcome {
    stage_of(r)
        .and_then(|s| stages.get(s))
        .map_or(Outcome::Open, |s| s.outcome)
}

/// When a closed deal closed: its close time, else when its trail entered the
/// closing stage.
pub(super) fn closed_at(r: &Record) -> Timestamp {
    match r.get("closed_at") {
        Some(Value::DateTime(t)) => t.timestamp_millis(),
        _ => steps(r).last().map_or(r.updated_at, |s| s.at),
    }
}
