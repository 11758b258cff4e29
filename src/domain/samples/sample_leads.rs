//! The leads half of the sample data: a few scoring rules and leads at every stage of
//! the lifecycle, from several sources and markets, scored by those rules.

use crate::domain::records::field_values::FieldValues;

use chrono::{TimeZone, Utc};
use rust_decimal::Decimal;

use crate::domain::leads::scoring::{self, rule_of};
use crate::domain::modules::lead_module::{LEADS, SCORING_RULES};
use crate::domain::modules::standard_modules::LEAD_SOURCES;
use crate::domain::records::record::{Record, Timestamp};
use crate::domain::records::record_set::LOCAL_USER;
use crate::domain::records::value::{Money, Value};

const DAY: i64 = 86_400_000;

/// (first, last, company, country, industry, employees, currency)
const LEADS_SEED: &[(&str, &str, &str, &str, &str, u32, &str)] = &[
    (
        "Laura",
        "Jensen",
        "Fjord Fisheries",
        "Norway",
        "agriculture",
        120,
        "NOK",
    ),
    (
        "Tom",
        "Becker",
        "Becker Bau",
        "Germany",
        "construction",
        45,
        "EUR",
    ),
    ("Sara", "Rossi", "Rossi Moda", "Italy", "retail", 300, "EUR"),
    (
        "Ali",
        "Rahimi",
        "فروشگاه‌های ستاره",
        "ایران",
        "retail",
        900,
        "IRR",
    ),
    (
        "مریم",
        "حسینی",
        "داروسازی مهر",
        "ایران",
        "healthcare",
        1500,
        "IRR",
    ),
    (
        "Ivan",
        "Sokolov",
        "Восток Трейд",
        "Россия",
        "logistics",
        250,
        "RUB",
    ),
    (
        "Deniz",
        "Aksoy",
        "Aksoy Tekstil",
        "Türkiye",
        "manufacturing",
        700,
        "TRY",
    ),
    (
        "สมศักดิ์",
        "วงศ์ไทย",
        "ไทยฟู้ดส์",
        "ประเทศไทย",
        "hospitality",
        80,
        "THB",
    ),
    (
        "Emma",
        "Clark",
        "Clarkson Schools",
        "United Kingdom",
        "education",
        2000,
        "GBP",
    ),
    (
        "Noah",
        "Miller",
        "Miller Finance",
        "United States",
        "finance",
        60,
        "USD",
    ),
    (
        "Olivia",
        "Brown",
        "Brown Software",
        "Canada",
        "software",
        35,
        "CAD",
    ),
    (
        "Lucas",
        "Martin",
        "Martin Hôtels",
        "France",
        "hospitality",
        410,
        "EUR",
    ),
    (
        "Mia",
        "Wilson",
        "Wilson Retail Group",
        "United States",
        "retail",
        5200,
        "USD",
    ),
    (
        "Hiro",
        "Tanaka",
        "Tanaka Robotics",
        "Japan",
        "manufacturing",
        640,
        "JPY",
    ),
    (
        "Zoe",
        "Taylor",
        "Taylor Health",
        "New Zealand",
        "healthcare",
        90,
        "NZD",
    ),
    ("Ben", "Moore", "", "United States", "software", 0, "USD"),
];
const STATUS_CYCLE: &[&str] = &[
    "new", "new", "mql", "mal", "sal", "sql", "sql", "junk", "dead", "new",
];
const CHANNELS: &[&str] = &["organic", "paid", "email", "social", "direct", "event"];

