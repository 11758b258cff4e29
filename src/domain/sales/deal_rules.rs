//! What saving a deal does beyond validation: entering a stage sets the stage's
//! probability (unless the user set the deal's own), closing stamps the close time,
//! and a lost deal needs its reason.

use crate::domain::records::field_values::FieldValues;

use chrono::{TimeZone, Utc};

use crate::domain::modules::sales_modules::STAGES;
use crate::domain::records::record::{Record, Timestamp};
use crate::domain::records::record_set::Dataset;
use crate::domain::records::stage_trail::{append, parse, TRAIL};
use crate::domain::records::validate::{FieldError, Problem};
use crate::domain::records::value::Value;
use crate::domain::sales::pipeline::{probability_on_entering, Outcome, Stage};
use crate::domain::sales::pipeline_records::outcome_of;

fn stage_of(data: &Dataset, values: &FieldValues) -> Option<Stage> {
    let Some(Value::Ref(id)) = values.get("stage") else {
        return None;
    };
    let r = data.get(STAGES, id)?;
    Some(Stage {
        id: r.id.clone(),
        name: crate::domain::records::field::Label::Text(String::new()),
        probability: match r.get("probability") {
            Some(Value::Number(n)) => n.clamp(0.0, 100.0) as u8,
            _ => 0,
        },
        outcome: outcome_of(r),
    })
}

fn probability(values: &FieldValues) -> Option<f64> {
    match values.get("probability") {
        Some(Value::Number(n)) => Some(*n),
        _ => None,
    }
}

