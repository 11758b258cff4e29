//! The fields a report reads: a module's own fields and the pseudo-fields every
//! record has.

use std::borrow::Cow;

use chrono::DateTime;

use crate::domain::records::module_def::ModuleDef;
use crate::domain::records::record::Record;
use crate::domain::records::value::Value;

use super::*;

#[derive(Clone, Copy)]
pub(super) enum FieldRef<'s> {
    Value(&'s str),
    Created,
    Updated,
    Owner,
}

pub(super) fn resolve<'s>(module: &ModuleDef, key: &'s str) -> Result<FieldRef<'s>, ReportError> {
    Ok(match key {
        CREATED_AT => FieldRef::Created,
        UPDATED_AT => FieldRef::Updated,
        OWNER => FieldRef::Owner,
        _ if module.field(key).is_some() => FieldRef::Value(key),
        _ => return Err(ReportError::UnknownField(key.to_string())),
    })
}

pub(super) fn millis(ms: i64) -> Value {
    Value::DateTime(DateTime::from_timestamp_millis(ms).unwrap_or_default())
}

pub(super) fn value_of<'r>(r: &'r Record, f: FieldRef<'_>) -> Option<Cow<'r, Value>> {
    match f {
        FieldRef::Value(k) => r.get(k).map(Cow::Borrowed),
        FieldRef::Created => Some(Cow::Owned(millis(r.created_at))),
        FieldRef::Updated => Some(Cow::Owned(millis(r.updated_at))),
        FieldRef::Owner => r.owner.clone().map(|o| Cow::Owned(Value::Ref(o))),
    }
}
