//! The one place computed fields are kept: every plan passes through `complete`
//! before it is committed, which gives each new record its auto-numbers and brings
//! every formula and rollup the plan's changes touch up to date — on the records the
//! plan writes, on the records whose rollups count them, and on the records whose
//! formulas read them through a lookup — in the same plan, so the same transaction.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Arc;

use chrono::DateTime;

use crate::domain::modules::custom_schema::{user_field, NEXT_NUMBER};
use crate::domain::records::field::{Aggregate, FieldDef, FieldKind, MAX_AMOUNT, MAX_NUMBER};
use crate::domain::records::field_values::FieldValues;
use crate::domain::records::formula::{compile, EvalTime, Formula, Linked, ResultType};
use crate::domain::records::module_def::{ModuleDef, Schema};
use crate::domain::records::record::{Record, Timestamp};
use crate::domain::records::record_set::Dataset;
use crate::domain::records::time_zone::Zone;
use crate::domain::records::value::{Money, Value};
use crate::domain::writes::plan::change_entry;
use crate::domain::writes::{WriteContext, WritePlan};

/// How often one record may be recomputed in one plan: formulas and rollups feed
/// each other across modules (a rollup read by a formula read through a lookup),
/// and cycles are refused when a field is defined, so this only bounds the work.
const MAX_ROUNDS: usize = 6;

/// The compiled formulas of a schema (a rollup's condition too), each compiled once
/// per plan; one that no longer compiles (a field it read was removed) gives blank.
#[derive(Default)]
pub struct Formulas {
    compiled: HashMap<(String, String), Option<Arc<Formula>>>,
}

impl Formulas {
    pub fn get(
        &mut self,
        schema: &Schema,
        module: &ModuleDef,
        key: &str,
        src: &str,
        result: ResultType,
    ) -> Option<Arc<Formula>> {
        self.compiled
            .entry((module.key.clone(), key.to_string()))
            .or_insert_with(|| compile(src, module, schema, result).ok().map(Arc::new))
            .clone()
    }
}

/// When a plan is worked out: formulas' TODAY and NOW.
pub fn eval_time(now: Timestamp, zone: &Zone) -> EvalTime {
    let at = DateTime::from_timestamp_millis(now).unwrap_or_default();
    EvalTime {
        today: zone.local_date(at),
        now: at,
    }
}

/// The records as the plan leaves them: the plan's own versions (with the values
/// computed so far) over the stored ones. Built once per plan: lookups do not
/// change while computed values are, so the links of the plan's records are
/// indexed once too.
pub struct Overlay<'a> {
    data: &'a Dataset,
    written: HashMap<String, Record>,
    deleted: HashSet<String>,
    /// (module, lookup, target) -> ids of the plan's records linking so.
    links: HashMap<(String, String, String), Vec<String>>,
}

impl<'a> Overlay<'a> {
    pub fn new(data: &'a Dataset, plan: &WritePlan) -> Self {
        let mut links: HashMap<(String, String, String), Vec<String>> = HashMap::new();
        for r in plan.written() {
            let Some(def) = data.schema.module(&r.module) else {
                continue;
            };
            for f in def
                .fields
                .iter()
                .filter(|f| matches!(f.kind, FieldKind::Lookup { .. }))
            {
                if let Some(Value::Ref(t)) = r.get(&f.key) {
                    links
                        .entry((r.module.clone(), f.key.clone(), t.clone()))
                        .or_default()
                        .push(r.id.clone());
                }
            }
        }
        Overlay {
            data,
            written: plan.written().map(|r| (r.id.clone(), r.clone())).collect(),
            deleted: plan.deletes.iter().map(|r| r.id.clone()).collect(),
            links,
        }
    }

    pub fn record(&self, module: &str, id: &str) -> Option<&Record> {
        if self.deleted.contains(id) {
            return None;
        }
        match self.written.get(id) {
            Some(r) => Some(r),
            None => self.data.get(module, id),
        }
    }

