//! Likely duplicates within one module, by its definition's duplicate rule: the same
//! email or phone once normalised, or a similar name at the same company (companies:
//! the same name without legal suffixes). Every comparison goes through hash keys or a per-company bucket, so
//! checking a record among 100,000 never compares it with all of them.

use crate::domain::records::field_values::FieldValues;
use std::collections::{BTreeMap, HashMap};

use crate::domain::records::field::FieldKind;
use crate::domain::records::module_def::{DuplicateRule, ModuleDef, NameMatch};
use crate::domain::records::normalize::company_key;
use crate::domain::records::normalize::{fold, phone_digits};
use crate::domain::records::record::Record;
use crate::domain::records::sharded_map::ShardedMap;
use crate::domain::records::value::Value;

#[derive(Clone, Debug, PartialEq)]
pub enum MatchReason {
    SameEmail(String),
    SamePhone(String),
    SimilarNameSameCompany,
    SameName,
}

impl MatchReason {
    pub fn key(&self) -> &'static str {
        match self {
            MatchReason::SameEmail(_) => "dup.same_email",
            MatchReason::SamePhone(_) => "dup.same_phone",
            MatchReason::SimilarNameSameCompany => "dup.similar_name",
            MatchReason::SameName => "dup.same_name",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    pub id: String,
    pub reasons: Vec<MatchReason>,
}

/// The comparable facts of one record.
#[derive(Clone, Debug, Default, PartialEq)]
struct Keys {
    emails: Vec<String>,
    phones: Vec<String>,
    name: String,
    company: Option<String>,
}

/// A phone number without formatting, trunk or international prefix: the last nine
/// digits are the subscriber's in every numbering plan this app meets.
pub fn phone_key(s: &str) -> String {
    let digits = phone_digits(s);
    let digits = digits.trim_start_matches("00");
    if digits.len() >= 9 {
        digits[digits.len() - 9..].to_string()
    } else {
        digits.to_string()
    }
}

/// A person's name folded, word order ignored.
fn name_key(name: &str) -> String {
    let folded = fold(name);
    let mut words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.sort_unstable();
    words.join(" ")
}

/// Edit distance with adjacent swaps, over characters.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

fn similar(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    let len = a.chars().count().min(b.chars().count());
    let allowed = match len {
        0..=4 => 0,
        5..=9 => 1,
        _ => 2,
    };
    allowed > 0 && distance(a, b) <= allowed
}

#[derive(Clone, Debug)]
pub struct DuplicateIndex {
    module: ModuleDef,
    rule: DuplicateRule,
    company_field: Option<String>,
    keys: ShardedMap<String, Keys>,
    emails: ShardedMap<String, Vec<String>>,
    phones: ShardedMap<String, Vec<String>>,
    /// Company id (empty for modules without one) → (record id, name key).
    buckets: ShardedMap<String, Vec<(String, String)>>,
    /// For modules without a company: exact name key → ids.
    names: ShardedMap<String, Vec<String>>,
}

fn push(map: &mut ShardedMap<String, Vec<String>>, key: &str, id: &str) {
    if !key.is_empty() {
        map.get_or_insert_with(key.to_string(), Vec::new)
            .push(id.to_string());
    }
}

fn pull(map: &mut ShardedMap<String, Vec<String>>, key: &str, id: &str) {
    if let Some(ids) = map.get_mut(key) {
        ids.retain(|x| x != id);
        if ids.is_empty() {
            map.remove(key);
        }
    }
}

crate::release_leaf!(Keys);

impl crate::domain::records::release::Release for DuplicateIndex {
    fn release(&mut self, budget: &mut usize) -> bool {
        // `&`, not `&&`: each part frees what the budget still allows.
        self.keys.release(budget)
            & self.emails.release(budget)
            & self.phones.release(budget)
            & self.buckets.release(budget)
            & self.names.release(budget)
    }
}

impl DuplicateIndex {
    /// Whether a module has anything to compare: its definition names a duplicate rule.
    pub fn applies_to(module: &ModuleDef) -> bool {
        module.duplicate_rule.is_some()
    }

