use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::domain::modules::sales_modules::{DEALS, PIPELINES, STAGES};
use crate::domain::modules::standard_modules::{standard_schema, COMPANIES, CONTACTS};
use crate::domain::records::calendar_system::CalendarSystem;
use crate::domain::records::condition::Condition;
use crate::domain::records::record::Record;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::search::Slot;
use crate::domain::records::value::Money;
use crate::domain::records::value::Value;
use crate::domain::sales::pipeline::ExchangeRates;
use crate::domain::FieldValues;
use std::str::FromStr;

const DAY: i64 = 86_400_000;
/// 2024-01-01T00:00Z.
const JAN_1: i64 = 1_704_067_200_000;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn money(amount: &str, currency: &str) -> Value {
    Value::Money(Box::new(Money {
        amount: Decimal::from_str(amount).unwrap(),
        currency: currency.into(),
    }))
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

fn stage(id: &str, name: &str, position: f64) -> Record {
    let v: FieldValues = [
        ("name".to_string(), text(name)),
        ("pipeline".to_string(), Value::Ref("p".into())),
        ("position".to_string(), Value::Number(position)),
    ]
    .into();
    Record::new(id.into(), STAGES, 0, None, v)
}

/// Six deals, created on 2 … 7 January 2024:
///
/// | id | title         | amount   | priority | stage | close      | owner | prob |
/// |----|---------------|----------|----------|-------|------------|-------|------|
/// | d1 | Alpha         | 1000 EUR | high     | won   | 2024-01-15 | ann   | 10   |
/// | d2 | Beta          | 400 USD  | low      | open  | 2024-02-04 | bob   | 50   |
/// | d3 | Gamma         | 999 JPY  | medium   | won   | 2024-04-01 | ann   |      |
/// | d4 | Delta         |          | high     | won   | 2024-05-10 | bob   |      |
/// | d5 | =HYPERLINK(x) | 300 EUR  |          | lost  |            |       |      |
/// | d6 | Eps           | 600 EUR  | low      | won   | 2024-04-20 | ann   |      |
///
/// Base EUR, 1 USD = 0.5 EUR, no JPY rate: in EUR 1000, 200, —, —, 300, 600.
fn data() -> Dataset {
    let mut ds = Dataset::new(standard_schema());
    ds.upsert(Record::new(
        "p".into(),
        PIPELINES,
        0,
        None,
        [("name".to_string(), text("Sales"))].into(),
    ));
    // Titles sort "Closed lost", "Closed won", "Qualify"; positions the other way.
    ds.upsert(stage("s_open", "Qualify", 1.0));
    ds.upsert(stage("s_won", "Closed won", 3.0));
    ds.upsert(stage("s_lost", "Closed lost", 4.0));
    type Row<'a> = (
        &'a str,
        &'a str,
        Option<Value>,
        Option<&'a str>,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        Option<f64>,
    );
    let rows: Vec<Row> = vec![
        (
            "d1",
            "Alpha",
            Some(money("1000", "EUR")),
            Some("high"),
            "s_won",
            Some("2024-01-15"),
            Some("ann"),
            Some(10.0),
        ),
        (
            "d2",
            "Beta",
            Some(money("400", "USD")),
            Some("low"),
            "s_open",
            Some("2024-02-04"),
            Some("bob"),
            Some(50.0),
        ),
        (
            "d3",
            "Gamma",
            Some(money("999", "JPY")),
            Some("medium"),
            "s_won",
            Some("2024-04-01"),
            Some("ann"),
            None,
        ),
        (
            "d4",
            "Delta",
            None,
            Some("high"),
            "s_won",
            Some("2024-05-10"),
            Some("bob"),
            None,
        ),
        (
            "d5",
            "=HYPERLINK(x)",
            Some(money("300", "EUR")),
            None,
            "s_lost",
            None,
            None,
            None,
        ),
        (
            "d6",
            "Eps",
            Some(money("600", "EUR")),
            Some("low"),
            "s_won",
            Some("2024-04-20"),
            Some("ann"),
            None,
        ),
    ];
    for (i, (id, title, amount, priority, stage, close, owner, prob)) in
        rows.into_iter().enumerate()
    {
        let mut v: FieldValues = [
            ("title".to_string(), text(title)),
            ("pipeline".to_string(), Value::Ref("p".into())),
            ("stage".to_string(), Value::Ref(stage.into())),
        ]
        .into();
        if let Some(a) = amount {
            v.insert("amount", a);
        }
        if let Some(p) = priority {
            v.insert("priority", text(p));
        }
        if let Some(c) = close {
            v.insert("expected_close", Value::Date(d(c)));
        }
        if let Some(p) = prob {
            v.insert("probability", Value::Number(p));
        }
        let now = JAN_1 + (i as i64 + 1) * DAY;
        ds.upsert(Record::new(
            id.into(),
            DEALS,
            now,
            owner.map(str::to_string),
            v,
        ));
    }
    ds
}

