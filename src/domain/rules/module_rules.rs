//! The one place a save consults a module's own rules (beyond what its field
//! definitions say): every way of saving — form, board move, one-click complete —
//! goes through `apply`, so the rules hold whichever way a change is made.

use crate::domain::records::field_values::FieldValues;

use crate::domain::leads::assignment::Assigner;
use crate::domain::leads::scoring;
use crate::domain::modules::activity_module::ACTIVITIES;
use crate::domain::modules::analytics_modules::QUOTAS;
use crate::domain::modules::automation_modules::{self, WORKFLOW_ACTIONS, WORKFLOW_RULES};
use crate::domain::modules::lead_module::{LEADS, SCORING_RULES};
use crate::domain::modules::sales_modules::{DEALS, RATES, STAGES};
use crate::domain::modules::standard_modules::MEMBERS;
use crate::domain::records::record::{Record, Timestamp};
use crate::domain::records::record_set::Dataset;
use crate::domain::records::validate::{FieldError, Problem};
use crate::domain::records::value::Value;

/// What the rules made of a save.
#[derive(Debug, Default)]
pub struct RuleOutcome {
    pub errors: Vec<FieldError>,
    /// New records of the same module the save also creates (the next occurrence of a
    /// series), written in the same transaction.
    pub follow_ups: Vec<FieldValues>,
    /// The owner the rules chose for a new record (lead assignment).
    pub owner: Option<String>,
    /// Other records the save changes too, as (before, after).
    pub side_updates: Vec<(Record, Record)>,
}

/// What a saved record changes elsewhere: a scoring rule rescores every lead.
pub fn after_save(data: &Dataset, saved: &Record, now: Timestamp) -> Vec<(Record, Record)> {
    match saved.module.as_str() {
        SCORING_RULES => {
            scoring::rescore_all(data, &scoring::active_rules(data, Some(saved), None), now)
        }
        _ => Vec::new(),
    }
}

/// Why a record may not be deleted now, as a translation key: a team member who
/// still owns or is assigned records stays until they are reassigned, so no record
/// is left belonging to nobody.
pub fn delete_guard(data: &Dataset, module: &str, id: &str) -> Option<&'static str> {
    match module {
        MEMBERS => data
            .sets()
            .any(|set| {
                set.records()
                    .any(|r| crate::domain::records::list_query::involves(&set.module, r, id))
            })
            .then_some("delete.member_in_use"),
        _ => None,
    }
}

/// What deleting a record changes elsewhere.
pub fn after_delete(
    data: &Dataset,
    module: &str,
    id: &str,
    now: Timestamp,
) -> Vec<(Record, Record)> {
    match module {
        SCORING_RULES => {
            scoring::rescore_all(data, &scoring::active_rules(data, None, Some(id)), now)
        }
        _ => Vec::new(),
    }
}

/// The rules over many records in a row (an import, a conversion): what they read
/// from the data (scoring rules, assignment turns and workloads) is read once, and
/// assignment turns move from one record to the next.
#[derive(Default, Clone)]
pub struct RuleSession {
    leads: Option<(Vec<scoring::ScoringRule>, Assigner)>,
}

impl RuleSession {
    pub fn apply(
        &mut self,
        data: &Dataset,
        module: &str,
        before: Option<&Record>,
        values: &mut FieldValues,
        now: Timestamp,
        zone: &crate::domain::records::time_zone::Zone,
    ) -> RuleOutcome {
        let mut out = RuleOutcome::default();
        match module {
            DEALS => {
                out.errors = crate::domain::sales::deal_rules::apply(data, before, values, now)
            }
            LEADS => {
                let (rules, assigner) = self.leads.get_or_insert_with(|| {
                    (scoring::active_rules(data, None, None), Assigner::new(data))
                });
                let lead =
                    crate::domain::leads::lead_rules::apply_with(before, values, rules, assigner);
                out.errors = lead.errors;
                out.owner = lead.owner;
            }
            ACTIVITIES => {
                let (errors, next) =
                    crate::domain::activities::activity_rules::apply(before, values, now, zone);
                out.errors = errors;
                out.follow_ups.extend(next);
            }
            RATES => {
                for f in ["currency", "base"] {
                    if let Some(Value::Text(code)) = values.get_mut(f) {
                        *code = code.trim().to_ascii_uppercase();
                        if code.len() != 3 || !code.chars().all(|c| c.is_ascii_uppercase()) {
                            out.errors.push(FieldError {
                                field: f.into(),
                                problem: Problem::InvalidMoney(code.clone()),
                            });
                        }
                    }
                }
                if matches!(values.get("rate"), Some(Value::Number(n)) if *n <= 0.0) {
                    out.errors.push(FieldError {
                        field: "rate".into(),
                        problem: Problem::Rule("problem.positive"),
                    });
                }
            }
            QUOTAS => out.errors = crate::domain::modules::analytics_modules::check_quota(values),
            WORKFLOW_RULES => out.errors = automation_modules::check_rule(data, values),
            WORKFLOW_ACTIONS => out.errors = automation_modules::check_action(data, values),
            crate::domain::modules::template_module::EMAIL_TEMPLATES => {
                out.errors = crate::domain::modules::template_module::check_template(data, values)
            }
            crate::domain::modules::blueprint_module::TRANSITIONS => {
                out.errors =
                    crate::domain::modules::blueprint_module::check_transition_rule(data, values)
            }
            STAGES => {
                if matches!(values.get("probability"), Some(Value::Number(n)) if !(0.0..=100.0).contains(n))
                {
                    out.errors.push(FieldError {
                        field: "probability".into(),
                        problem: Problem::Rule("problem.percent_range"),
                    });
                }
            }
            _ => {}
        }
        out
    }

    /// The assignment rules whose round-robin turn moved during the session, to save
    /// with the records they assigned.
    pub fn moved_turns(&self, data: &Dataset, now: Timestamp) -> Vec<(Record, Record)> {
        self.leads
            .as_ref()
            .map(|(_, a)| a.rule_updates(data, now))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules applied to one record, as a save applies them.
    fn apply(
        data: &Dataset,
        module: &str,
        before: Option<&Record>,
        values: &mut FieldValues,
        now: Timestamp,
        zone: &crate::domain::records::time_zone::Zone,
    ) -> RuleOutcome {
        RuleSession::default().apply(data, module, before, values, now, zone)
    }
    use crate::domain::modules::standard_modules::standard_schema;

    #[test]
    fn rates_are_upper_cased_and_must_be_positive() {
        let d = Dataset::new(standard_schema());
        let mut v: FieldValues = [
            ("currency".to_string(), Value::Text(" usd".into())),
            ("base".to_string(), Value::Text("EURO".into())),
            ("rate".to_string(), Value::Number(0.0)),
        ]
        .into();
        let out = apply(
            &d,
            RATES,
            None,
            &mut v,
            1,
            &crate::domain::records::time_zone::Zone::default(),
        );
        assert_eq!(v.get("currency"), Some(&Value::Text("USD".into())));
        let fields: Vec<_> = out.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["base", "rate"]);
    }

    #[test]
    fn other_modules_have_no_extra_rules() {
        let d = Dataset::new(standard_schema());
        let mut v: FieldValues = [("name".to_string(), Value::Text("Acme".into()))].into();
        let out = apply(
            &d,
            "companies",
            None,
            &mut v,
            1,
            &crate::domain::records::time_zone::Zone::default(),
        );
        assert!(out.errors.is_empty() && out.follow_ups.is_empty());
    }
}
