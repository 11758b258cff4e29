//! Blueprints: which moves of a stage-like field are allowed, and which fields must
//! be filled before a move ("a deal cannot go to Negotiation without an amount and
//! a close date"). Each rule is a record (module, field, from, to, not allowed or
//! the fields to fill first); every save passes them (`rules::prepare`), so the
//! board, the form, a bulk change and an import all keep them.

use crate::domain::modules::automation_modules::{find_field, holds};
use crate::domain::modules::standard_modules::section;
use crate::domain::records::condition::Condition;
use crate::domain::records::field::{FieldDef, FieldKind};
use crate::domain::records::field_values::FieldValues;
use crate::domain::records::module_def::{ModuleDef, SettingsEntry, SettingsSection};
use crate::domain::records::record::Record;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::validate::{FieldError, Problem};
use crate::domain::records::value::Value;

pub const TRANSITIONS: &str = "transitions";

pub fn transitions() -> ModuleDef {
    ModuleDef {
        fields: vec![
            FieldDef::new("name", FieldKind::SingleLine)
                .required()
                .max_len(100)
                .in_list()
                .searchable(),
            FieldDef::new("applies_to", FieldKind::Picklist { options: vec![] })
                .required()
                .in_list(),
            FieldDef::new("transition_field", FieldKind::SingleLine)
                .required()
                .max_len(100)
                .help("help.transition_field"),
            FieldDef::new("from_value", FieldKind::SingleLine)
                .max_len(200)
                .in_list()
                .help("help.from_value"),
            FieldDef::new("to_value", FieldKind::SingleLine)
                .required()
                .max_len(200)
                .in_list(),
            FieldDef::new("blocked", FieldKind::Checkbox)
                .in_list()
                .help("help.blocked"),
            FieldDef::new("required_fields", FieldKind::SingleLine)
                .max_len(500)
                .in_list()
                .help("help.required_fields"),
            FieldDef::new("active", FieldKind::Checkbox)
                .in_list()
                .default_value(Value::Bool(true)),
        ],
        sections: vec![section("main")],
        title_fields: vec!["name".into()],
        nav: false,
        settings: Some(SettingsEntry::under(SettingsSection::Automation)),
        ..ModuleDef::named(TRANSITIONS)
    }
}

fn text(values: &FieldValues, key: &str) -> String {
    match values.get(key) {
        Some(Value::Text(s)) => s.trim().to_string(),
        _ => String::new(),
    }
}

