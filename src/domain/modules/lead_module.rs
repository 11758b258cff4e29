//! Leads and what works on them: the lead itself (lifecycle, rating, attribution,
//! BANT and CHAMP qualification, a computed score and band), scoring rules,
//! territories and assignment rules. All of them are modules like any other.

use crate::domain::modules::import_names as names;
use crate::domain::modules::standard_modules::{
    options, person_name_fields, picklist, section, COMPANIES, CONTACTS, INDUSTRIES, LEAD_SOURCES,
};
use crate::domain::records::condition::Condition;
use crate::domain::records::condition::OPERATORS as OPERATORS_ALL;
use crate::domain::records::field::{FieldDef, FieldKind};
use crate::domain::records::module_def::{
    BoardDef, BoardLabels, DuplicateRule, ModuleDef, NameMatch, RecordAction, SettingsEntry,
    SettingsSection,
};
use crate::domain::records::value::Value;

pub const LEADS: &str = "leads";
pub const SCORING_RULES: &str = "scoring_rules";
pub const TERRITORIES: &str = "territories";
pub const ASSIGNMENT_RULES: &str = "assignment_rules";

pub const STATUSES: &[&str] = &[
    "new",
    "mql",
    "mal",
    "sal",
    "sql",
    "converted",
    "junk",
    "dead",
];
/// Statuses a lead leaves the funnel in: neither open nor convertible.
pub const CLOSED_STATUSES: &[&str] = &["converted", "junk", "dead"];
/// The qualification fields whose filling the completeness indicator counts.
pub const QUALIFICATION_FIELDS: &[&str] = &[
    "bant_budget",
    "bant_authority",
    "bant_need",
    "bant_timeline",
    "champ_challenges",
    "champ_authority",
    "champ_money",
    "champ_prioritization",
];
/// The operators scoring and assignment rules offer: all but the date comparisons.
pub const OPERATORS: &[&str] = OPERATORS_ALL.split_at(7).0;

