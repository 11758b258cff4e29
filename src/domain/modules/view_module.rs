//! Saved views of a list: a name, the list they belong to, and the list's address
//! query (filters, sort, search words: `records::filter_url`, `q=`), one of them
//! perhaps the list's default. Kept as records, so they are stored, backed up and
//! restored like any other.

use crate::domain::modules::standard_modules::section;
use crate::domain::records::field::{FieldDef, FieldKind};
use crate::domain::records::field_values::FieldValues;
use crate::domain::records::module_def::ModuleDef;
use crate::domain::records::normalize::fold;
use crate::domain::records::record::Record;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::value::Value;

pub const SAVED_VIEWS: &str = "saved_views";
const NAME: &str = "name";
/// The module whose list the view is of.
const VIEW_OF: &str = "view_of";
const QUERY: &str = "view_query";
const DEFAULT: &str = "is_default";

pub fn saved_views() -> ModuleDef {
    ModuleDef {
        fields: vec![
            FieldDef::new(NAME, FieldKind::SingleLine)
                .required()
                .max_len(100)
                .in_list()
                .searchable(),
            FieldDef::new(VIEW_OF, FieldKind::SingleLine)
                .required()
                .max_len(100),
            FieldDef::new(QUERY, FieldKind::MultiLine).max_len(4000),
            FieldDef::new(DEFAULT, FieldKind::Checkbox),
        ],
        sections: vec![section("main")],
        title_fields: vec![NAME.into()],
        nav: false,
        ..ModuleDef::named(SAVED_VIEWS)
    }
}

/// The saved views' own definition (to word a problem with one of its fields).
pub fn views_module(data: &Dataset) -> Option<&ModuleDef> {
    data.schema.module(SAVED_VIEWS)
}

/// A saved view as a list offers it.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedView {
    pub id: String,
    pub name: String,
    pub query: String,
    pub default: bool,
}

fn text<'a>(r: &'a Record, key: &str) -> &'a str {
    match r.get(key) {
        Some(Value::Text(s)) => s,
        _ => "",
    }
}

/// The view a record holds.
pub fn view_of(r: &Record) -> SavedView {
    SavedView {
        id: r.id.clone(),
        name: text(r, NAME).to_string(),
        query: text(r, QUERY).to_string(),
        default: matches!(r.get(DEFAULT), Some(Value::Bool(true))),
    }
}

/// The records of the views of `list`, by name.
pub fn view_records<'a>(data: &'a Dataset, list: &str) -> Vec<&'a Record> {
    let mut out: Vec<&Record> = data
        .set(SAVED_VIEWS)
        .map(|s| s.records().filter(|r| text(r, VIEW_OF) == list).collect())
        .unwrap_or_default();
    out.sort_by_key(|r| fold(text(r, NAME)));
    out
}

/// The views of `list`, by name.
pub fn views_of(data: &Dataset, list: &str) -> Vec<SavedView> {
    view_records(data, list).into_iter().map(view_of).collect()
}

/// The view `list` opens with when its address says nothing.
pub fn default_view(data: &Dataset, list: &str) -> Option<SavedView> {
    views_of(data, list).into_iter().find(|v| v.default)
}

/// A view's values as stored.
pub fn view_values(list: &str, name: &str, query: &str, default: bool) -> FieldValues {
    [
        (NAME.to_string(), Value::Text(name.trim().to_string())),
        (VIEW_OF.to_string(), Value::Text(list.to_string())),
        (QUERY.to_string(), Value::Text(query.to_string())),
        (DEFAULT.to_string(), Value::Bool(default)),
    ]
    .into()
}

/// A view's values with its default mark taken off (another became the default).
pub fn not_default(r: &Record) -> FieldValues {
    let mut v = r.values.clone();
    v.insert(DEFAULT, Value::Bool(false));
    v
}

/// The same name, folded: a view saved under a name the list has is that view.
pub fn same_name(a: &str, b: &str) -> bool {
    fold(a.trim()) == fold(b.trim())
}
