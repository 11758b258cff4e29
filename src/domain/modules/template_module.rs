//! Email templates: a subject and a body with merge fields (`{{first_name}}`, a
//! linked record's field as `{{company.name}}`, a fallback for an empty value as
//! `{{first_name|there}}`), per module and language. Rendering fills them from one
//! record, each value formatted by the caller (in the user's locale); a template
//! naming a field its module does not have is refused at save, naming it.

use crate::domain::modules::automation_modules::find_field;
use crate::domain::modules::standard_modules::{picklist, section};
use crate::domain::records::field::{FieldDef, FieldKind};
use crate::domain::records::field_values::FieldValues;
use crate::domain::records::module_def::{ModuleDef, SettingsEntry, SettingsSection};
use crate::domain::records::record::Record;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::validate::{FieldError, Problem};
use crate::domain::records::value::Value;

pub const EMAIL_TEMPLATES: &str = "email_templates";

pub fn email_templates() -> ModuleDef {
    ModuleDef {
        fields: vec![
            FieldDef::new("name", FieldKind::SingleLine)
                .required()
                .max_len(100)
                .in_list()
                .searchable(),
            FieldDef::new("applies_to", FieldKind::Picklist { options: vec![] })
                .required()
                .in_list(),
            picklist(
                "template_language",
                "language",
                &["en", "fa", "ru", "tr", "th"],
            )
            .in_list()
            .help("help.template_language"),
            FieldDef::new("subject", FieldKind::SingleLine)
                .required()
                .max_len(300)
                .help("help.merge_fields"),
            FieldDef::new("body", FieldKind::MultiLine)
                .required()
                .max_len(20_000)
                .help("help.merge_fields"),
            FieldDef::new("active", FieldKind::Checkbox)
                .in_list()
                .default_value(Value::Bool(true)),
        ],
        sections: vec![section("main")],
        title_fields: vec!["name".into()],
        nav: false,
        settings: Some(SettingsEntry::under(SettingsSection::Automation)),
        ..ModuleDef::named(EMAIL_TEMPLATES)
    }
}

/// One `{{…}}` of a template: the field path and the fallback.
#[derive(Clone, Debug, PartialEq)]
struct Merge<'a> {
    path: &'a str,
    fallback: &'a str,
}

/// The pieces of a template: literal text and merge fields, in order. An unclosed
/// `{{` is text.
fn pieces(template: &str) -> Vec<Result<&str, Merge<'_>>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let Some(len) = rest[open + 2..].find("}}") else {
            break;
        };
        if open > 0 {
            out.push(Ok(&rest[..open]));
        }
        let inner = &rest[open + 2..open + 2 + len];
        let (path, fallback) = inner.split_once('|').unwrap_or((inner, ""));
        out.push(Err(Merge {
            path: path.trim(),
            fallback: fallback.trim(),
        }));
        rest = &rest[open + 2 + len + 2..];
    }
    if !rest.is_empty() {
        out.push(Ok(rest));
    }
    out
}

/// The field a merge path names: a field of `def`, or `link.field` through one of
/// its lookups; with the module the last field is of.
fn resolve<'a>(
    data: &'a Dataset,
    def: &'a ModuleDef,
    path: &str,
) -> Option<(Option<&'a FieldDef>, &'a FieldDef)> {
    if let Some(f) = find_field(def, path) {
        return Some((None, f));
    }
    let (link, field) = path.split_once('.')?;
    let l = find_field(def, link)?;
    let FieldKind::Lookup { module, .. } = &l.kind else {
        return None;
    };
    let target = data.schema.module(module)?;
    Some((Some(l), find_field(target, field)?))
}

fn text(values: &FieldValues, key: &str) -> String {
    match values.get(key) {
        Some(Value::Text(s)) => s.clone(),
        _ => String::new(),
    }
}

/// A template's own checks at save: every merge field names a field.
pub fn check_template(data: &Dataset, values: &FieldValues) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let Some(def) = data.schema.module(&text(values, "applies_to")) else {
        return errors;
    };
    for key in ["subject", "body"] {
        let source = text(values, key);
        let unknown = pieces(&source).into_iter().find_map(|p| match p {
            Err(m) if resolve(data, def, m.path).is_none() => Some(m.path.to_string()),
            _ => None,
        });
        if let Some(name) = unknown {
            errors.push(FieldError {
                field: key.into(),
                problem: Problem::NoSuchFieldNamed(name),
            });
        }
    }
    errors
}

/// A template as a record page offers it.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    pub id: String,
    pub name: String,
    /// The language it is written in; empty: any.
    pub language: String,
    pub subject: String,
    pub body: String,
}

