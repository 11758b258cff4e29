//! Grouping records into a report's rows and columns by hashed keys.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate};

use crate::domain::records::calendar_system::CalendarSystem;
use crate::domain::records::field::{FieldKind, PicklistOption};
use crate::domain::records::module_def::ModuleDef;
use crate::domain::records::normalize::fold;
use crate::domain::records::record::Record;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::value::Value;

use super::*;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum RawKey<'r> {
    Empty,
    Str(&'r str),
    Bool(bool),
    Date(NaiveDate),
}

pub(super) enum Kind<'s> {
    Owner,
    Picklist(&'s [PicklistOption]),
    Lookup(&'s str),
    User,
    Bool,
    Text,
    Date(FieldRef<'s>, DateBucket),
}

pub(super) struct Grouper<'s> {
    pub(super) field: &'s str,
    pub(super) kind: Kind<'s>,
}

impl<'s> Grouper<'s> {
    pub(super) fn compile(module: &'s ModuleDef, g: &'s Grouping) -> Result<Self, ReportError> {
        let cannot = |f: &str| ReportError::CannotGroup(f.to_string());
        match g {
            Grouping::Owner => Ok(Grouper {
                field: OWNER,
                kind: Kind::Owner,
            }),
            Grouping::Field(f) if f == OWNER => Ok(Grouper {
                field: OWNER,
                kind: Kind::Owner,
            }),
            Grouping::Field(f) => {
                let def = module
                    .field(f)
                    .ok_or_else(|| ReportError::UnknownField(f.clone()))?;
                let kind = match &def.kind {
                    FieldKind::Picklist { options } | FieldKind::MultiSelect { options, .. } => {
                        Kind::Picklist(options)
                    }
                    FieldKind::Lookup { module, .. } => Kind::Lookup(module),
                    FieldKind::User | FieldKind::Users => Kind::User,
                    FieldKind::Checkbox => Kind::Bool,
                    FieldKind::SingleLine
                    | FieldKind::Email { .. }
                    | FieldKind::Phone { .. }
                    | FieldKind::Url
                    | FieldKind::Color => Kind::Text,
                    _ => return Err(cannot(f)),
                };
                Ok(Grouper { field: f, kind })
            }
            Grouping::Date(f, bucket) => {
                let r = match resolve(module, f)? {
                    FieldRef::Value(k) => match module.field(k).map(|d| &d.kind) {
                        Some(FieldKind::Date | FieldKind::DateTime) => FieldRef::Value(k),
                        _ => return Err(cannot(f)),
                    },
                    FieldRef::Owner => return Err(cannot(f)),
                    other => other,
                };
                Ok(Grouper {
                    field: f,
                    kind: Kind::Date(r, *bucket),
                })
            }
        }
    }

    /// The record's keys into `out` (cleared first): one, or one per list item.
    pub(super) fn keys<'r>(
        &self,
        r: &'r Record,
        out: &mut Vec<RawKey<'r>>,
        calendar: CalendarSystem,
    ) {
        out.clear();
        match &self.kind {
            Kind::Owner => out.push(match r.owner.as_deref() {
                Some(o) if !o.trim().is_empty() => RawKey::Str(o),
                _ => RawKey::Empty,
            }),
            Kind::Date(f, bucket) => {
                let date = match f {
                    FieldRef::Created => DateTime::from_timestamp_millis(r.created_at),
                    FieldRef::Updated => DateTime::from_timestamp_millis(r.updated_at),
                    _ => None,
                }
                .map(|t| t.date_naive())
                .or_else(|| match f {
                    FieldRef::Value(k) => match r.get(k) {
                        Some(Value::Date(d)) => Some(*d),
                        Some(Value::DateTime(t)) => Some(t.date_naive()),
                        _ => None,
                    },
                    _ => None,
                });
                out.push(date.map_or(RawKey::Empty, |d| {
                    RawKey::Date(period_start_in(d, *bucket, calendar))
                }));
            }
            _ => match r.get(self.field) {
                Some(Value::List(items)) => {
                    out.extend(
                        items
                            .iter()
                            .filter(|i| !i.trim().is_empty())
                            .map(|i| RawKey::Str(i.trim())),
                    );
                    if out.len() > 1 {
                        out.sort_unstable_by_key(|k| match k {
                            RawKey::Str(s) => *s,
                            _ => "",
                        });
                        out.dedup();
                    }
                }
                Some(Value::Bool(b)) => out.push(RawKey::Bool(*b)),
                Some(Value::Text(s) | Value::Ref(s)) if !s.trim().is_empty() => {
                    out.push(RawKey::Str(s.trim()))
                }
                _ => {}
            },
        }
        if out.is_empty() {
            out.push(match self.kind {
                // An unticked checkbox is stored as nothing or false: both are "no".
                Kind::Bool => RawKey::Bool(false),
                _ => RawKey::Empty,
            });
        }
    }

    pub(super) fn key(&self, raw: RawKey) -> GroupKey {
        match (raw, &self.kind) {
            (RawKey::Empty, _) => GroupKey::Empty,
            (RawKey::Bool(b), _) => GroupKey::Bool(b),
            (RawKey::Date(d), Kind::Date(_, bucket)) => GroupKey::Period {
                start: d,
                bucket: *bucket,
            },
            (RawKey::Date(d), _) => GroupKey::Text(d.to_string()),
            (RawKey::Str(s), Kind::Picklist(_)) => GroupKey::Option {
                field: self.field.to_string(),
                value: s.to_string(),
            },
            (RawKey::Str(s), Kind::Lookup(m)) => GroupKey::Ref {
                module: m.to_string(),
                id: s.to_string(),
            },
            (RawKey::Str(s), Kind::Owner | Kind::User) => GroupKey::User(s.to_string()),
            (RawKey::Str(s), _) => GroupKey::Text(s.to_string()),
        }
    }

    /// Display order of one distinct key: (rank, number, text); empties last.
    pub(super) fn order(&self, data: &Dataset, raw: RawKey) -> (u8, f64, String) {
        match raw {
            RawKey::Empty => (9, 0.0, String::new()),
            RawKey::Bool(b) => (0, if b { 0.0 } else { 1.0 }, String::new()),
            RawKey::Date(d) => (0, f64::from(d.num_days_from_ce()), String::new()),
            RawKey::Str(s) => match &self.kind {
                Kind::Picklist(options) => match options.iter().position(|o| o.value == s) {
                    Some(i) => (0, i as f64, String::new()),
                    None => (1, 0.0, fold(s)),
                },
                Kind::Lookup(m) => {
                    let title = fold(&data.title(m, s).unwrap_or_else(|| s.to_string()));
                    let position = data.get(m, s).and_then(|r| match r.get("position") {
                        Some(Value::Number(n)) => Some(*n),
                        _ => None,
                    });
                    match position {
                        Some(p) => (0, p, title),
                        None => (1, 0.0, title),
                    }
                }
                Kind::Owner | Kind::User => (
                    0,
                    0.0,
                    fold(&data.member_name(s).unwrap_or_else(|| s.to_string())),
                ),
                _ => (0, 0.0, fold(s)),
            },
        }
    }

    /// Distinct raw keys in display order, as (old index -> new index, keys).
    pub(super) fn ordered(&self, data: &Dataset, raws: &[RawKey]) -> (Vec<usize>, Vec<GroupKey>) {
        let mut idx: Vec<(usize, (u8, f64, String))> = raws
            .iter()
            .enumerate()
            .map(|(i, r)| (i, self.order(data, *r)))
            .collect();
        idx.sort_by(|(ia, a), (ib, b)| {
            a.0.cmp(&b.0)
                .then(a.1.total_cmp(&b.1))
                .then_with(|| a.2.cmp(&b.2))
                .then_with(|| raw_text(raws[*ia]).cmp(raw_text(raws[*ib])))
        });
        let mut new_of = vec![0; raws.len()];
        for (new, (old, _)) in idx.iter().enumerate() {
            new_of[*old] = new;
        }
        let keys = idx.iter().map(|(old, _)| self.key(raws[*old])).collect();
        (new_of, keys)
    }
}