/// The names in a "fields to fill first" list.
fn names(list: &str) -> impl Iterator<Item = &str> {
    list.split([',', '،', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A transition rule's own checks at save: the field, and each field to fill, is a
/// field of its module.
pub fn check_transition_rule(data: &Dataset, values: &FieldValues) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let Some(def) = data.schema.module(&text(values, "applies_to")) else {
        return errors;
    };
    let rule = |field: &str, key: &'static str| FieldError {
        field: field.into(),
        problem: Problem::Rule(key),
    };
    let field = text(values, "transition_field");
    if !field.is_empty() && find_field(def, &field).is_none() {
        errors.push(rule("transition_field", "problem.rule_field_unknown"));
    }
    let list = text(values, "required_fields");
    if let Some(unknown) = names(&list).find(|n| find_field(def, n).is_none()) {
        errors.push(FieldError {
            field: "required_fields".into(),
            problem: Problem::NoSuchFieldNamed(unknown.to_string()),
        });
    }
    errors
}

/// What the switched-on transition rules say of saving `values` as `module`'s record
/// (`before`: as it was; none for a new record, which is a move from nothing).
pub fn check_move(
    data: &Dataset,
    def: &ModuleDef,
    before: Option<&Record>,
    values: &FieldValues,
) -> Vec<FieldError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let Some(set) = data.set(TRANSITIONS) else {
        return errors;
    };
    for r in set.records() {
        if matches!(r.get("active"), Some(Value::Bool(false)))
            || text(&r.values, "applies_to") != def.key
        {
            continue;
        }
        let Some(f) = find_field(def, &text(&r.values, "transition_field")) else {
            continue;
        };
        let (old, new) = (before.and_then(|b| b.get(&f.key)), values.get(&f.key));
        if old == new || errors.iter().any(|e| e.field == f.key) {
            continue;
        }
        let is = |value: String, v: Option<&Value>| {
            let c = Condition {
                field: f.key.clone(),
                operator: "is".into(),
                value,
            };
            holds(data, f, &c, v)
        };
        let from = text(&r.values, "from_value");
        let to = text(&r.values, "to_value");
        if !is(to.clone(), new) || !(from.is_empty() || is(from.clone(), old)) {
            continue;
        }
        if matches!(r.get("blocked"), Some(Value::Bool(true))) {
            let from = if from.is_empty() {
                "…".to_string()
            } else {
                from
            };
            errors.push(FieldError {
                field: f.key.clone(),
                problem: Problem::MoveNotAllowed(format!("{from} → {to}")),
            });
            continue;
        }
        let list = text(&r.values, "required_fields");
        let missing: Vec<&str> = names(&list)
            .filter(|n| {
                find_field(def, n).is_some_and(|rf| values.get(&rf.key).is_none_or(Value::is_empty))
            })
            .collect();
        if !missing.is_empty() {
            errors.push(FieldError {
                field: f.key.clone(),
                problem: Problem::MoveNeeds(missing.join(", ")),
            });
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::sales_modules::DEALS;
    use crate::domain::modules::standard_modules::standard_schema;
    use crate::domain::records::record_set::LOCAL_USER;
    use crate::domain::records::time_zone::Zone;
    use crate::domain::rules::save_plan::plan_save;
    use crate::domain::sales::pipeline_records::default_pipeline_records;
    use crate::domain::writes::WriteContext;

    const QUALIFICATION: &str = "stage-new_business-qualification";
    const NEGOTIATION: &str = "stage-new_business-negotiation";
    const WON: &str = "stage-new_business-won";

    fn text_v(s: &str) -> Value {
        Value::Text(s.into())
    }

    fn rule(id: &str, pairs: &[(&str, Value)]) -> Record {
        let mut v: FieldValues = [
            ("name".to_string(), text_v(id)),
            ("applies_to".to_string(), text_v(DEALS)),
            ("transition_field".to_string(), text_v("Stage")),
        ]
        .into();
        for (k, val) in pairs {
            v.insert(*k, val.clone());
        }
        Record::new(id.into(), TRANSITIONS, 1, None, v)
    }

    fn data() -> Dataset {
        let mut d = Dataset::new(standard_schema());
        for r in default_pipeline_records(1, &|k| crate::i18n::t(crate::i18n::Locale::En, k)) {
            d.upsert(r);
        }
        d.upsert(rule(
            "needs",
            &[
                ("to_value", text_v("Negotiation")),
                ("required_fields", text_v("Amount, Expected close")),
            ],
        ));
        d.upsert(rule(
            "no-jump",
            &[
                ("from_value", text_v("Qualification")),
                ("to_value", text_v("Won")),
                ("blocked", Value::Bool(true)),
            ],
        ));
        d
    }

    fn deal(stage: &str) -> FieldValues {
        [
            ("title".to_string(), text_v("Deal")),
            (
                "pipeline".to_string(),
                Value::Ref("pipeline-new_business".into()),
            ),
            ("stage".to_string(), Value::Ref(stage.into())),
        ]
        .into()
    }

    fn save(
        d: &Dataset,
        before: Option<&Record>,
        v: FieldValues,
    ) -> Result<Record, Vec<FieldError>> {
        let mut n = 0;
        let mut ids = move || {
            n += 1;
            format!("id-{n}")
        };
        let mut ctx = WriteContext {
            now: 1_800_000_000_000,
            zone: Zone::fixed(0),
            user: LOCAL_USER,
            new_id: &mut ids,
        };
        plan_save(d, DEALS, before, v, None, &mut ctx).map(|p| p.saved.unwrap())
    }

    #[test]
    fn a_move_needs_its_fields_and_a_blocked_move_is_refused_whichever_way_it_is_saved() {
        let d = data();
        let start = save(&d, None, deal(QUALIFICATION)).unwrap();
        // Into Negotiation without an amount or close date: refused, naming both.
        let errs = save(&d, Some(&start), deal(NEGOTIATION)).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field, "stage");
        assert_eq!(
            errs[0].problem,
            Problem::MoveNeeds("Amount, Expected close".into())
        );
        // With them, it goes.
        let mut v = deal(NEGOTIATION);
        v.insert(
            "amount",
            Value::Money(Box::new(crate::domain::Money {
                amount: 1000.into(),
                currency: "USD".into(),
            })),
        );
        v.insert(
            "expected_close",
            Value::Date(chrono::NaiveDate::from_ymd_opt(2027, 1, 5).unwrap()),
        );
        let negotiating = save(&d, Some(&start), v).unwrap();
        // A new deal made straight in Negotiation is a move into it too.
        assert!(save(&d, None, deal(NEGOTIATION)).is_err());
        // Qualification to Won is not allowed; Negotiation to Won is.
        let errs = save(&d, Some(&start), deal(WON)).unwrap_err();
        assert_eq!(
            errs[0].problem,
            Problem::MoveNotAllowed("Qualification → Won".into())
        );
        let mut won = negotiating.values.clone();
        won.insert("stage", Value::Ref(WON.into()));
        assert!(save(&d, Some(&negotiating), won).is_ok());
        // A save that keeps the stage is no move.
        let mut same = start.values.clone();
        same.insert("title", text_v("Deal 2"));
        assert!(save(&d, Some(&start), same).is_ok());
    }

    #[test]
    fn a_rule_naming_fields_its_module_lacks_is_refused_at_save() {
        let d = data();
        let values = rule(
            "x",
            &[
                ("to_value", text_v("Won")),
                ("required_fields", text_v("Amount, Colour")),
            ],
        )
        .values;
        let errs = check_transition_rule(&d, &values);
        assert_eq!(
            errs,
            [FieldError {
                field: "required_fields".into(),
                problem: Problem::NoSuchFieldNamed("Colour".into())
            }]
        );
    }
}
