//! Automation kept as records: workflow rules (a trigger on one module, an optional
//! condition) with their actions edited inside the rule's form, the in-app alerts
//! the actions leave for a member, and the run log. Being records, they are stored,
//! backed up and restored like everything else.

use crate::domain::modules::standard_modules::{picklist, section};
use crate::domain::records::condition::{Condition, OPERATORS};
use crate::domain::records::field::{FieldDef, FieldKind, PicklistOption};
use crate::domain::records::field_values::FieldValues;
use crate::domain::records::module_def::{
    InlineEdit, ModuleDef, RecordAction, Schema, SettingsEntry, SettingsSection,
};
use crate::domain::records::normalize::fold;
use crate::domain::records::record::Record;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::validate::{FieldError, Problem};
use crate::domain::records::value::Value;
use crate::i18n::{label, Locale};

pub const WORKFLOW_RULES: &str = "workflow_rules";
pub const WORKFLOW_ACTIONS: &str = "workflow_actions";
pub const ALERTS: &str = "alerts";
pub const RULE_RUNS: &str = "rule_runs";
pub const RULE_WAITS: &str = "rule_waits";

/// What a rule reacts to, in the order the form offers them.
pub const TRIGGERS: [&str; 6] = [
    "created",
    "updated",
    "field_becomes",
    "deleted",
    "date_reached",
    "manual",
];
/// What an action does.
pub const ACTIONS: [&str; 5] = [
    "create_task",
    "set_field",
    "alert_owner",
    "compose_email",
    "wait",
];
/// How a run ended.
pub const OUTCOMES: [&str; 3] = ["done", "failed", "stopped"];

/// The field a rule's module is chosen in; its options are the schema's modules,
/// filled in by `fill_module_choices` whenever the schema is shaped.
const APPLIES_TO: &str = "applies_to";

pub fn workflow_rules() -> ModuleDef {
    ModuleDef {
        fields: vec![
            FieldDef::new("name", FieldKind::SingleLine)
                .required()
                .max_len(100)
                .in_list()
                .searchable(),
            FieldDef::new(APPLIES_TO, FieldKind::Picklist { options: vec![] })
                .required()
                .in_list(),
            picklist("trigger", "trigger", &TRIGGERS)
                .required()
                .in_list()
                .default_value(Value::Text("created".into())),
            FieldDef::new("trigger_field", FieldKind::SingleLine)
                .max_len(100)
                .help("help.trigger_field"),
            FieldDef::new("trigger_value", FieldKind::SingleLine)
                .max_len(200)
                .help("help.trigger_value"),
            FieldDef::new("offset_days", FieldKind::Number)
                .max_value(3650.0)
                .help("help.offset_days"),
            FieldDef::new("condition_field", FieldKind::SingleLine)
                .max_len(100)
                .section("condition")
                .help("help.condition_field"),
            picklist("condition_operator", "operator", &OPERATORS).section("condition"),
            FieldDef::new("condition_value", FieldKind::SingleLine)
                .max_len(200)
                .section("condition"),
            FieldDef::new("active", FieldKind::Checkbox)
                .in_list()
                .default_value(Value::Bool(true)),
            // Why the app switched the rule off (a field it names was removed).
            picklist("switched_off", "switched_off", &["field_removed"])
                .system()
                .in_list(),
        ],
        sections: vec![section("main"), section("condition")],
        title_fields: vec!["name".into()],
        nav: false,
        settings: Some(SettingsEntry::under(SettingsSection::Automation)),
        // Which records it would act on now, before it is switched on.
        actions: vec![RecordAction {
            label: "automation.dry_run".into(),
            page: "dry_run".into(),
            when: vec![],
        }],
        ..ModuleDef::named(WORKFLOW_RULES)
    }
}

/// One step of a rule, edited in the rule's form; run in the order of `step`.
pub fn workflow_actions() -> ModuleDef {
    ModuleDef {
        fields: vec![
            FieldDef::lookup("rule", WORKFLOW_RULES).required(),
            picklist("action", "workflow_action", &ACTIONS)
                .required()
                .in_list()
                .default_value(Value::Text("create_task".into())),
            FieldDef::new("action_text", FieldKind::SingleLine)
                .max_len(200)
                .in_list()
                .help("help.action_text"),
            FieldDef::new("due_in_days", FieldKind::Number)
                .max_value(3650.0)
                .help("help.due_in_days"),
            FieldDef::new("action_field", FieldKind::SingleLine)
                .max_len(100)
                .help("help.action_field"),
            FieldDef::new("action_value", FieldKind::SingleLine).max_len(200),
            FieldDef::new("step", FieldKind::Number).max_value(1000.0),
        ],
        sections: vec![section("main")],
        title_fields: vec!["action_text".into()],
        nav: false,
        edited_in: Some(InlineEdit {
            parent: "rule".into(),
            distinct: None,
        }),
        ..ModuleDef::named(WORKFLOW_ACTIONS)
    }
}

