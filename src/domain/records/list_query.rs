//! A list view's query (search, filters, sort) run over a module's in-memory records.

use serde::{Deserialize, Serialize};

use crate::domain::records::field::FieldKind;
use crate::domain::records::normalize::fold;
use crate::domain::records::record::Record;
use crate::domain::records::record_set::{Dataset, NewestWalk};
use crate::domain::records::search::Slot;
use crate::domain::records::stepped_sort::KeyedRows;
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
    /// Picklist value, checkbox state or exact text (folded).
    Is(String),
    Contains(String),
    IsEmpty,
    IsNotEmpty,
    /// Numbers, percents and amounts at least / at most this (lead scores, sizes).
    AtLeast(f64),
    AtMost(f64),
}

impl Filter {
    pub fn matches(&self, record: &Record) -> bool {
        let value = record.get(&self.field);
        match &self.op {
            FilterOp::IsEmpty => value.is_none_or(Value::is_empty),
            FilterOp::IsNotEmpty => value.is_some_and(|v| !v.is_empty()),
            FilterOp::Is(want) => match value {
                Some(Value::List(items)) => items.iter().any(|i| fold(i) == fold(want)),
                Some(Value::Bool(b)) => b.to_string() == *want,
                Some(v) => fold(&v.to_plain()) == fold(want),
                None => want == "false",
            },
            FilterOp::AtLeast(n) | FilterOp::AtMost(n) => {
                let have = match value {
                    Some(Value::Number(x)) => Some(*x),
                    Some(Value::Money(m)) => m.amount.to_string().parse().ok(),
                    _ => None,
                };
                have.is_some_and(|x| match &self.op {
                    FilterOp::AtLeast(_) => x >= *n,
                    _ => x <= *n,
                })
            }
            FilterOp::Contains(part) => {
                value.is_some_and(|v| fold(&v.search_text()).contains(&fold(part)))
            }
        }
    }
}

/// Runs a query over one module and returns the matching slots in display order.
/// Lookups sort by the title of the record they point at.
pub fn run(data: &Dataset, module: &str, query: &ListQuery) -> Vec<Slot> {
    let mut work = ListWork::new(data, module, query.clone());
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

    pub fn new(data: &Dataset, module: &str, mut query: ListQuery) -> Self {
        // The search reads the index: its hits come at once.
        let (hits, phase) = match data.set(module) {
            Some(set) => {
                // Until the user sorts, the module's own order (none: newest first).
                if query.sort.is_none() {
                    query.sort = set.module.default_order.clone();
                }
                (set.search(&query.search), Phase::Filter)
            }
            None => (Vec::new(), Phase::Done),
        };
        ListWork {
            query,
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
                            for &s in &self.hits[self.at..end] {
                                let keep = set.at(s).is_some_and(|r| {
                                    q.filters.iter().all(|f| f.matches(r))
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
                    let lookup_target = match set.module.field(&sort.field).map(|f| &f.kind) {
                        Some(FieldKind::Lookup { module, .. }) => Some(module.as_str()),
                        _ => None,
                    };
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

    fn names(ds: &Dataset, module: &str, q: &ListQuery) -> Vec<String> {
        let set = ds.set(module).unwrap();
        run(ds, module, q)
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

    #[test]
    fn a_query_worked_in_steps_gives_the_one_go_rows() {
        use crate::domain::modules::activity_module::ACTIVITIES;
        use crate::domain::modules::sales_modules::DEALS;
        let data = crate::domain::samples::scale_data::scale_dataset(700, 3_000, 1_800_000_000_000);
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
            ("no_such_module", ListQuery::default()),
        ];
        for (module, q) in queries {
            let whole = run(&data, module, &q);
            for budget in [1, 7, 500] {
                let mut work = ListWork::new(&data, module, q.clone());
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
