use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::domain::modules::activity_module::ACTIVITIES;
use crate::domain::modules::analytics_modules::QUOTAS;
use crate::domain::modules::lead_module::LEADS;
use crate::domain::modules::sales_modules::DEALS;
use crate::domain::modules::sales_modules::RATES;
use crate::domain::modules::standard_modules::standard_schema;
use crate::domain::records::record::{Record, Timestamp};
use crate::domain::records::record_set::Dataset;
use crate::domain::records::search::Slot;
use crate::domain::records::stage_trail::TRAIL;
use crate::domain::records::value::{Money, Value};
use crate::domain::sales::pipeline::{ExchangeRates, InBase};
use crate::domain::sales::pipeline_records::default_pipeline_records;
use chrono::{NaiveTime, TimeZone, Utc};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}
fn ms(s: &str) -> Timestamp {
    day(s).and_time(NaiveTime::MIN).and_utc().timestamp_millis()
}
fn at(s: &str) -> Value {
    Value::DateTime(Utc.timestamp_millis_opt(ms(s)).unwrap())
}
fn money(a: i64, c: &str) -> Value {
    Value::Money(Box::new(Money {
        amount: a.into(),
        currency: c.into(),
    }))
}
fn stage(s: &str) -> String {
    format!("stage-new_business-{s}")
}
fn rec(module: &str, id: &str, owner: &str, created: &str, v: Vec<(&str, Value)>) -> Record {
    let values = v.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    Record::new(id.into(), module, ms(created), Some(owner.into()), values)
}

struct Deal<'a> {
    id: &'a str,
    owner: &'a str,
    stage: &'a str,
    amount: Option<(i64, &'a str)>,
    p: f64,
    created: &'a str,
    expected: &'a str,
    trail: &'a [(&'a str, &'a str)],
    closed: Option<&'a str>,
}

fn deal(d: Deal) -> Record {
    let trail = d
        .trail
        .iter()
        .map(|(s, when)| format!("{}@{}", stage(s), ms(when)))
        .collect::<Vec<_>>()
        .join(" ");
    let mut v = vec![
        ("title", Value::Text(d.id.into())),
        ("pipeline", Value::Ref("pipeline-new_business".into())),
        ("stage", Value::Ref(stage(d.stage))),
        ("probability", Value::Number(d.p)),
        ("expected_close", Value::Date(day(d.expected))),
        (TRAIL, Value::Text(trail)),
    ];
    if let Some((a, c)) = d.amount {
        v.push(("amount", money(a, c)));
    }
    if let Some(c) = d.closed {
        v.push(("closed_at", at(c)));
    }
    rec(DEALS, d.id, d.owner, d.created, v)
}

