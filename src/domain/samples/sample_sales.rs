//! The sales half of the sample data: a small team, exchange rates, deals across both
//! default pipelines with the contacts on them, and activities around them — so the
//! board, "My work" and the calendar have something to show in a trial.

use crate::domain::records::field_values::FieldValues;

use chrono::{TimeZone, Utc};
use rust_decimal::Decimal;

use crate::domain::analytics::sales_metrics::{period_around, PeriodKind};
use crate::domain::modules::activity_module::ACTIVITIES;
use crate::domain::modules::analytics_modules::QUOTAS;
use crate::domain::modules::sales_modules::{DEALS, DEAL_CONTACTS, RATES};
use crate::domain::modules::standard_modules::{COMPANIES, CONTACTS, MEMBERS};
use crate::domain::records::record::{Record, Timestamp};
use crate::domain::records::record_set::LOCAL_USER;
use crate::domain::records::stage_trail::{append, TRAIL};
use crate::domain::records::value::{Money, Value};

const DAY: i64 = 86_400_000;

const MEMBERS_SEED: &[(&str, &str, &str)] = &[
    ("Maria Lopez", "maria@team.example", "#d9480f"),
    ("Reza Karimi", "reza@team.example", "#2b8a3e"),
    ("Olga Ivanova", "olga@team.example", "#5f3dc4"),
];

/// (currency, units of USD per unit)
const RATES_SEED: &[(&str, &str)] = &[
    ("EUR", "1.08"),
    ("GBP", "1.27"),
    ("IRR", "0.0000238"),
    ("RUB", "0.011"),
    ("TRY", "0.029"),
    ("THB", "0.028"),
    ("CAD", "0.73"),
    ("JPY", "0.0066"),
    ("NOK", "0.092"),
    ("NZD", "0.6"),
];

/// (stage suffix, pipeline) for new-business deals, weighted towards the early stages.
const NEW_BUSINESS: &[&str] = &[
    "qualification",
    "qualification",
    "needs_analysis",
    "needs_analysis",
    "proposal",
    "proposal",
    "negotiation",
    "won",
    "lost",
];
/// Translation keys of the sample's own words (deal names, activity subjects): the
/// sample is written in the language of the user who loads it.
const DEAL_NAMES: &[&str] = &[
    "sample.deal.annual_licence",
    "sample.deal.pilot_project",
    "sample.deal.fleet_upgrade",
    "sample.deal.support_contract",
    "sample.deal.expansion",
    "sample.deal.training_package",
    "sample.deal.integration",
    "sample.deal.hardware_refresh",
];
const LOSS: &[&str] = &["price", "competitor", "no_budget", "timing"];
const PROBABILITY: &[(&str, f64)] = &[
    ("qualification", 10.0),
    ("needs_analysis", 25.0),
    ("proposal", 50.0),
    ("negotiation", 75.0),
    ("won", 100.0),
    ("lost", 0.0),
    ("renewal_due", 60.0),
    ("renewal_quote", 80.0),
];

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn at(ms: Timestamp) -> Value {
    Value::DateTime(Utc.timestamp_millis_opt(ms).single().unwrap_or_default())
}

fn date(ms: Timestamp) -> Value {
    Value::Date(
        Utc.timestamp_millis_opt(ms)
            .single()
            .unwrap_or_default()
            .date_naive(),
    )
}

/// The stages a sample deal went through on its way to `stage`: one after another
/// from its creation until `until` (its close, or now); a lost deal got as far as its
/// number says.
fn sample_trail(
    pipeline: &str,
    stage: &str,
    deal_no: usize,
    created: Timestamp,
    until: Timestamp,
) -> String {
    let open: &[&str] = if pipeline == "renewals" {
        &["renewal_due", "renewal_quote"]
    } else {
        &["qualification", "needs_analysis", "proposal", "negotiation"]
    };
    let (walked, last) = match stage {
        "won" => (open.len(), Some("won")),
        "lost" => (1 + deal_no % open.len(), Some("lost")),
        s => (open.iter().position(|o| *o == s).map_or(1, |i| i + 1), None),
    };
    let gap = ((until - created) / (walked as i64 + 1)).min(8 * DAY);
    let mut trail = String::new();
    for (k, s) in open.iter().take(walked).enumerate() {
        trail = append(
            Some(&trail),
            &format!("stage-{pipeline}-{s}"),
            created + k as i64 * gap,
        );
    }
    if let Some(end) = last {
        trail = append(Some(&trail), &format!("stage-{pipeline}-{end}"), until);
    }
    trail
}

