//! Module definitions: a module is data (its fields, sections and title), never code.

use serde::{Deserialize, Serialize};

use super::field::{FieldDef, FieldKind, Label};
use super::record::Record;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub key: String,
    pub label: Label,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModuleDef {
    /// Stable key, also the URL segment.
    pub key: String,
    pub singular: Label,
    pub plural: Label,
    pub fields: Vec<FieldDef>,
    pub sections: Vec<Section>,
    /// Fields joined with a space make the record's title.
    pub title_fields: Vec<String>,
    /// Listed in the main navigation; settings-like modules (team members, stages,
    /// exchange rates) are reached from the settings page instead.
    #[serde(default = "yes")]
    pub nav: bool,
}

fn yes() -> bool {
    true
}

impl ModuleDef {
    /// A module with its standard names (`module.<key>.one` / `.many`) and nothing
    /// else yet: the base the standard modules fill in.
    pub fn named(key: &str) -> Self {
        ModuleDef {
            key: key.to_string(),
            singular: Label::Key(format!("module.{key}.one")),
            plural: Label::Key(format!("module.{key}.many")),
            fields: Vec::new(),
            sections: Vec::new(),
            title_fields: Vec::new(),
            nav: true,
        }
    }

    pub fn field(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.key == key)
    }

    pub fn list_fields(&self) -> impl Iterator<Item = &FieldDef> {
        self.fields.iter().filter(|f| f.in_list)
    }

    pub fn fields_in(&self, section: &str) -> impl Iterator<Item = &FieldDef> + '_ {
        let section = section.to_string();
        self.fields.iter().filter(move |f| f.section == section)
    }

    /// The record's display title; empty when its title fields are empty.
    pub fn title_of(&self, record: &Record) -> String {
        self.title_fields
            .iter()
            .filter_map(|f| record.get(f))
            .map(|v| v.to_plain())
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Lookup fields of this module that point at `target`.
    pub fn lookups_to<'a>(&'a self, target: &'a str) -> impl Iterator<Item = &'a FieldDef> + 'a {
        self.fields.iter().filter(
            move |f| matches!(&f.kind, FieldKind::Lookup { module, .. } if module == target),
        )
    }
}

/// Every module the app knows: the standard ones and, later, the user's own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    pub modules: Vec<ModuleDef>,
}

impl Schema {
    pub fn module(&self, key: &str) -> Option<&ModuleDef> {
        self.modules.iter().find(|m| m.key == key)
    }

    /// The modules people work in (in the navigation), in schema order.
    pub fn nav_modules(&self) -> impl Iterator<Item = &ModuleDef> {
        self.modules.iter().filter(|m| m.nav)
    }

    /// (module, field) pairs whose lookups point at `target`: the related lists of a record page.
    pub fn related_to<'a>(
        &'a self,
        target: &'a str,
    ) -> impl Iterator<Item = (&'a ModuleDef, &'a FieldDef)> + 'a {
        self.modules
            .iter()
            .flat_map(move |m| m.lookups_to(target).map(move |f| (m, f)))
    }
}