fn rates() -> ExchangeRates {
    ExchangeRates {
        base: "EUR".into(),
        rates: [("USD".to_string(), Decimal::from_str("0.5").unwrap())].into(),
    }
}

fn spec(kind: ReportKind, measure: Measure) -> ReportSpec {
    ReportSpec {
        module: DEALS.into(),
        columns: vec!["title".into(), "amount".into()],
        filter: FilterGroup::default(),
        sort: None,
        kind,
        measure,
    }
}

fn cond(field: &str, operator: &str, value: &str) -> Condition {
    Condition {
        field: field.into(),
        operator: operator.into(),
        value: value.into(),
    }
}

fn group(any: bool, conditions: Vec<Condition>, groups: Vec<FilterGroup>) -> FilterGroup {
    FilterGroup {
        any,
        conditions,
        groups,
    }
}

fn ids(ds: &Dataset, slots: &[Slot]) -> Vec<String> {
    let set = ds.set(DEALS).unwrap();
    slots
        .iter()
        .map(|s| set.at(*s).unwrap().id.clone())
        .collect()
}

fn filtered(ds: &Dataset, filter: FilterGroup) -> Vec<String> {
    let mut s = spec(ReportKind::Tabular, Measure::Count);
    s.filter = filter;
    ids(ds, &run(ds, &s, &rates()).unwrap().rows)
}

fn summary(ds: &Dataset, g: Grouping, m: Measure) -> Vec<(GroupKey, usize, Option<f64>)> {
    run(ds, &spec(ReportKind::Summary(g), m), &rates())
        .unwrap()
        .groups
        .into_iter()
        .map(|g| (g.key, g.count, g.value))
        .collect()
}

fn option(value: &str) -> GroupKey {
    GroupKey::Option {
        field: "priority".into(),
        value: value.into(),
    }
}

fn period(start: &str, bucket: DateBucket) -> GroupKey {
    GroupKey::Period {
        start: d(start),
        bucket,
    }
}

#[test]
fn periods_start_on_monday_month_quarter_and_year() {
    // 2024-02-04 is a Sunday: its ISO week began on Monday 29 January.
    assert_eq!(
        period_start(d("2024-02-04"), DateBucket::Week),
        d("2024-01-29")
    );
    assert_eq!(
        period_start(d("2024-01-29"), DateBucket::Week),
        d("2024-01-29")
    );
    assert_eq!(
        period_start(d("2024-01-01"), DateBucket::Week),
        d("2024-01-01")
    );
    assert_eq!(
        period_start(d("2024-02-29"), DateBucket::Month),
        d("2024-02-01")
    );
    assert_eq!(
        period_start(d("2024-06-30"), DateBucket::Quarter),
        d("2024-04-01")
    );
    assert_eq!(
        period_start(d("2024-12-31"), DateBucket::Quarter),
        d("2024-10-01")
    );
    assert_eq!(
        period_start(d("2024-12-31"), DateBucket::Year),
        d("2024-01-01")
    );
}

