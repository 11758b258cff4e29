//! Workflow rules run on a plan before it is committed, so their immediate actions
//! are written in the same transaction as the change that triggered them, or not at
//! all. Each firing is all or nothing: an action that cannot be done leaves the
//! user's own change as it was, writes none of that rule's actions and logs why.
//!
//! Safety: a rule fires at most once per record in one plan (an action updating the
//! record it reacted to does not fire it again); the writes a firing makes can fire
//! other rules, to `MAX_DEPTH` rounds, after which a would-be firing is logged as
//! stopped instead of run.

use std::collections::HashSet;

use crate::domain::automation::workflow::{
    active_rules, find_field, holds, Action, ActionKind, Trigger, WorkflowRule,
};
use crate::domain::modules::activity_module::ACTIVITIES;
use crate::domain::modules::automation_modules::{
    is_automation, run_of_values, ALERTS, RULE_RUNS, RULE_WAITS,
};
use crate::domain::records::condition::Condition;
use crate::domain::records::field::FieldKind;
use crate::domain::records::field_values::FieldValues;
use crate::domain::records::input::{parse_input, FieldInput, ParseContext};
use crate::domain::records::normalize::fold;
use crate::domain::records::pending_lookups::WithPending;
use crate::domain::records::record::Record;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::value::Value;
use crate::domain::rules::save_plan::{change_entry, plan_save_seeing};
use crate::domain::writes::{WriteContext, WritePlan};

/// Rounds of rules firing on the writes of rules before the chain is stopped.
pub const MAX_DEPTH: usize = 3;

const DAY_MS: f64 = 86_400_000.0;

/// One change a rule can react to.
#[derive(Clone, Debug)]
struct Event {
    before: Option<Record>,
    after: Option<Record>,
}

impl Event {
    fn record(&self) -> &Record {
        self.after
            .as_ref()
            .or(self.before.as_ref())
            .expect("an event has a record")
    }
}

fn events_of(plan: &WritePlan) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    out.extend(plan.inserts.iter().map(|r| Event {
        before: None,
        after: Some(r.clone()),
    }));
    out.extend(plan.updates.iter().map(|(b, a)| Event {
        before: Some(b.clone()),
        after: Some(a.clone()),
    }));
    out.extend(plan.deletes.iter().map(|r| Event {
        before: Some(r.clone()),
        after: None,
    }));
    out.retain(|e| !is_automation(&e.record().module));
    out
}

/// Why a firing did not happen, as the run log words it.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The rule names a field its module does not have (the typed name).
    NoSuchField(String),
    /// A field that only the app keeps (computed, a stage trail, system).
    NotSettable(String),
    /// The value typed cannot go into the field (the value).
    BadValue(String),
    /// The record is being deleted; it cannot be changed.
    RecordGone,
    /// A task needs a subject.
    NoSubject,
    /// No switched-on email template of the record's module has this name.
    NoTemplate(String),
    /// The task was refused by its module's rules (the first problem's key).
    TaskRefused(String),
}

impl Failure {
    /// The run log's words for the failure, in English (the log is a record whose
    /// text is kept as written; the UI shows the outcome translated beside it).
    pub fn detail(&self) -> String {
        match self {
            Failure::NoSuchField(f) => format!("no field \"{f}\" in this module"),
            Failure::NotSettable(f) => format!("\"{f}\" is kept by the app and cannot be set"),
            Failure::BadValue(v) => format!("\"{v}\" does not fit the field"),
            Failure::RecordGone => "the record was deleted".into(),
            Failure::NoSubject => "the task has no subject".into(),
            Failure::NoTemplate(n) => format!("no email template named \"{n}\" for this module"),
            Failure::TaskRefused(k) => format!("the task was refused: {k}"),
        }
    }
}

/// Whether `rule` reacts to `event`: its module, its trigger (with the value before
/// the change) and its condition. A rule naming a field its module lacks never
/// matches here; it is found when the rule is saved.
fn matches(data: &Dataset, rule: &WorkflowRule, event: &Event) -> bool {
    let r = event.record();
    if r.module != rule.module {
        return false;
    }
    let Some(def) = data.schema.module(&rule.module) else {
        return false;
    };
    let triggered = match (&rule.trigger, &event.before, &event.after) {
        (Trigger::Created, None, Some(_)) => true,
        (Trigger::Updated(None), Some(_), Some(_)) => true,
        (Trigger::Updated(Some(f)), Some(b), Some(a)) => {
            find_field(def, f).is_some_and(|f| b.get(&f.key) != a.get(&f.key))
        }
        (Trigger::Becomes { field, value }, before, Some(a)) => {
            let Some(f) = find_field(def, field) else {
                return false;
            };
            let cond = Condition {
                field: f.key.clone(),
                operator: "is".into(),
                value: value.clone(),
            };
            holds(data, f, &cond, a.get(&f.key))
                && !before
                    .as_ref()
                    .is_some_and(|b| holds(data, f, &cond, b.get(&f.key)))
        }
        (Trigger::Deleted, Some(_), None) => true,
        _ => false,
    };
    if !triggered {
        return false;
    }
    match &rule.condition {
        None => true,
        Some(c) => find_field(def, &c.field).is_some_and(|f| holds(data, f, c, r.get(&f.key))),
    }
}

