//! A deal's stage history kept on the deal itself (`stage_trail`): every stage it
//! entered and when. The funnel and the time-in-stage figures read it straight from
//! the in-memory records, so a dashboard never re-reads the change store.

use crate::domain::records::record::{Record, Timestamp};
use crate::domain::records::value::Value;

pub const TRAIL: &str = "stage_trail";

/// One stage entered: its id and the time it was entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step<'a> {
    pub stage: &'a str,
    pub at: Timestamp,
}

/// Reads `id@millis id@millis …`; `None` when any part is not of that form.
pub fn parse(text: &str) -> Option<Vec<Step<'_>>> {
    text.split_whitespace()
        .map(|part| {
            let (stage, at) = part.rsplit_once('@')?;
            let at = at.parse().ok()?;
            (!stage.is_empty()).then_some(Step { stage, at })
        })
        .collect()
}

/// The trail with one more stage entered.
pub fn append(trail: Option<&str>, stage: &str, at: Timestamp) -> String {
    match trail.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => format!("{t} {stage}@{at}"),
        None => format!("{stage}@{at}"),
    }
}

/// The stages a deal went through, one by one without collecting them (malformed
/// parts are skipped); like `steps`, a deal without a trail entered its current stage
/// when it was created.
pub fn steps_iter(deal: &Record) -> impl Iterator<Item = Step<'_>> {
    let text = match deal.get(TRAIL) {
        Some(Value::Text(t)) if !t.trim().is_empty() => Some(t.as_str()),
        _ => None,
    };
    let fallback = match (text, deal.get("stage")) {
        (None, Some(Value::Ref(stage))) => Some(Step {
            stage,
            at: deal.created_at,
        }),
        _ => None,
    };
    text.into_iter()
        .flat_map(str::split_ascii_whitespace)
        .filter_map(|part| {
            let (stage, at) = part.rsplit_once('@')?;
            Some(Step {
                stage,
                at: at.parse().ok()?,
            })
        })
        .chain(fallback)
}

/// The stages a deal went through. A deal saved before trails were kept counts as
/// having entered its current stage when it was created.
pub fn steps(deal: &Record) -> Vec<Step<'_>> {
    if let Some(Value::Text(t)) = deal.get(TRAIL) {
        if let Some(s) = parse(t).filter(|s| !s.is_empty()) {
            return s;
        }
    }
    match deal.get("stage") {
        Some(Value::Ref(stage)) => vec![Step {
            stage,
            at: deal.created_at,
        }],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FieldValues;

    #[test]
    fn a_trail_round_trips_and_refuses_garbage() {
        let t = append(None, "s1", 10);
        let t = append(Some(&t), "s2", 20);
        assert_eq!(t, "s1@10 s2@20");
        assert_eq!(
            parse(&t).unwrap(),
            vec![
                Step {
                    stage: "s1",
                    at: 10
                },
                Step {
                    stage: "s2",
                    at: 20
                }
            ]
        );
        assert!(parse("s1@x").is_none());
        assert!(parse("@10").is_none());
        assert!(parse("s1").is_none());
        assert_eq!(parse("").unwrap(), vec![]);
    }

    #[test]
    fn a_deal_without_a_trail_entered_its_stage_when_created() {
        let values: FieldValues = [("stage".to_string(), Value::Ref("s3".into()))].into();
        let d = Record::new("d".into(), "deals", 77, None, values);
        assert_eq!(
            steps(&d),
            vec![Step {
                stage: "s3",
                at: 77
            }]
        );
    }
}