pub(super) fn raw_text<'a>(r: RawKey<'a>) -> &'a str {
    match r {
        RawKey::Str(s) => s,
        _ => "",
    }
}

/// A group key held by a computation between its steps (a `RawKey` borrows the
/// record it came from, which a step cannot keep).
#[derive(Clone, PartialEq, Eq)]
pub(super) enum OwnedKey {
    Empty,
    Str(String),
    Bool(bool),
    Date(NaiveDate),
}

impl OwnedKey {
    pub(super) fn of(k: RawKey) -> Self {
        match k {
            RawKey::Empty => OwnedKey::Empty,
            RawKey::Str(s) => OwnedKey::Str(s.to_string()),
            RawKey::Bool(b) => OwnedKey::Bool(b),
            RawKey::Date(d) => OwnedKey::Date(d),
        }
    }

    pub(super) fn raw(&self) -> RawKey<'_> {
        match self {
            OwnedKey::Empty => RawKey::Empty,
            OwnedKey::Str(s) => RawKey::Str(s),
            OwnedKey::Bool(b) => RawKey::Bool(*b),
            OwnedKey::Date(d) => RawKey::Date(*d),
        }
    }
}

/// Gives each distinct key a dense index, in order of first appearance. Found by the
/// borrowed key's hash, so a key already seen costs no copy.
#[derive(Default)]
pub(super) struct Interner {
    pub(super) by_hash: HashMap<u64, Vec<usize>>,
    pub(super) keys: Vec<OwnedKey>,
}

impl Interner {
    pub(super) fn id(&mut self, k: RawKey) -> usize {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        k.hash(&mut h);
        let bucket = self.by_hash.entry(h.finish()).or_default();
        if let Some(&i) = bucket.iter().find(|&&i| self.keys[i].raw() == k) {
            return i;
        }
        self.keys.push(OwnedKey::of(k));
        bucket.push(self.keys.len() - 1);
        self.keys.len() - 1
    }

    pub(super) fn raws(&self) -> Vec<RawKey<'_>> {
        self.keys.iter().map(OwnedKey::raw).collect()
    }
}
