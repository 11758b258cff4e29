//! Lead conversion: a qualified lead becomes a contact, with a new or an existing
//! company and, optionally, a deal — planned here as one set of records that the
//! storage layer writes in one transaction. The lead is marked converted and links
//! to what it became; its activities follow the new contact.

use crate::domain::records::field_values::FieldValues;

use chrono::{TimeZone, Utc};

use crate::domain::modules::activity_module::ACTIVITIES;
use crate::domain::modules::lead_module::{CLOSED_STATUSES, LEADS};
use crate::domain::modules::sales_modules::{DEALS, DEAL_CONTACTS};
use crate::domain::modules::standard_modules::{COMPANIES, CONTACTS};
use crate::domain::records::normalize::company_key;
use crate::domain::records::pending_lookups::WithPending;
use crate::domain::records::record::{Record, Timestamp};
use crate::domain::records::record_set::Dataset;
use crate::domain::records::validate::{validate_values, FieldError};
use crate::domain::records::value::{Money, Value};
use crate::domain::rules::module_rules::RuleSession;
use crate::domain::rules::prepare::{apply_rules, RuleInput};
use crate::domain::writes::WritePlan;

#[derive(Clone, Debug, PartialEq)]
pub enum CompanyChoice {
    /// A new company from the lead's company fields.
    New,
    Existing(String),
    /// No company at all.
    Skip,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DealChoice {
    pub pipeline: String,
    pub stage: String,
    pub title: String,
    pub amount: Option<Money>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConversionRequest {
    pub lead: String,
    pub company: CompanyChoice,
    pub deal: Option<DealChoice>,
}

#[derive(Debug, Default, Clone)]
pub struct ConversionPlan {
    /// The new records, the converted lead and its activities, with their history.
    pub write: WritePlan,
    pub contact: String,
    pub company: Option<String>,
    pub deal: Option<String>,
}

#[derive(Debug, PartialEq)]
pub enum ConversionError {
    NotFound,
    AlreadyConverted,
    /// Junk or dead leads are not converted.
    Closed(String),
    /// (module, problem) for each value that would be refused.
    Invalid(Vec<(String, FieldError)>),
}

impl ConversionError {
    pub fn key(&self) -> &'static str {
        match self {
            ConversionError::NotFound => "convert.err.not_found",
            ConversionError::AlreadyConverted => "convert.err.already",
            ConversionError::Closed(_) => "convert.err.closed",
            ConversionError::Invalid(_) => "convert.err.invalid",
        }
    }
}

/// The modules of a conversion, named here so that the page converting a lead need
/// not: the lead's, the companies' a lead may join (the page searches them) and the
/// contact's it becomes (the page opens it afterwards).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Targets {
    pub lead: &'static str,
    pub company: &'static str,
    pub contact: &'static str,
}

pub const TARGETS: Targets = Targets {
    lead: LEADS,
    company: COMPANIES,
    contact: CONTACTS,
};

/// The name a new company made from the lead takes; empty when the lead has none.
pub fn new_company_name(lead: &Record) -> String {
    match lead.get("company_name") {
        Some(Value::Text(s)) => s.clone(),
        _ => String::new(),
    }
}

/// The existing company the lead most likely means, by name.
pub fn likely_company(data: &Dataset, lead: &Record) -> Option<String> {
    let Some(Value::Text(name)) = lead.get("company_name") else {
        return None;
    };
    let key = company_key(name);
    if key.is_empty() {
        return None;
    }
    data.set(COMPANIES)?
        .records()
        .find_map(|c| match c.get("name") {
            Some(Value::Text(n)) if company_key(n) == key => Some(c.id.clone()),
            _ => None,
        })
}

fn copy(from: &Record, pairs: &[(&str, &str)]) -> FieldValues {
    pairs
        .iter()
        .filter_map(|(src, dst)| from.get(src).map(|v| (dst.to_string(), v.clone())))
        .collect()
}