    pub fn new(module: &ModuleDef) -> Self {
        let rule = module.duplicate_rule.clone().unwrap_or(DuplicateRule {
            contact_fields: Vec::new(),
            name: NameMatch::Person,
            within: None,
        });
        DuplicateIndex {
            module: module.clone(),
            company_field: rule.within.clone(),
            rule,
            keys: ShardedMap::new(),
            emails: ShardedMap::new(),
            phones: ShardedMap::new(),
            buckets: ShardedMap::new(),
            names: ShardedMap::new(),
        }
    }

    /// An index over `records` (all of one module).
    pub fn build<'a>(module: &ModuleDef, records: impl IntoIterator<Item = &'a Record>) -> Self {
        let mut index = Self::new(module);
        for r in records {
            index.add(&r.id, &r.values);
        }
        index
    }

    fn keys_of(&self, values: &FieldValues) -> Keys {
        let mut k = Keys::default();
        let contact = self
            .rule
            .contact_fields
            .iter()
            .filter_map(|k| self.module.field(k));
        for f in contact {
            let items: Vec<String> = match values.get(&f.key) {
                Some(Value::List(items)) => items.clone(),
                Some(Value::Text(s)) => vec![s.clone()],
                _ => continue,
            };
            match f.kind {
                FieldKind::Email { .. } => k.emails.extend(items.iter().map(|s| fold(s.trim()))),
                FieldKind::Phone { .. } => k.phones.extend(items.iter().map(|s| phone_key(s))),
                _ => {}
            }
        }
        k.emails.retain(|e| !e.is_empty());
        k.phones.retain(|p| p.len() >= 5);
        let name: Vec<String> = self
            .module
            .title_fields
            .iter()
            .filter_map(|f| match values.get(f) {
                Some(Value::Text(s)) => Some(s.clone()),
                _ => None,
            })
            .collect();
        let name = name.join(" ");
        k.name = match self.rule.name {
            NameMatch::Company => company_key(&name),
            NameMatch::Person => name_key(&name),
        };
        k.company = self
            .company_field
            .as_ref()
            .and_then(|f| match values.get(f) {
                Some(Value::Ref(c)) => Some(c.clone()),
                Some(Value::Text(name)) => Some(company_key(name)).filter(|k| !k.is_empty()),
                _ => None,
            });
        k
    }

    pub fn add(&mut self, id: &str, values: &FieldValues) {
        self.remove_id(id);
        let k = self.keys_of(values);
        for e in &k.emails {
            push(&mut self.emails, e, id);
        }
        for p in &k.phones {
            push(&mut self.phones, p, id);
        }
        if !k.name.is_empty() {
            match (&self.company_field, &k.company) {
                (Some(_), Some(c)) => self
                    .buckets
                    .get_or_insert_with(c.clone(), Vec::new)
                    .push((id.to_string(), k.name.clone())),
                (None, _) => push(&mut self.names, &k.name, id),
                _ => {}
            }
        }
        self.keys.insert(id.to_string(), k);
    }

    pub fn remove(&mut self, id: &str, _values: &FieldValues) {
        self.remove_id(id);
    }

    fn remove_id(&mut self, id: &str) {
        let Some(k) = self.keys.remove(id) else {
            return;
        };
        for e in &k.emails {
            pull(&mut self.emails, e, id);
        }
        for p in &k.phones {
            pull(&mut self.phones, p, id);
        }
        pull(&mut self.names, &k.name, id);
        if let Some(c) = &k.company {
            if let Some(b) = self.buckets.get_mut(c) {
                b.retain(|(x, _)| x != id);
            }
        }
    }