#[test]
fn periods_start_by_the_reports_calendar() {
    use crate::domain::records::calendar_system::CalendarSystem;
    let solar = CalendarSystem::SolarHijri;
    // 2026-12-04 is 13 Azar 1405: Azar began 2026-11-22, autumn (1 Mehr) 2026-09-23,
    // the year (Nowruz) 2026-03-21.
    let day = d("2026-12-04");
    assert_eq!(
        period_start_in(day, DateBucket::Month, solar),
        d("2026-11-22")
    );
    assert_eq!(
        period_start_in(day, DateBucket::Quarter, solar),
        d("2026-09-23")
    );
    assert_eq!(
        period_start_in(day, DateBucket::Year, solar),
        d("2026-03-21")
    );
    // Weeks do not depend on the calendar.
    assert_eq!(
        period_start_in(day, DateBucket::Week, solar),
        d("2026-11-30")
    );
    // The Gregorian and Buddhist periods are the same days.
    for bucket in [
        DateBucket::Week,
        DateBucket::Month,
        DateBucket::Quarter,
        DateBucket::Year,
    ] {
        for day in d("2024-01-01").iter_days().take(400) {
            let gregorian = period_start(day, bucket);
            assert_eq!(
                period_start_in(day, bucket, CalendarSystem::Gregorian),
                gregorian
            );
            assert_eq!(
                period_start_in(day, bucket, CalendarSystem::Buddhist),
                gregorian
            );
        }
    }
}

#[test]
fn filters_and_or_and_nested_groups() {
    let ds = data();
    assert_eq!(
        filtered(&ds, FilterGroup::default()),
        ["d1", "d2", "d3", "d4", "d5", "d6"],
        "an empty group matches everything"
    );
    let and = group(
        false,
        vec![cond("priority", "is", "high"), cond("owner", "is", "bob")],
        vec![],
    );
    assert_eq!(filtered(&ds, and), ["d4"]);
    let or = group(
        true,
        vec![cond("priority", "is", "low"), cond("stage", "is", "s_lost")],
        vec![],
    );
    assert_eq!(filtered(&ds, or), ["d2", "d5", "d6"]);
    // ann's deals that are high priority or close on or after 15 April.
    let nested = group(
        false,
        vec![cond("owner", "is", "ann")],
        vec![group(
            true,
            vec![
                cond("priority", "is", "high"),
                cond("expected_close", "on_or_after", "2024-04-15"),
            ],
            vec![],
        )],
    );
    assert_eq!(filtered(&ds, nested), ["d1", "d6"]);
    let created = group(
        false,
        vec![cond("created_at", "on_or_after", "2024-01-05")],
        vec![],
    );
    assert_eq!(filtered(&ds, created), ["d4", "d5", "d6"]);
    let before = group(
        false,
        vec![cond("expected_close", "on_or_before", "2024-02-04")],
        vec![],
    );
    assert_eq!(filtered(&ds, before), ["d1", "d2"]);
    let no_owner = group(false, vec![cond("owner", "is_empty", "")], vec![]);
    assert_eq!(filtered(&ds, no_owner), ["d5"]);
}

#[test]
fn count_sum_and_average_convert_money_and_skip_empties() {
    let ds = data();
    let r = run(&ds, &spec(ReportKind::Tabular, Measure::Count), &rates()).unwrap();
    assert_eq!(r.total, Some(6.0));
    assert_eq!(r.unconverted, 0, "a count converts nothing");
    let sum = run(
        &ds,
        &spec(ReportKind::Tabular, Measure::Sum("amount".into())),
        &rates(),
    )
    .unwrap();
    // 1000 + 400 × 0.5 + 300 + 600; the yen deal has no rate, d4 no amount.
    assert_eq!(sum.total, Some(2100.0));
    assert_eq!(sum.unconverted, 1);
    let avg = run(
        &ds,
        &spec(ReportKind::Tabular, Measure::Avg("amount".into())),
        &rates(),
    )
    .unwrap();
    assert_eq!(
        avg.total,
        Some(525.0),
        "2100 over the four deals with an amount"
    );
    let prob = run(
        &ds,
        &spec(ReportKind::Tabular, Measure::Avg("probability".into())),
        &rates(),
    )
    .unwrap();
    assert_eq!(
        prob.total,
        Some(30.0),
        "(10 + 50) / 2: empties are left out"
    );
    let mut none = spec(ReportKind::Tabular, Measure::Sum("amount".into()));
    none.filter = group(false, vec![cond("title", "is", "Delta")], vec![]);
    assert_eq!(run(&ds, &none, &rates()).unwrap().total, None);
}

