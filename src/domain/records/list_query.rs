//! A list view's query (search, filters, sort) run over a module's in-memory records.

use serde::{Deserialize, Serialize};

use crate::domain::records::date_range::DateRange;
use crate::domain::records::field::FieldKind;
use crate::domain::records::normalize::fold;
use crate::domain::records::record::Record;
use crate::domain::records::record_set::{Dataset, NewestWalk};
use crate::domain::records::search::Slot;
use crate::domain::records::stepped_sort::KeyedRows;
pub use crate::domain::records::typed_filter::QueryContext;
use crate::domain::records::typed_filter::{money_sort_key, Prepared};
use crate::domain::records::value::{SortKey, Value};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ListQuery {
    pub search: String,
    pub filters: Vec<Filter>,
    pub sort: Option<Sort>,
    /// Only records this user is involved in: owns, or is named in a user field
    /// (co-owner, assignee) — "my deals", "my tasks".
    #[serde(default)]
    pub involving: Option<String>,
}

/// Whether `user` owns the record or is named in one of its user fields.
pub fn involves(
    module: &crate::domain::records::module_def::ModuleDef,
    record: &Record,
    user: &str,
) -> bool {
    record.owner.as_deref() == Some(user)
        || module
            .fields
            .iter()
            .any(|f| match (&f.kind, record.get(&f.key)) {
                (FieldKind::User, Some(Value::Ref(u))) => u == user,
                (FieldKind::Users, Some(Value::List(us))) => us.iter().any(|u| u == user),
                _ => false,
            })
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sort {
    pub field: String,
    pub descending: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    pub field: String,
    pub op: FilterOp,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterOp {
    /// A choice's value, a linked record's id, a checkbox state, or a text (folded).
    Is(String),
    Contains(String),
    IsEmpty,
    IsNotEmpty,
    /// Numbers and percents at least / at most / between these (both included);
    /// money in the base currency.
    AtLeast(f64),
    AtMost(f64),
    Between(f64, f64),
    /// Dates and date-times on the user's local days in this range.
    InDates(DateRange),
}

/// Runs a query over one module and returns the matching slots in display order.
/// Lookups sort by the title of the record they point at.
/// Money filters and sorts compare in the context's base currency.
pub fn run(data: &Dataset, module: &str, query: &ListQuery, ctx: &QueryContext) -> Vec<Slot> {
    let mut work = ListWork::new(data, module, query.clone(), ctx.clone());
    while !work.step(data, usize::MAX) {}
    work.finish()
}

enum Phase {
    /// The search's hits through the filters.
    Filter,
    /// Each row's sort key, computed once: sorting must not re-derive keys per
    /// comparison.
    Keys,
    Sort,
    /// Newest first by default, like most CRMs, read off the time index.
    Newest,
    Done,
}

/// A list query worked out a slice at a time (`step` until done, then `finish`), so
/// 200,000 rows are filtered and ordered without holding the page; the data must
/// stay the same meanwhile (a page starts over when it changes).
pub struct ListWork {
    query: ListQuery,
    /// The query's filters, worked out once for their fields' types.
    filters: Vec<Prepared>,
    ctx: QueryContext,
    module: String,
    phase: Phase,
    hits: Vec<Slot>,
    at: usize,
    slots: Vec<Slot>,
    keyed: KeyedRows,
    newest: Option<NewestWalk>,
}

impl ListWork {
    /// Rows or index entries a page's step takes: a turn runs steps until its time is
    /// used up.
    pub const SLICE: usize = 4_096;

    pub fn new(data: &Dataset, module: &str, mut query: ListQuery, ctx: QueryContext) -> Self {
        // The search reads the index: its hits come at once.
        let (hits, phase, filters) = match data.set(module) {
            Some(set) => {
                // Until the user sorts, the module's own order (none: newest first).
                if query.sort.is_none() {
                    query.sort = set.module.default_order.clone();
                }
                let filters = query
                    .filters
                    .iter()
                    .map(|f| Prepared::new(&set.module, f, &ctx))
                    .collect();
                (set.search(&query.search), Phase::Filter, filters)
            }
            None => (Vec::new(), Phase::Done, Vec::new()),
        };
        ListWork {
            query,
            filters,
            ctx,
            module: module.to_string(),
            phase,
            hits,
            at: 0,
            slots: Vec::new(),
            keyed: KeyedRows::default(),
            newest: None,
        }
    }

    /// Takes about `budget` more rows (at least one); true once `finish` gives them all.
    pub fn step(&mut self, data: &Dataset, budget: usize) -> bool {
        let Some(set) = data.set(&self.module) else {
            self.slots.clear();
            self.phase = Phase::Done;
            return true;
        };
        let mut budget = budget.max(1);
        loop {
            match self.phase {
                Phase::Filter => {
                    let q = &self.query;
                    if q.filters.is_empty() && q.involving.is_none() {
                        self.slots = std::mem::take(&mut self.hits);
                    } else {
                        while self.at < self.hits.len() {
                            if budget == 0 {
                                return false;
                            }
                            let end = self.hits.len().min(self.at + budget);
                            budget -= end - self.at;
                            let rates = &self.ctx.rates;
                            for &s in &self.hits[self.at..end] {
                                let keep = set.at(s).is_some_and(|r| {
                                    self.filters.iter().all(|f| f.matches(r, rates))
                                        && q.involving
                                            .as_deref()
                                            .is_none_or(|u| involves(&set.module, r, u))
                                });
                                if keep {
                                    self.slots.push(s);
                                }
                            }
                            self.at = end;
                        }
                        self.hits = Vec::new();
                    }
                    self.at = 0;
                    self.phase = if self.query.sort.is_some() {
                        Phase::Keys
                    } else {
                        Phase::Newest
                    };
                }
                Phase::Keys => {
                    let Some(sort) = &self.query.sort else {
                        self.phase = Phase::Newest;
                        continue;
                    };
                    let kind = set.module.field(&sort.field).map(|f| &f.kind);
                    let lookup_target = match kind {
                        Some(FieldKind::Lookup { module, .. }) => Some(module.as_str()),
                        _ => None,
                    };
                    // Money orders by its worth in the base currency.
                    let in_base = matches!(kind, Some(FieldKind::Currency));
                    while let Some(&s) = self.slots.get(self.at) {
                        if budget == 0 {
                            return false;
                        }
                        budget -= 1;
                        self.at += 1;
                        let v = set.at(s).and_then(|r| r.get(&sort.field));
                        let key = match (lookup_target, v) {
                            (Some(target), Some(Value::Ref(id))) => {
                                data.title(target, id).map(|t| SortKey::Text(fold(&t)))
                            }
                            (_, Some(Value::Money(m))) if in_base => {
                                money_sort_key(m, &self.ctx.rates)
                            }
                            (_, v) => v.map(Value::sort_key),
                        };
                        self.keyed.push(key, s);
                    }
                    self.phase = Phase::Sort;
                }
                Phase::Sort => {
                    let descending = self.query.sort.as_ref().is_some_and(|s| s.descending);
                    let Some(slots) = self.keyed.sort_step(&mut budget, descending) else {
                        return false;
                    };
                    self.slots = slots;
                    self.phase = Phase::Done;
                }
                Phase::Newest => {
                    if budget == 0 {
                        return false;
                    }
                    let slots = &mut self.slots;
                    let walk = self
                        .newest
                        .get_or_insert_with(|| set.newest_walk(std::mem::take(slots)));
                    if !set.newest_step(walk, budget) {
                        return false;
                    }
                    self.slots = self
                        .newest
                        .take()
                        .map(NewestWalk::into_slots)
                        .unwrap_or_default();
                    self.phase = Phase::Done;
                }
                Phase::Done => return true,
            }
        }
    }

    /// The rows in order; complete once `step` said so.
    pub fn finish(self) -> Vec<Slot> {
        self.slots
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::{standard_schema, COMPANIES, CONTACTS};
    use crate::domain::records::exchange::ExchangeRates;

    fn dataset() -> Dataset {
        let mut ds = Dataset::new(standard_schema());
        for (i, (name, city, kind)) in [
            ("Zeta", "Oslo", "customer"),
            ("alpha", "Bergen", "prospect"),
            ("Émile & Co", "", "customer"),
        ]
        .iter()
        .enumerate()
        {
            let mut values: crate::domain::FieldValues = [
                ("name".to_string(), Value::Text(name.to_string())),
                ("account_type".to_string(), Value::Text(kind.to_string())),
            ]
            .into();
            if !city.is_empty() {
                values.insert("city", Value::Text(city.to_string()));
            }
            ds.upsert(Record::new(
                format!("c{i}"),
                COMPANIES,
                i as i64,
                None,
                values,
            ));
        }
        for (i, company) in ["c0", "c1"].iter().enumerate() {
            let values = [
                ("last_name".to_string(), Value::Text(format!("P{i}"))),
                ("company".to_string(), Value::Ref(company.to_string())),
            ]
            .into();
            ds.upsert(Record::new(format!("p{i}"), CONTACTS, 1, None, values));
        }
        ds
    }

    /// Wednesday 12 August 2026, 10:00 UTC, for a user at UTC+03:30; no rates.
    fn ctx() -> QueryContext {
        QueryContext::at(
            1_786_528_800_000,
            210,
            chrono::Weekday::Mon,
            ExchangeRates {
                base: "USD".into(),
                ..Default::default()
            },
        )
    }

    fn names(ds: &Dataset, module: &str, q: &ListQuery) -> Vec<String> {
        names_in(ds, module, q, &ctx())
    }

    fn names_in(ds: &Dataset, module: &str, q: &ListQuery, ctx: &QueryContext) -> Vec<String> {
        let set = ds.set(module).unwrap();
        run(ds, module, q, ctx)
            .into_iter()
            .map(|s| set.module.title_of(set.at(s).unwrap()))
            .collect()
    }

    #[test]
    fn sorts_text_folded_with_empties_last() {
        let ds = dataset();
        let mut q = ListQuery {
            sort: Some(Sort {
                field: "name".into(),
                descending: false,
            }),
            ..Default::default()
        };
        assert_eq!(
            names(&ds, COMPANIES, &q),
            vec!["alpha", "Émile & Co", "Zeta"]
        );
        q.sort = Some(Sort {
            field: "city".into(),
            descending: true,
        });
        assert_eq!(
            names(&ds, COMPANIES, &q),
            vec!["Zeta", "alpha", "Émile & Co"]
        );
    }

    #[test]
    fn default_order_is_newest_first() {
        let ds = dataset();
        assert_eq!(
            names(&ds, COMPANIES, &ListQuery::default()),
            vec!["Émile & Co", "alpha", "Zeta"]
        );
    }

    #[test]
    fn a_module_default_order_applies_until_the_user_sorts() {
        let mut schema = standard_schema();
        for m in &mut schema.modules {
            if m.key == COMPANIES {
                m.default_order = Some(Sort {
                    field: "name".into(),
                    descending: true,
                });
            }
        }
        let mut ds = dataset();
        ds.schema = schema.clone();
        let mut sorted = Dataset::new(schema);
        for r in ds.set(COMPANIES).unwrap().records() {
            sorted.upsert(r.clone());
        }
        assert_eq!(
            names(&sorted, COMPANIES, &ListQuery::default()),
            vec!["Zeta", "Émile & Co", "alpha"]
        );
        let by_city = ListQuery {
            sort: Some(Sort {
                field: "city".into(),
                descending: false,
            }),
            ..Default::default()
        };
        assert_eq!(
            names(&sorted, COMPANIES, &by_city),
            vec!["alpha", "Zeta", "Émile & Co"]
        );
    }

    #[test]
    fn filters_and_search_combine() {
        let ds = dataset();
        let q = ListQuery {
            search: "e".into(),
            filters: vec![Filter {
                field: "account_type".into(),
                op: FilterOp::Is("customer".into()),
            }],
            ..Default::default()
        };
        assert_eq!(names(&ds, COMPANIES, &q), vec!["Émile & Co"]);
        let empty_city = ListQuery {
            filters: vec![Filter {
                field: "city".into(),
                op: FilterOp::IsEmpty,
            }],
            ..Default::default()
        };
        assert_eq!(names(&ds, COMPANIES, &empty_city), vec!["Émile & Co"]);
    }

    #[test]
    fn lookups_sort_by_the_linked_title() {
        let ds = dataset();
        let q = ListQuery {
            sort: Some(Sort {
                field: "company".into(),
                descending: false,
            }),
            ..Default::default()
        };
        // p1 works at "alpha", p0 at "Zeta".
        assert_eq!(names(&ds, CONTACTS, &q), vec!["P1", "P0"]);
    }

    #[test]
    fn mine_means_owned_or_named_in_a_user_field() {
        use crate::domain::modules::activity_module::ACTIVITIES;
        let mut ds = Dataset::new(standard_schema());
        let task = |id: &str, owner: &str, assignee: Option<&str>| {
            let mut v: crate::domain::FieldValues = [
                ("subject".to_string(), Value::Text(id.to_uppercase())),
                ("kind".to_string(), Value::Text("task".into())),
            ]
            .into();
            if let Some(a) = assignee {
                v.insert("assignee", Value::Ref(a.into()));
            }
            Record::new(id.into(), ACTIVITIES, 1, Some(owner.into()), v)
        };
        ds.upsert(task("a", "me", None));
        ds.upsert(task("b", "other", Some("me")));
        ds.upsert(task("c", "other", None));
        let q = ListQuery {
            involving: Some("me".into()),
            sort: Some(Sort {
                field: "subject".into(),
                descending: false,
            }),
            ..Default::default()
        };
        assert_eq!(names(&ds, ACTIVITIES, &q), vec!["A", "B"]);
    }

    #[test]
    fn number_filters_keep_scores_in_range() {
        let mut ds = Dataset::new(standard_schema());
        for (i, score) in [5.0, 25.0, 60.0].iter().enumerate() {
            let v: crate::domain::FieldValues = [
                ("last_name".to_string(), Value::Text(format!("L{i}"))),
                ("status".to_string(), Value::Text("new".into())),
                ("score".to_string(), Value::Number(*score)),
            ]
            .into();
            ds.upsert(Record::new(format!("l{i}"), "leads", i as i64, None, v));
        }
        let q = |op: FilterOp| ListQuery {
            filters: vec![Filter {
                field: "score".into(),
                op,
            }],
            sort: Some(Sort {
                field: "score".into(),
                descending: true,
            }),
            ..Default::default()
        };
        assert_eq!(
            names(&ds, "leads", &q(FilterOp::AtLeast(25.0))),
            vec!["L2", "L1"]
        );
        assert_eq!(
            names(&ds, "leads", &q(FilterOp::AtMost(25.0))),
            vec!["L1", "L0"]
        );
    }

    fn deal(id: &str, values: Vec<(&str, Value)>) -> Record {
        let mut v: crate::domain::FieldValues =
            [("title".to_string(), Value::Text(id.to_uppercase()))].into();
        for (k, value) in values {
            v.insert(k, value);
        }
        Record::new(
            id.into(),
            crate::domain::modules::sales_modules::DEALS,
            1,
            None,
            v,
        )
    }

    fn money(amount: i64, currency: &str) -> Value {
        Value::Money(Box::new(crate::domain::Money {
            amount: rust_decimal::Decimal::from(amount),
            currency: currency.into(),
        }))
    }

    fn query(field: &str, op: FilterOp) -> ListQuery {
        ListQuery {
            filters: vec![Filter {
                field: field.into(),
                op,
            }],
            sort: Some(Sort {
                field: "title".into(),
                descending: false,
            }),
            ..Default::default()
        }
    }

    #[test]
    fn money_filters_and_sort_use_the_base_currency() {
        use crate::domain::modules::sales_modules::DEALS;
        let mut ds = Dataset::new(standard_schema());
        ds.upsert(deal("a", vec![("amount", money(1_000, "USD"))]));
        // 900 EUR at 1.2 is worth 1,080 USD: more than a, though 900 < 1,000.
        ds.upsert(deal("b", vec![("amount", money(900, "EUR"))]));
        // No GBP rate: comparable to nothing, sorted last.
        ds.upsert(deal("c", vec![("amount", money(5_000, "GBP"))]));
        ds.upsert(deal("d", vec![("amount", money(2_000, "USD"))]));
        ds.upsert(deal("e", vec![]));
        let mut ctx = ctx();
        ctx.rates.rates.insert("EUR".into(), "1.2".parse().unwrap());
        let names = |q: &ListQuery| names_in(&ds, DEALS, q, &ctx);
        assert_eq!(
            names(&query("amount", FilterOp::AtLeast(1_050.0))),
            ["B", "D"]
        );
        assert_eq!(names(&query("amount", FilterOp::AtMost(1_050.0))), ["A"]);
        assert_eq!(
            names(&query("amount", FilterOp::Between(2_000.0, 1_000.0))),
            ["A", "B", "D"]
        );
        assert_eq!(
            names(&query("amount", FilterOp::AtLeast(1_080.0))),
            ["B", "D"]
        );
        assert_eq!(names(&query("amount", FilterOp::AtLeast(1_080.01))), ["D"]);
        let by_amount = |descending| ListQuery {
            sort: Some(Sort {
                field: "amount".into(),
                descending,
            }),
            ..Default::default()
        };
        assert_eq!(names(&by_amount(false)), ["A", "B", "D", "C", "E"]);
        assert_eq!(names(&by_amount(true)), ["D", "B", "A", "C", "E"]);
    }

    #[test]
    fn date_filters_follow_the_users_local_day() {
        use crate::domain::modules::sales_modules::DEALS;
        use crate::domain::records::date_range::DateRange;
        use chrono::{NaiveDate, TimeZone, Utc};
        let at =
            |y, m, d, h, min| Value::DateTime(Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap());
        let day = |y, m, d| Value::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap());
        let mut ds = Dataset::new(standard_schema());
        // At UTC+03:30: 1 August 00:30 local, though still July in UTC.
        ds.upsert(deal(
            "a",
            vec![
                ("closed_at", at(2026, 7, 31, 21, 0)),
                ("expected_close", day(2026, 7, 31)),
            ],
        ));
        // 31 August 23:30 local: the month's last half hour.
        ds.upsert(deal(
            "b",
            vec![
                ("closed_at", at(2026, 8, 31, 20, 0)),
                ("expected_close", day(2026, 8, 1)),
            ],
        ));
        // 1 September 00:15 local.
        ds.upsert(deal(
            "c",
            vec![
                ("closed_at", at(2026, 8, 31, 20, 45)),
                ("expected_close", day(2026, 9, 30)),
            ],
        ));
        // Today (12 August) 00:10 local, 11 August in UTC.
        ds.upsert(deal(
            "d",
            vec![
                ("closed_at", at(2026, 8, 11, 20, 40)),
                ("expected_close", day(2026, 8, 12)),
            ],
        ));
        ds.upsert(deal("e", vec![]));
        let names = |field: &str, r| names(&ds, DEALS, &query(field, FilterOp::InDates(r)));
        assert_eq!(names("closed_at", DateRange::ThisMonth), ["A", "B", "D"]);
        assert_eq!(names("closed_at", DateRange::Today), ["D"]);
        assert_eq!(
            names("closed_at", DateRange::LastMonth),
            Vec::<String>::new()
        );
        assert_eq!(names("closed_at", DateRange::Next30Days), ["B", "C", "D"]);
        assert_eq!(
            names("closed_at", DateRange::ThisQuarter),
            ["A", "B", "C", "D"]
        );
        assert_eq!(names("expected_close", DateRange::ThisMonth), ["B", "D"]);
        assert_eq!(names("expected_close", DateRange::LastMonth), ["A"]);
        assert_eq!(
            names("expected_close", DateRange::ThisQuarter),
            ["A", "B", "C", "D"]
        );
        assert_eq!(names("expected_close", DateRange::ThisWeek), ["D"]);
        assert_eq!(
            names("expected_close", DateRange::Last30Days),
            ["A", "B", "D"]
        );
        let aug = |d| NaiveDate::from_ymd_opt(2026, 8, d).unwrap();
        assert_eq!(names("expected_close", DateRange::Before(aug(1))), ["A"]);
        assert_eq!(names("expected_close", DateRange::After(aug(12))), ["C"]);
        assert_eq!(
            names("closed_at", DateRange::Between(aug(1), aug(31))),
            ["A", "B", "D"]
        );
    }

    #[test]
    fn choices_and_links_compare_their_stored_values() {
        use crate::domain::modules::sales_modules::DEALS;
        let mut ds = Dataset::new(standard_schema());
        ds.upsert(deal(
            "a",
            vec![
                ("priority", Value::Text("high".into())),
                ("company", Value::Ref("c1".into())),
            ],
        ));
        ds.upsert(deal(
            "b",
            vec![
                ("priority", Value::Text("low".into())),
                ("company", Value::Ref("c10".into())),
            ],
        ));
        ds.upsert(deal("c", vec![]));
        let names = |f: &str, op| names(&ds, DEALS, &query(f, op));
        assert_eq!(names("priority", FilterOp::Is("high".into())), ["A"]);
        assert_eq!(names("company", FilterOp::Is("c1".into())), ["A"]);
        assert_eq!(names("company", FilterOp::IsEmpty), ["C"]);
    }

    #[test]
    fn a_query_worked_in_steps_gives_the_one_go_rows() {
        use crate::domain::modules::activity_module::ACTIVITIES;
        use crate::domain::modules::sales_modules::DEALS;
        let data = crate::domain::samples::scale_data::scale_dataset(700, 3_000, 1_800_000_000_000);
        // At the data's own "now", with its rates: the typed filters keep some rows.
        let (rates, ..) = crate::domain::samples::scale_data::scale_scope_parts(
            1_800_000_000_000,
            crate::domain::records::local_days::PeriodKind::Month,
        );
        let ctx = QueryContext::at(1_800_000_000_000, 0, chrono::Weekday::Mon, rates);
        let sorted = |field: &str, descending| {
            Some(Sort {
                field: field.into(),
                descending,
            })
        };
        let queries = [
            (DEALS, ListQuery::default()),
            (
                DEALS,
                ListQuery {
                    sort: sorted("amount", false),
                    ..Default::default()
                },
            ),
            (
                DEALS,
                ListQuery {
                    sort: sorted("title", true),
                    ..Default::default()
                },
            ),
            (
                ACTIVITIES,
                ListQuery {
                    sort: sorted("deal", false),
                    ..Default::default()
                },
            ),
            (
                ACTIVITIES,
                ListQuery {
                    filters: vec![Filter {
                        field: "subject".into(),
                        op: FilterOp::IsNotEmpty,
                    }],
                    involving: Some("u2".into()),
                    ..Default::default()
                },
            ),
            (
                DEALS,
                ListQuery {
                    search: "1".into(),
                    ..Default::default()
                },
            ),
            (
                DEALS,
                ListQuery {
                    filters: vec![
                        Filter {
                            field: "amount".into(),
                            op: FilterOp::AtLeast(1_300.0),
                        },
                        Filter {
                            field: "expected_close".into(),
                            op: FilterOp::InDates(DateRange::ThisQuarter),
                        },
                    ],
                    sort: sorted("amount", true),
                    ..Default::default()
                },
            ),
            ("no_such_module", ListQuery::default()),
        ];
        for (module, q) in queries {
            let whole = run(&data, module, &q, &ctx);
            assert!(module == "no_such_module" || !whole.is_empty(), "{q:?}");
            for budget in [1, 7, 500] {
                let mut work = ListWork::new(&data, module, q.clone(), ctx.clone());
                let mut steps = 1;
                while !work.step(&data, budget) {
                    steps += 1;
                }
                assert_eq!(work.finish(), whole, "{module} {q:?} budget {budget}");
                if whole.len() > budget {
                    assert!(steps > 1, "{module} {q:?} budget {budget}");
                }
            }
        }
    }
}
