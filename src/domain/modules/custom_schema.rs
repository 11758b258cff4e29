//! The user's own modules and fields, kept as records (so they are stored, backed
//! up, restored and synchronised like any other), and the schema they shape: the
//! standard modules with the user's fields added, then the user's modules.

use crate::domain::modules::standard_modules::{section, standard_schema};
use crate::domain::records::field::{FieldDef, FieldKind, Label};
use crate::domain::records::module_def::{ModuleDef, NavArea, Schema};
use crate::domain::records::record::Record;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::value::Value;

pub const CUSTOM_MODULES: &str = "custom_modules";
pub const CUSTOM_FIELDS: &str = "custom_fields";

/// The key a user module's records are stored under.
pub const MODULE_KEY: &str = "module_key";
const SINGULAR: &str = "singular";
const PLURAL: &str = "plural";
const AREA: &str = "nav_area";
const FIELD_OF: &str = "field_of";
const FIELD_KEY: &str = "field_key";
const DEFINITION: &str = "definition";
/// Where a user field stands among its module's own fields.
pub const POSITION: &str = "position";
/// The next number an auto-number field gives: kept on its definition's record, so
/// a deleted record's number is never given again and a restore carries it.
pub const NEXT_NUMBER: &str = "next_number";

/// The field every user module starts with: its records' title.
pub const NAME: &str = "name";
/// Who a record belongs to: a property of every record (the form's Owner), so no
/// field may take its name.
pub const OWNER: &str = "owner";

/// Keys a field may not take: the record's own properties, the words of the formula
/// language, and the fields every user module has.
pub const RESERVED_FIELD_KEYS: &[&str] = &[
    "id",
    "module",
    "rev",
    "created_at",
    "updated_at",
    "values",
    "and",
    "or",
    "not",
    "true",
    "false",
    NAME,
    OWNER,
];

pub fn custom_modules() -> ModuleDef {
    ModuleDef {
        fields: vec![
            FieldDef::new(MODULE_KEY, FieldKind::SingleLine)
                .required()
                .unique()
                .max_len(40)
                .system(),
            FieldDef::new(SINGULAR, FieldKind::SingleLine)
                .required()
                .max_len(60)
                .in_list()
                .searchable(),
            FieldDef::new(PLURAL, FieldKind::SingleLine)
                .required()
                .max_len(60)
                .in_list(),
            FieldDef::new(AREA, FieldKind::SingleLine).max_len(20),
        ],
        sections: vec![section("main")],
        title_fields: vec![PLURAL.into()],
        nav: false,
        ..ModuleDef::named(CUSTOM_MODULES)
    }
}

pub fn custom_fields() -> ModuleDef {
    ModuleDef {
        fields: vec![
            FieldDef::new(FIELD_OF, FieldKind::SingleLine)
                .required()
                .max_len(40)
                .system(),
            FieldDef::new(FIELD_KEY, FieldKind::SingleLine)
                .required()
                .max_len(40)
                .in_list()
                .system(),
            FieldDef::new(DEFINITION, FieldKind::MultiLine)
                .required()
                .max_len(20_000)
                .system(),
            FieldDef::new(POSITION, FieldKind::Number).system(),
            FieldDef::new(NEXT_NUMBER, FieldKind::Number).system(),
        ],
        sections: vec![section("main")],
        title_fields: vec![FIELD_KEY.into()],
        nav: false,
        ..ModuleDef::named(CUSTOM_FIELDS)
    }
}

/// A user module as its record holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomModule {
    pub id: String,
    pub key: String,
    pub singular: String,
    pub plural: String,
    pub area: NavArea,
}

/// A user field as its record holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomField {
    pub id: String,
    pub module: String,
    pub def: FieldDef,
    pub position: f64,
    pub next_number: u64,
}

fn text<'a>(r: &'a Record, key: &str) -> &'a str {
    match r.get(key) {
        Some(Value::Text(s)) => s,
        _ => "",
    }
}

