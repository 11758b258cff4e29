//! Lead assignment: territories (rules on place, industry and size) and assignment
//! rules applied in order — by territory, by a field condition, round-robin among a
//! group, or to the member with the fewest open leads. Round-robin turns are kept in
//! the rule record, so they stay fair across restarts of the app.

use crate::domain::records::field_values::FieldValues;
use std::collections::HashMap;

use crate::domain::modules::lead_module::{ASSIGNMENT_RULES, CLOSED_STATUSES, LEADS, TERRITORIES};
use crate::domain::records::condition::Condition;
use crate::domain::records::normalize::fold;
use crate::domain::records::record::{Record, Timestamp};
use crate::domain::records::record_set::Dataset;
use crate::domain::records::value::Value;

#[derive(Clone, Debug, PartialEq)]
pub enum Method {
    Territory,
    Condition,
    RoundRobin,
    FewestOpen,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub method: Method,
    pub condition: Option<Condition>,
    pub territory: Option<String>,
    pub assignee: Option<String>,
    pub group: Vec<String>,
    pub last_assigned: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Territory {
    pub countries: Vec<String>,
    pub regions: Vec<String>,
    pub industries: Vec<String>,
    pub min_employees: Option<f64>,
    pub max_employees: Option<f64>,
    pub members: Vec<String>,
}

/// Who gets a lead, and which rule said so.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    pub user: String,
    pub rule_id: String,
    pub rule_name: String,
}

fn text(r: &FieldValues, k: &str) -> Option<String> {
    match r.get(k) {
        Some(Value::Text(s)) | Some(Value::Ref(s)) if !s.trim().is_empty() => Some(s.clone()),
        _ => None,
    }
}

fn list(r: &FieldValues, k: &str) -> Vec<String> {
    match r.get(k) {
        Some(Value::List(items)) => items.clone(),
        _ => Vec::new(),
    }
}

fn number(r: &FieldValues, k: &str) -> Option<f64> {
    match r.get(k) {
        Some(Value::Number(n)) => Some(*n),
        _ => None,
    }
}

impl Territory {
    pub fn of(r: &Record) -> Territory {
        Territory {
            countries: list(&r.values, "countries"),
            regions: list(&r.values, "regions"),
            industries: list(&r.values, "industries"),
            min_employees: number(&r.values, "min_employees"),
            max_employees: number(&r.values, "max_employees"),
            members: list(&r.values, "members"),
        }
    }

    /// Every criterion the territory sets must hold; one it leaves empty holds.
    pub fn covers(&self, lead: &FieldValues) -> bool {
        let one_of = |allowed: &[String], field: &str| {
            allowed.is_empty()
                || text(lead, field).is_some_and(|v| allowed.iter().any(|a| fold(a) == fold(&v)))
        };
        let size = number(lead, "employees");
        one_of(&self.countries, "country")
            && one_of(&self.regions, "region")
            && one_of(&self.industries, "industry")
            && self
                .min_employees
                .is_none_or(|m| size.is_some_and(|s| s >= m))
            && self
                .max_employees
                .is_none_or(|m| size.is_some_and(|s| s <= m))
    }
}

/// Assigns leads one after another, keeping round-robin turns and open-lead counts
/// current between them (an import assigns thousands in a row).
#[derive(Clone)]
pub struct Assigner {
    rules: Vec<Rule>,
    territories: HashMap<String, Territory>,
    open: HashMap<String, usize>,
    /// Rule id → last user it assigned, as it was before this assigner started.
    started_with: HashMap<String, Option<String>>,
}