#[test]
fn summary_by_picklist_follows_option_order_with_empty_last() {
    let ds = data();
    assert_eq!(
        summary(
            &ds,
            Grouping::Field("priority".into()),
            Measure::Sum("amount".into())
        ),
        vec![
            (option("low"), 2, Some(800.0)),
            (option("medium"), 1, None),
            (option("high"), 2, Some(1000.0)),
            (GroupKey::Empty, 1, Some(300.0)),
        ]
    );
    let r = run(
        &ds,
        &spec(
            ReportKind::Summary(Grouping::Field("priority".into())),
            Measure::Count,
        ),
        &rates(),
    )
    .unwrap();
    assert_eq!(ids(&ds, &r.groups[0].records), ["d2", "d6"], "drill-down");
    let counted: usize = r.groups.iter().map(|g| g.count).sum();
    assert_eq!(counted, 6);
}

#[test]
fn summary_by_owner_and_by_stage_position() {
    let ds = data();
    assert_eq!(
        summary(&ds, Grouping::Owner, Measure::Sum("amount".into())),
        vec![
            (GroupKey::User("ann".into()), 3, Some(1600.0)),
            (GroupKey::User("bob".into()), 2, Some(200.0)),
            (GroupKey::Empty, 1, Some(300.0)),
        ]
    );
    let stage = |id: &str| GroupKey::Ref {
        module: STAGES.into(),
        id: id.into(),
    };
    assert_eq!(
        summary(&ds, Grouping::Field("stage".into()), Measure::Count),
        vec![
            (stage("s_open"), 1, Some(1.0)),
            (stage("s_won"), 4, Some(4.0)),
            (stage("s_lost"), 1, Some(1.0)),
        ],
        "by position, not by title"
    );
}

#[test]
fn summary_by_month_quarter_and_week() {
    let ds = data();
    let by = |b| {
        summary(
            &ds,
            Grouping::Date("expected_close".into(), b),
            Measure::Sum("amount".into()),
        )
    };
    use DateBucket::*;
    assert_eq!(
        by(Month),
        vec![
            (period("2024-01-01", Month), 1, Some(1000.0)),
            (period("2024-02-01", Month), 1, Some(200.0)),
            (period("2024-04-01", Month), 2, Some(600.0)),
            (period("2024-05-01", Month), 1, None),
            (GroupKey::Empty, 1, Some(300.0)),
        ]
    );
    assert_eq!(
        by(Quarter),
        vec![
            (period("2024-01-01", Quarter), 2, Some(1200.0)),
            (period("2024-04-01", Quarter), 3, Some(600.0)),
            (GroupKey::Empty, 1, Some(300.0)),
        ]
    );
    assert_eq!(
        by(Week),
        vec![
            (period("2024-01-15", Week), 1, Some(1000.0)),
            // Sunday 4 February belongs to the week of Monday 29 January.
            (period("2024-01-29", Week), 1, Some(200.0)),
            (period("2024-04-01", Week), 1, None),
            (period("2024-04-15", Week), 1, Some(600.0)),
            (period("2024-05-06", Week), 1, None),
            (GroupKey::Empty, 1, Some(300.0)),
        ]
    );
    assert_eq!(
        summary(
            &ds,
            Grouping::Date("created_at".into(), Year),
            Measure::Count
        ),
        vec![(period("2024-01-01", Year), 6, Some(6.0))]
    );
}

