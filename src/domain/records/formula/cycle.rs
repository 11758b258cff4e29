//! Cycles between computed fields: a formula that reads, through other formulas,
//! rollups and lookups, its own value. Refused when a field is defined, so saving
//! a record always settles.

use crate::domain::records::field::FieldKind;
use crate::domain::records::formula::{compile_node, ResultType};
use crate::domain::records::module_def::Schema;

/// The fields a computed field's value depends on, as (module, field).
fn inputs(schema: &Schema, module: &str, field: &str) -> Vec<(String, String)> {
    let Some(m) = schema.module(module) else {
        return Vec::new();
    };
    let Some(f) = m.field(field) else {
        return Vec::new();
    };
    let reads_of = |src: &str, in_module: &str, result: ResultType| -> Vec<(String, String)> {
        let Some(def) = schema.module(in_module) else {
            return Vec::new();
        };
        let Ok((_, reads)) = compile_node(src, def, schema, result) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for p in reads {
            match &p.via {
                None => out.push((in_module.to_string(), p.field.clone())),
                Some(via) => {
                    out.push((in_module.to_string(), via.clone()));
                    if let Some(FieldKind::Lookup { module: t, .. }) =
                        def.field(via).map(|l| &l.kind)
                    {
                        out.push((t.clone(), p.field.clone()));
                    }
                }
            }
        }
        out
    };
    match &f.kind {
        FieldKind::Formula { expression, result } => reads_of(expression, module, *result),
        FieldKind::Rollup {
            module: child,
            via,
            field: counted,
            condition,
            ..
        } => {
            let mut out = vec![(child.clone(), via.clone())];
            if let Some(c) = counted {
                out.push((child.clone(), c.clone()));
            }
            if let Some(c) = condition {
                out.extend(reads_of(c, child, ResultType::Checkbox));
            }
            out
        }
        _ => Vec::new(),
    }
}

/// The fields, in order, of a path from `module.field` back to itself, if there is
/// one (named `field` in `module`, `other.field` elsewhere).
pub fn find_cycle(schema: &Schema, module: &str, field: &str) -> Option<Vec<String>> {
    let start = (module.to_string(), field.to_string());
    let mut path = vec![start.clone()];
    let mut seen = std::collections::HashSet::new();
    if walk(schema, &start, &mut path, &mut seen) {
        return Some(
            path.iter()
                .map(|(m, f)| {
                    if m == module {
                        f.clone()
                    } else {
                        format!("{m}.{f}")
                    }
                })
                .collect(),
        );
    }
    None
}

fn walk(
    schema: &Schema,
    start: &(String, String),
    path: &mut Vec<(String, String)>,
    seen: &mut std::collections::HashSet<(String, String)>,
) -> bool {
    let here = path
        .last()
        .cloned()
        .expect("the path starts with the field");
    for next in inputs(schema, &here.0, &here.1) {
        if &next == start {
            path.push(next);
            return true;
        }
        if !seen.insert(next.clone()) {
            continue;
        }
        path.push(next);
        if walk(schema, start, path, seen) {
            return true;
        }
        path.pop();
    }
    false
}
