//! Changing the schema: a user module added or removed, a field added to any
//! module, or one of the user's edited, moved or removed. Each is one plan: the definition's record and every record the
//! change fills or clears (a new formula's values, a removed field's values), so
//! the change and the data it implies are committed in one transaction.

use crate::domain::modules::custom_schema::{
    field_values, free_key, is_key, key_from, module_values, user_field, user_fields, user_modules,
    CustomField, CUSTOM_FIELDS, CUSTOM_MODULES, MODULE_KEY, POSITION, RESERVED_FIELD_KEYS,
};
use crate::domain::records::field::{FieldDef, FieldKind, Label};
use crate::domain::records::formula::{compile, find_cycle, FormulaError, ResultType};
use crate::domain::records::module_def::{ModuleDef, NavArea, Schema};
use crate::domain::records::record_set::Dataset;
use crate::domain::records::validate::{unique_keys, FieldError};
use crate::domain::records::value::Value;
use crate::domain::rules::computed_fields::{auto_number_text, eval_time, Formulas, Overlay};
use crate::domain::rules::save_plan::plan_save;
use crate::domain::writes::{WriteContext, WritePlan};

/// Why a schema change was refused; nothing is written.
#[derive(Clone, Debug, PartialEq)]
pub enum SchemaRefusal {
    /// A module's or field's name is empty.
    NoName,
    /// The key is not lower-case letters, digits and `_` starting with a letter.
    KeyForm(String),
    /// The module already has a field (or the schema a module) of that key.
    KeyTaken(String),
    /// The key is one the app keeps for itself.
    KeyReserved(String),
    /// A picklist without options, or with one twice.
    Options,
    /// A lookup or rollup names a module that does not exist.
    UnknownModule(String),
    /// A rollup names a field its module does not have, or of a kind it cannot add.
    UnknownField(String),
    /// A rollup's link is not a lookup of that module to this one.
    NotALink(String),
    /// An auto-number's padding or start is out of range.
    Numbering,
    /// The formula (or a rollup's condition) does not compile.
    Formula(FormulaError),
    Condition(FormulaError),
    /// The formula would read itself through these fields.
    Cycle(Vec<String>),
    /// Another field reads the one to remove: its name.
    ReadBy(String),
    /// A field of another module links to the module to remove, or rolls it up.
    NeededBy(String),
    /// A field to be made unique already holds a value twice: how many records
    /// share a value with another.
    NotUnique(usize),
    /// The definition's own record did not validate.
    Invalid(Vec<FieldError>),
}

const MAX_PAD: u8 = 9;

/// Plans adding a user module named `singular`/`plural`: the key it gets comes from
/// the plural name (returned with the plan).
pub fn plan_add_module(
    data: &Dataset,
    singular: &str,
    plural: &str,
    area: NavArea,
    ctx: &mut WriteContext,
) -> Result<(WritePlan, String), SchemaRefusal> {
    if singular.trim().is_empty() || plural.trim().is_empty() {
        return Err(SchemaRefusal::NoName);
    }
    let fallback = format!("module_{}", user_modules(data).len() + 1);
    let key = free_key(&key_from(plural, &fallback), |k| {
        data.schema.module(k).is_some()
    });
    let values = module_values(&key, singular, plural, area);
    let plan = plan_save(data, CUSTOM_MODULES, None, values, None, ctx)
        .map_err(SchemaRefusal::Invalid)?
        .write;
    Ok((plan, key))
}

/// The key a field named `label` would get on `module`.
pub fn suggested_key(data: &Dataset, module: &str, label: &str) -> String {
    let def = data.schema.module(module);
    let n = def.map_or(0, |d| d.fields.len()) + 1;
    free_key(&key_from(label, &format!("field_{n}")), |k| {
        RESERVED_FIELD_KEYS.contains(&k) || def.is_some_and(|d| d.field(k).is_some())
    })
}

/// `schema` with `field` on `module` (a formula is checked against it).
fn with_field(schema: &Schema, module: &str, field: &FieldDef) -> Schema {
    let mut s = schema.clone();
    if let Some(m) = s.modules.iter_mut().find(|m| m.key == module) {
        m.fields.push(field.clone());
    }
    s
}