#[test]
fn multi_select_values_each_make_a_group() {
    let mut ds = data();
    for (id, tags) in [
        ("c1", vec!["vip", "retail"]),
        ("c2", vec!["vip"]),
        ("c3", vec![]),
    ] {
        let mut v: FieldValues = [("name".to_string(), text(id))].into();
        v.insert(
            "tags",
            Value::List(tags.into_iter().map(String::from).collect()),
        );
        ds.upsert(Record::new(id.into(), COMPANIES, 0, None, v));
    }
    let mut s = spec(
        ReportKind::Summary(Grouping::Field("tags".into())),
        Measure::Count,
    );
    s.module = COMPANIES.into();
    s.columns = vec!["name".into()];
    let tag = |t: &str| GroupKey::Option {
        field: "tags".into(),
        value: t.into(),
    };
    let groups: Vec<(GroupKey, usize)> = run(&ds, &s, &rates())
        .unwrap()
        .groups
        .into_iter()
        .map(|g| (g.key, g.count))
        .collect();
    assert_eq!(
        groups,
        vec![(tag("retail"), 1), (tag("vip"), 2), (GroupKey::Empty, 1)]
    );
}

#[test]
fn checkboxes_group_yes_then_no_and_an_unset_box_is_no() {
    let mut ds = data();
    for (id, flag) in [("a", Some(true)), ("b", Some(false)), ("c", None)] {
        let mut v: FieldValues = [("last_name".to_string(), text(id))].into();
        if let Some(f) = flag {
            v.insert("do_not_contact", Value::Bool(f));
        }
        ds.upsert(Record::new(id.into(), CONTACTS, 0, None, v));
    }
    let mut s = spec(
        ReportKind::Summary(Grouping::Field("do_not_contact".into())),
        Measure::Count,
    );
    s.module = CONTACTS.into();
    s.columns = vec![];
    let groups: Vec<(GroupKey, usize)> = run(&ds, &s, &rates())
        .unwrap()
        .groups
        .into_iter()
        .map(|g| (g.key, g.count))
        .collect();
    assert_eq!(
        groups,
        vec![(GroupKey::Bool(true), 1), (GroupKey::Bool(false), 2)]
    );
}

fn won_by_owner_and_quarter() -> ReportSpec {
    let mut s = spec(
        ReportKind::Matrix {
            rows: Grouping::Owner,
            cols: Grouping::Date("expected_close".into(), DateBucket::Quarter),
        },
        Measure::Sum("amount".into()),
    );
    s.filter = group(false, vec![cond("stage", "is", "s_won")], vec![]);
    s.sort = Some(("expected_close".into(), true));
    s
}

#[test]
fn matrix_of_won_amount_per_owner_per_quarter_adds_up() {
    let ds = data();
    let r = run(&ds, &won_by_owner_and_quarter(), &rates()).unwrap();
    let m = r.matrix.unwrap();
    assert_eq!(
        m.row_keys,
        [GroupKey::User("ann".into()), GroupKey::User("bob".into())]
    );
    use DateBucket::Quarter;
    assert_eq!(
        m.col_keys,
        [period("2024-01-01", Quarter), period("2024-04-01", Quarter)]
    );
    let cell = |r: usize, c: usize| (m.cells[r][c].count, m.cells[r][c].value);
    assert_eq!(cell(0, 0), (1, Some(1000.0)));
    assert_eq!(cell(0, 1), (2, Some(600.0)), "d6; d3 has no yen rate");
    assert_eq!(cell(1, 0), (0, None));
    assert_eq!(cell(1, 1), (1, None), "d4 has no amount");
    assert_eq!(
        ids(&ds, &m.cells[0][1].records),
        ["d6", "d3"],
        "in sort order"
    );
    let totals = |cells: &[Cell]| cells.iter().map(|c| (c.count, c.value)).collect::<Vec<_>>();
    assert_eq!(totals(&m.row_totals), [(3, Some(1600.0)), (1, None)]);
    assert_eq!(totals(&m.col_totals), [(1, Some(1000.0)), (3, Some(600.0))]);
    assert_eq!(
        (m.grand_total.count, m.grand_total.value),
        (4, Some(1600.0))
    );
    assert_eq!(r.total, Some(1600.0));
    assert_eq!(r.unconverted, 1);
}

