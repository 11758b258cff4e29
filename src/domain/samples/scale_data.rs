//! Synthetic data at a real business's scale, for the benchmark and for profiling
//! natively: deals with stage trails, amounts in two currencies and a third closed,
//! and activities, most of them done.

use crate::domain::records::field_values::FieldValues;

use chrono::{NaiveDate, TimeZone, Utc};

use crate::domain::analytics::sales_metrics::{period_around, PeriodKind};
use crate::domain::modules::activity_module::ACTIVITIES;
use crate::domain::modules::sales_modules::DEALS;
use crate::domain::modules::standard_modules::standard_schema;
use crate::domain::records::record::{Record, Timestamp};
use crate::domain::records::record_set::Dataset;
use crate::domain::records::stage_trail::TRAIL;
use crate::domain::records::value::{Money, Value};
use crate::domain::sales::pipeline::ExchangeRates;
use crate::domain::sales::pipeline_records::default_pipeline_records;

pub fn scale_dataset(deals: u32, activities: u32, now: Timestamp) -> Dataset {
    const DAY: i64 = 86_400_000;
    let mut data = Dataset::new(standard_schema());
    for r in default_pipeline_records(1, &|k| k.to_string()) {
        data.upsert(r);
    }
    let stages = [
        "qualification",
        "needs_analysis",
        "proposal",
        "negotiation",
        "won",
        "lost",
    ];
    let users = ["local-user", "u1", "u2", "u3"];
    for i in 0..deals {
        let stage = stages[(i % 6) as usize];
        let created = now - (i as i64 % 300) * DAY;
        let trail: Vec<String> = stages[..=((i % 6).min(4)) as usize]
            .iter()
            .enumerate()
            .map(|(k, s)| format!("stage-new_business-{s}@{}", created + k as i64 * DAY))
            .collect();
        let mut v: FieldValues = [
            ("title".to_string(), Value::Text(format!("Deal {i}"))),
            (
                "pipeline".to_string(),
                Value::Ref("pipeline-new_business".into()),
            ),
            (
                "stage".to_string(),
                Value::Ref(format!("stage-new_business-{stage}")),
            ),
            (
                "probability".to_string(),
                Value::Number(((i % 6) * 20) as f64),
            ),
            (TRAIL.to_string(), Value::Text(trail.join(" "))),
            (
                "amount".to_string(),
                Value::Money(Box::new(Money {
                    amount: (1_000 + i % 50_000).into(),
                    currency: if i % 3 == 0 { "EUR" } else { "USD" }.into(),
                })),
            ),
            (
                "expected_close".to_string(),
                Value::Date(
                    Utc.timestamp_millis_opt(created + 60 * DAY)
                        .single()
                        .map(|t| t.date_naive())
                        .unwrap_or_default(),
                ),
            ),
        ]
        .into();
        if stage == "won" || stage == "lost" {
            if let Some(t) = Utc.timestamp_millis_opt(created + 30 * DAY).single() {
                v.insert("closed_at", Value::DateTime(t));
            }
        }
        let owner = users[(i % 4) as usize].to_string();
        data.upsert(Record::new(format!("d{i}"), DEALS, created, Some(owner), v));
    }
    let kinds = ["call", "email", "meeting", "task", "note"];
    for i in 0..activities {
        let done_at = now - (i as i64 % 365) * DAY;
        let mut v: FieldValues = [
            ("subject".to_string(), Value::Text(format!("Activity {i}"))),
            (
                "kind".to_string(),
                Value::Text(kinds[(i % 5) as usize].into()),
            ),
        ]
        .into();
        if i % 4 != 0 {
            v.insert("done", Value::Bool(true));
            if let Some(t) = Utc.timestamp_millis_opt(done_at).single() {
                v.insert("done_at", Value::DateTime(t));
            }
        }
        let owner = users[(i % 4) as usize].to_string();
        data.upsert(Record::new(
            format!("a{i}"),
            ACTIVITIES,
            done_at,
            Some(owner),
            v,
        ));
    }
    data
}

