//! The sales modules: deals, the pipelines and stages they move through, the contacts
//! on a deal with their roles, and exchange rates into the base currency. Pipelines
//! and stages are records like any other, so they are stored, backed up and given a
//! history without code of their own.

use super::field::{FieldDef, FieldKind, Label};
use super::module_def::ModuleDef;
use super::standard_modules::{options, section, COMPANIES, CONTACTS};

pub const DEALS: &str = "deals";
pub const PIPELINES: &str = "pipelines";
pub const STAGES: &str = "stages";
pub const DEAL_CONTACTS: &str = "deal_contacts";
pub const RATES: &str = "rates";

pub const LOSS_REASONS: &[&str] = &[
    "price",
    "competitor",
    "no_budget",
    "no_decision",
    "timing",
    "features",
    "other",
];

pub fn deals() -> ModuleDef {
    ModuleDef {
        key: DEALS.into(),
        singular: Label::key("module.deals.one"),
        plural: Label::key("module.deals.many"),
        fields: vec![
            FieldDef::new("title", FieldKind::SingleLine)
                .required()
                .max_len(200)
                .in_list()
                .searchable(),
            FieldDef::new("amount", FieldKind::Currency).in_list(),
            FieldDef::lookup("pipeline", PIPELINES).required(),
            FieldDef::new(
                "stage",
                FieldKind::Lookup {
                    module: STAGES.into(),
                    within: Some("pipeline".into()),
                },
            )
            .required()
            .in_list(),
            FieldDef::new("probability", FieldKind::Percent).help("help.probability"),
            FieldDef::new("expected_close", FieldKind::Date).in_list(),
            FieldDef::lookup("company", COMPANIES)
                .in_list()
                .searchable(),
            FieldDef::new("co_owner", FieldKind::User),
            FieldDef::new(
                "priority",
                FieldKind::Picklist {
                    options: options("priority", &["low", "medium", "high"]),
                },
            ),
            FieldDef::new(
                "source",
                FieldKind::Picklist {
                    options: options(
                        "lead_source",
                        &[
                            "website",
                            "referral",
                            "event",
                            "cold_call",
                            "partner",
                            "social",
                        ],
                    ),
                },
            ),
            FieldDef::new(
                "loss_reason",
                FieldKind::Picklist {
                    options: options("loss_reason", LOSS_REASONS),
                },
            )
            .section("outcome")
            .help("help.loss_reason"),
            FieldDef::new("closed_at", FieldKind::DateTime)
                .section("outcome")
                .system(),
            FieldDef::new("description", FieldKind::MultiLine).section("more"),
        ],
        sections: vec![section("main"), section("outcome"), section("more")],
        title_fields: vec!["title".into()],
        nav: true,
    }
}

pub fn pipelines() -> ModuleDef {
    ModuleDef {
        key: PIPELINES.into(),
        singular: Label::key("module.pipelines.one"),
        plural: Label::key("module.pipelines.many"),
        fields: vec![FieldDef::new("name", FieldKind::SingleLine)
            .required()
            .unique()
            .max_len(100)
            .in_list()
            .searchable()],
        sections: vec![section("main")],
        title_fields: vec!["name".into()],
        nav: false,
    }
}

pub fn stages() -> ModuleDef {
    ModuleDef {
        key: STAGES.into(),
        singular: Label::key("module.stages.one"),
        plural: Label::key("module.stages.many"),
        fields: vec![
            FieldDef::new("name", FieldKind::SingleLine)
                .required()
                .max_len(100)
                .in_list()
                .searchable(),
            FieldDef::lookup("pipeline", PIPELINES).required().in_list(),
            FieldDef::new("position", FieldKind::Number),
            FieldDef::new("probability", FieldKind::Percent).in_list(),
            FieldDef::new(
                "outcome",
                FieldKind::Picklist {
                    options: options("outcome", &["open", "won", "lost"]),
                },
            )
            .required()
            .in_list(),
        ],
        sections: vec![section("main")],
        title_fields: vec!["name".into()],
        nav: false,
    }
}

pub fn deal_contacts() -> ModuleDef {
    ModuleDef {
        key: DEAL_CONTACTS.into(),
        singular: Label::key("module.deal_contacts.one"),
        plural: Label::key("module.deal_contacts.many"),
        fields: vec![
            FieldDef::lookup("deal", DEALS).required().in_list(),
            FieldDef::lookup("contact", CONTACTS).required().in_list(),
            FieldDef::new(
                "role",
                FieldKind::Picklist {
                    options: options(
                        "contact_role",
                        &[
                            "decision_maker",
                            "champion",
                            "influencer",
                            "evaluator",
                            "billing",
                            "user",
                            "other",
                        ],
                    ),
                },
            )
            .required()
            .in_list(),
        ],
        sections: vec![section("main")],
        title_fields: vec!["contact".into()],
        nav: false,
    }
}

/// One rate: what one unit of `currency` is worth in `base`.
pub fn rates() -> ModuleDef {
    ModuleDef {
        key: RATES.into(),
        singular: Label::key("module.rates.one"),
        plural: Label::key("module.rates.many"),
        fields: vec![
            FieldDef::new("currency", FieldKind::SingleLine)
                .required()
                .max_len(3)
                .in_list()
                .searchable()
                .help("help.currency_code"),
            FieldDef::new("base", FieldKind::SingleLine)
                .required()
                .max_len(3)
                .in_list()
                .help("help.currency_code"),
            FieldDef::new("rate", FieldKind::Number)
                .required()
                .in_list()
                .help("help.rate"),
        ],
        sections: vec![section("main")],
        title_fields: vec!["currency".into(), "base".into()],
        nav: false,
    }
}