    /// The records of `module` whose lookup `via` names `target`, as the plan leaves them.
    fn linking(&self, module: &str, via: &str, target: &str) -> Vec<&Record> {
        let links_here = |r: &Record| matches!(r.get(via), Some(Value::Ref(t)) if t == target);
        // Stored links, as the plan leaves those records (a plan may move one away).
        let mut out: Vec<&Record> = self
            .data
            .set(module)
            .map(|s| {
                s.linking(via, target)
                    .filter(|r| !self.deleted.contains(&r.id))
                    .map(|r| self.written.get(&r.id).unwrap_or(r))
                    .filter(|r| links_here(r))
                    .collect()
            })
            .unwrap_or_default();
        // Links the plan makes anew.
        let key = (module.to_string(), via.to_string(), target.to_string());
        out.extend(
            self.links
                .get(&key)
                .into_iter()
                .flatten()
                .filter(|id| !self.data.get(module, id).is_some_and(links_here))
                .filter_map(|id| self.written.get(id)),
        );
        out
    }
}

impl Linked for Overlay<'_> {
    fn linked(&self, module: &str, id: &str) -> Option<&FieldValues> {
        self.record(module, id).map(|r| &r.values)
    }
}

/// A rollup's value over `children` (their values as the plan leaves them).
pub fn rollup_value(
    aggregate: Aggregate,
    field: Option<&FieldDef>,
    children: &[&FieldValues],
) -> Option<Value> {
    if aggregate == Aggregate::Count {
        return Some(Value::Number(children.len() as f64));
    }
    let key = &field?.key;
    let values: Vec<&Value> = children.iter().filter_map(|c| c.get(key)).collect();
    if let Some(Value::Money(first)) = values.first() {
        // Amounts in different currencies have no one sum without rates: blank,
        // rather than a figure that silently mixes them.
        let amounts: Option<Vec<rust_decimal::Decimal>> = values
            .iter()
            .map(|v| match v {
                Value::Money(m) if m.currency == first.currency => Some(m.amount),
                _ => None,
            })
            .collect();
        let amounts = amounts?;
        let amount = match aggregate {
            Aggregate::Sum => amounts
                .iter()
                .try_fold(rust_decimal::Decimal::ZERO, |a, b| a.checked_add(*b))?,
            Aggregate::Min => *amounts.iter().min()?,
            Aggregate::Max => *amounts.iter().max()?,
            Aggregate::Average => {
                let sum = amounts
                    .iter()
                    .try_fold(rust_decimal::Decimal::ZERO, |a, b| a.checked_add(*b))?;
                (sum / rust_decimal::Decimal::from(amounts.len())).round_dp(2)
            }
            Aggregate::Count => unreachable!("counted above"),
        };
        // Beyond the stored limit the record would not validate: blank instead.
        if amount.abs() > rust_decimal::Decimal::from(MAX_AMOUNT) {
            return None;
        }
        return Some(Value::Money(Box::new(Money {
            amount,
            currency: first.currency.clone(),
        })));
    }
    let numbers: Vec<f64> = values
        .iter()
        .filter_map(|v| match v {
            Value::Number(n) => Some(*n),
            _ => None,
        })
        .collect();
    let n = match aggregate {
        Aggregate::Sum => numbers.iter().sum(),
        Aggregate::Min => numbers.iter().copied().reduce(f64::min)?,
        Aggregate::Max => numbers.iter().copied().reduce(f64::max)?,
        Aggregate::Average if numbers.is_empty() => return None,
        Aggregate::Average => numbers.iter().sum::<f64>() / numbers.len() as f64,
        Aggregate::Count => unreachable!("counted above"),
    };
    (n.is_finite() && n.abs() <= MAX_NUMBER).then_some(Value::Number(n))
}

