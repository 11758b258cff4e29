//! A report's filter compiled against its module.

use crate::domain::records::condition::Condition;
use crate::domain::records::module_def::ModuleDef;
use crate::domain::records::record::Record;

use super::*;

pub(super) struct Filter<'s> {
    pub(super) any: bool,
    pub(super) conditions: Vec<(FieldRef<'s>, &'s Condition)>,
    pub(super) groups: Vec<Filter<'s>>,
}

impl<'s> Filter<'s> {
    pub(super) fn compile(module: &ModuleDef, g: &'s FilterGroup) -> Result<Self, ReportError> {
        Ok(Filter {
            any: g.any,
            conditions: g
                .conditions
                .iter()
                .map(|c| Ok((resolve(module, &c.field)?, c)))
                .collect::<Result<_, _>>()?,
            groups: g
                .groups
                .iter()
                .map(|g| Filter::compile(module, g))
                .collect::<Result<_, _>>()?,
        })
    }

    pub(super) fn matches(&self, r: &Record) -> bool {
        let cond = |(f, c): &(FieldRef, &Condition)| match f {
            FieldRef::Value(_) => c.matches(&r.values),
            _ => c.matches_value(value_of(r, *f).as_deref()),
        };
        if self.conditions.is_empty() && self.groups.is_empty() {
            return true;
        }
        if self.any {
            self.conditions.iter().any(cond) || self.groups.iter().any(|g| g.matches(r))
        } else {
            self.conditions.iter().all(cond) && self.groups.iter().all(|g| g.matches(r))
        }
    }
}