fn check_field(schema: &Schema, def: &ModuleDef, field: &FieldDef) -> Result<(), SchemaRefusal> {
    let key = &field.key;
    if !is_key(key) {
        return Err(SchemaRefusal::KeyForm(key.clone()));
    }
    if RESERVED_FIELD_KEYS.contains(&key.as_str()) {
        return Err(SchemaRefusal::KeyReserved(key.clone()));
    }
    if def.field(key).is_some() {
        return Err(SchemaRefusal::KeyTaken(key.clone()));
    }
    if matches!(&field.label, Label::Text(t) if t.trim().is_empty()) {
        return Err(SchemaRefusal::NoName);
    }
    let candidate = with_field(schema, &def.key, field);
    let module = candidate.module(&def.key).unwrap_or(def);
    match &field.kind {
        FieldKind::Picklist { options } | FieldKind::MultiSelect { options, .. } => {
            let mut seen = std::collections::HashSet::new();
            let open = matches!(field.kind, FieldKind::MultiSelect { open: true, .. });
            if (options.is_empty() && !open)
                || options
                    .iter()
                    .any(|o| o.value.trim().is_empty() || !seen.insert(o.value.clone()))
            {
                return Err(SchemaRefusal::Options);
            }
        }
        FieldKind::Lookup { module: target, .. } if schema.module(target).is_none() => {
            return Err(SchemaRefusal::UnknownModule(target.clone()));
        }
        FieldKind::AutoNumber { prefix, pad } if *pad > MAX_PAD || prefix.chars().count() > 20 => {
            return Err(SchemaRefusal::Numbering);
        }
        FieldKind::Formula { expression, result } => {
            compile(expression, module, &candidate, *result).map_err(SchemaRefusal::Formula)?;
            if let Some(path) = find_cycle(&candidate, &def.key, key) {
                return Err(SchemaRefusal::Cycle(path));
            }
        }
        FieldKind::Rollup {
            module: child,
            via,
            aggregate,
            field: counted,
            condition,
        } => {
            let child_def = candidate
                .module(child)
                .ok_or_else(|| SchemaRefusal::UnknownModule(child.clone()))?;
            let links_here = matches!(
                child_def.field(via).map(|f| &f.kind),
                Some(FieldKind::Lookup { module: m, .. }) if m == &def.key
            );
            if !links_here {
                return Err(SchemaRefusal::NotALink(via.clone()));
            }
            if *aggregate != crate::domain::records::field::Aggregate::Count {
                let name = counted.clone().unwrap_or_default();
                let addable = child_def.field(&name).is_some_and(|f| {
                    matches!(
                        &f.kind,
                        FieldKind::Number
                            | FieldKind::Currency
                            | FieldKind::Percent
                            | FieldKind::Rollup { .. }
                            | FieldKind::Formula {
                                result: ResultType::Number
                                    | ResultType::Money
                                    | ResultType::Percent,
                                ..
                            }
                    )
                });
                if !addable {
                    return Err(SchemaRefusal::UnknownField(name));
                }
            }
            if let Some(c) = condition.as_deref().filter(|c| !c.trim().is_empty()) {
                compile(c, child_def, &candidate, ResultType::Checkbox)
                    .map_err(SchemaRefusal::Condition)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Plans adding `field` to `module`; an auto-number starts at `start`. The records
/// the module already holds get the new field's computed values in the same plan
/// (auto-numbers in the order they were made).
pub fn plan_add_field(
    data: &Dataset,
    module: &str,
    field: FieldDef,
    start: u64,
    ctx: &mut WriteContext,
) -> Result<WritePlan, SchemaRefusal> {
    let def = data
        .schema
        .module(module)
        .ok_or_else(|| SchemaRefusal::UnknownModule(module.to_string()))?;
    check_field(&data.schema, def, &field)?;
    if matches!(field.kind, FieldKind::AutoNumber { .. }) && !(1..=999_999_999).contains(&start) {
        return Err(SchemaRefusal::Numbering);
    }
    let candidate = with_field(&data.schema, module, &field);
    let cand_def = candidate.module(module).unwrap_or(def);
    let position = user_fields(data)
        .iter()
        .filter(|f| f.module == module)
        .map(|f| f.position + 1.0)
        .fold(0.0, f64::max);
    let mut records: Vec<_> = data
        .set(module)
        .map(|s| s.records().collect())
        .unwrap_or_default();
    records.sort_by(|a, b| {
        a.created_at
            .cmp(&b.created_at)
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut updates = Vec::new();
    let mut next = start;
    match &field.kind {
        FieldKind::AutoNumber { prefix, pad } => {
            for r in &records {
                let mut values = r.values.clone();
                values.insert(
                    field.key.clone(),
                    Value::Text(auto_number_text(prefix, *pad, next)),
                );
                next += 1;
                updates.push(((*r).clone(), values));
            }
        }
        FieldKind::Formula { .. } | FieldKind::Rollup { .. } => {
            let overlay = Overlay::new(data, &WritePlan::default());
            let mut formulas = Formulas::default();
            let time = eval_time(ctx.now, &ctx.zone);
            for r in &records {
                let values = crate::domain::rules::computed_fields::recompute(
                    &candidate,
                    cand_def,
                    &r.id,
                    &r.values,
                    &overlay,
                    &mut formulas,
                    &time,
                );
                if values != r.values {
                    updates.push(((*r).clone(), values));
                }
            }
        }
        _ => {}
    }
    let counter = matches!(field.kind, FieldKind::AutoNumber { .. }).then_some(next);
    let values = field_values(module, &field, position, counter);
    let mut plan = plan_save(data, CUSTOM_FIELDS, None, values, None, ctx)
        .map_err(SchemaRefusal::Invalid)?
        .write;
    for (before, values) in updates {
        if let Some(after) = before.revised(values, before.owner.clone(), ctx.now) {
            plan.update(before, after, ctx.user, ctx.new_id);
        }
    }
    Ok(plan)
}

/// How many records of `module` hold a value in `key` (said before a removal).
pub fn holders(data: &Dataset, module: &str, key: &str) -> usize {
    data.set(module)
        .map(|s| s.records().filter(|r| r.get(key).is_some()).count())
        .unwrap_or(0)
}

/// The name of a field that reads `key` of `module` (a formula, directly or through
/// a lookup, or a rollup), if any: such a field must go first.
pub fn reader_of(schema: &Schema, module: &str, key: &str) -> Option<String> {
    let mut formulas = Formulas::default();
    for m in &schema.modules {
        for f in &m.fields {
            if m.key == module && f.key == key {
                continue;
            }
            let reads = match &f.kind {
                FieldKind::Formula { expression, result } => formulas
                    .get(schema, m, &f.key, expression, *result)
                    .is_some_and(|c| {
                        c.reads().iter().any(|p| match &p.via {
                            None => m.key == module && p.field == key,
                            Some(via) => {
                                (m.key == module && via == key)
                                    || (p.field == key
                                        && matches!(
                                            m.field(via).map(|l| &l.kind),
                                            Some(FieldKind::Lookup { module: t, .. }) if t == module
                                        ))
                            }
                        })
                    }),
                FieldKind::Rollup {
                    module: child,
                    via,
                    field,
                    ..
                } => child == module && (via == key || field.as_deref() == Some(key)),
                _ => false,
            };
            if reads {
                return Some(format!("{}.{}", m.key, f.key));
            }
        }
    }
    None
}

/// Plans removing the user field `key` of `module`: its definition and its value
/// on every record that holds one.
pub fn plan_remove_field(
    data: &Dataset,
    module: &str,
    key: &str,
    ctx: &mut WriteContext,
) -> Result<WritePlan, SchemaRefusal> {
    let record = user_field(data, module, key)
        .ok_or_else(|| SchemaRefusal::UnknownField(key.to_string()))?;
    if let Some(reader) = reader_of(&data.schema, module, key) {
        return Err(SchemaRefusal::ReadBy(reader));
    }
    let mut plan = WritePlan::default();
    plan.delete(record.clone());
    let holding: Vec<_> = data
        .set(module)
        .map(|s| s.records().filter(|r| r.get(key).is_some()).collect())
        .unwrap_or_default();
    for r in holding {
        let mut values = r.values.clone();
        values.remove(key);
        if let Some(after) = r.revised(values, r.owner.clone(), ctx.now) {
            plan.update(r.clone(), after, ctx.user, ctx.new_id);
        }
    }
    // A workflow rule naming the field is switched off, saying why, in the same plan.
    for rule in crate::domain::modules::automation_modules::rules_naming(data, module, key) {
        let values = crate::domain::modules::automation_modules::switched_off(rule);
        if let Some(after) = rule.revised(values, rule.owner.clone(), ctx.now) {
            plan.update(rule.clone(), after, ctx.user, ctx.new_id);
        }
    }
    Ok(plan)
}

/// What a user field can change after it is made: its kind and key stay, so the
/// values its records hold keep their meaning.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldEdit {
    pub label: String,
    pub help: String,
    pub required: bool,
    pub unique: bool,
    pub in_list: bool,
    /// The section of the form it sits in (one the module has; another keeps it
    /// where it is).
    pub section: String,
}

impl FieldEdit {
    /// The edit that changes nothing on `field`.
    pub fn of(field: &FieldDef) -> Self {
        let text = |l: &Label| match l {
            Label::Text(t) => t.clone(),
            Label::Key(k) => k.clone(),
        };
        FieldEdit {
            label: text(&field.label),
            help: field.help.as_ref().map(text).unwrap_or_default(),
            required: field.required,
            unique: field.unique,
            in_list: field.in_list,
            section: field.section.clone(),
        }
    }
}

/// How many records of `module` share a value of `key` with another record.
fn sharing(data: &Dataset, module: &str, field: &FieldDef) -> usize {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let Some(set) = data.set(module) else {
        return 0;
    };
    for r in set.records() {
        if let Some(v) = r.get(&field.key) {
            let mut keys = unique_keys(&field.kind, v);
            keys.sort();
            keys.dedup();
            for k in keys.into_iter().filter(|k| !k.is_empty()) {
                *seen.entry(k).or_default() += 1;
            }
        }
    }
    seen.values().filter(|n| **n > 1).sum()
}

/// Plans renaming the user field `key` of `module`, or changing its help text and
/// whether it is required, unique or shown in the list. Making it unique is
/// refused while records share a value (saying how many); making it required
/// asks for a value the next time such a record is saved, and changes no record.
pub fn plan_edit_field(
    data: &Dataset,
    module: &str,
    key: &str,
    edit: &FieldEdit,
    ctx: &mut WriteContext,
) -> Result<WritePlan, SchemaRefusal> {
    let record = user_field(data, module, key)
        .ok_or_else(|| SchemaRefusal::UnknownField(key.to_string()))?;
    let field = fields_of(data, module)
        .into_iter()
        .find(|f| f.def.key == key)
        .ok_or_else(|| SchemaRefusal::UnknownField(key.to_string()))?;
    let name = edit.label.trim();
    if name.is_empty() {
        return Err(SchemaRefusal::NoName);
    }
    let mut def = field.def.clone();
    def.label = Label::Text(name.to_string());
    let help = edit.help.trim();
    def.help = (!help.is_empty()).then(|| Label::Text(help.to_string()));
    // A computed field is never typed: it cannot be asked for, and an auto-number
    // is unique by how it is given.
    def.required = edit.required && def.is_typed();
    def.in_list = edit.in_list;
    let unique = edit.unique && def.is_typed();
    if unique && !def.unique {
        let n = sharing(data, module, &def);
        if n > 0 {
            return Err(SchemaRefusal::NotUnique(n));
        }
    }
    def.unique = unique;
    let sections = &data
        .schema
        .module(module)
        .map(|m| m.sections.clone())
        .unwrap_or_default();
    if sections.iter().any(|s| s.key == edit.section) {
        def.section = edit.section.clone();
    }
    let counter = matches!(def.kind, FieldKind::AutoNumber { .. }).then_some(field.next_number);
    let values = field_values(module, &def, field.position, counter);
    plan_save(data, CUSTOM_FIELDS, Some(record), values, None, ctx)
        .map(|s| s.write)
        .map_err(SchemaRefusal::Invalid)
}

/// Plans moving the user field `key` of `module` one place earlier (`earlier`) or
/// later among the module's own fields (which follow the standard ones): the two
/// fields trade places. At either end nothing moves (an empty plan).
pub fn plan_move_field(
    data: &Dataset,
    module: &str,
    key: &str,
    earlier: bool,
    ctx: &mut WriteContext,
) -> Result<WritePlan, SchemaRefusal> {
    let fields = fields_of(data, module);
    let at = fields
        .iter()
        .position(|f| f.def.key == key)
        .ok_or_else(|| SchemaRefusal::UnknownField(key.to_string()))?;
    let other = if earlier {
        at.checked_sub(1)
    } else {
        Some(at + 1).filter(|i| *i < fields.len())
    };
    let Some(other) = other else {
        return Ok(WritePlan::default());
    };
    // The module's fields are numbered again in their new order, so positions
    // that tie (or were made far apart) come out distinct; only those that change
    // are written.
    let mut order: Vec<&CustomField> = fields.iter().collect();
    order.swap(at, other);
    let mut plan = WritePlan::default();
    for (i, f) in order.into_iter().enumerate() {
        if f.position == i as f64 {
            continue;
        }
        let record = user_field(data, module, &f.def.key)
            .ok_or_else(|| SchemaRefusal::UnknownField(f.def.key.clone()))?;
        let mut values = record.values.clone();
        values.insert(POSITION, Value::Number(i as f64));
        if let Some(after) = record.revised(values, record.owner.clone(), ctx.now) {
            plan.update(record.clone(), after, ctx.user, ctx.new_id);
        }
    }
    Ok(plan)
}

/// The first field of another module that needs the user module `key`: a link to
/// it, or a rollup of its records (such a field must go first).
pub fn needed_by(schema: &Schema, key: &str) -> Option<String> {
    schema
        .modules
        .iter()
        .filter(|m| m.key != key)
        .flat_map(|m| m.fields.iter().map(move |f| (m, f)))
        .find(|(_, f)| match &f.kind {
            FieldKind::Lookup { module, .. } => module == key,
            FieldKind::Rollup { module, .. } => module == key,
            _ => false,
        })
        .map(|(m, f)| format!("{}.{}", m.key, f.key))
}

/// Plans removing the user module `key`: its definition, its fields' definitions
/// and every record it holds, in one plan. Refused while another module links to
/// it or rolls it up; a standard module is not removed.
pub fn plan_remove_module(data: &Dataset, key: &str) -> Result<WritePlan, SchemaRefusal> {
    let record = data
        .set(CUSTOM_MODULES)
        .and_then(|s| {
            s.records()
                .find(|r| matches!(r.get(MODULE_KEY), Some(Value::Text(k)) if k == key))
        })
        .ok_or_else(|| SchemaRefusal::UnknownModule(key.to_string()))?;
    if let Some(field) = needed_by(&data.schema, key) {
        return Err(SchemaRefusal::NeededBy(field));
    }
    let mut plan = WritePlan::default();
    plan.delete(record.clone());
    for f in fields_of(data, key) {
        if let Some(r) = user_field(data, key, &f.def.key) {
            plan.delete(r.clone());
        }
    }
    if let Some(set) = data.set(key) {
        for r in set.records() {
            plan.delete(r.clone());
        }
    }
    Ok(plan)
}

/// The user's fields of `module`, as the settings page lists them.
pub fn fields_of(data: &Dataset, module: &str) -> Vec<CustomField> {
    user_fields(data)
        .into_iter()
        .filter(|f| f.module == module)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::{standard_schema, COMPANIES};
    use crate::domain::records::field::Aggregate;
    use crate::domain::records::field_values::FieldValues;
    use crate::domain::records::formula::FormulaProblem;
    use crate::domain::records::time_zone::Zone;
    use crate::domain::rules::save_plan::plan_save;

    fn run<T>(f: impl FnOnce(&mut WriteContext) -> T) -> T {
        // Ids unique across plans, as the app's are.
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let mut ids = || {
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            format!("s{n}")
        };
        f(&mut WriteContext {
            now: 1_800_000_000_000,
            zone: Zone::default(),
            user: "me",
            new_id: &mut ids,
        })
    }

    fn field(key: &str, kind: FieldKind) -> FieldDef {
        FieldDef {
            label: Label::Text(key.into()),
            ..FieldDef::new(key, kind)
        }
    }

    fn formula(key: &str, src: &str) -> FieldDef {
        field(
            key,
            FieldKind::Formula {
                expression: src.into(),
                result: ResultType::Number,
            },
        )
    }

    fn add(d: &mut Dataset, module: &str, def: FieldDef) -> Result<(), SchemaRefusal> {
        let plan = run(|c| plan_add_field(d, module, def, 1, c))?;
        plan.apply_to(d);
        Ok(())
    }

    #[test]
    fn an_added_module_joins_the_schema_with_its_key_and_place_in_the_navigation() {
        let mut d = Dataset::new(standard_schema());
        let (plan, key) =
            run(|c| plan_add_module(&d, "project", "Projects", NavArea::Work, c)).unwrap();
        assert_eq!(key, "projects");
        plan.apply_to(&mut d);
        let m = d
            .schema
            .module("projects")
            .expect("the module is in the schema");
        assert!(m.nav);
        assert!(d
            .schema
            .nav_modules_in(NavArea::Work)
            .any(|m| m.key == "projects"));
        // A second module of the same name gets a key of its own.
        let (_, again) =
            run(|c| plan_add_module(&d, "project", "Projects", NavArea::Work, c)).unwrap();
        assert_eq!(again, "projects_2");
        assert!(matches!(
            run(|c| plan_add_module(&d, " ", "Projects", NavArea::Work, c)),
            Err(SchemaRefusal::NoName)
        ));
    }

    #[test]
    fn keys_that_are_malformed_reserved_or_taken_are_refused() {
        let mut d = Dataset::new(standard_schema());
        let refused = |d: &mut Dataset, key: &str| add(d, COMPANIES, field(key, FieldKind::Number));
        assert_eq!(
            refused(&mut d, "Tier"),
            Err(SchemaRefusal::KeyForm("Tier".into()))
        );
        assert_eq!(
            refused(&mut d, "and"),
            Err(SchemaRefusal::KeyReserved("and".into()))
        );
        assert_eq!(
            refused(&mut d, "website"),
            Err(SchemaRefusal::KeyTaken("website".into()))
        );
        assert_eq!(refused(&mut d, "tier"), Ok(()));
        assert_eq!(
            refused(&mut d, "tier"),
            Err(SchemaRefusal::KeyTaken("tier".into()))
        );
        let mut nameless = field("score", FieldKind::Number);
        nameless.label = Label::Text("  ".into());
        assert_eq!(add(&mut d, COMPANIES, nameless), Err(SchemaRefusal::NoName));
    }

    #[test]
    fn a_bad_formula_or_a_cycle_is_refused_with_what_is_wrong() {
        let mut d = Dataset::new(standard_schema());
        let e = add(&mut d, COMPANIES, formula("score", "employees * ")).unwrap_err();
        assert!(matches!(
            e,
            SchemaRefusal::Formula(ref f) if f.problem == FormulaProblem::UnexpectedEnd && f.at == 12
        ));
        let e = add(&mut d, COMPANIES, formula("score", "budget + 1")).unwrap_err();
        assert!(
            matches!(e, SchemaRefusal::Formula(ref f) if f.problem == FormulaProblem::UnknownField("budget".into()))
        );
        assert_eq!(
            add(&mut d, COMPANIES, formula("score", "score + 1")),
            Err(SchemaRefusal::Cycle(vec!["score".into(), "score".into()]))
        );
        add(&mut d, COMPANIES, formula("a", "employees * 2")).unwrap();
        add(&mut d, COMPANIES, formula("b", "a + 1")).unwrap();
        assert!(d.schema.module(COMPANIES).unwrap().field("b").is_some());
    }

    #[test]
    fn a_rollup_needs_a_link_to_this_module_and_an_addable_field() {
        let mut d = Dataset::new(standard_schema());
        let rollup = |via: &str, aggregate, counted: Option<&str>, condition: Option<&str>| {
            field(
                "r",
                FieldKind::Rollup {
                    module: "deals".into(),
                    via: via.into(),
                    aggregate,
                    field: counted.map(str::to_string),
                    condition: condition.map(str::to_string),
                },
            )
        };
        assert_eq!(
            add(
                &mut d,
                COMPANIES,
                rollup("pipeline", Aggregate::Count, None, None)
            ),
            Err(SchemaRefusal::NotALink("pipeline".into()))
        );
        assert_eq!(
            add(
                &mut d,
                COMPANIES,
                rollup("company", Aggregate::Sum, Some("title"), None)
            ),
            Err(SchemaRefusal::UnknownField("title".into()))
        );
        assert!(matches!(
            add(
                &mut d,
                COMPANIES,
                rollup("company", Aggregate::Sum, Some("amount"), Some("amount >"))
            ),
            Err(SchemaRefusal::Condition(_))
        ));
        assert_eq!(
            add(
                &mut d,
                COMPANIES,
                rollup(
                    "company",
                    Aggregate::Sum,
                    Some("amount"),
                    Some("probability > 50")
                )
            ),
            Ok(())
        );
    }

    #[test]
    fn removing_a_field_clears_its_values_but_not_while_another_reads_it() {
        let mut d = Dataset::new(standard_schema());
        add(&mut d, COMPANIES, field("tier", FieldKind::Number)).unwrap();
        add(&mut d, COMPANIES, formula("double_tier", "tier * 2")).unwrap();
        let mut v = FieldValues::new();
        v.insert("name", Value::Text("Acme".into()));
        v.insert("tier", Value::Number(3.0));
        let plan = run(|c| plan_save(&d, COMPANIES, None, v, None, c))
            .unwrap()
            .write;
        plan.apply_to(&mut d);
        assert_eq!(holders(&d, COMPANIES, "tier"), 1);
        assert_eq!(
            run(|c| plan_remove_field(&d, COMPANIES, "tier", c)).unwrap_err(),
            SchemaRefusal::ReadBy("companies.double_tier".into())
        );
        run(|c| plan_remove_field(&d, COMPANIES, "double_tier", c))
            .unwrap()
            .apply_to(&mut d);
        let plan = run(|c| plan_remove_field(&d, COMPANIES, "tier", c)).unwrap();
        assert_eq!(
            plan.updates.len(),
            1,
            "the one record holding a value is cleared"
        );
        plan.apply_to(&mut d);
        assert_eq!(holders(&d, COMPANIES, "tier"), 0);
        assert!(d.schema.module(COMPANIES).unwrap().field("tier").is_none());
        assert_eq!(
            run(|c| plan_remove_field(&d, COMPANIES, "name", c)).unwrap_err(),
            SchemaRefusal::UnknownField("name".into()),
            "a standard field is not removed here"
        );
    }

    #[test]
    fn removing_a_field_switches_off_the_rules_naming_it_and_says_why() {
        use crate::domain::modules::automation_modules::{WORKFLOW_ACTIONS, WORKFLOW_RULES};
        use crate::domain::records::record::Record;
        let mut d = Dataset::new(standard_schema());
        add(&mut d, COMPANIES, field("tier", FieldKind::Number)).unwrap();
        let rule = |id: &str, pairs: &[(&str, &str)]| {
            let mut v = FieldValues::new();
            v.insert("name", Value::Text(id.into()));
            v.insert("applies_to", Value::Text(COMPANIES.into()));
            for (k, val) in pairs {
                v.insert(*k, Value::Text(val.to_string()));
            }
            Record::new(id.into(), WORKFLOW_RULES, 1, None, v)
        };
        d.upsert(rule(
            "by-trigger",
            &[("trigger", "updated"), ("trigger_field", "Tier")],
        ));
        d.upsert(rule("by-action", &[("trigger", "created")]));
        d.upsert(rule(
            "other",
            &[("trigger", "updated"), ("trigger_field", "Name")],
        ));
        let mut a = FieldValues::new();
        a.insert("rule", Value::Ref("by-action".into()));
        a.insert("action", Value::Text("set_field".into()));
        a.insert("action_field", Value::Text("tier".into()));
        d.upsert(Record::new("a1".into(), WORKFLOW_ACTIONS, 1, None, a));
        let plan = run(|c| plan_remove_field(&d, COMPANIES, "tier", c)).unwrap();
        let mut off: Vec<&str> = plan
            .updates
            .iter()
            .filter(|(_, a)| a.module == WORKFLOW_RULES)
            .map(|(_, a)| {
                assert_eq!(a.get("active"), Some(&Value::Bool(false)));
                assert_eq!(
                    a.get("switched_off"),
                    Some(&Value::Text("field_removed".into()))
                );
                a.id.as_str()
            })
            .collect();
        off.sort();
        assert_eq!(off, ["by-action", "by-trigger"]);
    }

    fn company(d: &mut Dataset, name: &str, code: &str) {
        let mut v = FieldValues::new();
        v.insert("name", Value::Text(name.into()));
        if !code.is_empty() {
            v.insert("code", Value::Text(code.into()));
        }
        // As the app commits: computed fields completed on the plan first.
        let plan = run(|c| {
            let mut plan = plan_save(d, COMPANIES, None, v, None, c).unwrap().write;
            crate::domain::rules::computed_fields::complete(d, &mut plan, c);
            plan
        });
        plan.apply_to(d);
    }

    #[test]
    fn a_field_is_renamed_and_made_unique_only_while_no_two_records_share_a_value() {
        let mut d = Dataset::new(standard_schema());
        add(&mut d, COMPANIES, field("code", FieldKind::SingleLine)).unwrap();
        company(&mut d, "Acme", "A-1");
        company(&mut d, "Beta", "a-1 ");
        company(&mut d, "Gamma", "G-7");
        let schema_before = d.schema.clone();
        let f = d.schema.module(COMPANIES).unwrap().field("code").unwrap();
        let mut edit = FieldEdit::of(f);
        assert_eq!(edit.label, "code");
        edit.label = "Customer code".into();
        edit.help = "  As on the invoice ".into();
        edit.unique = true;
        // Two records share "a-1" (case and spaces aside): refused, nothing changes.
        assert_eq!(
            run(|c| plan_edit_field(&d, COMPANIES, "code", &edit, c)).unwrap_err(),
            SchemaRefusal::NotUnique(2)
        );
        assert_eq!(d.schema, schema_before);
        edit.unique = false;
        edit.required = true;
        edit.section = "address".into();
        run(|c| plan_edit_field(&d, COMPANIES, "code", &edit, c))
            .unwrap()
            .apply_to(&mut d);
        let f = d.schema.module(COMPANIES).unwrap().field("code").unwrap();
        assert_eq!(f.label, Label::Text("Customer code".into()));
        assert_eq!(f.help, Some(Label::Text("As on the invoice".into())));
        assert!(f.required && !f.unique);
        assert_eq!(f.section, "address", "it sits in the section chosen");
        // The records keep their values: the key did not change.
        assert_eq!(holders(&d, COMPANIES, "code"), 3);
        edit.label = "  ".into();
        assert_eq!(
            run(|c| plan_edit_field(&d, COMPANIES, "code", &edit, c)).unwrap_err(),
            SchemaRefusal::NoName
        );
        assert_eq!(
            run(|c| plan_edit_field(&d, COMPANIES, "name", &FieldEdit::of(f), c)).unwrap_err(),
            SchemaRefusal::UnknownField("name".into()),
            "a standard field is not edited here"
        );
    }

    #[test]
    fn a_computed_field_is_never_required_and_an_auto_number_keeps_its_count() {
        let mut d = Dataset::new(standard_schema());
        let numbered = field(
            "ref_no",
            FieldKind::AutoNumber {
                prefix: "C-".into(),
                pad: 3,
            },
        );
        run(|c| plan_add_field(&d, COMPANIES, numbered, 5, c))
            .unwrap()
            .apply_to(&mut d);
        company(&mut d, "Acme", "");
        let f = d.schema.module(COMPANIES).unwrap().field("ref_no").unwrap();
        let mut edit = FieldEdit::of(f);
        edit.required = true;
        edit.unique = true;
        edit.label = "Reference".into();
        run(|c| plan_edit_field(&d, COMPANIES, "ref_no", &edit, c))
            .unwrap()
            .apply_to(&mut d);
        let f = d.schema.module(COMPANIES).unwrap().field("ref_no").unwrap();
        assert!(!f.required && !f.unique);
        company(&mut d, "Beta", "");
        let numbers: Vec<_> = d
            .set(COMPANIES)
            .unwrap()
            .records()
            .filter_map(|r| r.get("ref_no").cloned())
            .collect();
        assert!(numbers.contains(&Value::Text("C-005".into())));
        assert!(
            numbers.contains(&Value::Text("C-006".into())),
            "the renamed field goes on counting: {numbers:?}"
        );
    }

    #[test]
    fn fields_trade_places_and_stay_put_at_either_end() {
        let mut d = Dataset::new(standard_schema());
        for k in ["alpha", "beta", "gamma"] {
            add(&mut d, COMPANIES, field(k, FieldKind::SingleLine)).unwrap();
        }
        let order = |d: &Dataset| -> Vec<String> {
            fields_of(d, COMPANIES)
                .into_iter()
                .map(|f| f.def.key)
                .collect()
        };
        run(|c| plan_move_field(&d, COMPANIES, "gamma", true, c))
            .unwrap()
            .apply_to(&mut d);
        assert_eq!(order(&d), ["alpha", "gamma", "beta"]);
        let keys: Vec<_> = d
            .schema
            .module(COMPANIES)
            .unwrap()
            .fields
            .iter()
            .map(|f| f.key.clone())
            .collect();
        assert_eq!(
            &keys[keys.len() - 3..],
            ["alpha", "gamma", "beta"],
            "the form follows"
        );
        assert!(run(|c| plan_move_field(&d, COMPANIES, "alpha", true, c))
            .unwrap()
            .is_empty());
        assert!(run(|c| plan_move_field(&d, COMPANIES, "beta", false, c))
            .unwrap()
            .is_empty());
        run(|c| plan_move_field(&d, COMPANIES, "alpha", false, c))
            .unwrap()
            .apply_to(&mut d);
        assert_eq!(order(&d), ["gamma", "alpha", "beta"]);
        assert_eq!(
            run(|c| plan_move_field(&d, COMPANIES, "name", false, c)).unwrap_err(),
            SchemaRefusal::UnknownField("name".into())
        );
    }

    #[test]
    fn a_module_goes_with_its_fields_and_records_but_not_while_another_links_to_it() {
        let mut d = Dataset::new(standard_schema());
        let (plan, key) =
            run(|c| plan_add_module(&d, "project", "Projects", NavArea::Work, c)).unwrap();
        plan.apply_to(&mut d);
        add(&mut d, &key, field("budget", FieldKind::Number)).unwrap();
        for name in ["Roof", "Porch"] {
            let mut v = FieldValues::new();
            v.insert("name", Value::Text(name.into()));
            run(|c| plan_save(&d, &key, None, v, None, c))
                .unwrap()
                .write
                .apply_to(&mut d);
        }
        let link = FieldKind::Lookup {
            module: key.clone(),
            within: None,
        };
        add(&mut d, COMPANIES, field("main_project", link)).unwrap();
        assert_eq!(
            plan_remove_module(&d, &key).unwrap_err(),
            SchemaRefusal::NeededBy("companies.main_project".into())
        );
        run(|c| plan_remove_field(&d, COMPANIES, "main_project", c))
            .unwrap()
            .apply_to(&mut d);
        let plan = plan_remove_module(&d, &key).unwrap();
        assert_eq!(
            plan.deletes.len(),
            4,
            "the module, its field and its two records"
        );
        plan.apply_to(&mut d);
        assert!(d.schema.module(&key).is_none());
        assert!(d.set(&key).is_none());
        assert!(fields_of(&d, &key).is_empty());
        assert_eq!(
            plan_remove_module(&d, COMPANIES).unwrap_err(),
            SchemaRefusal::UnknownModule(COMPANIES.into()),
            "a standard module is not removed"
        );
    }
}
