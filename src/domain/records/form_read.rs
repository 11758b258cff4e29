//! Reading what a form holds into a record's values, written once for a record's
//! own form and for each row edited inside it.

use std::collections::BTreeMap;

use crate::domain::records::field::FieldDef;
use crate::domain::records::field_values::FieldValues;
use crate::domain::records::input::{parse_input, FieldInput, ParseContext};
use crate::domain::records::record::Record;
use crate::domain::records::validate::Problem;

/// The values typed into the controls of `fields` (all but the fields the app keeps
/// and `except`, which the planner sets), with the kept fields carried over from
/// `existing`, never typed. Inputs that cannot be read come back by field key.
pub fn read_form(
    fields: &[FieldDef],
    except: Option<&str>,
    input_of: impl Fn(&str) -> FieldInput,
    existing: Option<&Record>,
    ctx: &ParseContext,
) -> (FieldValues, BTreeMap<String, Problem>) {
    let mut values = FieldValues::new();
    let mut found = BTreeMap::new();
    for f in fields
        .iter()
        .filter(|f| !f.system && Some(f.key.as_str()) != except)
    {
        match parse_input(&f.kind, &input_of(&f.key), ctx) {
            Ok(Some(v)) => {
                values.insert(f.key.clone(), v);
            }
            Ok(None) => {}
            Err(p) => {
                found.insert(f.key.clone(), p);
            }
        }
    }
    if let Some(r) = existing {
        for f in fields.iter().filter(|f| f.system) {
            if let Some(v) = r.get(&f.key) {
                values.insert(f.key.clone(), v.clone());
            }
        }
    }
    (values, found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::field::FieldKind;
    use crate::domain::records::value::Value;

    #[test]
    fn typed_fields_are_read_kept_fields_carried_and_the_parent_left_out() {
        let mut kept = FieldDef::new("stage_trail", FieldKind::SingleLine);
        kept.system = true;
        let fields = vec![
            FieldDef::new("name", FieldKind::SingleLine),
            FieldDef::new("amount", FieldKind::Number),
            FieldDef::new("deal", FieldKind::SingleLine),
            kept,
        ];
        let stored = Record::new(
            "r1".into(),
            "m",
            1,
            None,
            [
                ("stage_trail".to_string(), Value::Text("a>b".into())),
                ("name".to_string(), Value::Text("old".into())),
            ]
            .into(),
        );
        let typed = |k: &str| {
            FieldInput::Text(match k {
                "name" => "Nordic AB".into(),
                "amount" => "twelve".into(),
                _ => "typed".into(),
            })
        };
        let (values, found) = read_form(
            &fields,
            Some("deal"),
            typed,
            Some(&stored),
            &ParseContext::default(),
        );
        assert_eq!(values.get("name"), Some(&Value::Text("Nordic AB".into())));
        assert_eq!(values.get("stage_trail"), Some(&Value::Text("a>b".into())));
        assert!(!values.contains_key("deal"), "the planner sets the parent");
        assert!(!values.contains_key("amount"));
        assert!(found.contains_key("amount"), "{found:?}");
        assert_eq!(found.len(), 1);
    }
}