/// Contact number `i` of the benchmark (the JavaScript baseline writes the same
/// document) and of the indexing profile.
pub fn scale_contact(i: u32) -> Record {
    let values: FieldValues = [
        (
            "first_name".to_string(),
            Value::Text(format!("First{}", i % 977)),
        ),
        ("last_name".to_string(), Value::Text(format!("Last{i}"))),
        (
            "emails".to_string(),
            Value::List(vec![format!("p{i}@example.com")]),
        ),
        (
            "phones".to_string(),
            Value::List(vec![format!("+1 555 {i:07}")]),
        ),
        ("city".to_string(), Value::Text("Oslo".into())),
    ]
    .into();
    Record::new(
        format!("bench-{i}"),
        crate::domain::modules::standard_modules::CONTACTS,
        1_700_000_000_000 + i as i64,
        Some("local-user".into()),
        values,
    )
}

/// The rates (EUR into USD) and the period of `kind` around `now` the benchmark's
/// dashboard uses.
pub fn scale_scope_parts(
    now: Timestamp,
    kind: PeriodKind,
) -> (ExchangeRates, NaiveDate, NaiveDate) {
    let rates = ExchangeRates {
        base: "USD".into(),
        rates: [("EUR".to_string(), rust_decimal::Decimal::new(108, 2))].into(),
    };
    let today = Utc
        .timestamp_millis_opt(now)
        .single()
        .map(|t| t.date_naive())
        .unwrap_or_default();
    let (start, end) = period_around(kind, today);
    (rates, start, end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::analytics::sales_metrics::*;

    /// Where the dashboard's time goes: `cargo test --release --lib scale_data -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn profile_the_dashboard() {
        let now = 1_790_000_000_000;
        let data = scale_dataset(100_000, 500_000, now);
        for kind in [PeriodKind::Quarter, PeriodKind::Year] {
            let (rates, start, end) = scale_scope_parts(now, kind);
            let scope = Scope {
                start,
                end,
                owner: None,
                now,
                utc_offset_minutes: 0,
                rates: &rates,
            };
            let time = |name: &str, f: &dyn Fn()| {
                let t0 = std::time::Instant::now();
                for _ in 0..5 {
                    f();
                }
                let ms = t0.elapsed().as_secs_f64() * 1000.0 / 5.0;
                println!("{kind:?} {name}: {ms:.1} ms");
            };
            let p = "pipeline-new_business";
            time("kpis", &|| drop(std::hint::black_box(kpis(&data, &scope))));
            time("funnel", &|| {
                drop(std::hint::black_box(funnel(&data, &scope, p)))
            });
            time("forecast", &|| {
                drop(std::hint::black_box(forecast(&data, &scope)))
            });
            time("activities", &|| {
                drop(std::hint::black_box(activity_report(&data, &scope)))
            });
            time("leads", &|| {
                drop(std::hint::black_box(lead_figures(&data, &scope)))
            });
            time("quotas", &|| {
                drop(std::hint::black_box(quotas(&data, &scope)))
            });
        }
    }

    #[test]
    fn the_scale_data_has_what_it_says() {
        let data = scale_dataset(60, 50, 1_790_000_000_000);
        assert_eq!(data.set(DEALS).unwrap().len(), 60);
        assert_eq!(data.set(ACTIVITIES).unwrap().len(), 50);
    }
}

#[cfg(test)]
mod load_profile {
    use super::*;
    use crate::domain::modules::standard_modules::CONTACTS;

    /// Where indexing 100,000 contacts goes: `cargo test --release --lib load_profile -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn profile_indexing_contacts() {
        let contacts: Vec<Record> = (0..100_000u32).map(scale_contact).collect();
        let t0 = std::time::Instant::now();
        let mut data = Dataset::new(standard_schema());
        for r in contacts.clone() {
            data.upsert(r);
        }
        println!(
            "upsert 100k contacts (all indexes): {:.0} ms",
            t0.elapsed().as_secs_f64() * 1000.0
        );
        let t0 = std::time::Instant::now();
        let mut tokens = 0;
        let def = data.schema.module(CONTACTS).unwrap().clone();
        for r in &contacts {
            tokens += crate::domain::records::search::record_tokens(&def, r).len();
        }
        println!(
            "search tokens alone: {:.0} ms ({tokens})",
            t0.elapsed().as_secs_f64() * 1000.0
        );
        let t0 = std::time::Instant::now();
        let mut d = crate::domain::records::duplicates::DuplicateIndex::new(&def);
        for r in &contacts {
            d.add(&r.id, &r.values);
        }
        println!(
            "duplicate index alone: {:.0} ms",
            t0.elapsed().as_secs_f64() * 1000.0
        );
    }
}