impl Assigner {
    pub fn new(data: &Dataset) -> Assigner {
        let mut rules: Vec<(f64, Rule)> = data
            .set(ASSIGNMENT_RULES)
            .map(|s| {
                s.records()
                    .filter(|r| !matches!(r.get("active"), Some(Value::Bool(false))))
                    .filter_map(|r| {
                        let v = &r.values;
                        let method = match text(v, "method")?.as_str() {
                            "territory" => Method::Territory,
                            "condition" => Method::Condition,
                            "round_robin" => Method::RoundRobin,
                            _ => Method::FewestOpen,
                        };
                        Some((
                            number(v, "position").unwrap_or(f64::MAX),
                            Rule {
                                id: r.id.clone(),
                                name: text(v, "name").unwrap_or_default(),
                                method,
                                condition: text(v, "field").and_then(|_| Condition::from_values(v)),
                                territory: text(v, "territory"),
                                assignee: text(v, "assignee"),
                                group: list(v, "group"),
                                last_assigned: text(v, "last_assigned"),
                            },
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        rules.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.name.cmp(&b.1.name)));
        let territories = data
            .set(TERRITORIES)
            .map(|s| {
                s.records()
                    .map(|r| (r.id.clone(), Territory::of(r)))
                    .collect()
            })
            .unwrap_or_default();
        let mut open: HashMap<String, usize> = HashMap::new();
        if let Some(set) = data.set(LEADS) {
            for r in set.records() {
                let closed = text(&r.values, "status")
                    .is_some_and(|s| CLOSED_STATUSES.contains(&s.as_str()));
                if let (false, Some(o)) = (closed, &r.owner) {
                    *open.entry(o.clone()).or_default() += 1;
                }
            }
        }
        let started_with = rules
            .iter()
            .map(|(_, r)| (r.id.clone(), r.last_assigned.clone()))
            .collect();
        Assigner {
            rules: rules.into_iter().map(|(_, r)| r).collect(),
            territories,
            open,
            started_with,
        }
    }

    /// The member after `last` in `group`, wrapping; the first when `last` is not in it.
    fn next_turn(group: &[String], last: Option<&String>) -> Option<String> {
        if group.is_empty() {
            return None;
        }
        let at = last
            .and_then(|l| group.iter().position(|g| g == l))
            .map(|i| (i + 1) % group.len())
            .unwrap_or(0);
        Some(group[at].clone())
    }

    fn fewest(&self, group: &[String]) -> Option<String> {
        group
            .iter()
            .min_by_key(|u| self.open.get(*u).copied().unwrap_or(0))
            .cloned()
    }

    /// Who gets a new lead with these values, by the first rule that gives someone.
    pub fn assign(&mut self, lead: &FieldValues) -> Option<Assignment> {
        let mut chosen = None;
        for (i, rule) in self.rules.iter().enumerate() {
            if rule.condition.as_ref().is_some_and(|c| !c.matches(lead)) {
                continue;
            }
            let territory = rule
                .territory
                .as_ref()
                .and_then(|t| self.territories.get(t));
            let user = match rule.method {
                Method::Territory => match territory {
                    Some(t) if t.covers(lead) => {
                        Self::next_turn(&t.members, rule.last_assigned.as_ref())
                    }
                    _ => None,
                },
                Method::Condition => rule.condition.as_ref().and(rule.assignee.clone()),
                Method::RoundRobin => Self::next_turn(&rule.group, rule.last_assigned.as_ref()),
                Method::FewestOpen => {
                    let pool = if rule.group.is_empty() {
                        territory
                            .filter(|t| t.covers(lead))
                            .map(|t| t.members.clone())
                            .unwrap_or_default()
                    } else {
                        rule.group.clone()
                    };
                    self.fewest(&pool)
                }
            };
            if let Some(user) = user {
                chosen = Some((i, user));
                break;
            }
        }
        let (i, user) = chosen?;
        let rule = &mut self.rules[i];
        if matches!(rule.method, Method::Territory | Method::RoundRobin) {
            rule.last_assigned = Some(user.clone());
        }
        *self.open.entry(user.clone()).or_default() += 1;
        Some(Assignment {
            user,
            rule_id: rule.id.clone(),
            rule_name: rule.name.clone(),
        })
    }

    /// The rule records whose round-robin turn moved, to save with the assigned leads.
    pub fn rule_updates(&self, data: &Dataset, now: Timestamp) -> Vec<(Record, Record)> {
        self.rules
            .iter()
            .filter(|r| self.started_with.get(&r.id) != Some(&r.last_assigned))
            .filter_map(|r| {
                let before = data.get(ASSIGNMENT_RULES, &r.id)?;
                let mut values = before.values.clone();
                if let Some(u) = &r.last_assigned {
                    values.insert("last_assigned", Value::Ref(u.clone()));
                }
                before
                    .revised(values, before.owner.clone(), now)
                    .map(|after| (before.clone(), after))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::standard_schema;

    fn rec(id: &str, module: &str, pairs: Vec<(&str, Value)>) -> Record {
        let v: FieldValues = pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        Record::new(id.into(), module, 1, None, v)
    }
    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }
    fn users(us: &[&str]) -> Value {
        Value::List(us.iter().map(|u| u.to_string()).collect())
    }
    fn lead(pairs: Vec<(&str, Value)>) -> FieldValues {
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    #[test]
    fn round_robin_is_fair_and_continues_after_a_restart() {
        let mut d = Dataset::new(standard_schema());
        d.upsert(rec(
            "rr",
            ASSIGNMENT_RULES,
            vec![
                ("name", t("Everyone in turn")),
                ("method", t("round_robin")),
                ("group", users(&["a", "b", "c"])),
            ],
        ));
        let mut first = Assigner::new(&d);
        let got: Vec<String> = (0..4)
            .map(|_| first.assign(&lead(vec![])).unwrap().user)
            .collect();
        assert_eq!(got, vec!["a", "b", "c", "a"]);
        // Saving the turn and starting again (a restart) carries on with b.
        for (_, after) in first.rule_updates(&d, 2) {
            d.upsert(after);
        }
        let mut again = Assigner::new(&d);
        let a = again.assign(&lead(vec![])).unwrap();
        assert_eq!(a.user, "b");
        assert_eq!(a.rule_name, "Everyone in turn");
        // Over many leads each member gets the same number.
        let mut counts: HashMap<String, usize> = [("b".to_string(), 1)].into();
        for _ in 0..299 {
            *counts
                .entry(again.assign(&lead(vec![])).unwrap().user)
                .or_default() += 1;
        }
        assert!(counts.values().all(|n| *n == 100), "{counts:?}");
    }

    #[test]
    fn fewest_open_leads_balances_the_workload() {
        let mut d = Dataset::new(standard_schema());
        d.upsert(rec(
            "fo",
            ASSIGNMENT_RULES,
            vec![
                ("name", t("Balance")),
                ("method", t("fewest_open")),
                ("group", users(&["a", "b"])),
            ],
        ));
        for (i, (owner, status)) in [
            ("a", "new"),
            ("a", "sql"),
            ("a", "dead"),
            ("b", "converted"),
        ]
        .iter()
        .enumerate()
        {
            let mut r = rec(
                &format!("l{i}"),
                LEADS,
                vec![("last_name", t("x")), ("status", t(status))],
            );
            r.owner = Some(owner.to_string());
            d.upsert(r);
        }
        let mut asg = Assigner::new(&d);
        // a holds 2 open leads, b none: b gets the next two; at a tie the group's
        // order decides.
        let got: Vec<String> = (0..4)
            .map(|_| asg.assign(&lead(vec![])).unwrap().user)
            .collect();
        assert_eq!(got, vec!["b", "b", "a", "b"]);
    }

    #[test]
    fn rules_apply_in_order_with_territories_and_conditions() {
        let mut d = Dataset::new(standard_schema());
        d.upsert(rec(
            "nordics",
            TERRITORIES,
            vec![
                ("name", t("Nordics")),
                ("countries", users(&["Norway", "Sweden"])),
                ("min_employees", Value::Number(100.0)),
                ("members", users(&["nora", "sven"])),
            ],
        ));
        d.upsert(rec(
            "r1",
            ASSIGNMENT_RULES,
            vec![
                ("name", t("Retail to Rita")),
                ("position", Value::Number(1.0)),
                ("method", t("condition")),
                ("field", t("industry")),
                ("operator", t("is")),
                ("value", t("retail")),
                ("assignee", Value::Ref("rita".into())),
            ],
        ));
        d.upsert(rec(
            "r2",
            ASSIGNMENT_RULES,
            vec![
                ("name", t("Nordic territory")),
                ("position", Value::Number(2.0)),
                ("method", t("territory")),
                ("territory", Value::Ref("nordics".into())),
            ],
        ));
        d.upsert(rec(
            "r3",
            ASSIGNMENT_RULES,
            vec![
                ("name", t("Off")),
                ("position", Value::Number(0.0)),
                ("active", Value::Bool(false)),
                ("method", t("round_robin")),
                ("group", users(&["nobody"])),
            ],
        ));
        let mut asg = Assigner::new(&d);
        let retail = asg
            .assign(&lead(vec![
                ("industry", t("retail")),
                ("country", t("Norway")),
            ]))
            .unwrap();
        assert_eq!(
            (retail.user.as_str(), retail.rule_name.as_str()),
            ("rita", "Retail to Rita")
        );
        let big_norway = lead(vec![
            ("country", t("norway")),
            ("employees", Value::Number(500.0)),
        ]);
        assert_eq!(asg.assign(&big_norway).unwrap().user, "nora");
        assert_eq!(asg.assign(&big_norway).unwrap().user, "sven");
        let small = lead(vec![
            ("country", t("Norway")),
            ("employees", Value::Number(20.0)),
        ]);
        assert_eq!(
            asg.assign(&small),
            None,
            "no rule covers it: it stays with its creator"
        );
    }
}
