//! One search over every module people work in (the header's search): each module's
//! own token index answers, so a keystroke costs a few index lookups per module, not
//! a pass over their records. Within a module, records whose title holds every word
//! come first, then the most recently changed.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::domain::records::field::FieldDef;
use crate::domain::records::module_def::ModuleDef;
use crate::domain::records::normalize::tokens;
use crate::domain::records::record::Record;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::search::{SearchIndex, Slot};

/// What one module found: the best few, and how many there are in all.
#[derive(Clone, Debug, PartialEq)]
pub struct ModuleHits {
    pub module: String,
    pub slots: Vec<Slot>,
    pub total: usize,
}

/// Past this many hits in a module, its best are taken by recency alone: the title
/// of every hit is not read (a one-letter query over 100,000 records).
const TITLE_RANKED_UP_TO: usize = 5_000;

/// The modules in the navigation (not those shown on a page of their own, such as
/// saved reports) that hold a match for every word of `query`, in navigation order,
/// each with at most `per_module` records. Nothing for a query without words.
pub fn global_search(data: &Dataset, query: &str, per_module: usize) -> Vec<ModuleHits> {
    let words = SearchIndex::words(query);
    if words.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for module in data.schema.nav_modules().filter(|m| m.page.is_none()) {
        let Some(set) = data.set(&module.key) else {
            continue;
        };
        let hits = set.search(query);
        if hits.is_empty() {
            continue;
        }
        let ranked = hits.len() <= TITLE_RANKED_UP_TO;
        // The best `per_module` by (title holds every word, newest change): a small
        // heap whose top is the worst kept so far.
        let mut best: BinaryHeap<Reverse<(bool, i64, Reverse<Slot>)>> = BinaryHeap::new();
        for &slot in &hits {
            let Some(r) = set.at(slot) else { continue };
            let in_title = ranked && {
                let title = tokens(&module.title_of(r));
                SearchIndex::matches(&words, &title)
            };
            let key = Reverse((in_title, r.updated_at, Reverse(slot)));
            if best.len() < per_module {
                best.push(key);
            } else if best.peek().is_some_and(|worst| key < *worst) {
                best.pop();
                best.push(key);
            }
        }
        let mut kept: Vec<_> = best.into_iter().map(|Reverse(k)| k).collect();
        kept.sort_unstable_by(|a, b| b.cmp(a));
        out.push(ModuleHits {
            module: module.key.clone(),
            slots: kept.into_iter().map(|(_, _, Reverse(s))| s).collect(),
            total: hits.len(),
        });
    }
    out
}