/// The value typed into a "set field" action, as the field stores it: a linked
/// record by its title, a member by name.
fn value_for(data: &Dataset, kind: &FieldKind, typed: &str) -> Result<Option<Value>, Failure> {
    let bad = || Failure::BadValue(typed.to_string());
    if typed.trim().is_empty() {
        return Ok(None);
    }
    match kind {
        FieldKind::Lookup { module, .. } => {
            let set = data.set(module).ok_or_else(bad)?;
            let want = fold(typed.trim());
            set.records()
                .find(|r| r.id == typed.trim() || fold(&set.module.title_of(r)) == want)
                .map(|r| Some(Value::Ref(r.id.clone())))
                .ok_or_else(bad)
        }
        FieldKind::User => {
            let want = fold(typed.trim());
            data.user_ids()
                .into_iter()
                .find(|id| {
                    id == typed.trim() || data.member_name(id).is_some_and(|n| fold(&n) == want)
                })
                .map(|id| Some(Value::Ref(id)))
                .ok_or_else(bad)
        }
        FieldKind::Picklist { options } => {
            let want = fold(typed.trim());
            options
                .iter()
                .find(|o| {
                    fold(&o.value) == want
                        || crate::i18n::Locale::ALL
                            .iter()
                            .any(|l| fold(&crate::i18n::label(*l, &o.label)) == want)
                })
                .map(|o| Some(Value::Text(o.value.clone())))
                .ok_or_else(bad)
        }
        _ => parse_input(
            kind,
            &FieldInput::Text(typed.to_string()),
            &ParseContext::default(),
        )
        .map_err(|_| bad()),
    }
}

/// What one firing writes, worked out on its own before it joins the plan.
struct Firing {
    write: WritePlan,
    /// Fields set on the record the rule reacted to.
    sets: Vec<(String, Option<Value>)>,
    done: Vec<String>,
    /// A wait reached: the step to go on from, and when.
    wait: Option<(usize, i64)>,
}

fn fire(
    data: &Dataset,
    pending: &[Record],
    rule: &WorkflowRule,
    event: &Event,
    ctx: &mut WriteContext,
) -> Result<Firing, Failure> {
    fire_from(data, pending, rule, event, 0, ctx)
}

/// `fire` from the action `start` on (after a wait).
fn fire_from(
    data: &Dataset,
    pending: &[Record],
    rule: &WorkflowRule,
    event: &Event,
    start: usize,
    ctx: &mut WriteContext,
) -> Result<Firing, Failure> {
    let r = event.record();
    let def = data.schema.module(&r.module).ok_or(Failure::RecordGone)?;
    let owner = r.owner.clone().unwrap_or_else(|| ctx.user.to_string());
    let title = def.title_of(r);
    let mut out = Firing {
        write: WritePlan::default(),
        sets: Vec::new(),
        done: Vec::new(),
        wait: None,
    };
    for (i, action) in rule.actions.iter().enumerate().skip(start) {
        match action.kind {
            ActionKind::Wait => {
                let days = action.due_in_days.unwrap_or(0.0).max(0.0);
                out.wait = Some((i + 1, ctx.now + (days * DAY_MS).round() as i64));
                out.done.push(format!("wait {days} days"));
                break;
            }
            ActionKind::CreateTask => {
                create_task(data, pending, action, event, &owner, ctx, &mut out)?
            }
            ActionKind::SetField => {
                if event.after.is_none() {
                    return Err(Failure::RecordGone);
                }
                let f = find_field(def, &action.field)
                    .ok_or_else(|| Failure::NoSuchField(action.field.clone()))?;
                if f.system || f.kind.is_computed() || matches!(f.kind, FieldKind::Trail { .. }) {
                    return Err(Failure::NotSettable(action.field.clone()));
                }
                let v = value_for(data, &f.kind, &action.value)?;
                if f.required && v.is_none() {
                    return Err(Failure::BadValue(action.value.clone()));
                }
                out.sets.push((f.key.clone(), v));
                out.done.push(format!("set {} = {}", f.key, action.value));
            }
            ActionKind::ComposeEmail => {
                compose_email(data, pending, action, event, &owner, ctx, &mut out)?
            }
            ActionKind::AlertOwner => {
                let message = if action.text.is_empty() {
                    rule.name.clone()
                } else {
                    action.text.clone()
                };
                let values: FieldValues = [
                    ("message".to_string(), Value::Text(message)),
                    ("member".to_string(), Value::Ref(owner.clone())),
                    ("about".to_string(), Value::Text(title.clone())),
                    ("about_module".to_string(), Value::Text(r.module.clone())),
                    ("about_id".to_string(), Value::Text(r.id.clone())),
                    ("read".to_string(), Value::Bool(false)),
                ]
                .into();
                let alert =
                    Record::new((ctx.new_id)(), ALERTS, ctx.now, Some(owner.clone()), values);
                out.write.insert(alert, ctx.user, ctx.new_id);
                out.done.push("alert".into());
            }
        }
    }
    Ok(out)
}