/// The switched-on templates of `module`, those in `language` (or in none) first,
/// then by name.
pub fn templates_for(data: &Dataset, module: &str, language: &str) -> Vec<Template> {
    let Some(set) = data.set(EMAIL_TEMPLATES) else {
        return Vec::new();
    };
    let mut out: Vec<Template> = set
        .records()
        .filter(|r| text(&r.values, "applies_to") == module)
        .filter(|r| !matches!(r.get("active"), Some(Value::Bool(false))))
        .map(|r| Template {
            id: r.id.clone(),
            name: text(&r.values, "name"),
            language: text(&r.values, "template_language"),
            subject: text(&r.values, "subject"),
            body: text(&r.values, "body"),
        })
        .collect();
    out.sort_by_key(|t| {
        (
            !(t.language.is_empty() || t.language == language),
            crate::domain::records::normalize::fold(&t.name),
        )
    });
    out
}

/// `template` filled from `record`: each merge field's value as `show` writes it
/// (the user's locale), its fallback when the record has none.
pub fn render(
    data: &Dataset,
    record: &Record,
    template: &str,
    show: &dyn Fn(&FieldDef, &Value) -> String,
) -> String {
    let Some(def) = data.schema.module(&record.module) else {
        return template.to_string();
    };
    let mut out = String::new();
    for p in pieces(template) {
        match p {
            Ok(text) => out.push_str(text),
            Err(m) => {
                let value = match resolve(data, def, m.path) {
                    Some((None, f)) => record.get(&f.key).cloned(),
                    Some((Some(link), f)) => match (&link.kind, record.get(&link.key)) {
                        (FieldKind::Lookup { module, .. }, Some(Value::Ref(id))) => {
                            data.get(module, id).and_then(|r| r.get(&f.key).cloned())
                        }
                        _ => None,
                    },
                    None => None,
                };
                let shown = match (&value, resolve(data, def, m.path)) {
                    (Some(v), Some((_, f))) if !v.is_empty() => show(f, v),
                    _ => String::new(),
                };
                out.push_str(if shown.is_empty() { m.fallback } else { &shown });
            }
        }
    }
    out
}

/// The address an email about `record` goes to: its first email field's first
/// address, else that of a record it links to (a deal's contact).
pub fn recipient(data: &Dataset, record: &Record) -> Option<String> {
    let first_email = |r: &Record| -> Option<String> {
        let def = data.schema.module(&r.module)?;
        def.fields
            .iter()
            .filter(|f| matches!(f.kind, FieldKind::Email { .. }))
            .find_map(|f| match r.get(&f.key) {
                Some(Value::Text(s)) if !s.is_empty() => Some(s.clone()),
                Some(Value::List(l)) => l.first().cloned(),
                _ => None,
            })
    };
    if let Some(a) = first_email(record) {
        return Some(a);
    }
    let def = data.schema.module(&record.module)?;
    def.fields
        .iter()
        .find_map(|f| match (&f.kind, record.get(&f.key)) {
            (FieldKind::Lookup { module, .. }, Some(Value::Ref(id))) => {
                data.get(module, id).and_then(first_email)
            }
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::{standard_schema, COMPANIES, CONTACTS};

    fn rec(id: &str, module: &str, pairs: &[(&str, Value)]) -> Record {
        let v: FieldValues = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        Record::new(id.into(), module, 1, None, v)
    }

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }

    fn data() -> Dataset {
        let mut d = Dataset::new(standard_schema());
        d.upsert(rec("co", COMPANIES, &[("name", t("Перспектива ООО"))]));
        d.upsert(rec(
            "p",
            CONTACTS,
            &[
                ("first_name", t("ณัฐ")),
                ("last_name", t("ใจดี")),
                ("company", Value::Ref("co".into())),
                ("emails", Value::List(vec!["nat@example.co.th".into()])),
            ],
        ));
        d.upsert(rec("q", CONTACTS, &[("last_name", t("Berg"))]));
        d
    }

    fn show(_: &FieldDef, v: &Value) -> String {
        v.to_plain()
    }

    #[test]
    fn merge_fields_fill_from_the_record_and_its_links_with_fallbacks_in_any_script() {
        let d = data();
        let p = d.get(CONTACTS, "p").unwrap();
        let q = d.get(CONTACTS, "q").unwrap();
        let body = "สวัสดี {{first_name|there}}, {{company.name|your team}} — {{ First name }}{{";
        assert_eq!(
            render(&d, p, body, &show),
            "สวัสดี ณัฐ, Перспектива ООО — ณัฐ{{"
        );
        assert_eq!(render(&d, q, body, &show), "สวัสดี there, your team — {{");
        assert_eq!(recipient(&d, p).as_deref(), Some("nat@example.co.th"));
        assert_eq!(recipient(&d, q), None);
    }

    #[test]
    fn a_template_naming_an_unknown_field_is_refused_naming_it() {
        let d = data();
        let values: FieldValues = [
            ("applies_to".to_string(), t(CONTACTS)),
            ("subject".to_string(), t("Hi {{first_name}}")),
            (
                "body".to_string(),
                t("Your {{company.colour}} and {{nickname}}"),
            ),
        ]
        .into();
        assert_eq!(
            check_template(&d, &values),
            [FieldError {
                field: "body".into(),
                problem: Problem::NoSuchFieldNamed("company.colour".into())
            }]
        );
    }
}