pub fn leads() -> ModuleDef {
    let mut fields = person_name_fields();
    fields.extend([
        FieldDef::new("company_name", FieldKind::SingleLine)
            .imported_as(names::COMPANY)
            .max_len(200)
            .in_list()
            .searchable(),
        FieldDef::new("job_title", FieldKind::SingleLine)
            .max_len(150)
            .searchable()
            .imported_as(names::JOB_TITLE),
        FieldDef::new("emails", FieldKind::Email { multiple: true })
            .imported_as(names::EMAILS)
            .searchable()
            .help("help.several"),
        FieldDef::new("phones", FieldKind::Phone { multiple: true })
            .imported_as(names::PHONES)
            .searchable()
            .help("help.several"),
        picklist("status", "lead_status", STATUSES)
            .imported_as(names::LEAD_STATUS)
            .required()
            .in_list()
            .default_value(Value::Text("new".into())),
        picklist(
            "dead_reason",
            "dead_reason",
            &[
                "no_response",
                "not_interested",
                "no_budget",
                "competitor",
                "bad_fit",
                "other",
            ],
        )
        .help("help.dead_reason"),
        picklist("rating", "rating", &["hot", "warm", "cold"]).in_list(),
        FieldDef::new("score", FieldKind::Number).in_list().system(),
        picklist("band", "band", &["a", "b", "c", "d"])
            .system()
            .help("help.band"),
        FieldDef::new("qualification", FieldKind::Percent).system(),
        FieldDef::new("assigned_by", FieldKind::SingleLine).system(),
        picklist("industry", "industry", INDUSTRIES),
        FieldDef::new("employees", FieldKind::Number).imported_as(names::EMPLOYEES),
        FieldDef::new("website", FieldKind::Url).imported_as(names::WEBSITE),
    ]);
    for (k, imported) in [
        ("city", names::CITY),
        ("region", names::REGION),
        ("country", names::COUNTRY),
    ] {
        fields.push(
            FieldDef::new(k, FieldKind::SingleLine)
                .max_len(200)
                .searchable()
                .section("address")
                .imported_as(imported),
        );
    }
    fields.extend([
        picklist("source", "lead_source", LEAD_SOURCES)
            .section("attribution")
            .imported_as(names::LEAD_SOURCE),
        picklist(
            "channel",
            "channel",
            &[
                "organic", "paid", "email", "social", "direct", "referral", "event", "partner",
            ],
        )
        .section("attribution"),
        FieldDef::new("campaign", FieldKind::SingleLine)
            .max_len(200)
            .searchable()
            .section("attribution"),
        FieldDef::new("first_touch", FieldKind::SingleLine)
            .max_len(200)
            .section("attribution")
            .help("help.touch"),
        FieldDef::new("first_touch_at", FieldKind::DateTime).section("attribution"),
        FieldDef::new("last_touch", FieldKind::SingleLine)
            .max_len(200)
            .section("attribution"),
        FieldDef::new("last_touch_at", FieldKind::DateTime).section("attribution"),
        FieldDef::new("bant_budget", FieldKind::Currency).section("qualification"),
        FieldDef::new("bant_authority", FieldKind::SingleLine)
            .max_len(200)
            .section("qualification")
            .help("help.bant_authority"),
        FieldDef::new("bant_need", FieldKind::MultiLine).section("qualification"),
        FieldDef::new("bant_timeline", FieldKind::Date)
            .section("qualification")
            .help("help.bant_timeline"),
        FieldDef::new("champ_challenges", FieldKind::MultiLine).section("qualification"),
        FieldDef::new("champ_authority", FieldKind::SingleLine)
            .max_len(200)
            .section("qualification"),
        FieldDef::new("champ_money", FieldKind::Currency).section("qualification"),
        picklist(
            "champ_prioritization",
            "priority",
            &["low", "medium", "high"],
        )
        .section("qualification"),
        FieldDef::lookup("converted_contact", CONTACTS)
            .section("conversion")
            .system(),
        FieldDef::lookup("converted_company", COMPANIES)
            .section("conversion")
            .system(),
        FieldDef::lookup(
            "converted_deal",
            crate::domain::modules::sales_modules::DEALS,
        )
        .section("conversion")
        .system(),
        FieldDef::new("converted_at", FieldKind::DateTime)
            .section("conversion")
            .system(),
        FieldDef::new("description", FieldKind::MultiLine)
            .section("more")
            .imported_as(names::NOTES),
    ]);
    ModuleDef {
        fields,
        sections: vec![
            section("main"),
            section("address"),
            section("attribution"),
            section("qualification"),
            section("conversion"),
            section("more"),
        ],
        title_fields: vec!["first_name".into(), "last_name".into()],
        nav: true,
        actions: vec![convert_action()],
        // Before conversion the company is only its name, as text.
        duplicate_rule: Some(DuplicateRule {
            contact_fields: vec!["emails".into(), "phones".into()],
            name: NameMatch::Person,
            within: Some("company_name".into()),
        }),
        board: Some(BoardDef {
            column: "status".into(),
            group_by: None,
            amount: None,
            probability: None,
            date: None,
            filters: vec!["rating".into()],
            card_fields: vec!["company_name".into(), "rating".into()],
            lost_asks: None,
            labels: BoardLabels {
                title: "board.leads_title".into(),
                new_record: "board.new_lead".into(),
                count: "board.leads".into(),
                move_to: "board.move_status".into(),
                search: "board.search_leads".into(),
            },
            rank: 1,
        }),
        ..ModuleDef::named(LEADS)
    }
}

/// Converting is the lead lifecycle's last step: offered until the lead is converted
/// or has left the funnel.
fn convert_action() -> RecordAction {
    let mut when = vec![Condition {
        field: "converted_contact".into(),
        operator: "is_empty".into(),
        value: String::new(),
    }];
    when.extend(CLOSED_STATUSES.iter().map(|s| Condition {
        field: "status".into(),
        operator: "is_not".into(),
        value: (*s).into(),
    }));
    RecordAction {
        label: "convert.action".into(),
        page: "convert".into(),
        when,
    }
}