pub fn plan_conversion(
    data: &Dataset,
    req: &ConversionRequest,
    now: Timestamp,
    user: &str,
    new_id: &mut dyn FnMut() -> String,
) -> Result<ConversionPlan, ConversionError> {
    let lead = data
        .get(LEADS, &req.lead)
        .ok_or(ConversionError::NotFound)?;
    if lead.get("converted_contact").is_some() {
        return Err(ConversionError::AlreadyConverted);
    }
    if let Some(Value::Text(s)) = lead.get("status") {
        if CLOSED_STATUSES.contains(&s.as_str()) {
            return Err(ConversionError::Closed(s.clone()));
        }
    }
    let owner = lead.owner.clone().unwrap_or_else(|| user.to_string());
    let mut plan = ConversionPlan::default();
    // New records go through the same rules as the form's (defaults, the module's
    // rules), one session for the whole conversion; they are validated together
    // below, once every new record exists.
    let mut session = RuleSession::default();
    let input = RuleInput {
        data,
        lookups: data,
        now,
        zone: crate::domain::records::time_zone::Zone::default(),
    };
    let mut rule_errors: Vec<(String, FieldError)> = Vec::new();
    let mut ruled = |module: &str, values: FieldValues| -> FieldValues {
        let def = data.schema.module(module).expect("standard module");
        let out = apply_rules(&input, &mut session, def, None, values);
        rule_errors.extend(out.errors.into_iter().map(|e| (module.to_string(), e)));
        out.values
    };
    let mut inserts: Vec<Record> = Vec::new();
    let mut updates: Vec<(Record, Record)> = Vec::new();

    plan.company = match &req.company {
        CompanyChoice::Skip => None,
        CompanyChoice::Existing(id) => Some(id.clone()),
        CompanyChoice::New => {
            let mut values = copy(
                lead,
                &[
                    ("company_name", "name"),
                    ("website", "website"),
                    ("industry", "industry"),
                    ("employees", "employees"),
                    ("city", "city"),
                    ("region", "region"),
                    ("country", "country"),
                ],
            );
            values.insert("account_type", Value::Text("prospect".into()));
            let values = ruled(COMPANIES, values);
            let r = Record::new(new_id(), COMPANIES, now, Some(owner.clone()), values);
            let id = r.id.clone();
            inserts.push(r);
            Some(id)
        }
    };

    let mut contact = copy(
        lead,
        &[
            ("first_name", "first_name"),
            ("last_name", "last_name"),
            ("job_title", "job_title"),
            ("emails", "emails"),
            ("phones", "phones"),
            ("source", "lead_source"),
            ("city", "city"),
            ("region", "region"),
            ("country", "country"),
            ("description", "description"),
        ],
    );
    if let Some(c) = &plan.company {
        contact.insert("company", Value::Ref(c.clone()));
    }
    let contact = ruled(CONTACTS, contact);
    let contact = Record::new(new_id(), CONTACTS, now, Some(owner.clone()), contact);
    plan.contact = contact.id.clone();
    inserts.push(contact);

    if let Some(d) = &req.deal {
        let mut values: FieldValues = [
            ("title".to_string(), Value::Text(d.title.trim().to_string())),
            ("pipeline".to_string(), Value::Ref(d.pipeline.clone())),
            ("stage".to_string(), Value::Ref(d.stage.clone())),
        ]
        .into();
        if let Some(a) = d.amount.clone().or_else(|| match lead.get("bant_budget") {
            Some(Value::Money(m)) => Some(Money::clone(m)),
            _ => None,
        }) {
            values.insert("amount", Value::Money(Box::new(a)));
        }
        if let Some(c) = &plan.company {
            values.insert("company", Value::Ref(c.clone()));
        }
        if let Some(s) = lead.get("source") {
            values.insert("source", s.clone());
        }
        let values = ruled(DEALS, values);
        let deal = Record::new(new_id(), DEALS, now, Some(owner.clone()), values);
        plan.deal = Some(deal.id.clone());
        let role: FieldValues = [
            ("deal".to_string(), Value::Ref(deal.id.clone())),
            ("contact".to_string(), Value::Ref(plan.contact.clone())),
            ("role".to_string(), Value::Text("decision_maker".into())),
        ]
        .into();
        inserts.push(deal);
        let role = ruled(DEAL_CONTACTS, role);
        inserts.push(Record::new(
            new_id(),
            DEAL_CONTACTS,
            now,
            Some(owner.clone()),
            role,
        ));
    }

    // Everything new is checked together, so links between the new records resolve.
    let mut errors = rule_errors;
    let overlay = WithPending {
        data,
        pending: &inserts,
    };
    for r in &inserts {
        let def = data.schema.module(&r.module).expect("standard module");
        for e in validate_values(def, &r.values, &r.id, &overlay) {
            errors.push((r.module.clone(), e));
        }
    }
    if !errors.is_empty() {
        return Err(ConversionError::Invalid(errors));
    }

    let mut lead_values = lead.values.clone();
    lead_values.insert("status", Value::Text("converted".into()));
    lead_values.insert("converted_contact", Value::Ref(plan.contact.clone()));
    if let Some(c) = &plan.company {
        lead_values.insert("converted_company", Value::Ref(c.clone()));
    }
    if let Some(d) = &plan.deal {
        lead_values.insert("converted_deal", Value::Ref(d.clone()));
    }
    if let Some(t) = Utc.timestamp_millis_opt(now).single() {
        lead_values.insert("converted_at", Value::DateTime(t));
    }
    if let Some(after) = lead.revised(lead_values, lead.owner.clone(), now) {
        updates.push((lead.clone(), after));
    }

    // The lead's activities and notes follow it to the contact (and company, deal),
    // keeping their link to the lead too.
    if let Some(set) = data.set(ACTIVITIES) {
        for a in set.records() {
            if !matches!(a.get("lead"), Some(Value::Ref(l)) if l == &lead.id) {
                continue;
            }
            let mut v = a.values.clone();
            v.get_or_insert("contact", Value::Ref(plan.contact.clone()));
            if let Some(c) = &plan.company {
                v.get_or_insert("company", Value::Ref(c.clone()));
            }
            if let Some(d) = &plan.deal {
                v.get_or_insert("deal", Value::Ref(d.clone()));
            }
            if let Some(after) = a.revised(v, a.owner.clone(), now) {
                updates.push((a.clone(), after));
            }
        }
    }
    // The company found by name and unique values were checked against memory.
    plan.write.needs_current_view = true;
    for r in inserts {
        plan.write.insert(r, user, new_id);
    }
    for (before, after) in updates {
        plan.write.update(before, after, user, new_id);
    }
    Ok(plan)
}

