//! The modules and fields that ship with the app. Everything else in the app reads
//! these definitions; nothing elsewhere knows a field by name except the sample data.

use crate::domain::modules::import_names as names;
use crate::domain::records::field::{FieldDef, FieldKind, Label, PicklistOption};
use crate::domain::records::module_def::{
    DuplicateRule, ModuleDef, NameMatch, Schema, Section, SettingsEntry, SettingsSection,
};

pub const COMPANIES: &str = "companies";
pub const CONTACTS: &str = "contacts";
pub use crate::domain::records::module_def::MEMBERS;

pub fn standard_schema() -> Schema {
    let mut schema = Schema {
        modules: vec![
            companies(),
            contacts(),
            crate::domain::modules::lead_module::leads(),
            crate::domain::modules::sales_modules::deals(),
            crate::domain::modules::activity_module::activities(),
            members(),
            crate::domain::modules::sales_modules::pipelines(),
            crate::domain::modules::sales_modules::stages(),
            crate::domain::modules::sales_modules::deal_contacts(),
            crate::domain::modules::sales_modules::rates(),
            crate::domain::modules::lead_module::scoring_rules(),
            crate::domain::modules::lead_module::territories(),
            crate::domain::modules::lead_module::assignment_rules(),
            crate::domain::modules::analytics_modules::quotas(),
            crate::domain::modules::analytics_modules::dashboards(),
            crate::domain::modules::analytics_modules::reports(),
            crate::domain::modules::view_module::saved_views(),
            crate::domain::modules::custom_schema::custom_modules(),
            crate::domain::modules::custom_schema::custom_fields(),
            crate::domain::modules::automation_modules::workflow_rules(),
            crate::domain::modules::automation_modules::workflow_actions(),
            crate::domain::modules::automation_modules::alerts(),
            crate::domain::modules::automation_modules::rule_runs(),
            crate::domain::modules::automation_modules::rule_waits(),
            crate::domain::modules::blueprint_module::transitions(),
            crate::domain::modules::template_module::email_templates(),
        ],
    };
    crate::domain::modules::automation_modules::fill_module_choices(&mut schema);
    schema
}

pub(crate) fn options(group: &str, values: &[&str]) -> Vec<PicklistOption> {
    values
        .iter()
        .map(|v| PicklistOption {
            value: v.to_string(),
            label: Label::Key(format!("option.{group}.{v}")),
        })
        .collect()
}

/// A picklist field whose options are translated as `option.<group>.<value>`.
pub(crate) fn picklist(key: &str, group: &str, values: &[&str]) -> FieldDef {
    FieldDef::new(
        key,
        FieldKind::Picklist {
            options: options(group, values),
        },
    )
}

pub(crate) fn section(key: &str) -> Section {
    Section {
        key: key.to_string(),
        label: Label::Key(format!("section.{key}")),
    }
}

fn address_fields() -> Vec<FieldDef> {
    ["street", "city", "region", "postal_code", "country"]
        .iter()
        .map(|k| {
            FieldDef::new(k, FieldKind::SingleLine)
                .max_len(200)
                .section("address")
                .imported_as(match *k {
                    "street" => names::STREET,
                    "city" => names::CITY,
                    "region" => names::REGION,
                    "postal_code" => names::POSTAL_CODE,
                    _ => names::COUNTRY,
                })
        })
        .map(|f| {
            if f.key == "city" || f.key == "country" {
                f.searchable()
            } else {
                f
            }
        })
        .collect()
}

pub const INDUSTRIES: &[&str] = &[
    "retail",
    "manufacturing",
    "software",
    "finance",
    "healthcare",
    "education",
    "logistics",
    "hospitality",
    "construction",
    "agriculture",
];

fn companies() -> ModuleDef {
    let mut fields = vec![
        FieldDef::new("name", FieldKind::SingleLine)
            .imported_as(names::COMPANY_NAME)
            .required()
            .unique()
            .max_len(200)
            .in_list()
            .searchable(),
        picklist(
            "account_type",
            "account_type",
            &["prospect", "customer", "partner", "supplier"],
        )
        .in_list(),
        picklist("industry", "industry", INDUSTRIES).in_list(),
        FieldDef::new("website", FieldKind::Url)
            .searchable()
            .imported_as(names::WEBSITE),
        FieldDef::new("phone", FieldKind::Phone { multiple: false })
            .searchable()
            .imported_as(names::COMPANY_PHONE),
        FieldDef::new("email", FieldKind::Email { multiple: false })
            .searchable()
            .imported_as(names::COMPANY_EMAIL),
        FieldDef::new("employees", FieldKind::Number)
            .help("help.employees")
            .imported_as(names::EMPLOYEES),
        FieldDef::new("annual_revenue", FieldKind::Currency).imported_as(names::ANNUAL_REVENUE),
        FieldDef::new(
            "tags",
            FieldKind::MultiSelect {
                options: vec![],
                open: true,
            },
        )
        .searchable()
        .help("help.tags")
        .imported_as(names::TAGS),
    ];
    fields.extend(address_fields());
    fields.push(
        FieldDef::new("description", FieldKind::MultiLine)
            .section("more")
            .imported_as(names::NOTES),
    );
    // The city is the most useful second column in a company list.
    if let Some(city) = fields.iter_mut().find(|f| f.key == "city") {
        city.in_list = true;
    }
    ModuleDef {
        fields,
        sections: vec![section("main"), section("address"), section("more")],
        title_fields: vec!["name".into()],
        nav: true,
        // A company has no company of its own: the same name anywhere is a duplicate.
        duplicate_rule: Some(DuplicateRule {
            contact_fields: vec!["phone".into(), "email".into()],
            name: NameMatch::Company,
            within: None,
        }),
        ..ModuleDef::named(COMPANIES)
    }
}