#[test]
fn sums_beyond_a_decimal_are_too_large_apart_from_unconverted_and_others_stay() {
    let mut ds = data();
    // Two deals of the largest amount a decimal holds (stored before amounts were
    // bounded), both ann's.
    for id in ["h1", "h2"] {
        let mut r = ds.get(DEALS, "d1").unwrap().clone();
        r.id = id.into();
        r.values
            .insert("amount", money("79228162514264337593543950335", "EUR"));
        ds.upsert(r);
    }
    let by_owner = spec(
        ReportKind::Summary(Grouping::Owner),
        Measure::Sum("amount".into()),
    );
    let r = run(&ds, &by_owner, &rates()).unwrap();
    assert_eq!((r.total, r.total_too_large), (None, true));
    assert_eq!(r.unconverted, 1, "the yen deal only");
    let groups: Vec<_> = r
        .groups
        .iter()
        .map(|g| (g.key.clone(), g.value, g.too_large))
        .collect();
    assert_eq!(
        groups,
        [
            (GroupKey::User("ann".into()), None, true),
            // 400 USD × 0.5: untouched by the others' overflow.
            (GroupKey::User("bob".into()), Some(200.0), false),
            (GroupKey::Empty, Some(300.0), false),
        ]
    );
    // An average is no more computable; a count still is.
    let avg = run(
        &ds,
        &spec(ReportKind::Tabular, Measure::Avg("amount".into())),
        &rates(),
    )
    .unwrap();
    assert_eq!((avg.total, avg.total_too_large), (None, true));
    let n = run(&ds, &spec(ReportKind::Tabular, Measure::Count), &rates()).unwrap();
    assert_eq!((n.total, n.total_too_large), (Some(8.0), false));
    // One amount that is too large once converted: too large, not unconverted.
    let mut one = data();
    let mut r = one.get(DEALS, "d2").unwrap().clone();
    r.values
        .insert("amount", money("79228162514264337593543950335", "USD"));
    one.upsert(r);
    let doubling = ExchangeRates {
        base: "EUR".into(),
        rates: [("USD".to_string(), Decimal::from(2))].into(),
    };
    let matrix = spec(
        ReportKind::Matrix {
            rows: Grouping::Owner,
            cols: Grouping::Field("priority".into()),
        },
        Measure::Sum("amount".into()),
    );
    let r = run(&one, &matrix, &doubling).unwrap();
    assert_eq!(r.unconverted, 1);
    let m = r.matrix.unwrap();
    assert!(m.grand_total.too_large && m.grand_total.value.is_none());
    let too_large = m.cells.iter().flatten().filter(|c| c.too_large).count();
    assert_eq!(too_large, 1, "only the cell holding d2");
    assert!(m
        .row_totals
        .iter()
        .any(|c| c.value.is_some() && !c.too_large));
}

#[test]
fn sorting_descending_keeps_empties_last() {
    let ds = data();
    let mut s = spec(ReportKind::Tabular, Measure::Count);
    s.sort = Some(("expected_close".into(), true));
    assert_eq!(
        ids(&ds, &run(&ds, &s, &rates()).unwrap().rows),
        ["d4", "d6", "d3", "d2", "d1", "d5"]
    );
    s.sort = Some(("probability".into(), false));
    assert_eq!(
        ids(&ds, &run(&ds, &s, &rates()).unwrap().rows),
        ["d1", "d2", "d3", "d4", "d5", "d6"]
    );
    s.sort = Some(("probability".into(), true));
    assert_eq!(
        ids(&ds, &run(&ds, &s, &rates()).unwrap().rows),
        ["d2", "d1", "d3", "d4", "d5", "d6"]
    );
    s.sort = Some(("stage".into(), false));
    assert_eq!(
        ids(&ds, &run(&ds, &s, &rates()).unwrap().rows),
        ["d5", "d1", "d3", "d4", "d6", "d2"],
        "lookups sort by the linked title"
    );
}