pub fn apply(
    data: &Dataset,
    before: Option<&Record>,
    values: &mut FieldValues,
    now: Timestamp,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(p) = probability(values) {
        if !(0.0..=100.0).contains(&p) {
            errors.push(FieldError {
                field: "probability".into(),
                problem: Problem::Rule("problem.percent_range"),
            });
        }
    }
    let Some(target) = stage_of(data, values) else {
        return errors;
    };
    let old_values = before.map(|b| &b.values);
    let old_stage = old_values.and_then(|v| stage_of(data, v));
    let entering = old_stage.as_ref().map(|s| &s.id) != Some(&target.id);
    // The trail is the rules' own: what the stored deal has wins over any typed value.
    let mut trail = before
        .map(|b| b.get(TRAIL))
        .unwrap_or_else(|| values.get(TRAIL))
        .and_then(|v| match v {
            Value::Text(t) if parse(t).is_some() => Some(t.clone()),
            _ => None,
        });
    if let (None, Some(b), Some(old)) = (&trail, before, &old_stage) {
        // Saved before trails were kept: it has been in its stage since it was created.
        trail = Some(append(None, &old.id, b.created_at));
    }
    if entering {
        trail = Some(append(trail.as_deref(), &target.id, now));
    }
    match trail {
        Some(t) => values.insert(TRAIL, Value::Text(t)),
        None => values.remove(TRAIL),
    };
    if entering {
        let typed = probability(values);
        let set_by_user = match (before, old_stage.as_ref()) {
            (None, _) => typed.is_some(),
            (Some(b), old) => {
                let previous = probability(&b.values);
                // Changed in this very edit, or earlier set apart from the old stage's default.
                typed != previous
                    || match (previous, old) {
                        (Some(p), Some(o)) => p != o.probability as f64,
                        _ => false,
                    }
            }
        };
        let p = probability_on_entering(&target, typed.unwrap_or(0.0), set_by_user);
        values.insert("probability", Value::Number(p));
        let was_open = old_stage
            .as_ref()
            .is_none_or(|s| s.outcome == Outcome::Open);
        match target.outcome {
            Outcome::Open => {
                values.remove("closed_at");
            }
            _ if was_open || !values.contains_key("closed_at") => {
                if let Some(t) = Utc.timestamp_millis_opt(now).single() {
                    values.insert("closed_at", Value::DateTime(t));
                }
            }
            _ => {}
        }
    }
    if target.outcome == Outcome::Lost {
        if values.get("loss_reason").is_none_or(Value::is_empty) {
            errors.push(FieldError {
                field: "loss_reason".into(),
                problem: Problem::Rule("problem.loss_reason_required"),
            });
        }
    } else {
        values.remove("loss_reason");
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::sales_modules::DEALS;
    use crate::domain::modules::standard_modules::standard_schema;
    use crate::domain::records::record_set::LOCAL_USER;
    use crate::domain::sales::pipeline_records::default_pipeline_records;

    const PROPOSAL: &str = "stage-new_business-proposal";
    const NEGOTIATION: &str = "stage-new_business-negotiation";

    fn data() -> Dataset {
        let mut d = Dataset::new(standard_schema());
        for r in default_pipeline_records(1, &|k| k.to_string()) {
            d.upsert(r);
        }
        d
    }

    fn vals(stage: &str, probability: Option<f64>) -> FieldValues {
        let mut v: FieldValues = [
            ("title".to_string(), Value::Text("Deal".into())),
            (
                "pipeline".to_string(),
                Value::Ref("pipeline-new_business".into()),
            ),
            ("stage".to_string(), Value::Ref(stage.into())),
        ]
        .into();
        if let Some(p) = probability {
            v.insert("probability", Value::Number(p));
        }
        v
    }

    fn saved(values: FieldValues) -> Record {
        Record::new("d".into(), DEALS, 1, Some(LOCAL_USER.into()), values)
    }

    #[test]
    fn a_new_deal_takes_its_stage_probability_unless_typed() {
        let d = data();
        let mut v = vals(PROPOSAL, None);
        assert!(apply(&d, None, &mut v, 10).is_empty());
        assert_eq!(probability(&v), Some(50.0));
        let mut v = vals(PROPOSAL, Some(35.0));
        apply(&d, None, &mut v, 10);
        assert_eq!(probability(&v), Some(35.0));
    }

    #[test]
    fn moving_follows_the_stage_default_but_keeps_an_own_probability() {
        let d = data();
        let before = saved(vals(PROPOSAL, Some(50.0)));
        let mut moved = vals(NEGOTIATION, Some(50.0));
        apply(&d, Some(&before), &mut moved, 10);
        assert_eq!(probability(&moved), Some(75.0));

        let own = saved(vals(PROPOSAL, Some(35.0)));
        let mut moved = vals(NEGOTIATION, Some(35.0));
        apply(&d, Some(&own), &mut moved, 10);
        assert_eq!(probability(&moved), Some(35.0));

        // Typed in the same edit as the move: the typed value wins.
        let mut moved = vals(NEGOTIATION, Some(60.0));
        apply(&d, Some(&before), &mut moved, 10);
        assert_eq!(probability(&moved), Some(60.0));
    }

    fn trail(v: &FieldValues) -> Option<&str> {
        match v.get(TRAIL) {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        }
    }

    #[test]
    fn every_stage_entered_is_added_to_the_trail_and_typing_cannot_change_it() {
        let d = data();
        let mut v = vals(PROPOSAL, None);
        apply(&d, None, &mut v, 10);
        assert_eq!(trail(&v), Some(&*format!("{PROPOSAL}@10")));
        let mut first = saved(v);
        first.created_at = 10;

        let mut moved = first.values.clone();
        moved.insert("stage", Value::Ref(NEGOTIATION.into()));
        moved.insert(TRAIL, Value::Text("forged@1".into()));
        apply(&d, Some(&first), &mut moved, 20);
        let expected = format!("{PROPOSAL}@10 {NEGOTIATION}@20");
        assert_eq!(trail(&moved), Some(&*expected));

        // An edit that does not move the deal keeps the stored trail as it was.
        let second = Record {
            values: moved.clone(),
            ..first.clone()
        };
        let mut edited = moved.clone();
        edited.insert("title", Value::Text("Renamed".into()));
        edited.remove(TRAIL);
        apply(&d, Some(&second), &mut edited, 30);
        assert_eq!(trail(&edited), Some(&*expected));

        // A deal saved before trails were kept starts from its creation.
        let mut old = saved(vals(PROPOSAL, Some(50.0)));
        old.created_at = 5;
        let mut moved = old.values.clone();
        moved.insert("stage", Value::Ref(NEGOTIATION.into()));
        apply(&d, Some(&old), &mut moved, 40);
        assert_eq!(
            trail(&moved),
            Some(&*format!("{PROPOSAL}@5 {NEGOTIATION}@40"))
        );
    }

    #[test]
    fn closing_stamps_the_time_and_lost_needs_a_reason() {
        let d = data();
        let before = saved(vals(PROPOSAL, Some(50.0)));
        let mut won = vals("stage-new_business-won", Some(50.0));
        assert!(apply(&d, Some(&before), &mut won, 1_700_000_000_000).is_empty());
        assert_eq!(probability(&won), Some(100.0));
        assert!(matches!(won.get("closed_at"), Some(Value::DateTime(_))));

        let mut lost = vals("stage-new_business-lost", Some(50.0));
        let errs = apply(&d, Some(&before), &mut lost, 10);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field, "loss_reason");
        lost.insert("loss_reason", Value::Text("price".into()));
        assert!(apply(&d, Some(&before), &mut lost, 10).is_empty());
        assert_eq!(probability(&lost), Some(0.0));

        // Reopened: no close time, no loss reason.
        let closed = saved(lost.clone());
        let mut reopened = lost;
        reopened.insert("stage", Value::Ref(PROPOSAL.into()));
        apply(&d, Some(&closed), &mut reopened, 20);
        assert!(!reopened.contains_key("closed_at"));
        assert!(!reopened.contains_key("loss_reason"));
        assert_eq!(probability(&reopened), Some(50.0));
    }

    #[test]
    fn probability_outside_0_to_100_is_refused() {
        let d = data();
        let mut v = vals(PROPOSAL, Some(140.0));
        let errs = apply(&d, None, &mut v, 1);
        assert!(errs.iter().any(|e| e.field == "probability"));
    }
}