fn create_task(
    data: &Dataset,
    pending: &[Record],
    action: &Action,
    event: &Event,
    owner: &str,
    ctx: &mut WriteContext,
    out: &mut Firing,
) -> Result<(), Failure> {
    let subject = action.text.trim();
    if subject.is_empty() {
        return Err(Failure::NoSubject);
    }
    let r = event.record();
    let agenda = data.schema.module(ACTIVITIES).ok_or(Failure::RecordGone)?;
    let mut values: FieldValues = [
        ("subject".to_string(), Value::Text(subject.to_string())),
        ("kind".to_string(), Value::Text("task".into())),
        ("assignee".to_string(), Value::Ref(owner.to_string())),
    ]
    .into();
    if let Some(days) = action.due_in_days {
        let at = ctx.now + (days * DAY_MS).round() as i64;
        if let Some(t) = chrono::DateTime::from_timestamp_millis(at) {
            values.insert("due", Value::DateTime(t));
        }
    }
    // Linked to the record through the task's lookup to its module, if it has one.
    if event.after.is_some() {
        if let Some(link) = agenda
            .fields
            .iter()
            .find(|f| matches!(&f.kind, FieldKind::Lookup { module, .. } if *module == r.module))
        {
            values.insert(&link.key, Value::Ref(r.id.clone()));
        }
    }
    let seen: Vec<Record> = pending
        .iter()
        .cloned()
        .chain(out.write.written().cloned())
        .collect();
    let lookups = WithPending {
        data,
        pending: &seen,
    };
    let saved = plan_save_seeing(
        data,
        &lookups,
        ACTIVITIES,
        None,
        values,
        Some(owner.to_string()),
        ctx,
    )
    .map_err(|errors| {
        Failure::TaskRefused(
            errors
                .first()
                .map(|e| format!("{} {}", e.field, e.problem.key()))
                .unwrap_or_default(),
        )
    })?;
    out.write.extend(saved.write);
    out.done.push(format!("task {subject}"));
    Ok(())
}

/// An email to send, written from the template the action names: a to-do email
/// activity for the owner with the filled subject and body (the app sends nothing;
/// the owner sends it from their mail app with Compose).
fn compose_email(
    data: &Dataset,
    pending: &[Record],
    action: &Action,
    event: &Event,
    owner: &str,
    ctx: &mut WriteContext,
    out: &mut Firing,
) -> Result<(), Failure> {
    let r = event.record();
    let want = fold(action.text.trim());
    let template = crate::domain::modules::template_module::templates_for(data, &r.module, "")
        .into_iter()
        .find(|t| fold(&t.name) == want)
        .ok_or_else(|| Failure::NoTemplate(action.text.clone()))?;
    let show = |_: &crate::domain::records::field::FieldDef, v: &Value| v.to_plain();
    let render = |t: &str| crate::domain::modules::template_module::render(data, r, t, &show);
    let task = Action {
        kind: ActionKind::CreateTask,
        text: render(&template.subject),
        due_in_days: action.due_in_days,
        field: String::new(),
        value: String::new(),
    };
    let before = out.write.inserts.len();
    create_task(data, pending, &task, event, owner, ctx, out)?;
    // The task is an email, with the body to send.
    if let Some(made) = out.write.inserts.get_mut(before) {
        made.values.insert("kind", Value::Text("email".into()));
        made.values
            .insert("description", Value::Text(render(&template.body)));
    }
    if let Some(done) = out.done.last_mut() {
        *done = format!("email {}", task.text);
    }
    Ok(())
}