/// A message a rule left for a member about one record.
pub fn alerts() -> ModuleDef {
    ModuleDef {
        fields: vec![
            FieldDef::new("message", FieldKind::SingleLine)
                .required()
                .max_len(300)
                .in_list()
                .searchable(),
            FieldDef::new("member", FieldKind::User)
                .required()
                .in_list(),
            FieldDef::new("about", FieldKind::SingleLine)
                .max_len(300)
                .in_list(),
            FieldDef::new("about_module", FieldKind::SingleLine)
                .max_len(100)
                .system(),
            FieldDef::new("about_id", FieldKind::SingleLine)
                .max_len(100)
                .system(),
            FieldDef::new("read", FieldKind::Checkbox).in_list(),
        ],
        sections: vec![section("main")],
        title_fields: vec!["message".into()],
        nav: false,
        ..ModuleDef::named(ALERTS)
    }
}

/// Which rule, on which record (its title as it was, its module and id): the
/// fields a run and a waiting run share.
fn run_of_fields() -> Vec<FieldDef> {
    vec![
        FieldDef::lookup("rule", WORKFLOW_RULES).in_list(),
        FieldDef::new("about", FieldKind::SingleLine)
            .max_len(300)
            .in_list()
            .searchable(),
        FieldDef::new("about_module", FieldKind::SingleLine)
            .max_len(100)
            .system(),
        FieldDef::new("about_id", FieldKind::SingleLine)
            .max_len(100)
            .system(),
    ]
}

/// A run's or a waiting run's values naming its rule and record.
pub fn run_of_values(rule: &str, record: &Record, title: &str) -> FieldValues {
    [
        ("rule".to_string(), Value::Ref(rule.to_string())),
        ("about".to_string(), Value::Text(title.to_string())),
        (
            "about_module".to_string(),
            Value::Text(record.module.clone()),
        ),
        ("about_id".to_string(), Value::Text(record.id.clone())),
    ]
    .into()
}

/// One firing of a rule: when (the record's creation), on which record, what it did
/// and how it ended.
pub fn rule_runs() -> ModuleDef {
    ModuleDef {
        fields: [
            run_of_fields(),
            vec![
                picklist("run_outcome", "run_outcome", &OUTCOMES)
                    .required()
                    .in_list(),
                FieldDef::new("detail", FieldKind::MultiLine).in_list(),
                // For a date reached: the moment it was for, so it runs once each.
                FieldDef::new("moment", FieldKind::DateTime).system(),
            ],
        ]
        .concat(),
        sections: vec![section("main")],
        title_fields: vec!["about".into()],
        nav: false,
        settings: Some(
            SettingsEntry::under(SettingsSection::Automation).labelled("settings.run_log"),
        ),
        kept_by_app: true,
        ..ModuleDef::named(RULE_RUNS)
    }
}

/// A run stopped at a wait: which rule, on which record, the action it goes on
/// from and when. The minute clock picks it up then (or, after the app was closed,
/// at the next start).
pub fn rule_waits() -> ModuleDef {
    ModuleDef {
        fields: [
            run_of_fields(),
            vec![
                FieldDef::new("resume_at", FieldKind::DateTime).in_list(),
                FieldDef::new("next_step", FieldKind::Number)
                    .max_value(1000.0)
                    .system(),
            ],
        ]
        .concat(),
        sections: vec![section("main")],
        title_fields: vec!["about".into()],
        nav: false,
        settings: Some(
            SettingsEntry::under(SettingsSection::Automation).labelled("settings.waiting"),
        ),
        kept_by_app: true,
        ..ModuleDef::named(RULE_WAITS)
    }
}

/// Whether the data holds any workflow rule (switched on or not): a write with
/// none has no rule to run.
pub fn has_rules(data: &Dataset) -> bool {
    data.set(WORKFLOW_RULES).is_some_and(|s| !s.is_empty())
}

/// Whether `module` holds automation itself: its writes never trigger a rule.
pub fn is_automation(module: &str) -> bool {
    matches!(
        module,
        WORKFLOW_RULES
            | WORKFLOW_ACTIONS
            | ALERTS
            | RULE_RUNS
            | RULE_WAITS
            | crate::domain::modules::blueprint_module::TRANSITIONS
            | crate::domain::modules::template_module::EMAIL_TEMPLATES
    )
}