fn number(r: &Record, key: &str) -> Option<f64> {
    match r.get(key) {
        Some(Value::Number(n)) => Some(*n),
        _ => None,
    }
}

fn area_named(name: &str) -> NavArea {
    NavArea::ALL
        .into_iter()
        .find(|a| a.key() == name)
        .unwrap_or(NavArea::Work)
}

pub fn module_of(r: &Record) -> CustomModule {
    CustomModule {
        id: r.id.clone(),
        key: text(r, MODULE_KEY).to_string(),
        singular: text(r, SINGULAR).to_string(),
        plural: text(r, PLURAL).to_string(),
        area: area_named(text(r, AREA)),
    }
}

/// The field a record defines; `None` when its definition cannot be read (a record
/// from a crafted file: validation refuses such a record, so only old data has one).
pub fn field_of(r: &Record) -> Option<CustomField> {
    let mut def: FieldDef = serde_json::from_str(text(r, DEFINITION)).ok()?;
    def.key = text(r, FIELD_KEY).to_string();
    Some(CustomField {
        id: r.id.clone(),
        module: text(r, FIELD_OF).to_string(),
        def,
        position: number(r, POSITION).unwrap_or(0.0),
        next_number: number(r, NEXT_NUMBER)
            .map(|n| n.max(1.0) as u64)
            .unwrap_or(1),
    })
}

/// The values of a record defining `field` on `module`.
pub fn field_values(
    module: &str,
    field: &FieldDef,
    position: f64,
    next_number: Option<u64>,
) -> crate::domain::records::field_values::FieldValues {
    let mut values = crate::domain::records::field_values::FieldValues::default();
    values.insert(FIELD_OF, Value::Text(module.into()));
    values.insert(FIELD_KEY, Value::Text(field.key.clone()));
    values.insert(
        DEFINITION,
        Value::Text(serde_json::to_string(field).unwrap_or_default()),
    );
    values.insert(POSITION, Value::Number(position));
    if let Some(n) = next_number {
        values.insert(NEXT_NUMBER, Value::Number(n as f64));
    }
    values
}

/// The values of a record defining a user module.
pub fn module_values(
    key: &str,
    singular: &str,
    plural: &str,
    area: NavArea,
) -> crate::domain::records::field_values::FieldValues {
    let mut values = crate::domain::records::field_values::FieldValues::default();
    values.insert(MODULE_KEY, Value::Text(key.into()));
    values.insert(SINGULAR, Value::Text(singular.trim().into()));
    values.insert(PLURAL, Value::Text(plural.trim().into()));
    values.insert(AREA, Value::Text(area.key().into()));
    values
}

/// The definition of a user module before its fields: a name (its records have an
/// owner as every record does).
pub fn module_def(m: &CustomModule) -> ModuleDef {
    ModuleDef {
        singular: Label::Text(m.singular.clone()),
        plural: Label::Text(m.plural.clone()),
        fields: vec![FieldDef {
            // A spreadsheet of the user's own names its title column after the
            // module: "Project", "Project name", "Projects".
            import_names: vec![
                m.singular.clone(),
                format!("{} name", m.singular),
                m.plural.clone(),
            ],
            ..FieldDef::new(NAME, FieldKind::SingleLine)
                .required()
                .max_len(200)
                .in_list()
                .searchable()
        }],
        sections: vec![section("main")],
        title_fields: vec![NAME.into()],
        area: m.area,
        ..ModuleDef::named(&m.key)
    }
}

/// The user's modules, in the order they were made.
pub fn user_modules(data: &Dataset) -> Vec<CustomModule> {
    let mut out: Vec<(i64, CustomModule)> = data
        .set(CUSTOM_MODULES)
        .map(|s| s.records().map(|r| (r.created_at, module_of(r))).collect())
        .unwrap_or_default();
    out.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.key.cmp(&b.1.key)));
    out.into_iter().map(|(_, m)| m).collect()
}