/// First and last name, as contacts and leads have them.
pub(crate) fn person_name_fields() -> Vec<FieldDef> {
    vec![
        FieldDef::new("first_name", FieldKind::SingleLine)
            .imported_as(names::FIRST_NAME)
            .max_len(100)
            .in_list()
            .searchable(),
        FieldDef::new("last_name", FieldKind::SingleLine)
            .imported_as(names::LAST_NAME)
            .required()
            .max_len(100)
            .in_list()
            .searchable(),
    ]
}

/// Where a person or deal came from.
pub const LEAD_SOURCES: &[&str] = &[
    "website",
    "referral",
    "event",
    "cold_call",
    "partner",
    "social",
];

fn contacts() -> ModuleDef {
    let mut fields = person_name_fields();
    fields.extend([
        FieldDef::new("job_title", FieldKind::SingleLine)
            .max_len(150)
            .searchable()
            .imported_as(names::JOB_TITLE),
        FieldDef::lookup("company", COMPANIES)
            .in_list()
            .imported_as(names::COMPANY),
        FieldDef::new("emails", FieldKind::Email { multiple: true })
            .imported_as(names::EMAILS)
            .unique()
            .in_list()
            .searchable()
            .help("help.several"),
        FieldDef::new("phones", FieldKind::Phone { multiple: true })
            .imported_as(names::PHONES)
            .searchable()
            .help("help.several"),
        picklist("lead_source", "lead_source", LEAD_SOURCES).imported_as(names::LEAD_SOURCE),
        FieldDef::new("birthday", FieldKind::Date).imported_as(names::BIRTHDAY),
        FieldDef::new("last_contacted", FieldKind::DateTime),
        FieldDef::new("do_not_contact", FieldKind::Checkbox),
        FieldDef::new(
            "tags",
            FieldKind::MultiSelect {
                options: vec![],
                open: true,
            },
        )
        .searchable()
        .help("help.tags")
        .imported_as(names::TAGS),
    ]);
    fields.extend(address_fields());
    fields.push(
        FieldDef::new("description", FieldKind::MultiLine)
            .section("more")
            .imported_as(names::NOTES),
    );
    ModuleDef {
        fields,
        sections: vec![section("main"), section("address"), section("more")],
        title_fields: vec!["first_name".into(), "last_name".into()],
        nav: true,
        duplicate_rule: Some(DuplicateRule {
            contact_fields: vec!["emails".into(), "phones".into()],
            name: NameMatch::Person,
            within: Some("company".into()),
        }),
        vcard: true,
        ..ModuleDef::named(CONTACTS)
    }
}

/// Team members: who owns records and is assigned work. There is no login; the
/// "current user" is a setting of this browser.
fn members() -> ModuleDef {
    ModuleDef {
        fields: vec![
            FieldDef::new("name", FieldKind::SingleLine)
                .required()
                .unique()
                .max_len(100)
                .in_list()
                .searchable(),
            FieldDef::new("email", FieldKind::Email { multiple: false })
                .in_list()
                .searchable(),
            FieldDef::new("color", FieldKind::Color)
                .in_list()
                .help("help.color"),
        ],
        sections: vec![section("main")],
        title_fields: vec!["name".into()],
        nav: false,
        duplicate_rule: Some(DuplicateRule {
            contact_fields: vec!["email".into()],
            name: NameMatch::Person,
            within: None,
        }),
        settings: Some(SettingsEntry::under(SettingsSection::You).labelled("settings.team")),
        ..ModuleDef::named(MEMBERS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_sits_in_a_declared_section_and_keys_are_unique() {
        for m in standard_schema().modules {
            let mut keys: Vec<_> = m.fields.iter().map(|f| f.key.clone()).collect();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), m.fields.len(), "duplicate field in {}", m.key);
            for f in &m.fields {
                assert!(
                    m.sections.iter().any(|s| s.key == f.section),
                    "{}.{} has no section",
                    m.key,
                    f.key
                );
            }
            assert!(m.list_fields().count() >= 1, "{} shows no column", m.key);
        }
    }

    #[test]
    fn companies_relate_to_contacts_deals_and_activities() {
        let schema = standard_schema();
        let related: Vec<_> = schema
            .related_to(COMPANIES)
            .map(|(m, f)| (m.key.as_str(), f.key.as_str()))
            .collect();
        assert_eq!(
            related,
            vec![
                (CONTACTS, "company"),
                ("leads", "converted_company"),
                ("deals", "company"),
                ("activities", "company")
            ]
        );
    }

    #[test]
    fn every_lookup_points_at_a_module_and_within_names_a_lookup() {
        let schema = standard_schema();
        for m in &schema.modules {
            for f in &m.fields {
                if let FieldKind::Lookup { module, within } = &f.kind {
                    assert!(schema.module(module).is_some(), "{}.{}", m.key, f.key);
                    if let Some(w) = within {
                        assert!(
                            matches!(m.field(w).map(|f| &f.kind), Some(FieldKind::Lookup { .. })),
                            "{}.{} within {w}",
                            m.key,
                            f.key
                        );
                    }
                }
            }
        }
    }
}
