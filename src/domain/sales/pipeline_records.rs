//! Pipelines and stages as stored records, read into the `Pipeline` model that holds
//! the editing rules, and written back as one set of record changes.

use crate::domain::records::field_values::FieldValues;

use crate::domain::modules::sales_modules::{DEALS, PIPELINES, STAGES};
use crate::domain::records::field::Label;
use crate::domain::records::record::{Record, Timestamp};
use crate::domain::records::record_set::{Dataset, LOCAL_USER};
use crate::domain::records::value::Value;
use crate::domain::sales::pipeline::{Outcome, Pipeline, Stage};
use crate::domain::writes::{WriteContext, WritePlan};

fn text(r: &Record, f: &str) -> String {
    match r.get(f) {
        Some(Value::Text(s)) => s.clone(),
        _ => String::new(),
    }
}

fn number(r: &Record, f: &str) -> f64 {
    match r.get(f) {
        Some(Value::Number(n)) => *n,
        _ => 0.0,
    }
}

pub fn outcome_of(stage: &Record) -> Outcome {
    match text(stage, "outcome").as_str() {
        "won" => Outcome::Won,
        "lost" => Outcome::Lost,
        _ => Outcome::Open,
    }
}

fn outcome_value(o: Outcome) -> &'static str {
    match o {
        Outcome::Open => "open",
        Outcome::Won => "won",
        Outcome::Lost => "lost",
    }
}

/// Every pipeline as (id, name), by name.
pub fn pipeline_list(data: &Dataset) -> Vec<(String, String)> {
    data.by_title(PIPELINES)
}