    fn matches_of(&self, k: &Keys, except: Option<&str>) -> Vec<Match> {
        let mut found: BTreeMap<String, Vec<MatchReason>> = BTreeMap::new();
        let mut note = |id: &String, reason: MatchReason| {
            if Some(id.as_str()) != except {
                let reasons = found.entry(id.clone()).or_default();
                if !reasons.contains(&reason) {
                    reasons.push(reason);
                }
            }
        };
        for e in &k.emails {
            for id in self.emails.get(e).into_iter().flatten() {
                note(id, MatchReason::SameEmail(e.clone()));
            }
        }
        for p in &k.phones {
            for id in self.phones.get(p).into_iter().flatten() {
                note(id, MatchReason::SamePhone(p.clone()));
            }
        }
        if let Some(c) = &k.company {
            for (id, name) in self.buckets.get(c).into_iter().flatten() {
                if similar(name, &k.name) {
                    note(id, MatchReason::SimilarNameSameCompany);
                }
            }
        } else if self.company_field.is_none() {
            for id in self.names.get(&k.name).into_iter().flatten() {
                note(id, MatchReason::SameName);
            }
        }
        let mut out: Vec<Match> = found
            .into_iter()
            .map(|(id, reasons)| Match { id, reasons })
            .collect();
        out.sort_by(|a, b| b.reasons.len().cmp(&a.reasons.len()).then(a.id.cmp(&b.id)));
        out
    }

    /// Room for `additional` more records' keys, made before filling (at start-up).
    pub fn reserve(&mut self, additional: usize) {
        self.keys.reserve(additional);
        self.emails.reserve(additional);
    }

    /// Whether the index holds keys of this record.
    pub fn contains(&self, id: &str) -> bool {
        self.keys.contains_key(id)
    }

    /// Records these values likely duplicate, strongest first; `except` is the
    /// record's own id.
    pub fn candidates(&self, values: &FieldValues, except: Option<&str>) -> Vec<Match> {
        self.matches_of(&self.keys_of(values), except)
    }

    /// Groups of two or more likely duplicates across the module, largest first.
    /// Why `id` is in its group: what it shares with the first member it matches
    /// directly, trying `group` in order (the record kept first). A group is joined
    /// link by link, so a member may match the kept record only through another.
    pub fn why_in_group(&self, id: &str, group: &[String]) -> Option<(String, Vec<MatchReason>)> {
        let keys = self.keys.get(id)?;
        let found = self.matches_of(keys, Some(id));
        group.iter().filter(|g| g.as_str() != id).find_map(|other| {
            found
                .iter()
                .find(|m| &m.id == other)
                .map(|m| (other.clone(), m.reasons.clone()))
        })
    }