/// Hand-worked fixture: see each test for the arithmetic.
fn fixture() -> Dataset {
    let mut data = Dataset::new(standard_schema());
    for r in default_pipeline_records(1, &|k| k.to_string()) {
        data.upsert(r);
    }
    data.upsert(rec(
        RATES,
        "eur",
        "a",
        "2025-01-01",
        vec![
            ("currency", Value::Text("EUR".into())),
            ("base", Value::Text("USD".into())),
            ("rate", Value::Number(1.1)),
        ],
    ));
    let deals = [
        Deal {
            id: "d1",
            owner: "a",
            stage: "qualification",
            amount: Some((1000, "USD")),
            p: 10.0,
            created: "2026-01-10",
            expected: "2026-02-20",
            trail: &[("qualification", "2026-01-10")],
            closed: None,
        },
        Deal {
            id: "d2",
            owner: "b",
            stage: "proposal",
            amount: Some((2000, "EUR")),
            p: 50.0,
            created: "2026-01-05",
            expected: "2026-03-10",
            trail: &[
                ("qualification", "2026-01-05"),
                ("needs_analysis", "2026-01-07"),
                ("proposal", "2026-01-15"),
            ],
            closed: None,
        },
        Deal {
            id: "d3",
            owner: "a",
            stage: "negotiation",
            amount: None,
            p: 75.0,
            created: "2026-02-01",
            expected: "2026-03-20",
            trail: &[
                ("qualification", "2026-02-01"),
                ("negotiation", "2026-02-11"),
            ],
            closed: None,
        },
        Deal {
            id: "d4",
            owner: "a",
            stage: "won",
            amount: Some((3000, "USD")),
            p: 100.0,
            created: "2026-01-01",
            expected: "2026-01-31",
            trail: &[
                ("qualification", "2026-01-01"),
                ("needs_analysis", "2026-01-11"),
                ("proposal", "2026-01-21"),
                ("won", "2026-01-31"),
            ],
            closed: Some("2026-01-31"),
        },
        // Won in a currency without a rate, skipping stages.
        Deal {
            id: "d5",
            owner: "a",
            stage: "won",
            amount: Some((500, "GBP")),
            p: 100.0,
            created: "2026-02-01",
            expected: "2026-02-11",
            trail: &[("qualification", "2026-02-01"), ("won", "2026-02-11")],
            closed: Some("2026-02-11"),
        },
        Deal {
            id: "d6",
            owner: "a",
            stage: "lost",
            amount: Some((800, "USD")),
            p: 0.0,
            created: "2026-01-20",
            expected: "2026-02-20",
            trail: &[
                ("qualification", "2026-01-20"),
                ("needs_analysis", "2026-01-30"),
                ("lost", "2026-02-20"),
            ],
            closed: Some("2026-02-20"),
        },
        // Won before the period.
        Deal {
            id: "d7",
            owner: "a",
            stage: "won",
            amount: Some((10000, "USD")),
            p: 100.0,
            created: "2025-12-01",
            expected: "2025-12-20",
            trail: &[("qualification", "2025-12-01"), ("won", "2025-12-20")],
            closed: Some("2025-12-20"),
        },
        // Won, then reopened: open again, not a win.
        Deal {
            id: "d8",
            owner: "a",
            stage: "negotiation",
            amount: Some((1000, "USD")),
            p: 75.0,
            created: "2026-01-03",
            expected: "2026-04-15",
            trail: &[
                ("qualification", "2026-01-03"),
                ("won", "2026-01-13"),
                ("negotiation", "2026-02-02"),
            ],
            closed: None,
        },
    ];
    for d in deals {
        data.upsert(deal(d));
    }
    let activity =
        |id: &str, owner: &str, kind: &str, done: Option<&str>, assignee: Option<&str>| {
            let mut v = vec![
                ("subject", Value::Text(id.into())),
                ("kind", Value::Text(kind.into())),
            ];
            if let Some(d) = done {
                v.push(("done", Value::Bool(true)));
                v.push(("done_at", at(d)));
            }
            if let Some(a) = assignee {
                v.push(("assignee", Value::Ref(a.into())));
            }
            rec(ACTIVITIES, id, owner, "2025-12-01", v)
        };
    data.upsert(activity("a1", "a", "call", Some("2026-02-01"), None));
    data.upsert(activity("a2", "a", "email", Some("2026-01-05"), Some("b")));
    data.upsert(activity("a3", "a", "meeting", None, None));
    data.upsert(activity("a4", "a", "task", Some("2025-12-31"), None));
    data.upsert(activity("a5", "a", "note", Some("2026-01-31"), None));
    data.upsert(activity("a6", "b", "call", Some("2026-03-01"), None));
    let lead = |id: &str, created: &str, source: Option<&str>, deal: Option<&str>| {
        let mut v = vec![("last_name", Value::Text(id.into()))];
        if let Some(s) = source {
            v.push(("source", Value::Text(s.into())));
        }
        if let Some(d) = deal {
            v.push(("converted_contact", Value::Ref("c1".into())));
            v.push(("converted_deal", Value::Ref(d.into())));
        }
        rec(LEADS, id, "a", created, v)
    };
    data.upsert(lead("l1", "2026-01-10", Some("website"), Some("d4")));
    data.upsert(lead("l2", "2026-02-01", Some("website"), None));
    data.upsert(lead("l3", "2026-03-01", Some("referral"), Some("d1")));
    data.upsert(lead("l4", "2026-01-02", None, None));
    data.upsert(lead("l5", "2025-11-01", Some("website"), None));
    let quota = |id: &str, user: &str, start: &str, end: &str, target: Value| {
        rec(
            QUOTAS,
            id,
            "a",
            "2025-12-01",
            vec![
                ("name", Value::Text(id.into())),
                ("user", Value::Ref(user.into())),
                ("start", Value::Date(day(start))),
                ("end", Value::Date(day(end))),
                ("target", target),
            ],
        )
    };
    data.upsert(quota(
        "q1",
        "a",
        "2026-01-01",
        "2026-03-31",
        money(5000, "USD"),
    ));
    data.upsert(quota(
        "q2",
        "b",
        "2026-04-01",
        "2026-06-30",
        money(5000, "USD"),
    ));
    data.upsert(quota(
        "q3",
        "b",
        "2026-02-01",
        "2026-02-28",
        money(1000, "EUR"),
    ));
    data
}

