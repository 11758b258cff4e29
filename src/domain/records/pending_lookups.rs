//! Validation's view of the data with records a plan is about to write in it, so a
//! record can link to another made in the same plan (a conversion's contact to its
//! new company, a new deal's contact rows to the deal).

use crate::domain::records::record::Record;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::validate::Lookups;
use crate::domain::records::value::Value;

pub struct WithPending<'a> {
    pub data: &'a Dataset,
    pub pending: &'a [Record],
}

impl WithPending<'_> {
    fn pending(&self, module: &str, id: &str) -> Option<&Record> {
        self.pending
            .iter()
            .find(|r| r.module == module && r.id == id)
    }
}

impl Lookups for WithPending<'_> {
    fn record_exists(&self, module: &str, id: &str) -> bool {
        self.data.record_exists(module, id) || self.pending(module, id).is_some()
    }
    fn user_exists(&self, id: &str) -> bool {
        self.data.user_exists(id)
    }
    fn unique_taken(&self, module: &str, field: &str, key: &str, except: &str) -> bool {
        self.data.unique_taken(module, field, key, except)
    }
    fn value_of(&self, module: &str, id: &str, field: &str) -> Option<Value> {
        // A record being changed is seen as it will be.
        match self.pending(module, id) {
            Some(r) => r.get(field).cloned(),
            None => self.data.value_of(module, id, field),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::{standard_schema, COMPANIES};
    use crate::domain::records::field_values::FieldValues;

    #[test]
    fn a_pending_record_exists_and_shows_its_new_values() {
        let data = Dataset::new(standard_schema());
        let values: FieldValues = [("name".to_string(), Value::Text("Nordic AB".into()))]
            .into_iter()
            .collect();
        let company = Record::new("c1".into(), COMPANIES, 1, None, values);
        let view = WithPending {
            data: &data,
            pending: std::slice::from_ref(&company),
        };
        assert!(view.record_exists(COMPANIES, "c1"));
        assert!(!view.record_exists(COMPANIES, "c2"));
        assert!(!data.record_exists(COMPANIES, "c1"));
        assert_eq!(
            view.value_of(COMPANIES, "c1", "name"),
            Some(Value::Text("Nordic AB".into()))
        );
    }
}