/// A record's computed values (not its auto-numbers) from its other values, with
/// the records around it as `overlay` has them.
pub fn recompute(
    schema: &Schema,
    def: &ModuleDef,
    id: &str,
    values: &FieldValues,
    overlay: &Overlay,
    formulas: &mut Formulas,
    time: &EvalTime,
) -> FieldValues {
    let mut out = values.clone();
    for f in &def.fields {
        if let FieldKind::Rollup {
            module,
            via,
            aggregate,
            field,
            condition,
        } = &f.kind
        {
            let Some(child_def) = schema.module(module) else {
                continue;
            };
            let condition = condition.as_deref().and_then(|c| {
                formulas.get(
                    schema,
                    child_def,
                    &format!("{}#{}", f.key, module),
                    c,
                    ResultType::Checkbox,
                )
            });
            let children: Vec<&Record> = overlay.linking(module, via, id);
            let kept: Vec<&FieldValues> = children
                .iter()
                .map(|r| &r.values)
                .filter(|v| {
                    condition.as_ref().is_none_or(|c| {
                        matches!(c.evaluate(v, overlay, time), Some(Value::Bool(true)))
                    })
                })
                .collect();
            let field = field.as_deref().and_then(|k| child_def.field(k));
            set(&mut out, &f.key, rollup_value(*aggregate, field, &kept));
        }
    }
    // A formula may read another formula of the record: passes in field order
    // settle once every formula read an up-to-date value (cycles are refused).
    let formula_fields: Vec<&FieldDef> = def
        .fields
        .iter()
        .filter(|f| matches!(f.kind, FieldKind::Formula { .. }))
        .collect();
    for _ in 0..formula_fields.len().max(1) {
        let mut changed = false;
        for f in &formula_fields {
            let FieldKind::Formula { expression, result } = &f.kind else {
                continue;
            };
            let value = formulas
                .get(schema, def, &f.key, expression, *result)
                .and_then(|c| c.evaluate(&out, overlay, time));
            changed |= set(&mut out, &f.key, value);
        }
        if !changed {
            break;
        }
    }
    out
}

/// Sets or clears `key`; whether that changed anything.
fn set(values: &mut FieldValues, key: &str, value: Option<Value>) -> bool {
    let same = values.get(key) == value.as_ref();
    if !same {
        match value {
            Some(v) => {
                values.insert(key.to_string(), v);
            }
            None => {
                values.remove(key);
            }
        }
    }
    !same
}

/// Which records a change of a `module` record touches: the modules whose rollups
/// count its records (by their lookup), and those whose formulas read it through a
/// lookup.
#[derive(Default)]
struct Dependents {
    /// changed module -> (module holding the rollup, its lookup on the changed module).
    rolled_into: BTreeMap<String, Vec<(String, String)>>,
    /// changed module -> (module whose formula reads it, the lookup it reads through).
    read_by: BTreeMap<String, Vec<(String, String)>>,
}