/// A stored pipeline with its stages in board order: open stages by position, then
/// won, then lost.
pub fn load_pipeline(data: &Dataset, pipeline_id: &str) -> Option<Pipeline> {
    let record = data.get(PIPELINES, pipeline_id)?;
    let mut stages: Vec<(u8, f64, Stage)> = data
        .set(STAGES)
        .map(|s| {
            s.records()
                .filter(|r| matches!(r.get("pipeline"), Some(Value::Ref(p)) if p == pipeline_id))
                .map(|r| {
                    let outcome = outcome_of(r);
                    let rank = match outcome {
                        Outcome::Open => 0,
                        Outcome::Won => 1,
                        Outcome::Lost => 2,
                    };
                    (
                        rank,
                        number(r, "position"),
                        Stage {
                            id: r.id.clone(),
                            name: Label::Text(text(r, "name")),
                            probability: number(r, "probability").clamp(0.0, 100.0) as u8,
                            outcome,
                        },
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    stages.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.total_cmp(&b.1))
            .then(a.2.id.cmp(&b.2.id))
    });
    Some(Pipeline {
        id: pipeline_id.to_string(),
        name: Label::Text(text(record, "name")),
        stages: stages.into_iter().map(|(_, _, s)| s).collect(),
    })
}

/// Ids of the deals in a stage.
pub fn deals_in_stage(data: &Dataset, stage_id: &str) -> Vec<String> {
    data.set(DEALS)
        .map(|s| s.linking("stage", stage_id).map(|r| r.id.clone()).collect())
        .unwrap_or_default()
}

/// What saving an edited pipeline writes, all in one transaction.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PipelineWrite {
    pub inserts: Vec<Record>,
    /// (before, after) pairs.
    pub updates: Vec<(Record, Record)>,
    pub deletes: Vec<Record>,
}

impl PipelineWrite {
    pub fn is_empty(&self) -> bool {
        self.inserts.is_empty() && self.updates.is_empty() && self.deletes.is_empty()
    }

    /// The one write of a pipeline edit, each change with its history entry.
    pub fn into_plan(self, ctx: &mut WriteContext) -> WritePlan {
        let mut plan = WritePlan::default();
        for r in self.inserts {
            plan.insert(r, ctx.user, ctx.new_id);
        }
        for (before, after) in self.updates {
            plan.update(before, after, ctx.user, ctx.new_id);
        }
        for r in self.deletes {
            plan.delete(r);
        }
        plan
    }
}

/// The write of a pipeline edit: stages added, changed and removed, the deals of
/// removed stages moved (see `plan_pipeline_save`). Refused with the id of a removed
/// stage whose deals have nowhere to go.
pub fn plan_pipeline_edit(
    data: &Dataset,
    edited: &Pipeline,
    moves: &[(String, String)],
    ctx: &mut WriteContext,
) -> Result<WritePlan, String> {
    Ok(plan_pipeline_save(data, edited, moves, ctx.now)?.into_plan(ctx))
}

/// The default pipelines of a database that has none, as one write (`None` when it
/// has some). Two fresh tabs may both make it, so it is a seed: ids already stored
/// are left as they are.
pub fn plan_default_pipelines_if_none(
    data: &Dataset,
    name: &dyn Fn(&str) -> String,
    ctx: &mut WriteContext,
) -> Option<WritePlan> {
    let has_any = data.set(PIPELINES).is_some_and(|s| !s.is_empty());
    (!has_any).then(|| plan_default_pipelines(name, ctx))
}

/// The default pipelines as one seed write (see `plan_default_pipelines_if_none`).
pub fn plan_default_pipelines(name: &dyn Fn(&str) -> String, ctx: &mut WriteContext) -> WritePlan {
    let mut plan = WritePlan {
        seed: true,
        ..Default::default()
    };
    for r in default_pipeline_records(ctx.now, name) {
        plan.insert(r, ctx.user, ctx.new_id);
    }
    plan
}

fn stage_values(pipeline_id: &str, s: &Stage, position: usize) -> FieldValues {
    let name = match &s.name {
        Label::Text(t) | Label::Key(t) => t.clone(),
    };
    [
        ("name", Value::Text(name)),
        ("pipeline", Value::Ref(pipeline_id.to_string())),
        ("position", Value::Number(position as f64)),
        ("probability", Value::Number(s.probability as f64)),
        ("outcome", Value::Text(outcome_value(s.outcome).to_string())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The record changes that turn the stored pipeline into `edited`. `moves` sends the
/// deals of removed stages elsewhere (from → to); a removed stage whose deals have no
/// destination is refused by `Pipeline::remove_stage` before this is called, and is
/// refused here too so no deal is ever left without a stage.
pub fn plan_pipeline_save(
    data: &Dataset,
    edited: &Pipeline,
    moves: &[(String, String)],
    now: Timestamp,
) -> Result<PipelineWrite, String> {
    let mut out = PipelineWrite::default();
    let name = match &edited.name {
        Label::Text(t) | Label::Key(t) => t.trim().to_string(),
    };
    let pipeline_values: FieldValues = [("name".to_string(), Value::Text(name))].into();
    match data.get(PIPELINES, &edited.id) {
        Some(before) => {
            if let Some(after) = before.revised(pipeline_values, before.owner.clone(), now) {
                out.updates.push((before.clone(), after));
            }
        }
        None => out.inserts.push(Record::new(
            edited.id.clone(),
            PIPELINES,
            now,
            Some(LOCAL_USER.into()),
            pipeline_values,
        )),
    }
    for (position, stage) in edited.stages.iter().enumerate() {
        let values = stage_values(&edited.id, stage, position);
        match data.get(STAGES, &stage.id) {
            Some(before) => {
                if let Some(after) = before.revised(values, before.owner.clone(), now) {
                    out.updates.push((before.clone(), after));
                }
            }
            None => out.inserts.push(Record::new(
                stage.id.clone(),
                STAGES,
                now,
                Some(LOCAL_USER.into()),
                values,
            )),
        }
    }
    let removed: Vec<&Record> = data
        .set(STAGES)
        .map(|s| {
            s.records()
                .filter(|r| matches!(r.get("pipeline"), Some(Value::Ref(p)) if p == &edited.id))
                .filter(|r| !edited.stages.iter().any(|st| st.id == r.id))
                .collect()
        })
        .unwrap_or_default();
    for stage in removed {
        let deals = deals_in_stage(data, &stage.id);
        if !deals.is_empty() {
            let Some((_, to)) = moves.iter().find(|(from, _)| from == &stage.id) else {
                return Err(stage.id.clone());
            };
            let target = edited.stage(to).ok_or_else(|| stage.id.clone())?;
            for id in deals {
                let before = data.get(DEALS, &id).expect("listed above");
                let mut values = before.values.clone();
                values.insert("stage", Value::Ref(to.clone()));
                let probability = crate::domain::sales::pipeline::probability_on_entering(
                    target,
                    number(before, "probability"),
                    false,
                );
                values.insert("probability", Value::Number(probability));
                if let Some(after) = before.revised(values, before.owner.clone(), now) {
                    out.updates.push((before.clone(), after));
                }
            }
        }
        out.deletes.push(stage.clone());
    }
    Ok(out)
}

/// The pipelines a new database starts with, as records, with stage names in the
/// user's language (`name` translates a key). Ids are fixed so sample deals can
/// point at them.
pub fn default_pipeline_records(now: Timestamp, name: &dyn Fn(&str) -> String) -> Vec<Record> {
    let mut out = Vec::new();
    for mut p in [Pipeline::new_business(), Pipeline::renewals()] {
        let pipeline_id = format!("pipeline-{}", p.id);
        for s in &mut p.stages {
            s.id = format!("stage-{}-{}", p.id, s.id);
            if let Label::Key(k) = &s.name {
                s.name = Label::Text(name(k));
            }
        }
        let pipeline_name = match &p.name {
            Label::Key(k) => name(k),
            Label::Text(t) => t.clone(),
        };
        out.push(Record::new(
            pipeline_id.clone(),
            PIPELINES,
            now,
            Some(LOCAL_USER.into()),
            [("name".to_string(), Value::Text(pipeline_name))].into(),
        ));
        for (i, s) in p.stages.iter().enumerate() {
            out.push(Record::new(
                s.id.clone(),
                STAGES,
                now,
                Some(LOCAL_USER.into()),
                stage_values(&pipeline_id, s, i),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::standard_schema;
    use crate::domain::records::validate::validate_values;

    fn dataset() -> Dataset {
        let mut d = Dataset::new(standard_schema());
        for r in default_pipeline_records(1, &|k| k.rsplit('.').next().unwrap().to_string()) {
            d.upsert(r);
        }
        d
    }

    fn deal(id: &str, stage: &str, probability: f64) -> Record {
        let values = [
            ("title", Value::Text(id.into())),
            ("pipeline", Value::Ref("pipeline-new_business".into())),
            ("stage", Value::Ref(stage.into())),
            ("probability", Value::Number(probability)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        Record::new(id.into(), DEALS, 1, Some(LOCAL_USER.into()), values)
    }

    #[test]
    fn default_records_are_valid_and_load_in_board_order() {
        let d = dataset();
        for r in d.all_records() {
            let m = d.schema.module(&r.module).unwrap();
            assert!(validate_values(m, &r.values, &r.id, &d).is_empty(), "{r:?}");
        }
        let p = load_pipeline(&d, "pipeline-new_business").unwrap();
        let names: Vec<_> = p
            .stages
            .iter()
            .map(|s| match &s.name {
                Label::Text(t) => t.as_str(),
                _ => "",
            })
            .collect();
        assert_eq!(
            names,
            vec![
                "qualification",
                "needs_analysis",
                "proposal",
                "negotiation",
                "won",
                "lost"
            ]
        );
        assert_eq!(pipeline_list(&d).len(), 2);
    }

    #[test]
    fn reordering_and_adding_write_positions_and_new_stages() {
        let d = dataset();
        let mut p = load_pipeline(&d, "pipeline-new_business").unwrap();
        p.move_stage("stage-new_business-negotiation", 0).unwrap();
        p.add_stage("demo", "Demo", 40, 2).unwrap();
        let w = plan_pipeline_save(&d, &p, &[], 5).unwrap();
        assert_eq!(w.inserts.len(), 1);
        assert_eq!(w.inserts[0].get("position"), Some(&Value::Number(2.0)));
        assert!(w.deletes.is_empty());
        let mut after = d.clone();
        for r in w.inserts {
            after.upsert(r);
        }
        for (_, r) in w.updates {
            after.upsert(r);
        }
        let reloaded = load_pipeline(&after, "pipeline-new_business").unwrap();
        assert_eq!(reloaded.stages[0].id, "stage-new_business-negotiation");
        assert_eq!(reloaded.stages[2].id, "demo");
        assert_eq!(reloaded.stages.len(), 7);
    }

    #[test]
    fn removing_a_stage_moves_its_deals_with_the_new_stage_probability() {
        let mut d = dataset();
        d.upsert(deal("d1", "stage-new_business-proposal", 50.0));
        let mut p = load_pipeline(&d, "pipeline-new_business").unwrap();
        let held = deals_in_stage(&d, "stage-new_business-proposal").len();
        assert_eq!(
            p.remove_stage("stage-new_business-proposal", held, None),
            Err(crate::domain::sales::pipeline::PipelineError::StageHasDeals(1))
        );
        p.remove_stage(
            "stage-new_business-proposal",
            held,
            Some("stage-new_business-negotiation"),
        )
        .unwrap();
        // Without the move the plan is refused: no deal may lose its stage.
        assert!(plan_pipeline_save(&d, &p, &[], 5).is_err());
        let w = plan_pipeline_save(
            &d,
            &p,
            &[(
                "stage-new_business-proposal".into(),
                "stage-new_business-negotiation".into(),
            )],
            5,
        )
        .unwrap();
        assert_eq!(w.deletes.len(), 1);
        let moved = w.updates.iter().find(|(b, _)| b.id == "d1").unwrap();
        assert_eq!(
            moved.1.get("stage"),
            Some(&Value::Ref("stage-new_business-negotiation".into()))
        );
        assert_eq!(moved.1.get("probability"), Some(&Value::Number(75.0)));
    }

    #[test]
    fn a_stage_of_another_pipeline_is_refused() {
        let d = dataset();
        let m = d.schema.module(DEALS).unwrap();
        let bad = deal("d2", "stage-renewals-renewal_due", 10.0);
        let errs = validate_values(m, &bad.values, "d2", &d);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field, "stage");
    }
}
