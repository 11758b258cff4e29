//! The rules every new or changed record passes through, in one order, however it
//! is made — the form, a board move, an import, a conversion: field defaults (a new
//! record only), the module's own rules (computed and system fields, scoring and
//! assignment, stage rules, recurrence) and the user's transition rules, then
//! validation of every value.

use crate::domain::records::field_values::FieldValues;
use crate::domain::records::module_def::ModuleDef;
use crate::domain::records::record::{Record, Timestamp};
use crate::domain::records::record_set::Dataset;
use crate::domain::records::validate::{validate_values, FieldError, Lookups};
use crate::domain::rules::module_rules::RuleSession;

/// A record's values after the rules, and what the rules decided besides.
#[derive(Debug, Default)]
pub struct Prepared {
    pub values: FieldValues,
    /// Refusals, in the order the form shows the fields.
    pub errors: Vec<FieldError>,
    /// The owner the rules chose for a new record (lead assignment).
    pub owner: Option<String>,
    /// New records of the same module made alongside (the next occurrence).
    pub follow_ups: Vec<FieldValues>,
    /// Other records the save changes too, as (before, after).
    pub side_updates: Vec<(Record, Record)>,
}

/// Fills the fields that have a default and no value (a new record only).
pub fn apply_defaults(def: &ModuleDef, values: &mut FieldValues) {
    for f in &def.fields {
        if let Some(d) = &f.default {
            if values.get(&f.key).is_none_or(|v| v.is_empty()) {
                values.insert(f.key.clone(), d.clone());
            }
        }
    }
}

/// The facts the rules read: the data, how validation sees it (the stored data, or
/// the stored data plus what an import's earlier rows made), and when.
pub struct RuleInput<'a> {
    pub data: &'a Dataset,
    pub lookups: &'a dyn Lookups,
    pub now: Timestamp,
    pub zone: crate::domain::records::time_zone::Zone,
}

pub fn prepare(
    input: &RuleInput,
    session: &mut RuleSession,
    def: &ModuleDef,
    before: Option<&Record>,
    values: FieldValues,
) -> Prepared {
    let mut out = apply_rules(input, session, def, before, values);
    let own_id = before.map(|b| b.id.as_str()).unwrap_or_default();
    for e in validate_values(def, &out.values, own_id, input.lookups) {
        if !out.errors.iter().any(|x| x.field == e.field) {
            out.errors.push(e);
        }
    }
    sort_for_form(def, &mut out.errors);
    out
}

/// The first two steps of `prepare` (defaults, the module's rules) without the
/// validation, for a planner that validates several new records together once all
/// exist (a conversion's contact links to its new company).
pub fn apply_rules(
    input: &RuleInput,
    session: &mut RuleSession,
    def: &ModuleDef,
    before: Option<&Record>,
    mut values: FieldValues,
) -> Prepared {
    if before.is_none() {
        apply_defaults(def, &mut values);
    }
    let rules = session.apply(
        input.data,
        &def.key,
        before,
        &mut values,
        input.now,
        &input.zone,
    );
    // The moves transition rules allow, and the fields they need filled first.
    let mut errors = rules.errors;
    for e in crate::domain::modules::blueprint_module::check_move(input.data, def, before, &values)
    {
        if !errors.iter().any(|x| x.field == e.field) {
            errors.push(e);
        }
    }
    Prepared {
        values,
        errors,
        owner: rules.owner,
        follow_ups: rules.follow_ups,
        side_updates: rules.side_updates,
    }
}

/// Errors in the order the form shows the fields (unknown ones last).
pub fn sort_for_form(def: &ModuleDef, errors: &mut [FieldError]) {
    errors.sort_by_key(|e| {
        def.fields
            .iter()
            .position(|f| f.key == e.field)
            .unwrap_or(usize::MAX)
    });
}