#[test]
fn errors_name_the_problem() {
    let ds = data();
    let r = &rates();
    let mut s = spec(ReportKind::Tabular, Measure::Count);
    s.filter = group(false, vec![cond("colour", "is", "red")], vec![]);
    assert_eq!(
        run(&ds, &s, r),
        Err(ReportError::UnknownField("colour".into()))
    );
    let mut s = spec(ReportKind::Tabular, Measure::Count);
    s.columns.push("nope".into());
    assert_eq!(
        run(&ds, &s, r),
        Err(ReportError::UnknownField("nope".into()))
    );
    let s = spec(ReportKind::Tabular, Measure::Sum("title".into()));
    assert_eq!(
        run(&ds, &s, r),
        Err(ReportError::NotANumber("title".into()))
    );
    let s = spec(
        ReportKind::Summary(Grouping::Field("description".into())),
        Measure::Count,
    );
    assert_eq!(
        run(&ds, &s, r),
        Err(ReportError::CannotGroup("description".into()))
    );
    let s = spec(
        ReportKind::Summary(Grouping::Date("title".into(), DateBucket::Month)),
        Measure::Count,
    );
    assert_eq!(
        run(&ds, &s, r),
        Err(ReportError::CannotGroup("title".into()))
    );
    let mut s = spec(ReportKind::Tabular, Measure::Count);
    s.module = "widgets".into();
    assert_eq!(
        run(&ds, &s, r),
        Err(ReportError::UnknownModule("widgets".into()))
    );
    assert_eq!(
        ReportError::NotANumber("title".into()).to_string(),
        "not a number field: title"
    );
}