/// Offers every module a rule can watch (records users work on, their own modules
/// too) as the choices of a rule's module.
pub fn fill_module_choices(schema: &mut Schema) {
    let options: Vec<PicklistOption> = schema
        .modules
        .iter()
        .filter(|m| m.nav && !is_automation(&m.key))
        .map(|m| PicklistOption {
            value: m.key.clone(),
            label: m.plural.clone(),
        })
        .collect();
    let choosing = [
        WORKFLOW_RULES,
        crate::domain::modules::blueprint_module::TRANSITIONS,
        crate::domain::modules::template_module::EMAIL_TEMPLATES,
    ];
    for m in schema
        .modules
        .iter_mut()
        .filter(|m| choosing.contains(&m.key.as_str()))
    {
        if let Some(f) = m.fields.iter_mut().find(|f| f.key == APPLIES_TO) {
            f.kind = FieldKind::Picklist {
                options: options.clone(),
            };
        }
    }
}

/// The field of `module` a rule names: by key, or by its label in any language,
/// ignoring case and accents.
pub fn find_field<'a>(module: &'a ModuleDef, typed: &str) -> Option<&'a FieldDef> {
    let want = fold(typed.trim());
    if want.is_empty() {
        return None;
    }
    module.fields.iter().find(|f| {
        fold(&f.key) == want
            || Locale::ALL
                .iter()
                .any(|l| fold(&label(*l, &f.label)) == want)
    })
}

/// The ways a value can be named in a rule: as stored, and as people see it (a
/// linked record's title, a member's name, a picklist option's label in any
/// language).
pub fn names_of(data: &Dataset, field: &FieldDef, value: Option<&Value>) -> Vec<Value> {
    let Some(v) = value.filter(|v| !v.is_empty()) else {
        return Vec::new();
    };
    let mut out = vec![v.clone()];
    match (&field.kind, v) {
        (FieldKind::Lookup { module, .. }, Value::Ref(id)) => {
            if let Some(t) = data.title(module, id) {
                out.push(Value::Text(t));
            }
        }
        (FieldKind::User, Value::Ref(id)) => {
            if let Some(t) = data.member_name(id) {
                out.push(Value::Text(t));
            }
        }
        (FieldKind::Picklist { options }, Value::Text(s)) => {
            if let Some(o) = options.iter().find(|o| &o.value == s) {
                out.extend(Locale::ALL.iter().map(|l| Value::Text(label(*l, &o.label))));
            }
        }
        _ => {}
    }
    out
}

/// Whether the condition holds for `value`, under any of its names.
pub fn holds(data: &Dataset, field: &FieldDef, cond: &Condition, value: Option<&Value>) -> bool {
    let names = names_of(data, field, value);
    let is = |c: &Condition| {
        names.is_empty() && c.matches_value(None) || names.iter().any(|n| c.matches_value(Some(n)))
    };
    match cond.operator.as_str() {
        // "is not X": none of its names is X.
        "is_not" => !is(&Condition {
            operator: "is".into(),
            ..cond.clone()
        }),
        _ => is(cond),
    }
}

fn text(values: &FieldValues, key: &str) -> String {
    match values.get(key) {
        Some(Value::Text(s)) => s.trim().to_string(),
        _ => String::new(),
    }
}

fn problem(field: &str, key: &'static str) -> FieldError {
    FieldError {
        field: field.into(),
        problem: Problem::Rule(key),
    }
}

/// A rule's own checks at save: the fields it names are fields of its module, and
/// a "becomes" trigger says which field and which value.
pub fn check_rule(data: &Dataset, values: &FieldValues) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let Some(def) = data.schema.module(&text(values, APPLIES_TO)) else {
        return errors;
    };
    let trigger = text(values, "trigger");
    let field = text(values, "trigger_field");
    if trigger == "date_reached" {
        if field.is_empty() {
            errors.push(problem("trigger_field", "problem.rule_needs_field"));
        } else if find_field(def, &field)
            .is_some_and(|f| !matches!(f.kind, FieldKind::Date | FieldKind::DateTime))
        {
            errors.push(problem("trigger_field", "problem.rule_needs_date"));
        }
    }
    if trigger == "field_becomes" {
        if field.is_empty() {
            errors.push(problem("trigger_field", "problem.rule_needs_field"));
        }
        if text(values, "trigger_value").is_empty() {
            errors.push(problem("trigger_value", "problem.rule_needs_value"));
        }
    }
    if !field.is_empty() && find_field(def, &field).is_none() {
        errors.push(problem("trigger_field", "problem.rule_field_unknown"));
    }
    let condition = text(values, "condition_field");
    if !condition.is_empty() && find_field(def, &condition).is_none() {
        errors.push(problem("condition_field", "problem.rule_field_unknown"));
    }
    errors
}