    pub fn groups(&self) -> Vec<Vec<String>> {
        let ids: Vec<&String> = self.keys.keys().collect();
        let at: HashMap<&String, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let mut parent: Vec<usize> = (0..ids.len()).collect();
        fn root(p: &mut [usize], mut i: usize) -> usize {
            while p[i] != i {
                p[i] = p[p[i]];
                i = p[i];
            }
            i
        }
        let join = |a: &String, b: &String, p: &mut Vec<usize>| {
            if let (Some(&x), Some(&y)) = (at.get(a), at.get(b)) {
                let (rx, ry) = (root(p, x), root(p, y));
                if rx != ry {
                    p[rx] = ry;
                }
            }
        };
        for map in [&self.emails, &self.phones, &self.names] {
            for list in map.values() {
                for w in list.windows(2) {
                    join(&w[0], &w[1], &mut parent);
                }
            }
        }
        for bucket in self.buckets.values() {
            for (i, (a, na)) in bucket.iter().enumerate() {
                for (b, nb) in &bucket[i + 1..] {
                    if similar(na, nb) {
                        join(a, b, &mut parent);
                    }
                }
            }
        }
        let mut groups: HashMap<usize, Vec<String>> = HashMap::new();
        for (i, id) in ids.iter().enumerate() {
            let r = root(&mut parent, i);
            groups.entry(r).or_default().push((*id).clone());
        }
        let mut out: Vec<Vec<String>> = groups
            .into_values()
            .filter(|g| g.len() > 1)
            .map(|mut g| {
                g.sort();
                g
            })
            .collect();
        out.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::COMPANIES;
    use crate::domain::modules::standard_modules::{standard_schema, CONTACTS};

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }
    fn l(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| s.to_string()).collect())
    }
    fn contact(id: &str, pairs: Vec<(&str, Value)>) -> Record {
        let v: FieldValues = pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        Record::new(id.into(), CONTACTS, 1, None, v)
    }
    fn contacts_index(records: &[Record]) -> DuplicateIndex {
        let schema = standard_schema();
        DuplicateIndex::build(schema.module(CONTACTS).unwrap(), records)
    }
    fn ids(m: Vec<Match>) -> Vec<String> {
        m.into_iter().map(|m| m.id).collect()
    }

    #[test]
    fn a_member_says_what_it_shares_with_the_kept_record_or_the_one_it_joins_through() {
        let idx = contacts_index(&[
            contact(
                "a",
                vec![
                    ("first_name", t("Sara")),
                    ("last_name", t("Karimi")),
                    ("emails", l(&["sara@example.com"])),
                ],
            ),
            contact(
                "b",
                vec![
                    ("first_name", t("S.")),
                    ("last_name", t("K")),
                    ("emails", l(&["SARA@example.com"])),
                    ("phones", l(&["+98 912 000 1111"])),
                ],
            ),
            contact(
                "c",
                vec![
                    ("first_name", t("Other")),
                    ("last_name", t("Person")),
                    ("phones", l(&["0912 000 1111"])),
                ],
            ),
        ]);
        let group = idx.groups().pop().unwrap();
        assert_eq!(group, vec!["a", "b", "c"]);
        let (with, why) = idx.why_in_group("b", &group).unwrap();
        assert_eq!(with, "a");
        assert_eq!(why, vec![MatchReason::SameEmail("sara@example.com".into())]);
        // c shares nothing with a, only the phone with b.
        let (with, why) = idx.why_in_group("c", &group).unwrap();
        assert_eq!(with, "b");
        assert!(
            matches!(why.as_slice(), [MatchReason::SamePhone(_)]),
            "{why:?}"
        );
        assert_eq!(idx.why_in_group("zzz", &group), None);
    }

    #[test]
    fn emails_and_phones_match_once_normalised() {
        let idx = contacts_index(&[
            contact(
                "a",
                vec![
                    ("last_name", t("Berg")),
                    ("emails", l(&["Anna@Acme.example"])),
                ],
            ),
            contact(
                "b",
                vec![("last_name", t("Ng")), ("phones", l(&["+98 912 123 4567"]))],
            ),
        ]);
        let probe =
            |pairs: Vec<(&str, Value)>| ids(idx.candidates(&contact("x", pairs).values, None));
        assert_eq!(
            probe(vec![("emails", l(&[" anna@acme.EXAMPLE "]))]),
            vec!["a"]
        );
        assert_eq!(probe(vec![("phones", l(&["0098 912 1234567"]))]), vec!["b"]);
        assert_eq!(probe(vec![("phones", l(&["0912-123-4567"]))]), vec!["b"]);
        assert!(probe(vec![("phones", l(&["0912-123-4568"]))]).is_empty());
        // A record never matches itself.
        assert!(idx
            .candidates(
                &contact("a", vec![("emails", l(&["anna@acme.example"]))]).values,
                Some("a")
            )
            .is_empty());
    }

    #[test]
    fn similar_names_match_only_at_the_same_company() {
        let idx = contacts_index(&[
            contact(
                "p1",
                vec![
                    ("first_name", t("José")),
                    ("last_name", t("García")),
                    ("company", Value::Ref("c1".into())),
                ],
            ),
            contact(
                "p2",
                vec![
                    ("first_name", t("علي")),
                    ("last_name", t("كريمي")),
                    ("company", Value::Ref("c2".into())),
                ],
            ),
            contact(
                "p3",
                vec![
                    ("first_name", t("Anna")),
                    ("last_name", t("Berg")),
                    ("company", Value::Ref("c1".into())),
                ],
            ),
        ]);
        let probe = |first: &str, last: &str, company: &str| {
            ids(idx.candidates(
                &contact(
                    "x",
                    vec![
                        ("first_name", t(first)),
                        ("last_name", t(last)),
                        ("company", Value::Ref(company.into())),
                    ],
                )
                .values,
                None,
            ))
        };
        assert_eq!(probe("Jose", "Garcia", "c1"), vec!["p1"], "accents");
        assert_eq!(probe("Garcia", "Jose", "c1"), vec!["p1"], "word order");
        assert_eq!(
            probe("Jose", "Garcai", "c1"),
            vec!["p1"],
            "a swapped letter"
        );
        assert_eq!(
            probe("علی", "کریمی", "c2"),
            vec!["p2"],
            "Arabic and Persian letter forms"
        );
        assert!(probe("Jose", "Garcia", "c2").is_empty(), "another company");
        assert!(probe("Anne", "Bergman", "c1").is_empty());
    }

    #[test]
    fn company_names_ignore_legal_suffixes_and_groups_chain() {
        let schema = standard_schema();
        let co = |id: &str, name: &str| {
            Record::new(
                id.into(),
                COMPANIES,
                1,
                None,
                [("name".to_string(), t(name))].into(),
            )
        };
        let companies = DuplicateIndex::build(
            schema.module(COMPANIES).unwrap(),
            &[co("a", "Acme Ltd"), co("b", "Bolt")],
        );
        assert_eq!(
            ids(companies.candidates(&co("x", "ACME").values, None)),
            vec!["a"]
        );

        let mut idx = contacts_index(&[
            contact(
                "a",
                vec![("last_name", t("A")), ("emails", l(&["x@e.example"]))],
            ),
            contact(
                "b",
                vec![
                    ("last_name", t("B")),
                    ("emails", l(&["x@e.example"])),
                    ("phones", l(&["+1 555 010 0200"])),
                ],
            ),
            contact(
                "c",
                vec![("last_name", t("C")), ("phones", l(&["555-010-0200"]))],
            ),
            contact("d", vec![("last_name", t("D"))]),
        ]);
        assert_eq!(
            idx.groups(),
            vec![vec!["a".to_string(), "b".into(), "c".into()]]
        );
        let b = contact("b", vec![("last_name", t("B"))]);
        idx.add("b", &b.values);
        assert!(idx.groups().is_empty(), "re-adding replaces the old keys");
        idx.remove("a", &FieldValues::new());
        assert!(idx
            .candidates(
                &contact("y", vec![("emails", l(&["x@e.example"]))]).values,
                None
            )
            .is_empty());
    }

    #[test]
    fn twenty_thousand_contacts_index_without_comparing_all_pairs() {
        let records: Vec<Record> = (0..20_000)
            .map(|i| {
                contact(
                    &format!("p{i}"),
                    vec![
                        // Scrambled names: unrelated people, as in real data.
                        (
                            "last_name",
                            t(&format!("{:x}", (i as u64 * 2_654_435_761) % 1_000_000_007)),
                        ),
                        ("company", Value::Ref(format!("c{}", i % 2000))),
                        ("emails", l(&[&format!("p{i}@e.example")])),
                    ],
                )
            })
            .collect();
        let idx = contacts_index(&records);
        let hit = idx.candidates(
            &contact("x", vec![("emails", l(&["P12345@e.example"]))]).values,
            None,
        );
        assert_eq!(ids(hit), vec!["p12345"]);
        assert!(idx.groups().is_empty());
    }

    #[test]
    fn leads_compare_names_within_the_same_company_name() {
        let schema = standard_schema();
        let lead = |id: &str, first: &str, company: &str| {
            let v: FieldValues = [
                ("first_name".to_string(), t(first)),
                ("last_name".to_string(), t("Holm")),
                ("company_name".to_string(), t(company)),
            ]
            .into();
            Record::new(id.into(), "leads", 1, None, v)
        };
        let idx = DuplicateIndex::build(
            schema.module("leads").unwrap(),
            &[lead("a", "Nina", "Holm Retail AB")],
        );
        assert_eq!(
            ids(idx.candidates(&lead("x", "Nina", "HOLM RETAIL").values, None)),
            vec!["a"]
        );
        assert!(idx
            .candidates(&lead("x", "Nina", "Other Co").values, None)
            .is_empty());
    }
}