/// Sets `sets` on the planned record `id` (an insert or an update's after), with its
/// history entry made again; returns the change other rules may react to (a new
/// record is still a new record, with the values set).
fn apply_sets(
    plan: &mut WritePlan,
    id: &str,
    sets: &[(String, Option<Value>)],
    user: &str,
) -> Option<Event> {
    let set_all = |r: &mut Record| {
        for (k, v) in sets {
            match v {
                Some(v) => {
                    r.values.insert(k, v.clone());
                }
                None => {
                    r.values.remove(k);
                }
            }
        }
    };
    if let Some(r) = plan.inserts.iter_mut().find(|r| r.id == id) {
        set_all(r);
        return Some(Event {
            before: None,
            after: Some(r.clone()),
        });
    }
    let (b, a) = plan.updates.iter_mut().find(|(_, a)| a.id == id)?;
    let was = a.clone();
    set_all(a);
    let (b, a) = (b.clone(), a.clone());
    if let Some(entry) = plan
        .changes
        .iter_mut()
        .find(|c| c.record_id == id && c.revision == a.revision)
    {
        *entry = change_entry(entry.id.clone(), &a, Some(&b), user);
    }
    Some(Event {
        before: Some(was),
        after: Some(a),
    })
}

/// A run stopped at a wait, kept as a record until it goes on.
fn log_wait(
    plan: &mut WritePlan,
    rule: &WorkflowRule,
    r: &Record,
    title: &str,
    (next, at): (usize, i64),
    ctx: &mut WriteContext,
) {
    let mut values = run_of_values(&rule.id, r, title);
    values.insert("next_step", Value::Number(next as f64));
    if let Some(t) = chrono::DateTime::from_timestamp_millis(at) {
        values.insert("resume_at", Value::DateTime(t));
    }
    let wait = Record::new(
        (ctx.new_id)(),
        RULE_WAITS,
        ctx.now,
        Some(ctx.user.to_string()),
        values,
    );
    plan.insert(wait, ctx.user, ctx.new_id);
}

#[allow(clippy::too_many_arguments)]
fn log_run(
    plan: &mut WritePlan,
    rule: &WorkflowRule,
    r: &Record,
    title: &str,
    outcome: &str,
    detail: String,
    moment: Option<i64>,
    ctx: &mut WriteContext,
) {
    let mut values = run_of_values(&rule.id, r, title);
    values.insert("run_outcome", Value::Text(outcome.into()));
    values.insert("detail", Value::Text(detail));
    if let Some(t) = moment.and_then(chrono::DateTime::from_timestamp_millis) {
        values.insert("moment", Value::DateTime(t));
    }
    let run = Record::new(
        (ctx.new_id)(),
        RULE_RUNS,
        ctx.now,
        Some(ctx.user.to_string()),
        values,
    );
    plan.insert(run, ctx.user, ctx.new_id);
}

/// Runs `rule` on the stored record `id` as this plan leaves it (not on a change:
/// a date reached, a run by hand), into `plan`: its actions, the record's update
/// when it sets fields, and the run log (with the moment it was for).
/// Where a run on a stored record starts: the moment it is for (a date reached)
/// and the action to start from (after a wait).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Start {
    pub(super) moment: Option<i64>,
    pub(super) step: usize,
}

pub(super) fn run_on_stored(
    data: &Dataset,
    plan: &mut WritePlan,
    rule: &WorkflowRule,
    id: &str,
    from: Start,
    ctx: &mut WriteContext,
    ran: &mut Ran,
) {
    let moment = from.moment;
    let Some(stored) = data.get(&rule.module, id) else {
        return;
    };
    // An earlier run in this plan may have changed it.
    let r: Record = plan
        .updates
        .iter()
        .find(|(_, a)| a.id == stored.id)
        .map(|(_, a)| a.clone())
        .unwrap_or_else(|| stored.clone());
    let title = data
        .schema
        .module(&r.module)
        .map(|m| m.title_of(&r))
        .unwrap_or_default();
    let event = Event {
        before: Some(r.clone()),
        after: Some(r.clone()),
    };
    let pending: Vec<Record> = plan.written().cloned().collect();
    match fire_from(data, &pending, rule, &event, from.step, ctx) {
        Ok(f) => {
            ran.done += 1;
            plan.extend(f.write);
            if let Some(w) = f.wait {
                log_wait(plan, rule, &r, &title, w, ctx);
            }
            if !f.sets.is_empty() {
                if !plan.updates.iter().any(|(_, a)| a.id == r.id) {
                    let mut next = r.clone();
                    next.revision += 1;
                    next.updated_at = ctx.now.max(r.updated_at);
                    plan.update(r.clone(), next, ctx.user, ctx.new_id);
                }
                apply_sets(plan, &r.id, &f.sets, ctx.user);
            }
            let detail = f.done.join("; ");
            log_run(plan, rule, &r, &title, "done", detail, moment, ctx);
        }
        Err(why) => {
            ran.failed += 1;
            log_run(plan, rule, &r, &title, "failed", why.detail(), moment, ctx);
        }
    }
}