/// An action's own checks at save: a task has a subject, a field to set exists in
/// the rule's module (when the rule is stored already) and can be set.
pub fn check_action(data: &Dataset, values: &FieldValues) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if matches!(values.get("due_in_days"), Some(Value::Number(n)) if *n < 0.0) {
        errors.push(problem("due_in_days", "problem.not_negative"));
    }
    match text(values, "action").as_str() {
        "compose_email" if text(values, "action_text").is_empty() => {
            errors.push(problem("action_text", "problem.needs_template"));
        }
        "create_task" if text(values, "action_text").is_empty() => {
            errors.push(problem("action_text", "problem.task_needs_subject"));
        }
        "set_field" => {
            let typed = text(values, "action_field");
            if typed.is_empty() {
                errors.push(problem("action_field", "problem.rule_needs_field"));
                return errors;
            }
            let module = match values.get("rule") {
                Some(Value::Ref(id)) => data
                    .set(WORKFLOW_RULES)
                    .and_then(|s| s.get(id))
                    .map(|r| text(&r.values, APPLIES_TO)),
                _ => None,
            };
            let Some(def) = module.and_then(|m| data.schema.module(&m)) else {
                return errors;
            };
            match find_field(def, &typed) {
                None => errors.push(problem("action_field", "problem.rule_field_unknown")),
                Some(f)
                    if f.system
                        || f.kind.is_computed()
                        || matches!(f.kind, FieldKind::Trail { .. }) =>
                {
                    errors.push(problem("action_field", "problem.rule_field_kept"))
                }
                Some(_) => {}
            }
        }
        _ => {}
    }
    errors
}

/// The rules of `module` that name its field `key` (in the trigger, the condition
/// or an action), and so stop making sense once the field is removed.
pub fn rules_naming<'a>(data: &'a Dataset, module: &str, key: &str) -> Vec<&'a Record> {
    let (Some(def), Some(rules)) = (data.schema.module(module), data.set(WORKFLOW_RULES)) else {
        return Vec::new();
    };
    let names = |typed: &str| find_field(def, typed).is_some_and(|f| f.key == key);
    let by_action: std::collections::HashSet<&str> = data
        .set(WORKFLOW_ACTIONS)
        .map(|acts| {
            acts.records()
                .filter(|a| names(&text(&a.values, "action_field")))
                .filter_map(|a| match a.get("rule") {
                    Some(Value::Ref(id)) => Some(id.as_str()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    rules
        .records()
        .filter(|r| text(&r.values, APPLIES_TO) == module)
        .filter(|r| {
            names(&text(&r.values, "trigger_field"))
                || names(&text(&r.values, "condition_field"))
                || by_action.contains(r.id.as_str())
        })
        .collect()
}

/// Whether a run-log record is about the record `id`.
pub fn run_is_about(run: &Record, id: &str) -> bool {
    matches!(run.get("about_id"), Some(Value::Text(a)) if a == id)
}

/// A run as a timeline words it: the rule's name, the translation key of how it
/// ended, and what it did or why not.
pub struct RunSummary {
    pub rule: String,
    pub outcome_key: String,
    pub detail: String,
}

pub fn run_summary(data: &Dataset, run: &Record) -> RunSummary {
    let rule = match run.get("rule") {
        Some(Value::Ref(id)) => data.title(WORKFLOW_RULES, id).unwrap_or_default(),
        _ => String::new(),
    };
    RunSummary {
        rule,
        outcome_key: format!("option.run_outcome.{}", text(&run.values, "run_outcome")),
        detail: text(&run.values, "detail"),
    }
}

/// A rule's values switched off because a field it names was removed.
pub fn switched_off(r: &Record) -> FieldValues {
    let mut v = r.values.clone();
    v.insert("active", Value::Bool(false));
    v.insert("switched_off", Value::Text("field_removed".into()));
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::standard_schema;

    #[test]
    fn a_rule_can_watch_every_module_people_work_on_and_none_of_automation() {
        let schema = standard_schema();
        for m in [
            crate::domain::modules::blueprint_module::TRANSITIONS,
            crate::domain::modules::template_module::EMAIL_TEMPLATES,
        ] {
            let kind = &schema.module(m).unwrap().field(APPLIES_TO).unwrap().kind;
            assert!(
                matches!(kind, FieldKind::Picklist { options } if !options.is_empty()),
                "{m} offers the modules"
            );
        }
        let rules = schema.module(WORKFLOW_RULES).unwrap();
        let FieldKind::Picklist { options } = &rules.field(APPLIES_TO).unwrap().kind else {
            panic!("a picklist");
        };
        let keys: Vec<&str> = options.iter().map(|o| o.value.as_str()).collect();
        for m in ["deals", "contacts", "companies", "leads", "activities"] {
            assert!(keys.contains(&m), "{m} in {keys:?}");
        }
        assert!(!keys.iter().any(|k| is_automation(k)));
        assert!(
            !keys.contains(&"members"),
            "settings-like modules are not offered"
        );
    }
}