#[test]
fn a_spec_round_trips_through_json() {
    let s = won_by_owner_and_quarter();
    let json = serde_json::to_string(&s).unwrap();
    assert!(json.contains(r#""operator":"is""#), "{json}");
    assert_eq!(serde_json::from_str::<ReportSpec>(&json).unwrap(), s);
    let minimal: ReportSpec =
        serde_json::from_str(r#"{"module":"deals","kind":"tabular","measure":"count"}"#).unwrap();
    assert_eq!(minimal.filter, FilterGroup::default());
}

fn label(k: &GroupKey) -> String {
    match k {
        GroupKey::Empty => "(none)".into(),
        GroupKey::Option { value, .. } => value.clone(),
        GroupKey::User(u) => u.clone(),
        GroupKey::Period { start, .. } => start.to_string(),
        other => format!("{other:?}"),
    }
}

fn header(h: CsvHeader) -> String {
    match h {
        CsvHeader::Field(f) => f.to_string(),
        other => format!("{other:?}"),
    }
}

fn cell(r: &Record, field: &str) -> String {
    r.get(field).map(Value::to_plain).unwrap_or_default()
}

#[test]
fn csv_of_table_summary_and_matrix_with_formulas_neutralised() {
    let ds = data();
    let mut s = spec(ReportKind::Tabular, Measure::Count);
    s.filter = group(
        true,
        vec![cond("title", "is", "Alpha"), cond("stage", "is", "s_lost")],
        vec![],
    );
    let r = run(&ds, &s, &rates()).unwrap();
    assert_eq!(
        to_csv(&ds, &s, &r, &header, &label, &cell),
        "\u{FEFF}title,amount\r\nAlpha,1000 EUR\r\n'=HYPERLINK(x),300 EUR\r\n"
    );
    let s = spec(
        ReportKind::Summary(Grouping::Field("priority".into())),
        Measure::Avg("amount".into()),
    );
    let r = run(&ds, &s, &rates()).unwrap();
    assert_eq!(
        to_csv(&ds, &s, &r, &header, &label, &cell),
        "\u{FEFF}Group,Count,Measure\r\nlow,2,400\r\nmedium,1,\r\nhigh,2,1000\r\n\
         (none),1,300\r\nTotal,6,525\r\n"
    );
    let s = won_by_owner_and_quarter();
    let r = run(&ds, &s, &rates()).unwrap();
    assert_eq!(
        to_csv(&ds, &s, &r, &header, &label, &cell),
        "\u{FEFF}Group,2024-01-01,2024-04-01,Total\r\nann,1000,600,1600\r\nbob,,,\r\n\
         Total,1000,600,1600\r\n"
    );
}

/// Every spec below, over `ds`, gives the one-shot result stepped 1, 7 or many
/// records at a time.
fn stepping_matches(ds: &Dataset) {
    let by_stage = Grouping::Field("stage".into());
    let by_month = Grouping::Date(CREATED_AT.into(), DateBucket::Month);
    let mut specs = vec![
        spec(ReportKind::Tabular, Measure::Count),
        spec(
            ReportKind::Summary(by_stage.clone()),
            Measure::Sum("amount".into()),
        ),
        spec(
            ReportKind::Summary(by_month.clone()),
            Measure::Avg("amount".into()),
        ),
        spec(
            ReportKind::Matrix {
                rows: Grouping::Owner,
                cols: by_stage.clone(),
            },
            Measure::Count,
        ),
    ];
    let mut sorted = spec(ReportKind::Summary(by_month), Measure::Count);
    sorted.sort = Some(("amount".into(), true));
    specs.push(sorted);
    let mut by_lookup = spec(ReportKind::Tabular, Measure::Sum("amount".into()));
    by_lookup.sort = Some(("stage".into(), false));
    by_lookup.filter = group(true, vec![cond("amount", "is_not_empty", "")], vec![]);
    specs.push(by_lookup);
    for s in &specs {
        let whole = run(ds, s, &rates()).unwrap();
        for slice in [1, 7, 1_000_000] {
            let mut work = ReportWork::new(ds, s).unwrap();
            let mut steps = 1;
            while !work.step(ds, &rates(), slice).unwrap() {
                steps += 1;
            }
            if slice == 1 && ds.set(DEALS).is_some_and(|d| d.len() > 1) {
                assert!(steps > 1);
            }
            assert_eq!(work.finish(ds).unwrap(), whole, "slice {slice}: {s:?}");
        }
    }
}

#[test]
fn a_report_run_in_steps_gives_the_one_shot_result() {
    stepping_matches(&data());
    stepping_matches(&Dataset::new(standard_schema()));
    let now = JAN_1 + 400 * DAY;
    let mut sample = Dataset::new(standard_schema());
    for r in crate::domain::sales::pipeline_records::default_pipeline_records(1, &|k| k.to_string())
    {
        sample.upsert(r);
    }
    for r in crate::domain::samples::sample::sample_records(now) {
        sample.upsert(r);
    }
    assert!(sample.set(DEALS).is_some_and(|d| d.len() > 10));
    stepping_matches(&sample);
    // A spec that cannot run says so before any step.
    let mut bad = spec(ReportKind::Tabular, Measure::Count);
    bad.module = "nowhere".into();
    assert!(ReportWork::new(&sample, &bad).is_err());
}

#[test]
fn a_persian_users_report_counts_solar_hijri_months_and_seasons() {
    let ds = data();
    let by = |b| {
        let s = spec(
            ReportKind::Summary(Grouping::Date("expected_close".into(), b)),
            Measure::Count,
        );
        let mut work = ReportWork::new(&ds, &s)
            .unwrap()
            .in_calendar(CalendarSystem::SolarHijri);
        while !work.step(&ds, &rates(), 3).unwrap() {}
        work.finish(&ds)
            .unwrap()
            .groups
            .into_iter()
            .map(|g| (g.key, g.count))
            .collect::<Vec<_>>()
    };
    use DateBucket::*;
    let months = by(Month);
    // 15 January 2024 is in Dey 1402 (from 22 December), 4 February in Bahman.
    assert_eq!(months[0], (period("2023-12-22", Month), 1));
    assert_eq!(months[1], (period("2024-01-21", Month), 1));
    // Winter (Dey to Esfand) and spring (from Nowruz, 20 March 2024).
    assert_eq!(
        by(Quarter),
        vec![
            (period("2023-12-22", Quarter), 2),
            (period("2024-03-20", Quarter), 3),
            (GroupKey::Empty, 1),
        ]
    );
    assert_eq!(by(Year)[0], (period("2023-03-21", Year), 2));
}