/// Of the leads created in [from, to), how many have been converted: (converted, created).
pub fn conversion_rate(data: &Dataset, from: Timestamp, to: Timestamp) -> (usize, usize) {
    let Some(set) = data.set(LEADS) else {
        return (0, 0);
    };
    set.records()
        .filter(|r| r.created_at >= from && r.created_at < to)
        .fold((0, 0), |(c, n), r| {
            let converted = r.get("converted_contact").is_some();
            (c + usize::from(converted), n + 1)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::standard_schema;
    use crate::domain::sales::pipeline_records::default_pipeline_records;
    use rust_decimal::Decimal;

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }

    fn data() -> Dataset {
        let mut d = Dataset::new(standard_schema());
        for r in default_pipeline_records(1, &|k| k.to_string()) {
            d.upsert(r);
        }
        let lead: FieldValues = [
            ("first_name", t("Anna")),
            ("last_name", t("Berg")),
            ("company_name", t("Acme Ltd.")),
            ("emails", Value::List(vec!["anna@acme.example".into()])),
            ("status", t("sql")),
            ("industry", t("retail")),
            ("source", t("event")),
            (
                "bant_budget",
                Value::Money(Box::new(Money {
                    amount: Decimal::from(9000),
                    currency: "EUR".into(),
                })),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        d.upsert(Record::new(
            "lead".into(),
            LEADS,
            1,
            Some("local-user".into()),
            lead,
        ));
        let call: FieldValues = [
            ("subject", t("Intro call")),
            ("kind", t("call")),
            ("lead", Value::Ref("lead".into())),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        d.upsert(Record::new("call".into(), ACTIVITIES, 1, None, call));
        d
    }

    fn ids() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            format!("new-{n}")
        }
    }

    fn deal() -> Option<DealChoice> {
        Some(DealChoice {
            pipeline: "pipeline-new_business".into(),
            stage: "stage-new_business-qualification".into(),
            title: "Acme rollout".into(),
            amount: None,
        })
    }

    /// The convert page reads, searches and opens the modules `TARGETS` names and
    /// offers `new_company_name`: they must be what the plan reads and makes.
    #[test]
    fn the_targets_and_the_new_company_name_are_what_a_conversion_reads_and_makes() {
        let d = data();
        let lead = d
            .get(TARGETS.lead, "lead")
            .expect("the lead, in the targets' lead module");
        let req = ConversionRequest {
            lead: lead.id.clone(),
            company: CompanyChoice::New,
            deal: None,
        };
        let plan = plan_conversion(&d, &req, 50, "local-user", &mut ids()).unwrap();
        let made = |id: &str| plan.write.inserts.iter().find(|r| r.id == id).unwrap();
        let company = made(plan.company.as_deref().unwrap());
        assert_eq!(company.module, TARGETS.company);
        assert_eq!(company.get("name"), Some(&t(&new_company_name(lead))));
        assert_eq!(new_company_name(lead), "Acme Ltd.");
        assert_eq!(made(&plan.contact).module, TARGETS.contact);
    }

    #[test]
    fn a_lead_becomes_contact_company_and_deal_with_its_activities() {
        let d = data();
        let req = ConversionRequest {
            lead: "lead".into(),
            company: CompanyChoice::New,
            deal: deal(),
        };
        let plan = plan_conversion(&d, &req, 50, "local-user", &mut ids()).unwrap();
        let modules: Vec<&str> = plan
            .write
            .inserts
            .iter()
            .map(|r| r.module.as_str())
            .collect();
        assert_eq!(modules, vec![COMPANIES, CONTACTS, DEALS, DEAL_CONTACTS]);
        let company = &plan.write.inserts[0];
        assert_eq!(company.get("name"), Some(&t("Acme Ltd.")));
        let contact = &plan.write.inserts[1];
        assert_eq!(
            contact.get("company"),
            Some(&Value::Ref(company.id.clone()))
        );
        assert_eq!(contact.get("lead_source"), Some(&t("event")));
        let new_deal = &plan.write.inserts[2];
        assert_eq!(new_deal.get("probability"), Some(&Value::Number(10.0)));
        assert!(matches!(new_deal.get("amount"), Some(Value::Money(m)) if m.currency == "EUR"));
        let (_, lead_after) = plan
            .write
            .updates
            .iter()
            .find(|(b, _)| b.id == "lead")
            .unwrap();
        assert_eq!(lead_after.get("status"), Some(&t("converted")));
        assert_eq!(
            lead_after.get("converted_deal"),
            Some(&Value::Ref(new_deal.id.clone()))
        );
        let (_, call) = plan
            .write
            .updates
            .iter()
            .find(|(b, _)| b.id == "call")
            .unwrap();
        assert_eq!(call.get("contact"), Some(&Value::Ref(contact.id.clone())));
        assert_eq!(
            call.get("lead"),
            Some(&Value::Ref("lead".into())),
            "still on the lead's timeline"
        );
    }

    #[test]
    fn the_likely_company_ignores_case_and_legal_suffixes() {
        let mut d = data();
        let co: FieldValues = [("name".to_string(), t("ACME"))].into();
        d.upsert(Record::new("acme".into(), COMPANIES, 1, None, co));
        let lead = d.get(LEADS, "lead").unwrap();
        assert_eq!(likely_company(&d, lead), Some("acme".into()));
        let req = ConversionRequest {
            lead: "lead".into(),
            company: CompanyChoice::Existing("acme".into()),
            deal: None,
        };
        let plan = plan_conversion(&d, &req, 5, "u", &mut ids()).unwrap();
        assert_eq!(plan.write.inserts.len(), 1);
        assert_eq!(
            plan.write.inserts[0].get("company"),
            Some(&Value::Ref("acme".into()))
        );
        // A new company with a name already taken is refused, naming the problem.
        let clash = ConversionRequest {
            lead: "lead".into(),
            company: CompanyChoice::New,
            deal: None,
        };
        let mut taken = d.clone();
        let same: FieldValues = [("name".to_string(), t("Acme Ltd."))].into();
        taken.upsert(Record::new("acme2".into(), COMPANIES, 1, None, same));
        match plan_conversion(&taken, &clash, 5, "u", &mut ids()) {
            Err(ConversionError::Invalid(errs)) => {
                assert_eq!(errs[0].0, COMPANIES);
                assert_eq!(errs[0].1.field, "name");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn converted_junk_and_unknown_leads_are_refused_and_the_rate_counts() {
        let mut d = data();
        let req = ConversionRequest {
            lead: "lead".into(),
            company: CompanyChoice::Skip,
            deal: None,
        };
        let plan = plan_conversion(&d, &req, 5, "u", &mut ids()).unwrap();
        assert_eq!(conversion_rate(&d, 0, 10), (0, 1));
        for (_, after) in plan.write.updates {
            d.upsert(after);
        }
        assert_eq!(conversion_rate(&d, 0, 10), (1, 1));
        assert_eq!(conversion_rate(&d, 10, 20), (0, 0));
        assert_eq!(
            plan_conversion(&d, &req, 6, "u", &mut ids()).unwrap_err(),
            ConversionError::AlreadyConverted
        );
        let missing = ConversionRequest {
            lead: "nope".into(),
            ..req.clone()
        };
        assert_eq!(
            plan_conversion(&d, &missing, 6, "u", &mut ids()).unwrap_err(),
            ConversionError::NotFound
        );
        let mut junk = d.get(LEADS, "lead").unwrap().clone();
        junk.values.remove("converted_contact");
        junk.values.insert("status", t("junk"));
        d.upsert(junk);
        assert_eq!(
            plan_conversion(&d, &req, 6, "u", &mut ids()).unwrap_err(),
            ConversionError::Closed("junk".into())
        );
        // A deal in a stage of another pipeline is refused before anything is written.
        let fresh = data();
        let bad = ConversionRequest {
            lead: "lead".into(),
            company: CompanyChoice::New,
            deal: Some(DealChoice {
                stage: "stage-renewals-renewal_due".into(),
                ..deal().unwrap()
            }),
        };
        assert!(matches!(
            plan_conversion(&fresh, &bad, 6, "u", &mut ids()),
            Err(ConversionError::Invalid(_))
        ));
    }
}