/// The user's fields, by module then position.
pub fn user_fields(data: &Dataset) -> Vec<CustomField> {
    let mut out: Vec<CustomField> = data
        .set(CUSTOM_FIELDS)
        .map(|s| s.records().filter_map(field_of).collect())
        .unwrap_or_default();
    out.sort_by(|a, b| {
        a.module
            .cmp(&b.module)
            .then(a.position.total_cmp(&b.position))
            .then_with(|| a.def.key.cmp(&b.def.key))
    });
    out
}

/// The user's field `key` of `module`, if it is one.
pub fn user_field<'a>(data: &'a Dataset, module: &str, key: &str) -> Option<&'a Record> {
    data.set(CUSTOM_FIELDS)?
        .records()
        .find(|r| text(r, FIELD_OF) == module && text(r, FIELD_KEY) == key)
}

/// `base` with the user's modules appended and every user field added to its
/// module. A field whose key its module already has, or whose module is unknown, is
/// left out (the planners refuse both, so only a crafted file has one).
pub fn shaped(base: Schema, modules: &[CustomModule], fields: &[CustomField]) -> Schema {
    let mut schema = base;
    for m in modules {
        if m.key.is_empty() || schema.module(&m.key).is_some() {
            continue;
        }
        schema.modules.push(module_def(m));
    }
    for f in fields {
        let Some(def) = schema.modules.iter_mut().find(|m| m.key == f.module) else {
            continue;
        };
        if f.def.key.is_empty() || def.field(&f.def.key).is_some() {
            continue;
        }
        let mut field = f.def.clone();
        if def.sections.iter().all(|s| s.key != field.section) {
            field.section = def
                .sections
                .first()
                .map(|s| s.key.clone())
                .unwrap_or_default();
        }
        def.fields.push(field);
    }
    // A rule may watch a user module as soon as it exists.
    crate::domain::modules::automation_modules::fill_module_choices(&mut schema);
    schema
}

/// The schema the data's own modules and fields shape from the standard one.
pub fn schema_of(data: &Dataset) -> Schema {
    shaped(standard_schema(), &user_modules(data), &user_fields(data))
}

/// Brings the data's schema in line with its user modules and fields (after a
/// write or a read of them): a module that changed is re-indexed with its records.
pub fn reshape(data: &mut Dataset) {
    let schema = schema_of(data);
    data.replace_schema(schema);
}

/// The modules that hold the schema: read before any other.
pub fn schema_modules() -> [&'static str; 2] {
    [CUSTOM_MODULES, CUSTOM_FIELDS]
}

/// Whether `module` holds the schema (a write to it may reshape the data).
pub fn shapes_schema(module: &str) -> bool {
    module == CUSTOM_MODULES || module == CUSTOM_FIELDS
}

/// The key a name suggests: lower-case ASCII letters, digits and `_`, starting with
/// a letter; a name in another script suggests `fallback` (the user may type one).
pub fn key_from(name: &str, fallback: &str) -> String {
    let mut key = String::new();
    for c in crate::domain::records::normalize::fold(name).chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_lowercase());
        } else if !key.ends_with('_') && !key.is_empty() {
            key.push('_');
        }
    }
    let key = key.trim_matches('_').to_string();
    let key: String = key.chars().take(30).collect();
    if key.is_empty() || !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        fallback.to_string()
    } else {
        key
    }
}