/// A choice of one of the lead's own fields (not those the app computes), for rules.
fn lead_field_choice() -> FieldDef {
    let options = leads()
        .fields
        .into_iter()
        .filter(|f| !f.system)
        .map(|f| crate::domain::records::field::PicklistOption {
            value: f.key,
            label: f.label,
        })
        .collect();
    FieldDef::new("field", FieldKind::Picklist { options })
}

/// A rule "field condition → points": every lead's score is the sum over the active
/// rules it meets.
pub fn scoring_rules() -> ModuleDef {
    ModuleDef {
        fields: vec![
            FieldDef::new("name", FieldKind::SingleLine)
                .required()
                .max_len(100)
                .in_list()
                .searchable(),
            lead_field_choice().required().in_list(),
            picklist("operator", "operator", OPERATORS)
                .required()
                .in_list(),
            FieldDef::new("value", FieldKind::SingleLine)
                .in_list()
                .help("help.rule_value"),
            FieldDef::new("points", FieldKind::Number)
                .required()
                .in_list()
                .help("help.points"),
            FieldDef::new("active", FieldKind::Checkbox)
                .in_list()
                .default_value(Value::Bool(true)),
        ],
        sections: vec![section("main")],
        title_fields: vec!["name".into()],
        nav: false,
        settings: Some(SettingsEntry::under(SettingsSection::Leads)),
        ..ModuleDef::named(SCORING_RULES)
    }
}

/// A named group of leads by place, industry and size, and the members who cover it.
pub fn territories() -> ModuleDef {
    let open = |key: &str| {
        FieldDef::new(
            key,
            FieldKind::MultiSelect {
                options: vec![],
                open: true,
            },
        )
    };
    ModuleDef {
        fields: vec![
            FieldDef::new("name", FieldKind::SingleLine)
                .required()
                .unique()
                .max_len(100)
                .in_list()
                .searchable(),
            open("countries").in_list().help("help.territory_list"),
            open("regions").help("help.territory_list"),
            FieldDef::new(
                "industries",
                FieldKind::MultiSelect {
                    options: options("industry", INDUSTRIES),
                    open: false,
                },
            ),
            FieldDef::new("min_employees", FieldKind::Number),
            FieldDef::new("max_employees", FieldKind::Number),
            FieldDef::new("members", FieldKind::Users).in_list(),
        ],
        sections: vec![section("main")],
        title_fields: vec!["name".into()],
        nav: false,
        settings: Some(SettingsEntry::under(SettingsSection::Leads)),
        ..ModuleDef::named(TERRITORIES)
    }
}

/// Applied in order of position when a lead is created by hand or by import.
pub fn assignment_rules() -> ModuleDef {
    ModuleDef {
        fields: vec![
            FieldDef::new("name", FieldKind::SingleLine)
                .required()
                .max_len(100)
                .in_list()
                .searchable(),
            FieldDef::new("position", FieldKind::Number)
                .in_list()
                .help("help.rule_position"),
            FieldDef::new("active", FieldKind::Checkbox)
                .in_list()
                .default_value(Value::Bool(true)),
            picklist(
                "method",
                "assign_method",
                &["territory", "condition", "round_robin", "fewest_open"],
            )
            .required()
            .in_list()
            .help("help.assign_method"),
            lead_field_choice().help("help.rule_field"),
            picklist("operator", "operator", OPERATORS),
            FieldDef::new("value", FieldKind::SingleLine),
            FieldDef::lookup("territory", TERRITORIES).help("help.assign_territory"),
            FieldDef::new("assignee", FieldKind::User).help("help.assign_to"),
            FieldDef::new("group", FieldKind::Users).help("help.assign_group"),
            // Whom round-robin gave the last lead: kept in the rule itself, so turns
            // stay fair across restarts of the app.
            FieldDef::new("last_assigned", FieldKind::User).system(),
        ],
        sections: vec![section("main")],
        title_fields: vec!["name".into()],
        nav: false,
        settings: Some(SettingsEntry::under(SettingsSection::Leads)),
        ..ModuleDef::named(ASSIGNMENT_RULES)
    }
}
