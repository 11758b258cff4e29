//! The formula language over the standard modules (deals link to companies).

use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

use super::*;
use crate::domain::modules::standard_modules::standard_schema;
use crate::domain::records::field::{Aggregate, FieldDef, FieldKind};
use crate::domain::records::value::Money;

struct Companies(Vec<(String, FieldValues)>);

impl Linked for Companies {
    fn linked(&self, module: &str, id: &str) -> Option<&FieldValues> {
        assert_eq!(
            module, "companies",
            "a deal's company lookup names companies"
        );
        self.0.iter().find(|(i, _)| i == id).map(|(_, v)| v)
    }
}

fn money(amount: &str, currency: &str) -> Value {
    Value::Money(Box::new(Money {
        amount: amount.parse().unwrap(),
        currency: currency.into(),
    }))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn time() -> EvalTime {
    EvalTime {
        today: date(2026, 12, 5),
        now: Utc.with_ymd_and_hms(2026, 12, 5, 9, 30, 0).unwrap(),
    }
}

/// A deal worth 1200.50 EUR closing 2026-12-20, of the company "Acme" (software, 40 people).
fn deal() -> (FieldValues, Companies) {
    let mut d = FieldValues::new();
    d.insert("title", Value::Text("Renewal".into()));
    d.insert("amount", money("1200.50", "EUR"));
    d.insert("probability", Value::Number(40.0));
    d.insert("expected_close", Value::Date(date(2026, 12, 20)));
    d.insert("priority", Value::Text("high".into()));
    d.insert("company", Value::Ref("c1".into()));
    let mut c = FieldValues::new();
    c.insert("name", Value::Text("Acme".into()));
    c.insert("industry", Value::Text("software".into()));
    c.insert("employees", Value::Number(40.0));
    (d, Companies(vec![("c1".into(), c)]))
}

fn run(src: &str, result: ResultType) -> Option<Value> {
    let schema = standard_schema();
    let deals = schema.module("deals").unwrap();
    let f = compile(src, deals, &schema, result).unwrap_or_else(|e| panic!("{src}: {e:?}"));
    let (d, c) = deal();
    f.evaluate(&d, &c, &time())
}

fn refused(src: &str, result: ResultType) -> FormulaError {
    let schema = standard_schema();
    let deals = schema.module("deals").unwrap();
    compile(src, deals, &schema, result).expect_err(src)
}

use ResultType as R;

#[test]
fn arithmetic_follows_precedence_and_types() {
    assert_eq!(run("1 + 2 * 3", R::Number), Some(Value::Number(7.0)));
    assert_eq!(run("(1 + 2) * 3", R::Number), Some(Value::Number(9.0)));
    assert_eq!(run("-2 * -3 + 10 % 4", R::Number), Some(Value::Number(8.0)));
    assert_eq!(
        run("amount * probability / 100", R::Money),
        Some(money("480.2", "EUR"))
    );
    assert_eq!(run("amount - 200.5", R::Money), Some(money("1000", "EUR")));
    assert_eq!(run("amount / amount", R::Number), Some(Value::Number(1.0)));
    assert_eq!(
        run("amount > 1000 and probability >= 40", R::Checkbox),
        Some(Value::Bool(true))
    );
    assert_eq!(run("1 / 0", R::Number), None, "a division by zero is blank");
}

#[test]
fn text_functions_and_concatenation() {
    assert_eq!(
        run("UPPER(title) & \" – \" & company.name", R::Text),
        Some(Value::Text("RENEWAL – Acme".into()))
    );
    assert_eq!(
        run("LEFT(title, 3)", R::Text),
        Some(Value::Text("Ren".into()))
    );
    assert_eq!(
        run("RIGHT(title, 3)", R::Text),
        Some(Value::Text("wal".into()))
    );
    assert_eq!(
        run("LEN(\"สวัสดี\") + LEN('سلام')", R::Number),
        Some(Value::Number(10.0))
    );
    assert_eq!(
        run("CONTAINS(title, \"NEW\")", R::Checkbox),
        Some(Value::Bool(true))
    );
    assert_eq!(
        run("lower(trim('  Ab  '))", R::Text),
        Some(Value::Text("ab".into()))
    );
    assert_eq!(
        run("TEXT(company.employees) + ' people'", R::Text),
        Some(Value::Text("40 people".into()))
    );
    assert_eq!(
        run(r#""say \"hi\"""#, R::Text),
        Some(Value::Text("say \"hi\"".into()))
    );
}

#[test]
fn dates_count_days_and_months_clamp() {
    assert_eq!(
        run("DAYSBETWEEN(TODAY(), expected_close)", R::Number),
        Some(Value::Number(15.0))
    );
    assert_eq!(
        run("ADDDAYS(expected_close, 14)", R::Date),
        Some(Value::Date(date(2027, 1, 3)))
    );
    // 2027-01-31 plus a month is the last day of February.
    assert_eq!(
        run("ADDMONTHS(expected_close + 42, 1)", R::Date),
        Some(Value::Date(date(2027, 2, 28)))
    );
    assert_eq!(
        run("ADDMONTHS(expected_close, -12)", R::Date),
        Some(Value::Date(date(2025, 12, 20)))
    );
    assert_eq!(
        run("expected_close - TODAY()", R::Number),
        Some(Value::Number(15.0))
    );
    assert_eq!(
        run(
            "YEAR(expected_close) * 100 + MONTH(expected_close)",
            R::Number
        ),
        Some(Value::Number(202612.0))
    );
    assert_eq!(run("DAY(NOW())", R::Number), Some(Value::Number(5.0)));
    assert_eq!(
        run("ADDDAYS(TODAY(), 100000000)", R::Date),
        None,
        "out of range is blank"
    );
}

#[test]
fn conditions_cases_and_picklists() {
    assert_eq!(
        run("IF(amount > 1000, \"big\", \"small\")", R::Text),
        Some(Value::Text("big".into()))
    );
    assert_eq!(
        run("CASE(priority, \"low\", 1, \"high\", 3, 2)", R::Number),
        Some(Value::Number(3.0))
    );
    assert_eq!(
        run("CASE(priority, \"low\", 1)", R::Number),
        None,
        "no match, no default"
    );
    assert_eq!(
        run("ISPICKVAL(priority, \"HIGH\")", R::Checkbox),
        Some(Value::Bool(true))
    );
    assert_eq!(
        run(
            "ISPICKVAL(company.industry, 'software') and not ISPICKVAL(priority, 'low')",
            R::Checkbox
        ),
        Some(Value::Bool(true))
    );
    assert_eq!(
        run("OR(false, NOT(true), 1 <> 1)", R::Checkbox),
        Some(Value::Bool(false))
    );
    assert_eq!(
        run("AND(true, 2 == 2, 'a' < 'B')", R::Checkbox),
        Some(Value::Bool(true))
    );
    assert_eq!(
        run("MAX(1, 7, 3) + MIN(4, 2) + ABS(-1)", R::Number),
        Some(Value::Number(10.0))
    );
    assert_eq!(run("ROUND(2.345, 2)", R::Number), Some(Value::Number(2.35)));
    assert_eq!(run("ROUND(amount)", R::Money), Some(money("1201", "EUR")));
}

#[test]
fn blanks_propagate_and_conditions_read_them_as_false() {
    assert_eq!(
        run("ISBLANK(description)", R::Checkbox),
        Some(Value::Bool(true))
    );
    assert_eq!(run("ISBLANK(title)", R::Checkbox), Some(Value::Bool(false)));
    assert_eq!(run("ADDDAYS(closed_at, 1)", R::DateTime), None);
    assert_eq!(
        run("closed_at > NOW()", R::Checkbox),
        Some(Value::Bool(false))
    );
    assert_eq!(
        run("NOT(closed_at > NOW())", R::Checkbox),
        Some(Value::Bool(true))
    );
    assert_eq!(
        run("description & 'x'", R::Text),
        Some(Value::Text("x".into()))
    );
    assert_eq!(run("LEN(description)", R::Number), Some(Value::Number(0.0)));
    assert_eq!(
        run("BLANKVALUE(loss_reason, 'none yet')", R::Text),
        Some(Value::Text("none yet".into()))
    );
    assert_eq!(
        run("MAX(probability, expected_close - TODAY())", R::Number),
        Some(Value::Number(40.0))
    );
}

#[test]
fn different_currencies_give_blank_not_a_mixed_figure() {
    let schema = standard_schema();
    let deals = schema.module("deals").unwrap();
    let f = compile("amount + company.annual_revenue", deals, &schema, R::Money).unwrap();
    let (d, mut c) = deal();
    c.0[0].1.insert("annual_revenue", money("10", "USD"));
    assert_eq!(f.evaluate(&d, &c, &time()), None);
    c.0[0].1.insert("annual_revenue", money("10", "EUR"));
    assert_eq!(f.evaluate(&d, &c, &time()), Some(money("1210.50", "EUR")));
}

#[test]
fn a_formula_lists_what_it_reads() {
    let schema = standard_schema();
    let deals = schema.module("deals").unwrap();
    let f = compile(
        "amount * probability + amount & company.name",
        deals,
        &schema,
        R::Text,
    )
    .unwrap();
    let reads: Vec<(Option<&str>, &str)> = f
        .reads()
        .iter()
        .map(|p| (p.via.as_deref(), p.field.as_str()))
        .collect();
    assert_eq!(
        reads,
        [
            (None, "amount"),
            (None, "probability"),
            (Some("company"), "name")
        ]
    );
}

#[test]
fn problems_name_what_is_wrong_and_where() {
    use FormulaProblem as P;
    let cases: Vec<(&str, ResultType, usize, P)> = vec![
        ("", R::Number, 0, P::Empty),
        ("1 +", R::Number, 3, P::UnexpectedEnd),
        ("(1 + 2", R::Number, 6, P::UnexpectedEnd),
        ("1 2", R::Number, 2, P::Expected("operator")),
        ("IF(true 1, 2)", R::Number, 8, P::Expected(")")),
        ("1 + )", R::Number, 4, P::Expected("value")),
        ("1 # 2", R::Number, 2, P::UnexpectedCharacter('#')),
        ("'abc", R::Text, 0, P::UnclosedText),
        (r"'a\qb'", R::Text, 2, P::UnknownEscape('q')),
        ("12ab", R::Number, 0, P::BadNumber),
        (
            "VLOOKUP(1)",
            R::Number,
            0,
            P::UnknownFunction("VLOOKUP".into()),
        ),
        (
            "LEFT(title)",
            R::Text,
            0,
            P::ArgumentCount {
                function: "LEFT",
                expected: "2".into(),
                found: 1,
            },
        ),
        ("1 + budget", R::Number, 4, P::UnknownField("budget".into())),
        ("title.name", R::Text, 0, P::NotALookup("title".into())),
        ("company.owner.name", R::Text, 13, P::NestedPath),
        (
            "company.budget",
            R::Text,
            0,
            P::UnknownLinkedField {
                lookup: "company".into(),
                field: "budget".into(),
            },
        ),
        (
            "company",
            R::Text,
            0,
            P::LookupWithoutField("company".into()),
        ),
        (
            "TEXT(co_owner)",
            R::Text,
            5,
            P::UnreadableKind("co_owner".into()),
        ),
        (
            "-title",
            R::Number,
            0,
            P::OperandType {
                operator: "-",
                found: "text",
            },
        ),
        (
            "amount * title",
            R::Money,
            0,
            P::OperandTypes {
                operator: "*",
                left: "money",
                right: "text",
            },
        ),
        (
            "IF(title, 1, 2)",
            R::Number,
            3,
            P::ArgumentType {
                function: "IF",
                position: 1,
                expected: "checkbox",
                found: "text",
            },
        ),
        (
            "IF(true, 1, 'two')",
            R::Number,
            12,
            P::ArgumentType {
                function: "IF",
                position: 3,
                expected: "number",
                found: "text",
            },
        ),
        (
            "ISPICKVAL(title, 'x')",
            R::Checkbox,
            10,
            P::ArgumentType {
                function: "ISPICKVAL",
                position: 1,
                expected: "picklist",
                found: "text",
            },
        ),
        (
            "ISPICKVAL(priority, 'urgent')",
            R::Checkbox,
            20,
            P::UnknownOption {
                field: "priority".into(),
                value: "urgent".into(),
            },
        ),
        (
            "amount",
            R::Number,
            0,
            P::ResultMismatch {
                expected: R::Number,
                found: "money",
            },
        ),
    ];
    for (src, result, at, problem) in cases {
        assert_eq!(
            refused(src, result),
            FormulaError::new(at, problem),
            "{src}"
        );
    }
}

#[test]
fn length_and_depth_are_bounded() {
    let long = format!("1{}", " + 1".repeat(MAX_LEN));
    assert_eq!(
        refused(&long, R::Number).problem,
        FormulaProblem::TooLong { max: MAX_LEN }
    );
    let deep = format!(
        "{}1{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    assert_eq!(
        refused(&deep, R::Number).problem,
        FormulaProblem::TooDeep { max: MAX_DEPTH }
    );
    let chain = format!("1{}", " + 1".repeat(MAX_DEPTH + 1));
    assert_eq!(
        refused(&chain, R::Number).problem,
        FormulaProblem::TooDeep { max: MAX_DEPTH }
    );
    assert!(run(&format!("1{}", " + 1".repeat(MAX_DEPTH / 2)), R::Number).is_some());
}

/// A small seeded generator, so the fuzz cases are the same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[test]
fn any_text_compiles_or_is_refused_with_a_place_inside_it() {
    let schema = standard_schema();
    let deals = schema.module("deals").unwrap();
    let pieces = [
        "amount",
        "title",
        "company",
        ".",
        "name",
        "(",
        ")",
        ",",
        "'x'",
        "\"",
        "\\",
        "1",
        "2.5",
        "+",
        "-",
        "*",
        "/",
        "%",
        "&",
        "=",
        "<>",
        "<=",
        "!",
        "and",
        "or",
        "not",
        "IF",
        "CASE",
        "ADDMONTHS",
        "TODAY()",
        "ISPICKVAL",
        "priority",
        "'high'",
        " ",
        "é",
        "ث",
        "#",
        "true",
        "ROUND",
        "MIN",
        "LEN",
        "expected_close",
    ];
    let results = [R::Number, R::Money, R::Text, R::Date, R::Checkbox];
    let mut rng = Rng(0x5eed_f00d);
    let (d, c) = deal();
    let mut compiled = 0;
    for _ in 0..20_000 {
        let n = 1 + rng.below(12);
        let src: String = (0..n).map(|_| pieces[rng.below(pieces.len())]).collect();
        let result = results[rng.below(results.len())];
        match compile(&src, deals, &schema, result) {
            Ok(f) => {
                compiled += 1;
                if let Some(v) = f.evaluate(&d, &c, &time()) {
                    assert!(result.holds(&v), "{src} gave {v:?}");
                }
            }
            Err(e) => assert!(e.at <= src.chars().count(), "{src}: {e:?}"),
        }
    }
    assert!(
        compiled > 100,
        "the generator makes some valid formulas ({compiled})"
    );
}

/// Deals with the formulas `a` and `b`, and companies with a rollup of deals' `a`.
fn schema_with(a: &str, b: &str) -> Schema {
    let mut schema = standard_schema();
    let deals = schema
        .modules
        .iter_mut()
        .find(|m| m.key == "deals")
        .unwrap();
    for (key, src) in [("a", a), ("b", b)] {
        deals.fields.push(FieldDef::new(
            key,
            FieldKind::Formula {
                expression: src.into(),
                result: R::Number,
            },
        ));
    }
    let companies = schema
        .modules
        .iter_mut()
        .find(|m| m.key == "companies")
        .unwrap();
    companies.fields.push(FieldDef::new(
        "total_a",
        FieldKind::Rollup {
            module: "deals".into(),
            via: "company".into(),
            aggregate: Aggregate::Sum,
            field: Some("a".into()),
            condition: None,
        },
    ));
    schema
}

#[test]
fn cycles_between_formulas_and_rollups_are_found() {
    let s = schema_with("b + 1", "probability * 2");
    assert_eq!(find_cycle(&s, "deals", "a"), None);
    let s = schema_with("b + 1", "a * 2");
    assert_eq!(
        find_cycle(&s, "deals", "a"),
        Some(vec!["a".into(), "b".into(), "a".into()])
    );
    let s = schema_with("a + 1", "1");
    assert_eq!(
        find_cycle(&s, "deals", "a"),
        Some(vec!["a".into(), "a".into()])
    );
    // a reads its company's rollup, which sums every deal's a.
    let s = schema_with("company.total_a + 1", "1");
    assert_eq!(
        find_cycle(&s, "deals", "a"),
        Some(vec!["a".into(), "companies.total_a".into(), "a".into()])
    );
}

#[test]
fn a_rollup_of_money_reads_as_money() {
    let mut schema = standard_schema();
    let companies = schema
        .modules
        .iter_mut()
        .find(|m| m.key == "companies")
        .unwrap();
    companies.fields.push(FieldDef::new(
        "pipeline_value",
        FieldKind::Rollup {
            module: "deals".into(),
            via: "company".into(),
            aggregate: Aggregate::Sum,
            field: Some("amount".into()),
            condition: Some("probability > 10".into()),
        },
    ));
    let deals = schema.module("deals").unwrap();
    assert!(compile("company.pipeline_value * 2", deals, &schema, R::Money).is_ok());
    let e = compile("company.pipeline_value", deals, &schema, R::Number).unwrap_err();
    assert_eq!(
        e.problem,
        FormulaProblem::ResultMismatch {
            expected: R::Number,
            found: "money"
        }
    );
    let _ = Decimal::ZERO;
}

#[test]
fn a_formula_names_the_type_it_gives_of_itself() {
    let schema = standard_schema();
    let deals = schema.module("deals").unwrap();
    let natural = |src: &str| natural_result(src, deals, &schema);
    assert_eq!(natural("1 + 2"), Some(ResultType::Number));
    assert_eq!(natural("amount * 2"), Some(ResultType::Money));
    assert_eq!(natural("UPPER(\"a\") & \"!\""), Some(ResultType::Text));
    assert_eq!(natural("TODAY()"), Some(ResultType::Date));
    assert_eq!(natural("NOW()"), Some(ResultType::DateTime));
    assert_eq!(natural("1 > 2"), Some(ResultType::Checkbox));
    assert_eq!(natural("1 +"), None);
    assert_eq!(natural("nme"), None);
}