/// Whether `key` is of the form a field or module key must have.
pub fn is_key(key: &str) -> bool {
    (1..=40).contains(&key.len())
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `base`, or `base_2`, `base_3`… whichever `taken` does not hold yet.
pub fn free_key(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|k| !taken(k))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project_module() -> CustomModule {
        CustomModule {
            id: "m1".into(),
            key: "projects".into(),
            singular: "Project".into(),
            plural: "Projects".into(),
            area: NavArea::Work,
        }
    }

    fn field(module: &str, key: &str, kind: FieldKind) -> CustomField {
        CustomField {
            id: format!("f-{key}"),
            module: module.into(),
            def: FieldDef {
                label: Label::Text(key.into()),
                ..FieldDef::new(key, kind)
            },
            position: 0.0,
            next_number: 1,
        }
    }

    #[test]
    fn user_modules_follow_the_standard_ones_with_a_name_field() {
        let s = shaped(standard_schema(), &[project_module()], &[]);
        let last = s.modules.last().unwrap();
        assert_eq!(last.key, "projects");
        assert_eq!(last.plural, Label::Text("Projects".into()));
        assert!(last.nav);
        assert_eq!(last.title_fields, vec!["name".to_string()]);
        // The owner is the record's own, not a field: the form shows it once.
        assert!(last.field("owner").is_none());
    }

    #[test]
    fn user_fields_join_their_module_and_colliding_or_orphaned_ones_are_left_out() {
        let fields = vec![
            field("projects", "budget", FieldKind::Currency),
            field("companies", "tier", FieldKind::SingleLine),
            field("companies", "name", FieldKind::Number),
            field("nowhere", "x", FieldKind::Number),
        ];
        let s = shaped(standard_schema(), &[project_module()], &fields);
        assert!(s.module("projects").unwrap().field("budget").is_some());
        let companies = s.module("companies").unwrap();
        assert!(companies.field("tier").is_some());
        assert_eq!(
            companies.field("name").unwrap().kind,
            FieldKind::SingleLine,
            "a standard field keeps its definition"
        );
        assert_eq!(s.modules.len(), standard_schema().modules.len() + 1);
    }

    #[test]
    fn a_module_key_that_is_taken_is_not_shaped_twice() {
        let mut m = project_module();
        m.key = "companies".into();
        let s = shaped(standard_schema(), &[m], &[]);
        assert_eq!(s, standard_schema());
    }

    #[test]
    fn keys_come_from_names_in_any_script() {
        assert_eq!(key_from("Days left", "field"), "days_left");
        assert_eq!(key_from("  Über-Länge! ", "field"), "uber_lange");
        assert_eq!(key_from("روزهای باقی‌مانده", "field_3"), "field_3");
        assert_eq!(key_from("2024 budget", "field"), "field");
        assert!(is_key("days_left"));
        assert!(!is_key("Days"));
        assert!(!is_key("1x"));
        assert!(!is_key(""));
        assert_eq!(free_key("name", |k| k == "name" || k == "name_2"), "name_3");
    }

    #[test]
    fn a_field_record_round_trips_its_definition() {
        let def = FieldDef {
            label: Label::Text("Days left".into()),
            ..FieldDef::new(
                "days_left",
                FieldKind::Formula {
                    expression: "DAYSBETWEEN(TODAY(), due)".into(),
                    result: crate::domain::records::formula::ResultType::Number,
                },
            )
        };
        let values = field_values("projects", &def, 3.0, Some(7));
        let r = Record::new("f1".into(), CUSTOM_FIELDS, 1, None, values);
        let back = field_of(&r).unwrap();
        assert_eq!(back.def, def);
        assert_eq!(back.module, "projects");
        assert_eq!(back.position, 3.0);
        assert_eq!(back.next_number, 7);
    }

    #[test]
    fn a_spreadsheet_column_named_after_the_module_fills_its_records_names() {
        let s = shaped(standard_schema(), &[project_module()], &[]);
        let m = s.module("projects").unwrap();
        let headers: Vec<String> = ["Project Name", "Owner"].map(String::from).to_vec();
        let mapping =
            crate::domain::interchange::csv_import::guess_mapping(m, &headers, &|_| Vec::new());
        assert_eq!(mapping[0].as_deref(), Some(NAME));
    }
}