/// What the rules did to a plan.
#[derive(Debug, Default, PartialEq)]
pub struct Ran {
    pub done: usize,
    pub failed: usize,
    pub stopped: usize,
}

/// Runs the switched-on rules over `plan`'s changes, adding their writes and their
/// run log to it. A restore and seed data run no rule.
pub fn complete(data: &Dataset, plan: &mut WritePlan, ctx: &mut WriteContext) -> Ran {
    let mut ran = Ran::default();
    if plan.replaces_all || plan.seed {
        return ran;
    }
    let rules = active_rules(data);
    if rules.is_empty() {
        return ran;
    }
    let mut fired: HashSet<(String, String)> = HashSet::new();
    let mut events = events_of(plan);
    for depth in 0..=MAX_DEPTH {
        let mut next: Vec<Event> = Vec::new();
        for event in &events {
            for rule in &rules {
                let r = event.record().clone();
                if fired.contains(&(rule.id.clone(), r.id.clone())) || !matches(data, rule, event) {
                    continue;
                }
                fired.insert((rule.id.clone(), r.id.clone()));
                let title = data
                    .schema
                    .module(&r.module)
                    .map(|m| m.title_of(&r))
                    .unwrap_or_default();
                if depth == MAX_DEPTH {
                    ran.stopped += 1;
                    let detail = format!("stopped: rules already ran {MAX_DEPTH} rounds deep");
                    log_run(plan, rule, &r, &title, "stopped", detail, None, ctx);
                    continue;
                }
                let pending: Vec<Record> = plan.written().cloned().collect();
                match fire(data, &pending, rule, event, ctx) {
                    Ok(f) => {
                        ran.done += 1;
                        next.extend(events_of(&f.write));
                        plan.extend(f.write);
                        if !f.sets.is_empty() {
                            next.extend(apply_sets(plan, &r.id, &f.sets, ctx.user));
                        }
                        if let Some(w) = f.wait {
                            log_wait(plan, rule, &r, &title, w, ctx);
                        }
                        log_run(plan, rule, &r, &title, "done", f.done.join("; "), None, ctx);
                    }
                    Err(why) => {
                        ran.failed += 1;
                        log_run(plan, rule, &r, &title, "failed", why.detail(), None, ctx);
                    }
                }
            }
        }
        if next.is_empty() {
            break;
        }
        events = next;
    }
    ran
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::automation_modules::{WORKFLOW_ACTIONS, WORKFLOW_RULES};
    use crate::domain::modules::sales_modules::DEALS;
    use crate::domain::modules::standard_modules::{standard_schema, MEMBERS};
    use crate::domain::records::record_set::LOCAL_USER;
    use crate::domain::records::time_zone::Zone;
    use crate::domain::rules::save_plan::plan_save;
    use crate::domain::sales::pipeline_records::default_pipeline_records;

    const PROPOSAL: &str = "stage-new_business-proposal";
    const QUALIFIED: &str = "stage-new_business-qualification";
    const NOW: i64 = 1_800_000_000_000;

    fn text(s: &str) -> Value {
        Value::Text(s.into())
    }

    fn rec(id: &str, module: &str, pairs: &[(&str, Value)]) -> Record {
        let v: FieldValues = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        Record::new(id.into(), module, 1, Some(LOCAL_USER.into()), v)
    }

    fn data() -> Dataset {
        let mut d = Dataset::new(standard_schema());
        for r in default_pipeline_records(1, &|k| crate::i18n::t(crate::i18n::Locale::En, k)) {
            d.upsert(r);
        }
        d.upsert(rec("maria", MEMBERS, &[("name", text("Maria Lopez"))]));
        let mut deal = rec(
            "d1",
            DEALS,
            &[
                ("title", text("Nordic renewal")),
                ("pipeline", Value::Ref("pipeline-new_business".into())),
                ("stage", Value::Ref(QUALIFIED.into())),
            ],
        );
        deal.owner = Some("maria".into());
        d.upsert(deal);
        d
    }

    fn rule(d: &mut Dataset, id: &str, pairs: &[(&str, Value)], actions: &[&[(&str, Value)]]) {
        let mut all = vec![("name", text(id)), ("applies_to", text(DEALS))];
        all.extend(pairs.iter().cloned());
        d.upsert(rec(id, WORKFLOW_RULES, &all));
        for (n, a) in actions.iter().enumerate() {
            let mut v = vec![
                ("rule", Value::Ref(id.into())),
                ("step", Value::Number(n as f64)),
            ];
            v.extend(a.iter().cloned());
            d.upsert(rec(&format!("{id}-a{n}"), WORKFLOW_ACTIONS, &v));
        }
    }

    fn ctx_run<T>(f: impl FnOnce(&mut WriteContext) -> T) -> T {
        let mut n = 0;
        let mut ids = move || {
            n += 1;
            format!("id-{n}")
        };
        let mut ctx = WriteContext {
            now: NOW,
            zone: Zone::fixed(0),
            user: LOCAL_USER,
            new_id: &mut ids,
        };
        f(&mut ctx)
    }

    /// Moves the stored deal to `stage` through the form's planner, then the rules.
    fn move_deal(d: &Dataset, stage: &str) -> (WritePlan, Ran) {
        ctx_run(|c| {
            let before = d.get(DEALS, "d1").unwrap().clone();
            let mut v = before.values.clone();
            v.insert("stage", Value::Ref(stage.into()));
            let mut plan = plan_save(d, DEALS, Some(&before), v, None, c)
                .unwrap()
                .write;
            let ran = complete(d, &mut plan, c);
            (plan, ran)
        })
    }

    fn of<'a>(plan: &'a WritePlan, module: &str) -> Vec<&'a Record> {
        plan.inserts.iter().filter(|r| r.module == module).collect()
    }

    fn proposal_rule(d: &mut Dataset) {
        rule(
            d,
            "r-proposal",
            &[
                ("trigger", text("field_becomes")),
                ("trigger_field", text("Stage")),
                ("trigger_value", text("Proposal")),
            ],
            &[
                &[
                    ("action", text("create_task")),
                    ("action_text", text("Send proposal")),
                    ("due_in_days", Value::Number(2.0)),
                ],
                &[
                    ("action", text("alert_owner")),
                    ("action_text", text("Proposal stage reached")),
                ],
            ],
        );
    }

    #[test]
    fn stage_becomes_proposal_makes_a_task_for_the_owner_and_an_alert_in_the_same_plan() {
        let mut d = data();
        proposal_rule(&mut d);
        let (plan, ran) = move_deal(&d, PROPOSAL);
        assert_eq!(
            ran,
            Ran {
                done: 1,
                failed: 0,
                stopped: 0
            }
        );
        let tasks = of(&plan, ACTIVITIES);
        assert_eq!(tasks.len(), 1);
        let task = tasks[0];
        assert_eq!(task.get("subject"), Some(&text("Send proposal")));
        assert_eq!(task.get("assignee"), Some(&Value::Ref("maria".into())));
        assert_eq!(task.get("deal"), Some(&Value::Ref("d1".into())));
        let Some(Value::DateTime(due)) = task.get("due") else {
            panic!("a due time")
        };
        assert_eq!(due.timestamp_millis(), NOW + 2 * 86_400_000);
        let alerts = of(&plan, ALERTS);
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].get("member"), Some(&Value::Ref("maria".into())));
        assert_eq!(alerts[0].get("about"), Some(&text("Nordic renewal")));
        let runs = of(&plan, RULE_RUNS);
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].get("run_outcome"), Some(&text("done")));
        // Every new record carries its history entry, as every plan's do.
        assert_eq!(plan.changes.len(), plan.inserts.len() + plan.updates.len());
    }

    #[test]
    fn becomes_fires_only_on_the_change_into_the_value_not_while_it_stays() {
        let mut d = data();
        proposal_rule(&mut d);
        // Already in Proposal: a save that keeps it there is no change into it.
        let mut deal = d.get(DEALS, "d1").unwrap().clone();
        deal.values.insert("stage", Value::Ref(PROPOSAL.into()));
        d.upsert(deal);
        let (plan, ran) = ctx_run(|c| {
            let before = d.get(DEALS, "d1").unwrap().clone();
            let mut v = before.values.clone();
            v.insert("title", text("Nordic renewal 2027"));
            let mut plan = plan_save(&d, DEALS, Some(&before), v, None, c)
                .unwrap()
                .write;
            let ran = complete(&d, &mut plan, c);
            (plan, ran)
        });
        assert_eq!(ran, Ran::default());
        assert!(of(&plan, ACTIVITIES).is_empty());
        // Into another stage: not this rule's value.
        let (_, ran) = move_deal(&data(), "stage-new_business-negotiation");
        assert_eq!(ran, Ran::default());
    }

    #[test]
    fn created_updated_deleted_and_the_condition_each_decide() {
        let mut d = data();
        rule(
            &mut d,
            "r-created",
            &[("trigger", text("created"))],
            &[&[("action", text("alert_owner"))]],
        );
        rule(
            &mut d,
            "r-title",
            &[
                ("trigger", text("updated")),
                ("trigger_field", text("title")),
            ],
            &[&[("action", text("alert_owner"))]],
        );
        rule(
            &mut d,
            "r-deleted",
            &[
                ("trigger", text("deleted")),
                ("condition_field", text("Title")),
                ("condition_operator", text("contains")),
                ("condition_value", text("nordic")),
            ],
            &[&[("action", text("alert_owner"))]],
        );
        // A stage change is an update, but not of the title.
        let (_, ran) = move_deal(&d, PROPOSAL);
        assert_eq!(ran.done, 0);
        let fired = |plan: &WritePlan| -> Vec<String> {
            let mut v: Vec<String> = of(plan, RULE_RUNS)
                .iter()
                .map(|r| match r.get("rule") {
                    Some(Value::Ref(id)) => id.clone(),
                    _ => String::new(),
                })
                .collect();
            v.sort();
            v
        };
        let plan = ctx_run(|c| {
            let before = d.get(DEALS, "d1").unwrap().clone();
            let mut v = before.values.clone();
            v.insert("title", text("Nordic renewal 2027"));
            let mut plan = plan_save(&d, DEALS, Some(&before), v, None, c)
                .unwrap()
                .write;
            complete(&d, &mut plan, c);
            plan
        });
        assert_eq!(fired(&plan), vec!["r-title".to_string()]);
        let plan = ctx_run(|c| {
            let mut v = d.get(DEALS, "d1").unwrap().values.clone();
            v.insert("title", text("Globex pilot"));
            let mut plan = plan_save(&d, DEALS, None, v, None, c).unwrap().write;
            complete(&d, &mut plan, c);
            plan
        });
        assert_eq!(fired(&plan), vec!["r-created".to_string()]);
        // Deleted, and the condition reads the record as it was: "Nordic…" matches.
        let plan = ctx_run(|c| {
            let mut plan = WritePlan::default();
            plan.delete(d.get(DEALS, "d1").unwrap().clone());
            complete(&d, &mut plan, c);
            plan
        });
        assert_eq!(fired(&plan), vec!["r-deleted".to_string()]);
        let alert = of(&plan, ALERTS)[0];
        assert_eq!(
            alert.get("message"),
            Some(&text("r-deleted")),
            "the rule's name when no text"
        );
    }

    #[test]
    fn a_rule_updating_its_own_record_fires_once_and_chains_stop_at_the_depth() {
        let mut d = data();
        // Any update sets the next-step text: its own update does not fire it again.
        rule(
            &mut d,
            "r-self",
            &[("trigger", text("updated"))],
            &[&[
                ("action", text("set_field")),
                ("action_field", text("description")),
                ("action_value", text("Call back")),
            ]],
        );
        let (plan, ran) = move_deal(&d, PROPOSAL);
        assert_eq!(
            ran,
            Ran {
                done: 1,
                failed: 0,
                stopped: 0
            }
        );
        assert_eq!(
            plan.updates.len(),
            1,
            "the deal's own update took the value"
        );
        assert_eq!(
            plan.updates[0].1.get("description"),
            Some(&text("Call back"))
        );
        let entry = plan.changes.iter().find(|c| c.record_id == "d1").unwrap();
        assert!(
            entry.fields.iter().any(|f| f.field == "description"),
            "its history says so"
        );

        // Four rules, each reacting to the one before's value: the fourth is stopped.
        let mut d = data();
        let steps = ["a", "b", "c", "d"];
        for (n, s) in steps.iter().enumerate() {
            let trigger: Vec<(&str, Value)> = if n == 0 {
                vec![
                    ("trigger", text("updated")),
                    ("trigger_field", text("stage")),
                ]
            } else {
                vec![
                    ("trigger", text("field_becomes")),
                    ("trigger_field", text("description")),
                    ("trigger_value", text(steps[n - 1])),
                ]
            };
            rule(
                &mut d,
                &format!("r{n}"),
                &trigger,
                &[&[
                    ("action", text("set_field")),
                    ("action_field", text("description")),
                    ("action_value", text(s)),
                ]],
            );
        }
        let (plan, ran) = move_deal(&d, PROPOSAL);
        assert_eq!(
            ran,
            Ran {
                done: 3,
                failed: 0,
                stopped: 1
            }
        );
        assert_eq!(plan.updates[0].1.get("description"), Some(&text("c")));
        assert!(of(&plan, RULE_RUNS)
            .iter()
            .any(|r| r.get("run_outcome") == Some(&text("stopped"))));
    }

    #[test]
    fn a_failing_action_keeps_the_users_change_writes_none_of_the_rule_and_says_why() {
        let mut d = data();
        rule(
            &mut d,
            "r-bad",
            &[("trigger", text("updated"))],
            &[
                &[("action", text("alert_owner"))],
                &[
                    ("action", text("set_field")),
                    ("action_field", text("amount")),
                    ("action_value", text("lots")),
                ],
            ],
        );
        let (plan, ran) = move_deal(&d, PROPOSAL);
        assert_eq!(
            ran,
            Ran {
                done: 0,
                failed: 1,
                stopped: 0
            }
        );
        assert_eq!(plan.updates.len(), 1);
        assert_eq!(
            plan.updates[0].1.get("stage"),
            Some(&Value::Ref(PROPOSAL.into()))
        );
        assert!(
            of(&plan, ALERTS).is_empty(),
            "the alert before the failure is not written"
        );
        let run = of(&plan, RULE_RUNS)[0];
        assert_eq!(run.get("run_outcome"), Some(&text("failed")));
        assert_eq!(
            run.get("detail"),
            Some(&text("\"lots\" does not fit the field"))
        );
    }

    #[test]
    fn switched_off_rules_restores_and_automation_records_run_nothing() {
        let mut d = data();
        proposal_rule(&mut d);
        let mut r = d.get(WORKFLOW_RULES, "r-proposal").unwrap().clone();
        r.values.insert("active", Value::Bool(false));
        d.upsert(r);
        assert_eq!(move_deal(&d, PROPOSAL).1, Ran::default());
        let mut d = data();
        proposal_rule(&mut d);
        let before = d.get(DEALS, "d1").unwrap().clone();
        let mut after = before.clone();
        after.values.insert("stage", Value::Ref(PROPOSAL.into()));
        let mut restore = WritePlan::replace_everything(vec![after], Vec::new());
        assert_eq!(ctx_run(|c| complete(&d, &mut restore, c)), Ran::default());
    }

    #[test]
    fn a_rule_naming_a_field_its_module_lacks_is_refused_when_saved() {
        let d = data();
        let values: FieldValues = [
            ("name".to_string(), text("r")),
            ("applies_to".to_string(), text(DEALS)),
            ("trigger".to_string(), text("field_becomes")),
            ("trigger_field".to_string(), text("Colour")),
            ("trigger_value".to_string(), text("red")),
        ]
        .into();
        let errs = ctx_run(|c| plan_save(&d, WORKFLOW_RULES, None, values, None, c).unwrap_err());
        assert_eq!(errs[0].field, "trigger_field");
        assert_eq!(
            errs[0].problem,
            crate::domain::records::validate::Problem::Rule("problem.rule_field_unknown")
        );
        // In Persian, as a Persian user types it: found.
        let values: FieldValues = [
            ("name".to_string(), text("r")),
            ("applies_to".to_string(), text(DEALS)),
            ("trigger".to_string(), text("field_becomes")),
            (
                "trigger_field".to_string(),
                text(&crate::i18n::t(crate::i18n::Locale::Fa, "field.stage")),
            ),
            ("trigger_value".to_string(), text("Proposal")),
        ]
        .into();
        assert!(ctx_run(|c| plan_save(&d, WORKFLOW_RULES, None, values, None, c)).is_ok());
    }

    #[test]
    fn a_compose_email_action_writes_a_to_do_email_from_the_named_template() {
        use crate::domain::modules::template_module::EMAIL_TEMPLATES;
        let mut d = data();
        d.upsert(rec(
            "t",
            EMAIL_TEMPLATES,
            &[
                ("name", text("Proposal mail")),
                ("applies_to", text(DEALS)),
                ("subject", text("Proposal for {{title}}")),
                (
                    "body",
                    text("Please find the proposal for {{title}}, {{amount|at the agreed price}}."),
                ),
            ],
        ));
        rule(
            &mut d,
            "r-mail",
            &[
                ("trigger", text("field_becomes")),
                ("trigger_field", text("stage")),
                ("trigger_value", text("Proposal")),
            ],
            &[&[
                ("action", text("compose_email")),
                ("action_text", text("proposal MAIL")),
                ("due_in_days", Value::Number(1.0)),
            ]],
        );
        let (plan, ran) = move_deal(&d, PROPOSAL);
        assert_eq!(ran.done, 1);
        let mail = of(&plan, ACTIVITIES)[0];
        assert_eq!(mail.get("kind"), Some(&text("email")));
        assert_eq!(
            mail.get("subject"),
            Some(&text("Proposal for Nordic renewal"))
        );
        assert_eq!(
            mail.get("description"),
            Some(&text(
                "Please find the proposal for Nordic renewal, at the agreed price."
            ))
        );
        assert_eq!(mail.get("deal"), Some(&Value::Ref("d1".into())));
        // A template that is not there: the run fails, saying which.
        let mut a = d.get(WORKFLOW_ACTIONS, "r-mail-a0").unwrap().clone();
        a.values.insert("action_text", text("Gone"));
        d.upsert(a);
        let (plan, ran) = move_deal(&d, PROPOSAL);
        assert_eq!(ran.failed, 1);
        assert_eq!(
            of(&plan, RULE_RUNS)[0].get("detail"),
            Some(&text("no email template named \"Gone\" for this module"))
        );
    }
}
