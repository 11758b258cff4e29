//! A workflow rule as the engine reads it from its records: the module it watches,
//! its trigger, its one condition and its actions in order; and how a field typed
//! into a rule ("Stage", "مرحله", "stage") is found in that module.

pub use crate::domain::modules::automation_modules::{find_field, holds, names_of};
use crate::domain::modules::automation_modules::{WORKFLOW_ACTIONS, WORKFLOW_RULES};
use crate::domain::records::condition::Condition;
use crate::domain::records::normalize::fold;
use crate::domain::records::record::Record;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::value::Value;

#[derive(Clone, Debug, PartialEq)]
pub enum Trigger {
    Created,
    /// Updated; with a field, only when that field changed.
    Updated(Option<String>),
    /// A field's value became the one typed (it was something else before).
    Becomes {
        field: String,
        value: String,
    },
    Deleted,
    /// A date or date-time field's moment, moved by a number of days (negative:
    /// before it), has come.
    DateReached {
        field: String,
        offset_days: f64,
    },
    /// Run by hand on a record or the records selected in a list (a macro).
    Manual,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ActionKind {
    CreateTask,
    SetField,
    AlertOwner,
    /// Wait `due_in_days` before the actions after it (a sequence).
    Wait,
    /// A to-do email activity written from the template named in `text`.
    ComposeEmail,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    pub kind: ActionKind,
    pub text: String,
    pub due_in_days: Option<f64>,
    pub field: String,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WorkflowRule {
    pub id: String,
    pub name: String,
    pub module: String,
    pub trigger: Trigger,
    /// The typed field and the condition on it.
    pub condition: Option<Condition>,
    pub actions: Vec<Action>,
    /// When the rule was made: a date reached before then does not run it.
    pub since: crate::domain::records::record::Timestamp,
}

fn text(r: &Record, key: &str) -> String {
    match r.get(key) {
        Some(Value::Text(s)) => s.trim().to_string(),
        _ => String::new(),
    }
}

fn number(r: &Record, key: &str) -> Option<f64> {
    match r.get(key) {
        Some(Value::Number(n)) => Some(*n),
        _ => None,
    }
}

/// The rule a record holds, with `actions` (its action records, in any order).
pub fn rule_of(r: &Record, actions: &[&Record]) -> Option<WorkflowRule> {
    let field = text(r, "trigger_field");
    let trigger = match text(r, "trigger").as_str() {
        "created" => Trigger::Created,
        "updated" => Trigger::Updated((!field.is_empty()).then_some(field)),
        "field_becomes" => Trigger::Becomes {
            field,
            value: text(r, "trigger_value"),
        },
        "deleted" => Trigger::Deleted,
        "manual" => Trigger::Manual,
        "date_reached" => Trigger::DateReached {
            field,
            offset_days: number(r, "offset_days").unwrap_or(0.0),
        },
        _ => return None,
    };
    let condition_field = text(r, "condition_field");
    let condition = (!condition_field.is_empty()).then(|| Condition {
        field: condition_field,
        operator: Some(text(r, "condition_operator"))
            .filter(|o| !o.is_empty())
            .unwrap_or_else(|| "is".into()),
        value: text(r, "condition_value"),
    });
    let mut steps: Vec<&&Record> = actions.iter().collect();
    steps.sort_by(|a, b| {
        let step = |r: &Record| number(r, "step").unwrap_or(0.0);
        step(a)
            .total_cmp(&step(b))
            .then(a.created_at.cmp(&b.created_at))
            .then(a.id.cmp(&b.id))
    });
    let actions = steps
        .into_iter()
        .filter_map(|a| {
            let kind = match text(a, "action").as_str() {
                "create_task" => ActionKind::CreateTask,
                "set_field" => ActionKind::SetField,
                "alert_owner" => ActionKind::AlertOwner,
                "wait" => ActionKind::Wait,
                "compose_email" => ActionKind::ComposeEmail,
                _ => return None,
            };
            Some(Action {
                kind,
                text: text(a, "action_text"),
                due_in_days: number(a, "due_in_days"),
                field: text(a, "action_field"),
                value: text(a, "action_value"),
            })
        })
        .collect();
    Some(WorkflowRule {
        id: r.id.clone(),
        name: text(r, "name"),
        module: text(r, "applies_to"),
        trigger,
        condition,
        actions,
        since: r.created_at,
    })
}

/// The switched-on rules of the data, each with its actions.
pub fn active_rules(data: &Dataset) -> Vec<WorkflowRule> {
    let Some(set) = data.set(WORKFLOW_RULES) else {
        return Vec::new();
    };
    let on: Vec<&Record> = set
        .records()
        .filter(|r| !matches!(r.get("active"), Some(Value::Bool(false))))
        .collect();
    if on.is_empty() {
        return Vec::new();
    }
    let mut actions: std::collections::HashMap<&str, Vec<&Record>> = Default::default();
    if let Some(acts) = data.set(WORKFLOW_ACTIONS) {
        for a in acts.records() {
            if let Some(Value::Ref(rule)) = a.get("rule") {
                actions.entry(rule.as_str()).or_default().push(a);
            }
        }
    }
    let mut rules: Vec<WorkflowRule> = on
        .into_iter()
        .filter_map(|r| rule_of(r, actions.get(r.id.as_str()).map_or(&[], |v| v)))
        .collect();
    // A fixed order, so two runs of the same change do the same thing.
    rules.sort_by(|a, b| fold(&a.name).cmp(&fold(&b.name)).then(a.id.cmp(&b.id)));
    rules
}