/// The field a result was found by, to show beside its title: the first searched
/// field outside the title holding a word of the query (`None`: found by its title).
pub fn matched_field<'a>(
    module: &'a ModuleDef,
    record: &Record,
    query: &str,
) -> Option<&'a FieldDef> {
    let words = SearchIndex::words(query);
    let title = tokens(&module.title_of(record));
    if SearchIndex::matches(&words, &title) {
        return None;
    }
    module
        .fields
        .iter()
        .filter(|f| f.searchable && !module.title_fields.contains(&f.key))
        .find(|f| {
            record.get(&f.key).is_some_and(|v| {
                let toks = crate::domain::records::search::field_tokens(f, v);
                words
                    .iter()
                    .any(|w| toks.iter().any(|t| t.starts_with(w.as_str())))
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::sales_modules::DEALS;
    use crate::domain::modules::standard_modules::{standard_schema, COMPANIES, CONTACTS, MEMBERS};
    use crate::domain::records::record::Record;
    use crate::domain::records::value::Value;

    fn record(id: &str, module: &str, at: i64, values: &[(&str, &str)]) -> Record {
        let v: crate::domain::FieldValues = values
            .iter()
            .map(|(k, v)| (k.to_string(), Value::Text(v.to_string())))
            .collect();
        Record::new(id.into(), module, at, None, v)
    }

    fn data() -> Dataset {
        let mut d = Dataset::new(standard_schema());
        d.upsert(record("co1", COMPANIES, 1, &[("name", "Nordic AB")]));
        d.upsert(record("co2", COMPANIES, 2, &[("name", "Helios Solar")]));
        d.upsert(record(
            "p1",
            CONTACTS,
            3,
            &[
                ("first_name", "Anna"),
                ("last_name", "Berg"),
                ("emails", "anna@nordic.example"),
            ],
        ));
        d.upsert(record(
            "p2",
            CONTACTS,
            1,
            &[("first_name", "Lars"), ("last_name", "Nordin")],
        ));
        d.upsert(record(
            "p3",
            CONTACTS,
            5,
            &[("first_name", "Nora"), ("last_name", "Ek")],
        ));
        d.upsert(record("d1", DEALS, 4, &[("title", "Nordic AB — Renewal")]));
        d.upsert(record("m1", MEMBERS, 4, &[("name", "Nordqvist")]));
        d
    }

    fn ids(d: &Dataset, hits: &ModuleHits) -> Vec<String> {
        let set = d.set(&hits.module).unwrap();
        hits.slots
            .iter()
            .map(|s| set.at(*s).unwrap().id.clone())
            .collect()
    }

    #[test]
    fn every_module_in_the_navigation_answers_in_its_order_with_title_matches_first() {
        let d = data();
        let found = global_search(&d, "nor", 10);
        let modules: Vec<&str> = found.iter().map(|h| h.module.as_str()).collect();
        assert_eq!(
            modules,
            vec![COMPANIES, CONTACTS, DEALS],
            "members are a setting"
        );
        let contacts = &found[1];
        assert_eq!(contacts.total, 3);
        // Nora (newest) and Nordin by name; Anna only by her email, so last.
        assert_eq!(ids(&d, contacts), vec!["p3", "p2", "p1"]);
    }

    #[test]
    fn every_word_must_match_and_the_kept_are_the_best_few() {
        let d = data();
        let found = global_search(&d, "nordic ab", 10);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(ids(&d, &found[0]), vec!["co1"]);
        assert_eq!(ids(&d, &found[1]), vec!["d1"]);
        let one = global_search(&d, "nor", 1);
        assert_eq!(ids(&d, &one[1]), vec!["p3"]);
        assert_eq!(one[1].total, 3, "the total counts every match");
    }

    #[test]
    fn a_result_names_the_field_it_was_found_by_unless_its_title() {
        let d = data();
        let contacts = d.schema.module(CONTACTS).unwrap();
        let anna = d.set(CONTACTS).unwrap().get("p1").unwrap();
        let by = matched_field(contacts, anna, "nordic");
        assert_eq!(by.map(|f| f.key.as_str()), Some("emails"));
        assert_eq!(matched_field(contacts, anna, "anna"), None, "its title");
        let mut phoned = anna.clone();
        phoned
            .values
            .insert("phones", Value::Text("+46 70 123 45 67".into()));
        let by = matched_field(contacts, &phoned, "4670123");
        assert_eq!(by.map(|f| f.key.as_str()), Some("phones"), "by its digits");
    }

    #[test]
    fn a_query_without_words_or_matches_finds_nothing() {
        let d = data();
        assert!(global_search(&d, "  — ", 10).is_empty());
        assert!(global_search(&d, "zzz", 10).is_empty());
    }

    #[test]
    fn persian_and_thai_words_are_found() {
        let mut d = data();
        d.upsert(record("co3", COMPANIES, 9, &[("name", "بازرگانی خلیج")]));
        d.upsert(record("co4", COMPANIES, 9, &[("name", "สยาม เทรดดิ้ง")]));
        assert_eq!(ids(&d, &global_search(&d, "خلیج", 5)[0]), vec!["co3"]);
        assert_eq!(ids(&d, &global_search(&d, "สยาม", 5)[0]), vec!["co4"]);
    }
}