impl Dependents {
    fn of(schema: &Schema, formulas: &mut Formulas) -> Self {
        let mut d = Dependents::default();
        for m in &schema.modules {
            for f in &m.fields {
                match &f.kind {
                    FieldKind::Rollup { module, via, .. } => {
                        d.rolled_into
                            .entry(module.clone())
                            .or_default()
                            .push((m.key.clone(), via.clone()));
                    }
                    FieldKind::Formula { expression, result } => {
                        let Some(c) = formulas.get(schema, m, &f.key, expression, *result) else {
                            continue;
                        };
                        for path in c.reads() {
                            let Some(via) = &path.via else { continue };
                            if let Some(FieldKind::Lookup { module: target, .. }) =
                                m.field(via).map(|l| &l.kind)
                            {
                                let entry = d.read_by.entry(target.clone()).or_default();
                                let pair = (m.key.clone(), via.clone());
                                if !entry.contains(&pair) {
                                    entry.push(pair);
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        d
    }
}

fn has_computed(def: &ModuleDef) -> bool {
    def.fields.iter().any(|f| f.kind.is_computed())
}

/// The auto-number text of `n` for a field.
pub fn auto_number_text(prefix: &str, pad: u8, n: u64) -> String {
    format!("{prefix}{n:0width$}", width = pad as usize)
}

/// Completes `plan` with its computed values (see the module's doc).
pub fn complete(data: &Dataset, plan: &mut WritePlan, ctx: &mut WriteContext) {
    if plan.replaces_all || plan.is_empty() {
        return;
    }
    let schema = &data.schema;
    if !schema.modules.iter().any(has_computed) {
        return;
    }
    assign_numbers(data, plan, ctx);
    let mut formulas = Formulas::default();
    let dependents = Dependents::of(schema, &mut formulas);
    let time = eval_time(ctx.now, &ctx.zone);
    let befores: HashMap<String, Record> = plan
        .updates
        .iter()
        .map(|(b, _)| b.clone())
        .chain(plan.deletes.iter().cloned())
        .map(|r| (r.id.clone(), r))
        .collect();
    let mut overlay = Overlay::new(data, plan);
    // (module, id) of records to recompute; each is recomputed a bounded number of
    // times, and is in the queue at most once at a time.
    let mut queue: VecDeque<(String, String)> = VecDeque::new();
    let mut queued: HashSet<(String, String)> = HashSet::new();
    let mut rounds: HashMap<(String, String), usize> = HashMap::new();
    let mut changed: Vec<(String, String)> = Vec::new();
    let push = |queue: &mut VecDeque<(String, String)>,
                queued: &mut HashSet<(String, String)>,
                item: (String, String)| {
        if queued.insert(item.clone()) {
            queue.push_back(item);
        }
    };
    for r in plan.written().chain(befores.values()) {
        push(&mut queue, &mut queued, (r.module.clone(), r.id.clone()));
    }
    while let Some(item) = queue.pop_front() {
        queued.remove(&item);
        let n = rounds.entry(item.clone()).or_insert(0);
        if *n >= MAX_ROUNDS {
            continue;
        }
        *n += 1;
        let first = *n == 1;
        let (module, id) = &item;
        // Whom a change of this record reaches: as it was and as it will be.
        let mut reached: Vec<(String, String)> = Vec::new();
        let was = befores.get(id).or_else(|| data.get(module, id));
        for (holder, via) in dependents.rolled_into.get(module).into_iter().flatten() {
            for r in [was, overlay.record(module, id)].into_iter().flatten() {
                if let Some(Value::Ref(parent)) = r.get(via) {
                    reached.push((holder.clone(), parent.clone()));
                }
            }
        }
        for (reader, via) in dependents.read_by.get(module).into_iter().flatten() {
            for r in overlay.linking(reader, via, id) {
                reached.push((reader.clone(), r.id.clone()));
            }
        }
        let mut moved = false;
        if let (Some(def), Some(current)) = (schema.module(module), overlay.record(module, id)) {
            if has_computed(def) {
                let values = recompute(
                    schema,
                    def,
                    id,
                    &current.values,
                    &overlay,
                    &mut formulas,
                    &time,
                );
                if values != current.values {
                    let mut r = current.clone();
                    r.values = values;
                    overlay.written.insert(id.clone(), r);
                    if !changed.contains(&item) {
                        changed.push(item.clone());
                    }
                    moved = true;
                }
            }
        }
        if first || moved {
            for r in reached {
                push(&mut queue, &mut queued, r);
            }
        }
    }
    for (_, id) in changed {
        if let Some(r) = overlay.written.remove(&id) {
            write_values(data, plan, r, ctx);
        }
    }
}

/// Puts `values` on `record` in the plan: into its insert or update if the plan has
/// one (with its history entry written again), else as a new update.
fn write_values(data: &Dataset, plan: &mut WritePlan, record: Record, ctx: &mut WriteContext) {
    let values = record.values.clone();
    let user = ctx.user;
    let rewrite = |plan: &mut WritePlan, after: &Record, before: Option<&Record>| {
        if let Some(entry) = plan.changes.iter_mut().find(|c| c.record_id == after.id) {
            *entry = change_entry(entry.id.clone(), after, before, user);
        }
    };
    if let Some(i) = plan.inserts.iter().position(|r| r.id == record.id) {
        plan.inserts[i].values = values;
        let after = plan.inserts[i].clone();
        rewrite(plan, &after, None);
        return;
    }
    if let Some(i) = plan.updates.iter().position(|(_, a)| a.id == record.id) {
        plan.updates[i].1.values = values;
        let (before, after) = plan.updates[i].clone();
        rewrite(plan, &after, Some(&before));
        return;
    }
    let Some(stored) = data.get(&record.module, &record.id) else {
        return;
    };
    if let Some(after) = stored.revised(values, stored.owner.clone(), ctx.now) {
        plan.update(stored.clone(), after, ctx.user, ctx.new_id);
    }
}

/// Gives every new record of the plan the next number of each auto-number field it
/// has none for, and saves each field's counter forward in the same plan.
fn assign_numbers(data: &Dataset, plan: &mut WritePlan, ctx: &mut WriteContext) {
    let mut next: BTreeMap<(String, String), u64> = BTreeMap::new();
    for r in plan.inserts.iter_mut() {
        let Some(def) = data.schema.module(&r.module) else {
            continue;
        };
        for f in &def.fields {
            let FieldKind::AutoNumber { prefix, pad } = &f.kind else {
                continue;
            };
            if r.get(&f.key).is_some() {
                continue;
            }
            let counter = next
                .entry((def.key.clone(), f.key.clone()))
                .or_insert_with(|| stored_next(data, &def.key, &f.key));
            r.values.insert(
                f.key.clone(),
                Value::Text(auto_number_text(prefix, *pad, *counter)),
            );
            *counter += 1;
        }
    }
    for r in plan.inserts.clone() {
        if let Some(entry) = plan.changes.iter_mut().find(|c| c.record_id == r.id) {
            *entry = change_entry(entry.id.clone(), &r, None, ctx.user);
        }
    }
    for ((module, field), n) in next {
        let Some(stored) = user_field(data, &module, &field) else {
            continue;
        };
        let mut values = stored.values.clone();
        values.insert(NEXT_NUMBER, Value::Number(n as f64));
        if let Some(after) = stored.revised(values, stored.owner.clone(), ctx.now) {
            plan.update(stored.clone(), after, ctx.user, ctx.new_id);
        }
    }
}

/// The next number field `field` of `module` gives, as its definition keeps it.
pub fn stored_next(data: &Dataset, module: &str, field: &str) -> u64 {
    user_field(data, module, field)
        .and_then(|r| match r.get(NEXT_NUMBER) {
            Some(Value::Number(n)) if *n >= 1.0 => Some(*n as u64),
            _ => None,
        })
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::{standard_schema, COMPANIES};
    use crate::domain::records::field::Label;
    use crate::domain::records::module_def::NavArea;
    use crate::domain::rules::delete::plan_delete;
    use crate::domain::rules::save_plan::plan_save;
    use crate::domain::rules::schema_changes::{plan_add_field, plan_add_module};

    struct World {
        data: Dataset,
        ids: u64,
        now: Timestamp,
    }

    fn field(key: &str, kind: FieldKind) -> FieldDef {
        FieldDef {
            label: Label::Text(key.into()),
            ..FieldDef::new(key, kind)
        }
    }

    impl World {
        /// Runs `f` with a context, then commits its plan as the app does: computed
        /// fields completed, then applied.
        fn commit(
            &mut self,
            f: impl FnOnce(&Dataset, &mut WriteContext) -> WritePlan,
        ) -> WritePlan {
            self.now += 1_000;
            let mut n = self.ids;
            let mut new_id = || {
                n += 1;
                format!("id{n}")
            };
            let mut ctx = WriteContext {
                now: self.now,
                zone: Zone::default(),
                user: "me",
                new_id: &mut new_id,
            };
            let mut plan = f(&self.data, &mut ctx);
            complete(&self.data, &mut plan, &mut ctx);
            plan.apply_to(&mut self.data);
            self.ids = n + 100;
            plan
        }

        fn add_field(&mut self, module: &str, def: FieldDef) {
            self.commit(|d, c| plan_add_field(d, module, def, 1, c).expect("field added"));
            assert!(self
                .data
                .schema
                .module(module)
                .unwrap()
                .field(&def_key(&self.data, module))
                .is_some());
        }

        fn save(&mut self, module: &str, id: Option<&str>, values: &[(&str, Value)]) -> String {
            let before = id.and_then(|i| self.data.get(module, i)).cloned();
            let mut v = before
                .as_ref()
                .map(|r| r.values.clone())
                .unwrap_or_default();
            for (k, x) in values {
                v.insert(*k, x.clone());
            }
            let plan = self.commit(|d, c| {
                plan_save(d, module, before.as_ref(), v, None, c)
                    .unwrap_or_else(|e| panic!("{e:?}"))
                    .write
            });
            let id = plan
                .written()
                .find(|r| r.module == module)
                .map(|r| r.id.clone());
            id.unwrap()
        }

        fn get(&self, module: &str, id: &str, key: &str) -> Option<Value> {
            self.data.get(module, id).unwrap().get(key).cloned()
        }
    }

    /// The key of the field last added to `module`.
    fn def_key(data: &Dataset, module: &str) -> String {
        data.schema
            .module(module)
            .unwrap()
            .fields
            .last()
            .unwrap()
            .key
            .clone()
    }

    fn text(s: &str) -> Value {
        Value::Text(s.into())
    }

    fn eur(n: i64) -> Value {
        Value::Money(Box::new(Money {
            amount: n.into(),
            currency: "EUR".into(),
        }))
    }

    /// Projects (with a company, a budget, a code PRJ-0001…, and a label formula) and
    /// companies that count and sum their projects.
    fn world() -> World {
        let mut w = World {
            data: Dataset::new(standard_schema()),
            ids: 0,
            now: 1_800_000_000_000,
        };
        w.commit(|d, c| {
            plan_add_module(d, "project", "Projects", NavArea::Work, c)
                .unwrap()
                .0
        });
        w.add_field(
            "projects",
            field(
                "company",
                FieldKind::Lookup {
                    module: COMPANIES.into(),
                    within: None,
                },
            ),
        );
        w.add_field("projects", field("budget", FieldKind::Currency));
        w.add_field(
            "projects",
            field(
                "code",
                FieldKind::AutoNumber {
                    prefix: "PRJ-".into(),
                    pad: 4,
                },
            ),
        );
        w.add_field(
            "projects",
            field(
                "label",
                FieldKind::Formula {
                    expression: "code & ' ' & name & ' (' & company.name & ')'".into(),
                    result: ResultType::Text,
                },
            ),
        );
        w.add_field(
            COMPANIES,
            field(
                "project_count",
                FieldKind::Rollup {
                    module: "projects".into(),
                    via: "company".into(),
                    aggregate: Aggregate::Count,
                    field: None,
                    condition: None,
                },
            ),
        );
        w.add_field(
            COMPANIES,
            field(
                "big_budgets",
                FieldKind::Rollup {
                    module: "projects".into(),
                    via: "company".into(),
                    aggregate: Aggregate::Sum,
                    field: Some("budget".into()),
                    condition: Some("budget >= 100".into()),
                },
            ),
        );
        w
    }

    #[test]
    fn new_records_are_numbered_in_order_and_a_deleted_number_is_never_given_again() {
        let mut w = world();
        let a = w.save("projects", None, &[("name", text("Roof"))]);
        let b = w.save("projects", None, &[("name", text("Wall"))]);
        assert_eq!(w.get("projects", &a, "code"), Some(text("PRJ-0001")));
        assert_eq!(w.get("projects", &b, "code"), Some(text("PRJ-0002")));
        w.commit(|d, c| plan_delete(d, "projects", &b, c).unwrap());
        let c = w.save("projects", None, &[("name", text("Door"))]);
        assert_eq!(w.get("projects", &c, "code"), Some(text("PRJ-0003")));
        // An edit keeps the number.
        w.save("projects", Some(&a), &[("name", text("Roof, south"))]);
        assert_eq!(w.get("projects", &a, "code"), Some(text("PRJ-0001")));
        assert_eq!(stored_next(&w.data, "projects", "code"), 4);
    }

    #[test]
    fn a_formula_follows_its_record_and_the_record_it_links_to() {
        let mut w = world();
        let acme = w.save(COMPANIES, None, &[("name", text("Acme"))]);
        let p = w.save(
            "projects",
            None,
            &[
                ("name", text("Roof")),
                ("company", Value::Ref(acme.clone())),
            ],
        );
        assert_eq!(
            w.get("projects", &p, "label"),
            Some(text("PRJ-0001 Roof (Acme)"))
        );
        w.save(COMPANIES, Some(&acme), &[("name", text("Acme Ltd"))]);
        assert_eq!(
            w.get("projects", &p, "label"),
            Some(text("PRJ-0001 Roof (Acme Ltd)")),
            "renaming the company recomputes the project in the same plan"
        );
    }

    #[test]
    fn rollups_follow_inserts_updates_deletes_and_moves() {
        let mut w = world();
        let acme = w.save(COMPANIES, None, &[("name", text("Acme"))]);
        let globex = w.save(COMPANIES, None, &[("name", text("Globex"))]);
        assert_eq!(
            w.get(COMPANIES, &acme, "project_count"),
            Some(Value::Number(0.0))
        );
        let link = |c: &str| ("company", Value::Ref(c.to_string()));
        let a = w.save(
            "projects",
            None,
            &[("name", text("A")), link(&acme), ("budget", eur(500))],
        );
        let b = w.save(
            "projects",
            None,
            &[("name", text("B")), link(&acme), ("budget", eur(50))],
        );
        assert_eq!(
            w.get(COMPANIES, &acme, "project_count"),
            Some(Value::Number(2.0))
        );
        assert_eq!(
            w.get(COMPANIES, &acme, "big_budgets"),
            Some(eur(500)),
            "the condition leaves out the small budget"
        );
        w.save("projects", Some(&b), &[("budget", eur(150))]);
        assert_eq!(w.get(COMPANIES, &acme, "big_budgets"), Some(eur(650)));
        // Moved to another company: both are recomputed.
        w.save("projects", Some(&a), &[link(&globex)]);
        assert_eq!(
            w.get(COMPANIES, &acme, "project_count"),
            Some(Value::Number(1.0))
        );
        assert_eq!(w.get(COMPANIES, &acme, "big_budgets"), Some(eur(150)));
        assert_eq!(w.get(COMPANIES, &globex, "big_budgets"), Some(eur(500)));
        w.commit(|d, c| plan_delete(d, "projects", &b, c).unwrap());
        assert_eq!(
            w.get(COMPANIES, &acme, "project_count"),
            Some(Value::Number(0.0))
        );
        assert_eq!(
            w.get(COMPANIES, &acme, "big_budgets"),
            Some(Value::Number(0.0))
        );
    }

    #[test]
    fn a_field_added_later_is_computed_for_the_records_already_there() {
        let mut w = world();
        let acme = w.save(COMPANIES, None, &[("name", text("Acme"))]);
        for name in ["A", "B", "C"] {
            w.save(
                "projects",
                None,
                &[("name", text(name)), ("company", Value::Ref(acme.clone()))],
            );
        }
        w.add_field(
            COMPANIES,
            field(
                "busy",
                FieldKind::Formula {
                    expression: "project_count >= 3".into(),
                    result: ResultType::Checkbox,
                },
            ),
        );
        assert_eq!(w.get(COMPANIES, &acme, "busy"), Some(Value::Bool(true)));
        w.add_field(
            "projects",
            field(
                "ref",
                FieldKind::AutoNumber {
                    prefix: String::new(),
                    pad: 0,
                },
            ),
        );
        let mut refs: Vec<String> = w
            .data
            .set("projects")
            .unwrap()
            .records()
            .filter_map(|r| r.get("ref").map(Value::to_plain))
            .collect();
        refs.sort();
        assert_eq!(
            refs,
            ["1", "2", "3"],
            "existing records numbered in the order they were made"
        );
        let d = w.save("projects", None, &[("name", text("D"))]);
        assert_eq!(w.get("projects", &d, "ref"), Some(text("4")));
    }

    #[test]
    fn a_sum_out_of_range_or_in_mixed_currencies_is_blank_not_a_refused_save() {
        let mut w = world();
        let acme = w.save(COMPANIES, None, &[("name", text("Acme"))]);
        let link = ("company", Value::Ref(acme.clone()));
        w.save(
            "projects",
            None,
            &[("name", text("A")), link.clone(), ("budget", eur(600))],
        );
        let usd = Value::Money(Box::new(Money {
            amount: 700.into(),
            currency: "USD".into(),
        }));
        w.save(
            "projects",
            None,
            &[("name", text("B")), link, ("budget", usd)],
        );
        assert_eq!(w.get(COMPANIES, &acme, "big_budgets"), None);
        assert_eq!(
            w.get(COMPANIES, &acme, "project_count"),
            Some(Value::Number(2.0))
        );
    }

    #[test]
    fn an_aggregate_beyond_the_stored_limits_is_blank() {
        let big = |n: f64| {
            let mut v = FieldValues::new();
            v.insert("n", Value::Number(n));
            v
        };
        let def = field("n", FieldKind::Number);
        let (a, b) = (big(9e14), big(9e14));
        assert_eq!(rollup_value(Aggregate::Sum, Some(&def), &[&a, &b]), None);
        assert_eq!(
            rollup_value(Aggregate::Max, Some(&def), &[&a, &b]),
            Some(Value::Number(9e14))
        );
        assert_eq!(rollup_value(Aggregate::Average, Some(&def), &[]), None);
        assert_eq!(
            rollup_value(Aggregate::Count, None, &[&a]),
            Some(Value::Number(1.0))
        );
    }
}