fn t(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn rule(
    id: &str,
    name: &str,
    field: &str,
    op: &str,
    value: &str,
    points: f64,
    now: Timestamp,
) -> Record {
    let v: FieldValues = [
        ("name", t(name)),
        ("field", t(field)),
        ("operator", t(op)),
        ("value", t(value)),
        ("points", Value::Number(points)),
        ("active", Value::Bool(true)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    Record::new(
        id.into(),
        SCORING_RULES,
        now - 90 * DAY,
        Some(LOCAL_USER.into()),
        v,
    )
}

pub fn sample_lead_records(now: Timestamp) -> Vec<Record> {
    let rules = vec![
        rule(
            "sample-score-retail",
            "Retail",
            "industry",
            "is",
            "retail",
            10.0,
            now,
        ),
        rule(
            "sample-score-hot",
            "Rating hot",
            "rating",
            "is",
            "hot",
            20.0,
            now,
        ),
        rule(
            "sample-score-phone",
            "No phone",
            "phones",
            "is_empty",
            "",
            -5.0,
            now,
        ),
        rule(
            "sample-score-big",
            "Over 500 employees",
            "employees",
            "greater_than",
            "500",
            15.0,
            now,
        ),
        rule(
            "sample-score-sql",
            "Sales qualified",
            "status",
            "is",
            "sql",
            25.0,
            now,
        ),
    ];
    let active: Vec<_> = rules.iter().filter_map(rule_of).collect();
    let mut out = rules.clone();
    for (i, (first, last, company, country, industry, employees, currency)) in
        LEADS_SEED.iter().enumerate()
    {
        let created = now - (2 + i as i64 * 4) * DAY;
        let status = STATUS_CYCLE[i % STATUS_CYCLE.len()];
        let mut v: FieldValues = FieldValues::new();
        v.insert("first_name", t(first));
        v.insert("last_name", t(last));
        if !company.is_empty() {
            v.insert("company_name", t(company));
        }
        v.insert("country", t(country));
        v.insert("industry", t(industry));
        if *employees > 0 {
            v.insert("employees", Value::Number(*employees as f64));
        }
        v.insert(
            "emails",
            Value::List(vec![format!("lead{}@prospect{}.example", i + 1, i + 1)]),
        );
        if i % 3 != 0 {
            v.insert(
                "phones",
                Value::List(vec![format!("+{} 555 {:04}", 30 + i, 1000 + i * 7)]),
            );
        }
        v.insert("status", t(status));
        if status == "dead" {
            v.insert("dead_reason", t("no_budget"));
        }
        v.insert("rating", t(["hot", "warm", "cold"][i % 3]));
        v.insert("source", t(LEAD_SOURCES[i % LEAD_SOURCES.len()]));
        v.insert("channel", t(CHANNELS[i % CHANNELS.len()]));
        if i % 2 == 0 {
            v.insert(
                "campaign",
                t(["Spring webinar", "Trade fair 2026"][i % 4 / 2]),
            );
        }
        let touch = Value::DateTime(
            Utc.timestamp_millis_opt(created)
                .single()
                .unwrap_or_default(),
        );
        v.insert(
            "first_touch",
            t(["Pricing page", "Webinar sign-up", "Trade fair stand"][i % 3]),
        );
        v.insert("first_touch_at", touch.clone());
        v.insert("last_touch", t("Newsletter click"));
        v.insert("last_touch_at", touch);
        if matches!(status, "sal" | "sql") {
            v.insert(
                "bant_budget",
                Value::Money(Box::new(Money {
                    amount: Decimal::from(20_000 + i as i64 * 1_500),
                    currency: currency.to_string(),
                })),
            );
            v.insert("bant_need", t("Replace the old system before the season"));
            v.insert("champ_challenges", t("Manual work and errors"));
            v.insert("champ_prioritization", t("high"));
        }
        scoring::apply(&mut v, &active);
        let owner = match i % 4 {
            0 => LOCAL_USER.to_string(),
            k => format!("sample-member-{k}"),
        };
        out.push(Record::new(
            format!("sample-lead-{:03}", i + 1),
            LEADS,
            created,
            Some(owner),
            v,
        ));
    }
    out
}

/// Leads that were converted into sample deals (one per deal with a contact, for the
/// first `n` such deals), so the dashboard's lead conversion and attribution have
/// something to show: each came in a week before its deal and points at the deal,
/// its contact and company.
pub fn converted_sample_leads(records: &[Record], n: usize) -> Vec<Record> {
    use crate::domain::modules::sales_modules::{DEALS, DEAL_CONTACTS};
    let active: Vec<_> = records
        .iter()
        .filter(|r| r.module == SCORING_RULES)
        .filter_map(rule_of)
        .collect();
    let find = |module: &str, id: &str| records.iter().find(|r| r.module == module && r.id == id);
    let text = |r: &Record, k: &str| match r.get(k) {
        Some(Value::Text(s)) => s.clone(),
        _ => String::new(),
    };
    records
        .iter()
        .filter(|r| r.module == DEAL_CONTACTS)
        .filter_map(|link| {
            let (Some(Value::Ref(deal_id)), Some(Value::Ref(contact_id))) =
                (link.get("deal"), link.get("contact"))
            else {
                return None;
            };
            let deal = find(DEALS, deal_id)?;
            let contact = find(
                crate::domain::modules::standard_modules::CONTACTS,
                contact_id,
            )?;
            let company = match deal.get("company") {
                Some(Value::Ref(c)) => find(crate::domain::modules::standard_modules::COMPANIES, c),
                _ => None,
            }?;
            Some((deal, contact, company))
        })
        .take(n)
        .enumerate()
        .map(|(i, (deal, contact, company))| {
            let converted_at = Utc
                .timestamp_millis_opt(deal.created_at)
                .single()
                .unwrap_or_default();
            let mut v: FieldValues = [
                ("first_name", t(&text(contact, "first_name"))),
                ("last_name", t(&text(contact, "last_name"))),
                ("company_name", t(&text(company, "name"))),
                ("status", t("converted")),
                ("rating", t("hot")),
                ("source", t(LEAD_SOURCES[i % LEAD_SOURCES.len()])),
                ("converted_contact", Value::Ref(contact.id.clone())),
                ("converted_company", Value::Ref(company.id.clone())),
                ("converted_deal", Value::Ref(deal.id.clone())),
                ("converted_at", Value::DateTime(converted_at)),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .filter(|(_, v)| !v.is_empty())
            .collect();
            scoring::apply(&mut v, &active);
            Record::new(
                format!("sample-lead-converted-{:02}", i + 1),
                LEADS,
                deal.created_at - 7 * DAY,
                deal.owner.clone(),
                v,
            )
        })
        .collect()
}