fn rates() -> ExchangeRates {
    ExchangeRates {
        base: "USD".into(),
        rates: [("EUR".to_string(), Decimal::new(11, 1))].into(),
    }
}

fn q1<'a>(rates: &'a ExchangeRates, owner: Option<&'a str>) -> Scope<'a> {
    Scope {
        start: day("2026-01-01"),
        end: day("2026-03-31"),
        owner,
        now: ms("2026-03-15"),
        utc_offset_minutes: 0,
        rates,
    }
}

fn ids(data: &Dataset, module: &str, slots: &[Slot]) -> Vec<String> {
    let set = data.set(module).unwrap();
    let mut v: Vec<String> = slots
        .iter()
        .map(|s| set.at(*s).unwrap().id.clone())
        .collect();
    v.sort();
    v
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn headline_figures_follow_the_worked_example() {
    let data = fixture();
    let r = rates();
    let k = kpis(&data, &q1(&r, None));
    // Open now: d1, d2, d3 and the reopened d8, whatever the period.
    assert_eq!(ids(&data, DEALS, &k.open), ["d1", "d2", "d3", "d8"]);
    // 1000 + 2000 EUR × 1.1 + 1000; d3 has no amount.
    assert_eq!(
        (k.open_value.value, k.open_value.missing),
        (Some(dec("4200")), 1)
    );
    // 1000 × 10% + 2200 × 50% + 1000 × 75%.
    assert_eq!(k.weighted.value, Some(dec("1950")));
    // Won in Q1: d4 and d5 (GBP without a rate); d7 closed in 2025; lost: d6.
    assert_eq!(ids(&data, DEALS, &k.won), ["d4", "d5"]);
    assert_eq!(
        (k.won_value.value, k.won_value.unconverted),
        (Some(dec("3000")), 1)
    );
    assert_eq!(ids(&data, DEALS, &k.lost), ["d6"]);
    assert_eq!(k.win_rate, Some(2.0 / 3.0));
    assert_eq!(k.average_deal, Figure::Value(dec("3000")));
    // d4: 30 days, d5: 10 days.
    assert_eq!(k.cycle_days, Some(20.0));
    // 4 open × 3000 × 2/3 ÷ 20 days = 400 a day.
    assert_eq!(k.velocity.value().map(|v| v.round_dp(2)), Some(dec("400")));
}

#[test]
fn the_owner_filter_and_an_empty_period_leave_figures_undefined_not_zero() {
    let data = fixture();
    let r = rates();
    let k = kpis(&data, &q1(&r, Some("b")));
    assert_eq!(ids(&data, DEALS, &k.open), ["d2"]);
    assert!(k.won.is_empty());
    assert_eq!(
        (k.win_rate, k.average_deal, k.cycle_days, k.velocity),
        (None, Figure::Undefined, None, Figure::Undefined)
    );

    let empty = Scope {
        start: day("2030-01-01"),
        end: day("2030-01-31"),
        ..q1(&r, None)
    };
    let d = sales_dashboard(&data, &empty, "pipeline-new_business");
    assert!(d.kpis.won.is_empty() && d.kpis.lost.is_empty());
    assert_eq!(d.kpis.win_rate, None);
    assert!(d
        .funnel
        .iter()
        .all(|s| s.reached.is_empty() && s.median_days.is_none()));
    assert_eq!(d.forecast.len(), 1);
    assert_eq!(d.forecast[0].best_case, Sum::default());
    assert!(d.activities.is_empty() && d.leads.leads.is_empty() && d.quotas.is_empty());
    assert_eq!(d.leads.rate, None);
}

#[test]
fn the_funnel_counts_deals_reaching_each_stage_and_median_days_in_it() {
    let data = fixture();
    let r = rates();
    let f = funnel(&data, &q1(&r, None), "pipeline-new_business");
    let stages: Vec<&str> = f.iter().map(|s| s.stage.as_str()).collect();
    assert_eq!(
        stages,
        [
            stage("qualification"),
            stage("needs_analysis"),
            stage("proposal"),
            stage("negotiation"),
            stage("won")
        ]
    );
    let reached: Vec<usize> = f.iter().map(|s| s.reached.len()).collect();
    // d7 was created before the period; won deals reached every stage; d6 was
    // lost after needs analysis; reopened d8 counts where it is now.
    assert_eq!(reached, [7, 6, 5, 4, 2]);
    assert_eq!(ids(&data, DEALS, &f[4].reached), ["d4", "d5"]);
    let medians: Vec<Option<f64>> = f.iter().map(|s| s.median_days).collect();
    // Qualification stays 2, 10, 10, 10, 10, 10; needs analysis 8, 10, 21;
    // proposal 10; nobody left negotiation; the won stage is not timed.
    assert_eq!(medians, [Some(10.0), Some(10.0), Some(10.0), None, None]);
}

#[test]
fn the_forecast_splits_each_month_into_committed_weighted_and_best_case() {
    let data = fixture();
    let r = rates();
    let f = forecast(&data, &q1(&r, None));
    let months: Vec<String> = f
        .iter()
        .map(|m| m.month.format("%Y-%m").to_string())
        .collect();
    assert_eq!(months, ["2026-01", "2026-02", "2026-03"]);
    // January: d4 won.
    assert_eq!(f[0].committed.value, Some(dec("3000")));
    assert_eq!(f[0].best_case.value, Some(dec("3000")));
    assert_eq!(f[0].weighted.value, Some(Decimal::ZERO));
    // February: d1 expected (1000 at 10%), d5 won without a rate.
    assert_eq!(f[1].weighted.value, Some(dec("100")));
    assert_eq!(
        (f[1].best_case.value, f[1].best_case.unconverted),
        (Some(dec("1000")), 1)
    );
    assert_eq!(f[1].committed.unconverted, 1);
    // March: d2 (2200 at 50%) and d3 without an amount; d8 is expected in April.
    assert_eq!(f[2].weighted.value, Some(dec("1100")));
    assert_eq!(
        (f[2].best_case.value, f[2].best_case.missing),
        (Some(dec("2200")), 1)
    );
    assert_eq!(ids(&data, DEALS, &f[2].records), ["d2", "d3"]);
}

#[test]
fn activities_count_what_each_assignee_completed_in_the_period() {
    let data = fixture();
    let r = rates();
    let rows = activity_report(&data, &q1(&r, None));
    let summary: Vec<(&str, [usize; 4])> =
        rows.iter().map(|r| (r.user.as_str(), r.counts)).collect();
    // a2 is a's email assigned to b; a3 is not done, a4 was done in 2025, a5 is a note.
    assert_eq!(summary, [("b", [1, 1, 0, 0]), ("a", [1, 0, 0, 0])]);
    let only_a = activity_report(&data, &q1(&r, Some("a")));
    assert_eq!(ids(&data, ACTIVITIES, &only_a[0].records), ["a1"]);
}

#[test]
fn leads_convert_and_sources_are_credited_with_won_deals() {
    let data = fixture();
    let r = rates();
    let l = lead_figures(&data, &q1(&r, None));
    assert_eq!(ids(&data, LEADS, &l.leads), ["l1", "l2", "l3", "l4"]);
    assert_eq!(ids(&data, LEADS, &l.converted), ["l1", "l3"]);
    assert_eq!(l.rate, Some(0.5));
    let rows: Vec<(Option<&str>, usize, usize, Option<Decimal>)> = l
        .by_source
        .iter()
        .map(|s| {
            (
                s.source.as_deref(),
                s.leads.len(),
                s.converted,
                s.won_value.value,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (Some("website"), 2, 1, Some(dec("3000"))),
            (Some("referral"), 1, 1, Some(Decimal::ZERO)),
            (None, 1, 0, Some(Decimal::ZERO))
        ]
    );
}

#[test]
fn quota_attainment_is_won_in_the_quotas_own_dates_over_its_target() {
    let data = fixture();
    let r = rates();
    let rows = quotas(&data, &q1(&r, None));
    let summary: Vec<(&str, InBase, Option<Decimal>, Option<f64>)> = rows
        .iter()
        .map(|q| (q.user.as_str(), q.target, q.won.value, q.attainment))
        .collect();
    // q2 lies outside the period; q3's target is 1000 EUR = 1100 USD.
    assert_eq!(
        summary,
        [
            (
                "a",
                InBase::Value(dec("5000")),
                Some(dec("3000")),
                Some(0.6)
            ),
            (
                "b",
                InBase::Value(dec("1100.0")),
                Some(Decimal::ZERO),
                Some(0.0)
            )
        ]
    );
    assert_eq!(ids(&data, DEALS, &rows[0].deals), ["d4", "d5"]);
    assert_eq!(rows[0].won.unconverted, 1);
}

/// A deal of the largest amount a decimal holds, as a record stored before
/// amounts were bounded has it.
fn huge(id: &str, owner: &str, stage: &str, p: f64, closed: Option<&str>) -> Record {
    let mut r = deal(Deal {
        id,
        owner,
        stage,
        amount: Some((1, "USD")),
        p,
        created: "2026-01-10",
        expected: "2026-02-20",
        trail: &[("qualification", "2026-01-10")],
        closed,
    });
    r.values.insert(
        "amount",
        Value::Money(Box::new(Money {
            amount: Decimal::MAX,
            currency: "USD".into(),
        })),
    );
    r
}

#[test]
fn amounts_beyond_a_decimal_make_figures_too_large_not_unconverted_nor_a_crash() {
    let mut data = fixture();
    // Two open in a 10 % stage (the case), two won in February.
    data.upsert(huge("h1", "a", "qualification", 10.0, None));
    data.upsert(huge("h2", "a", "qualification", 10.0, None));
    data.upsert(huge("h3", "a", "won", 100.0, Some("2026-02-05")));
    data.upsert(huge("h4", "a", "won", 100.0, Some("2026-02-06")));
    // One won against a target small enough that won ÷ target overflows.
    data.upsert(huge("h5", "c", "won", 100.0, Some("2026-02-07")));
    data.upsert(rec(
        QUOTAS,
        "q4",
        "a",
        "2025-12-01",
        vec![
            ("name", Value::Text("q4".into())),
            ("user", Value::Ref("c".into())),
            ("start", Value::Date(day("2026-01-01"))),
            ("end", Value::Date(day("2026-03-31"))),
            (
                "target",
                Value::Money(Box::new(Money {
                    amount: dec("0.5"),
                    currency: "USD".into(),
                })),
            ),
        ],
    ));
    let r = rates();
    let scope = q1(&r, None);
    let d = sales_dashboard(&data, &scope, "pipeline-new_business");
    let k = &d.kpis;
    assert_eq!(k.open.len(), 6);
    assert_eq!(k.open_value.value, None, "not computable");
    assert_eq!(
        (k.open_value.unconverted, k.open_value.missing),
        (0, 1),
        "nothing lacks a rate (d3 has no amount)"
    );
    // A tenth of each still fits: the weighted figure is computed.
    assert!(k
        .weighted
        .value
        .is_some_and(|v| v > Decimal::MAX / dec("10")));
    assert_eq!(k.won.len(), 5);
    assert_eq!(k.won_value.value, None);
    assert_eq!(k.won_value.unconverted, 1, "d5's GBP only");
    assert_eq!(k.average_deal, Figure::TooLarge);
    assert_eq!(k.velocity, Figure::TooLarge);
    // February: h3, h4 and h5 won, h1 and h2 expected.
    let feb = &d.forecast[1];
    assert_eq!((feb.committed.value, feb.best_case.value), (None, None));
    assert_eq!(
        (feb.committed.unconverted, feb.best_case.unconverted),
        (1, 1)
    );
    assert!(feb.weighted.value.is_some());
    // Other months keep their figures.
    assert_eq!(d.forecast[2].weighted.value, Some(dec("1100")));
    let a = d.quotas.iter().find(|q| q.user == "a").unwrap();
    assert_eq!((a.won.value, a.attainment), (None, None));
    let c = d.quotas.iter().find(|q| q.user == "c").unwrap();
    assert_eq!(c.target, InBase::Value(dec("0.5")));
    assert_eq!(c.won.value, Some(Decimal::MAX));
    assert_eq!(c.attainment, None, "MAX ÷ 0.5 is beyond a decimal");
    // A rate that makes one amount too large converted: too large, not "no rate".
    let big_rate = ExchangeRates {
        base: "EUR".into(),
        rates: [("USD".to_string(), dec("2"))].into(),
    };
    let eur = Scope {
        rates: &big_rate,
        ..scope.clone()
    };
    let k = kpis(&data, &eur);
    assert_eq!(k.open_value.value, None);
    assert_eq!(k.weighted.value, None);
    assert_eq!(
        k.open_value.unconverted, 0,
        "too large is not lacking a rate"
    );
    // Stepping gives the same figures.
    stepping_matches(&data, &[scope, eur], "pipeline-new_business");
}

#[test]
fn drilling_into_a_number_gives_the_records_it_counts() {
    let data = fixture();
    let r = rates();
    let s = q1(&r, None);
    let p = "pipeline-new_business";
    let (m, slots) = drill(&data, &s, p, &format!("funnel/{}", stage("negotiation"))).unwrap();
    assert_eq!(
        (m, ids(&data, DEALS, &slots)),
        (
            DEALS,
            vec!["d3".to_string(), "d4".into(), "d5".into(), "d8".into()]
        )
    );
    let (_, slots) = drill(&data, &s, p, "forecast/2026-02").unwrap();
    assert_eq!(ids(&data, DEALS, &slots), ["d1", "d5"]);
    let (m, slots) = drill(&data, &s, p, "source/-").unwrap();
    assert_eq!(
        (m, ids(&data, LEADS, &slots)),
        (LEADS, vec!["l4".to_string()])
    );
    let (_, slots) = drill(&data, &s, p, "quota/q1").unwrap();
    assert_eq!(ids(&data, DEALS, &slots), ["d4", "d5"]);
    assert!(drill(&data, &s, p, "nonsense").is_none());
    assert!(drill(&data, &s, p, "funnel/no-such-stage").is_none());
}

#[test]
fn periods_are_whole_months_quarters_and_years() {
    let today = day("2026-11-25");
    assert_eq!(
        period_around(PeriodKind::Month, today),
        (day("2026-11-01"), day("2026-11-30"))
    );
    assert_eq!(
        period_around(PeriodKind::Quarter, today),
        (day("2026-10-01"), day("2026-12-31"))
    );
    assert_eq!(
        period_around(PeriodKind::Year, day("2024-02-29")),
        (day("2024-01-01"), day("2024-12-31"))
    );
}

/// Runs the work `slice` records at a time; also says how many steps it took.
fn stepped(data: &Dataset, scope: &Scope, pipeline: &str, slice: usize) -> (SalesDashboard, usize) {
    let mut work = SalesDashboardWork::new(data, scope, pipeline, Parts::ALL);
    let mut steps = 1;
    while !work.step(data, scope, slice) {
        steps += 1;
        assert!(steps < 10_000_000, "the work makes no progress");
    }
    (work.finish(), steps)
}

/// Every period, owner and slice size gives exactly the one-shot figures.
fn stepping_matches(data: &Dataset, scopes: &[Scope], pipeline: &str) {
    for scope in scopes {
        let whole = sales_dashboard(data, scope, pipeline);
        for slice in [1, 7, 1_000_000] {
            let (figures, steps) = stepped(data, scope, pipeline, slice);
            assert_eq!(figures, whole, "slice {slice}, {scope:?}");
            if slice == 1 && data.total() > 0 {
                assert!(steps > 1, "one record per step cannot finish at once");
            }
        }
        for key in drill_keys(data, &whole) {
            assert_eq!(
                drill(data, scope, pipeline, &key),
                drill_records(data, whole.clone(), &key),
                "{key}"
            );
        }
    }
}

/// Every drill-down key the figures link to.
fn drill_keys(data: &Dataset, d: &SalesDashboard) -> Vec<String> {
    let mut keys: Vec<String> = ["open", "won", "lost", "closed", "leads", "converted"]
        .map(String::from)
        .into();
    keys.extend(d.funnel.iter().map(|s| format!("funnel/{}", s.stage)));
    keys.extend(
        d.forecast
            .iter()
            .map(|f| format!("forecast/{}", f.month.format("%Y-%m"))),
    );
    keys.extend(
        d.activities
            .iter()
            .map(|a| format!("activities/{}", a.user)),
    );
    keys.extend(
        d.leads
            .by_source
            .iter()
            .map(|s| format!("source/{}", s.source.as_deref().unwrap_or("-"))),
    );
    if let Some(q) = data.set(QUOTAS) {
        keys.extend(
            d.quotas
                .iter()
                .filter_map(|r| q.at(r.quota))
                .map(|r| format!("quota/{}", r.id)),
        );
    }
    keys
}

fn scopes<'a>(rates: &'a ExchangeRates, now: Timestamp, users: &[&'a str]) -> Vec<Scope<'a>> {
    let today = chrono::DateTime::from_timestamp_millis(now)
        .unwrap()
        .date_naive();
    let mut out = Vec::new();
    for kind in [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year] {
        let (start, end) = period_around(kind, today);
        for owner in std::iter::once(None).chain(users.iter().map(|u| Some(*u))) {
            out.push(Scope {
                start,
                end,
                owner,
                now,
                utc_offset_minutes: 210,
                rates,
            });
        }
    }
    out
}

#[test]
fn stepping_gives_the_one_shot_figures_on_the_worked_example() {
    let data = fixture();
    let r = rates();
    let mut all = vec![q1(&r, None), q1(&r, Some("a")), q1(&r, Some("b"))];
    all.extend(scopes(&r, ms("2026-02-15"), &["a"]));
    stepping_matches(&data, &all, "pipeline-new_business");
    // A pipeline that does not exist: an empty funnel, the rest as before.
    stepping_matches(&data, &all[..1], "pipeline-none");
}

#[test]
fn stepping_gives_the_one_shot_figures_on_the_sample_and_synthetic_data() {
    let now = ms("2026-11-25") + 13 * 3_600_000;
    let mut sample = Dataset::new(standard_schema());
    for r in default_pipeline_records(1, &|k| k.to_string()) {
        sample.upsert(r);
    }
    for r in crate::domain::samples::sample::sample_records(now) {
        sample.upsert(r);
    }
    let r = rates();
    let users = sample.user_ids();
    let users: Vec<&str> = users.iter().map(String::as_str).take(2).collect();
    let sample_scopes = scopes(&r, now, &users);
    let year = sales_dashboard(&sample, &sample_scopes[6], "pipeline-new_business");
    assert!(!year.kpis.open.is_empty() && !year.leads.leads.is_empty());
    stepping_matches(&sample, &sample_scopes, "pipeline-new_business");

    let scale = crate::domain::samples::scale_data::scale_dataset(600, 2_000, now);
    stepping_matches(&scale, &scopes(&r, now, &["u1"]), "pipeline-new_business");
}

#[test]
fn stepping_over_no_data_finishes_with_empty_figures() {
    let empty = Dataset::new(standard_schema());
    let r = rates();
    let all = scopes(&r, ms("2026-02-15"), &["a"]);
    stepping_matches(&empty, &all, "");
    let (d, steps) = stepped(&empty, &all[0], "", 1);
    assert_eq!(steps, 1);
    assert!(d.kpis.open.is_empty() && d.funnel.is_empty() && d.quotas.is_empty());
    assert_eq!(d.forecast.len(), 1);
}