fn owner_of(n: usize) -> String {
    match n % 4 {
        0 => LOCAL_USER.to_string(),
        k => format!("sample-member-{k}"),
    }
}

pub fn sample_sales_records(
    now: Timestamp,
    people: &[Record],
    words: &dyn Fn(&str) -> String,
) -> Vec<Record> {
    let mut out = Vec::new();
    for (i, (name, email, color)) in MEMBERS_SEED.iter().enumerate() {
        let v: FieldValues = [
            ("name".to_string(), text(name)),
            ("email".to_string(), text(email)),
            ("color".to_string(), text(color)),
        ]
        .into();
        out.push(Record::new(
            format!("sample-member-{}", i + 1),
            MEMBERS,
            now - 60 * DAY,
            Some(LOCAL_USER.into()),
            v,
        ));
        // A quarterly quota each, so the dashboard's attainment bars have something.
        let today = Utc
            .timestamp_millis_opt(now)
            .single()
            .map(|t| t.date_naive())
            .unwrap_or_default();
        let (start, end) = period_around(PeriodKind::Quarter, today);
        let q: FieldValues = [
            (
                "name".to_string(),
                text(&format!("Quarter from {}", start.format("%Y-%m-%d"))),
            ),
            (
                "user".to_string(),
                Value::Ref(format!("sample-member-{}", i + 1)),
            ),
            ("start".to_string(), Value::Date(start)),
            ("end".to_string(), Value::Date(end)),
            (
                "target".to_string(),
                Value::Money(Box::new(Money {
                    amount: Decimal::from(100_000 + 50_000 * i as i64),
                    currency: "USD".into(),
                })),
            ),
        ]
        .into();
        out.push(Record::new(
            format!("sample-quota-{}", i + 1),
            QUOTAS,
            now - 60 * DAY,
            Some(LOCAL_USER.into()),
            q,
        ));
    }
    for (code, rate) in RATES_SEED {
        let v: FieldValues = [
            ("currency".to_string(), text(code)),
            ("base".to_string(), text("USD")),
            (
                "rate".to_string(),
                Value::Number(rate.parse::<f64>().unwrap_or(1.0)),
            ),
        ]
        .into();
        out.push(Record::new(
            format!("sample-rate-{}", code.to_lowercase()),
            RATES,
            now - 60 * DAY,
            Some(LOCAL_USER.into()),
            v,
        ));
    }

    let companies: Vec<&Record> = people.iter().filter(|r| r.module == COMPANIES).collect();
    let mut deal_no = 0usize;
    for (ci, company) in companies.iter().enumerate() {
        let currency = match company.get("annual_revenue") {
            Some(Value::Money(m)) => m.currency.clone(),
            _ => "USD".into(),
        };
        let contacts: Vec<&Record> = people
            .iter()
            .filter(|r| {
                r.module == CONTACTS
                    && matches!(r.get("company"), Some(Value::Ref(c)) if c == &company.id)
            })
            .collect();
        let customer =
            matches!(company.get("account_type"), Some(Value::Text(t)) if t == "customer");
        let deals_here = 1 + ci % 3;
        for k in 0..deals_here {
            deal_no += 1;
            let (pipeline, stage) = if customer && k == 0 {
                (
                    "renewals",
                    if deal_no.is_multiple_of(2) {
                        "renewal_due"
                    } else {
                        "renewal_quote"
                    },
                )
            } else {
                ("new_business", NEW_BUSINESS[deal_no % NEW_BUSINESS.len()])
            };
            let scale: i64 = match currency.as_str() {
                "IRR" => 40_000,
                "RUB" => 90,
                "THB" => 35,
                "TRY" => 30,
                _ => 1,
            };
            let amount = (5_000 + (deal_no as i64 * 7_919) % 95_000) * scale;
            let closing = stage == "won" || stage == "lost";
            // Closed deals closed over the last months (so every period has some),
            // 15 to 44 days after they were created.
            let closed = now - ((deal_no as i64 * 11) % 80 + 1) * DAY;
            let created = if closing {
                closed - (15 + deal_no as i64 % 30) * DAY
            } else {
                now - (10 + (deal_no as i64 * 13) % 120) * DAY
            };
            let mut v: FieldValues = FieldValues::new();
            let company_name = match company.get("name") {
                Some(Value::Text(n)) => n.clone(),
                _ => String::new(),
            };
            v.insert(
                "title",
                text(&format!(
                    "{} — {}",
                    company_name,
                    words(DEAL_NAMES[deal_no % DEAL_NAMES.len()])
                )),
            );
            v.insert(
                "amount",
                Value::Money(Box::new(Money {
                    amount: Decimal::from(amount),
                    currency: currency.clone(),
                })),
            );
            v.insert("pipeline", Value::Ref(format!("pipeline-{pipeline}")));
            v.insert("stage", Value::Ref(format!("stage-{pipeline}-{stage}")));
            let p = PROBABILITY
                .iter()
                .find(|(s, _)| *s == stage)
                .map(|(_, p)| *p)
                .unwrap_or(0.0);
            v.insert("probability", Value::Number(p));
            // Some open deals are already past their expected close: overdue.
            let close_offset = (deal_no as i64 * 17) % 90 - 20;
            v.insert("expected_close", date(now + close_offset * DAY));
            v.insert("company", Value::Ref(company.id.clone()));
            v.insert("priority", text(["low", "medium", "high"][deal_no % 3]));
            v.insert(
                "source",
                text(["website", "referral", "event", "partner"][deal_no % 4]),
            );
            if closing {
                v.insert("closed_at", at(closed));
            }
            if stage == "lost" {
                v.insert("loss_reason", text(LOSS[deal_no % LOSS.len()]));
            }
            v.insert(
                TRAIL,
                text(&sample_trail(
                    pipeline,
                    stage,
                    deal_no,
                    created,
                    if closing { closed } else { now },
                )),
            );
            let deal_id = format!("sample-deal-{deal_no:03}");
            out.push(Record::new(
                deal_id.clone(),
                DEALS,
                created,
                Some(owner_of(deal_no)),
                v,
            ));
            if let Some(contact) = contacts.get(k % contacts.len().max(1)) {
                let v: FieldValues = [
                    ("deal".to_string(), Value::Ref(deal_id.clone())),
                    ("contact".to_string(), Value::Ref(contact.id.clone())),
                    (
                        "role".to_string(),
                        text(["decision_maker", "champion", "influencer"][deal_no % 3]),
                    ),
                ]
                .into();
                out.push(Record::new(
                    format!("sample-deal-contact-{deal_no:03}"),
                    DEAL_CONTACTS,
                    created,
                    Some(owner_of(deal_no)),
                    v,
                ));
            }
            // A follow-up around each deal: past ones done, the rest still open.
            if let Some(contact) = contacts.first() {
                let kind = ["call", "meeting", "email", "task"][deal_no % 4];
                let due =
                    now + ((deal_no as i64 * 5) % 21 - 7) * DAY + (deal_no as i64 % 8) * 3_600_000;
                let mut v: FieldValues = FieldValues::new();
                let subject = match kind {
                    "call" => "sample.subject.follow_up_call",
                    "meeting" => "sample.subject.demo_meeting",
                    "email" => "sample.subject.send_proposal",
                    _ => "sample.subject.prepare_quote",
                };
                v.insert("subject", text(&words(subject)));
                v.insert("kind", text(kind));
                v.insert("due", at(due));
                let done = due < now - 3 * DAY;
                v.insert("done", Value::Bool(done));
                if done {
                    v.insert("done_at", at(due + 3_600_000));
                    if kind == "call" {
                        v.insert("call_outcome", text("connected"));
                    }
                }
                if kind == "meeting" {
                    v.insert("duration", Value::Number(45.0));
                }
                v.insert("company", Value::Ref(company.id.clone()));
                v.insert("contact", Value::Ref(contact.id.clone()));
                v.insert("deal", Value::Ref(deal_id.clone()));
                v.insert("assignee", Value::Ref(owner_of(deal_no)));
                out.push(Record::new(
                    format!("sample-activity-{deal_no:03}"),
                    ACTIVITIES,
                    created,
                    Some(owner_of(deal_no)),
                    v,
                ));
            }
        }
    }
    // A weekly meeting that repeats on Mondays.
    let v: FieldValues = [
        (
            "subject".to_string(),
            text(&words("sample.subject.pipeline_review")),
        ),
        ("kind".to_string(), text("meeting")),
        ("due".to_string(), at(now + DAY)),
        ("done".to_string(), Value::Bool(false)),
        ("duration".to_string(), Value::Number(30.0)),
        ("repeat".to_string(), text("weekly")),
        (
            "repeat_weekdays".to_string(),
            Value::List(vec!["mon".into()]),
        ),
        ("series_start".to_string(), date(now + DAY)),
        ("occurrence".to_string(), Value::Number(1.0)),
    ]
    .into();
    out.push(Record::new(
        "sample-activity-review".into(),
        ACTIVITIES,
        now - 30 * DAY,
        Some(LOCAL_USER.into()),
        v,
    ));
    out
}
