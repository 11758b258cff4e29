//! The sales modules: deals, the pipelines and stages they move through, the contacts
//! on a deal with their roles, and exchange rates into the base currency. Pipelines
//! and stages are records like any other, so they are stored, backed up and given a
//! history without code of their own.

use crate::domain::modules::import_names as names;
use crate::domain::modules::standard_modules::{
    picklist, section, COMPANIES, CONTACTS, LEAD_SOURCES,
};
use crate::domain::records::field::{FieldDef, FieldKind};
use crate::domain::records::module_def::{
    BoardDef, BoardLabels, InlineEdit, ModuleDef, OwnPage, SettingsEntry, SettingsSection,
};

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
        fields: vec![
            FieldDef::new("title", FieldKind::SingleLine)
                .required()
                .max_len(200)
                .in_list()
                .searchable()
                .imported_as(names::DEAL_TITLE),
            FieldDef::new("amount", FieldKind::Currency)
                .in_list()
                .imported_as(names::DEAL_AMOUNT),
            FieldDef::lookup("pipeline", PIPELINES)
                .required()
                .imported_as(names::DEAL_PIPELINE),
            FieldDef::new(
                "stage",
                FieldKind::Lookup {
                    module: STAGES.into(),
                    within: Some("pipeline".into()),
                },
            )
            .required()
            .in_list()
            .imported_as(names::DEAL_STAGE),
            FieldDef::new("probability", FieldKind::Percent)
                .help("help.probability")
                .imported_as(names::DEAL_PROBABILITY),
            FieldDef::new("expected_close", FieldKind::Date)
                .in_list()
                .indexed()
                .imported_as(names::DEAL_CLOSE),
            FieldDef::lookup("company", COMPANIES)
                .in_list()
                .searchable()
                .imported_as(names::DEAL_COMPANY),
            FieldDef::new("co_owner", FieldKind::User),
            picklist("priority", "priority", &["low", "medium", "high"]),
            picklist("source", "lead_source", LEAD_SOURCES).imported_as(names::LEAD_SOURCE),
            picklist("loss_reason", "loss_reason", LOSS_REASONS)
                .section("outcome")
                .help("help.loss_reason")
                .imported_as(names::DEAL_LOSS_REASON),
            FieldDef::new("closed_at", FieldKind::DateTime)
                .section("outcome")
                .system()
                .indexed(),
            FieldDef::new(
                crate::domain::records::stage_trail::TRAIL,
                FieldKind::Trail {
                    module: STAGES.into(),
                },
            )
            .section("outcome")
            .system(),
            FieldDef::new("description", FieldKind::MultiLine)
                .section("more")
                .imported_as(names::NOTES),
        ],
        sections: vec![section("main"), section("outcome"), section("more")],
        title_fields: vec!["title".into()],
        nav: true,
        board: Some(deal_board()),
        ..ModuleDef::named(DEALS)
    }
}

/// The pipeline board: a pipeline's stages as columns, totalled and weighted; a
/// move to a lost stage asks why first.
fn deal_board() -> BoardDef {
    BoardDef {
        column: "stage".into(),
        group_by: Some("pipeline".into()),
        amount: Some("amount".into()),
        probability: Some("probability".into()),
        date: Some("expected_close".into()),
        filters: vec!["priority".into()],
        card_fields: vec!["company".into()],
        lost_asks: Some("loss_reason".into()),
        labels: BoardLabels {
            title: "board.title".into(),
            new_record: "board.new_deal".into(),
            count: "board.deals".into(),
            move_to: "board.move_named".into(),
            search: "board.search".into(),
        },
        rank: 0,
    }
}

pub fn pipelines() -> ModuleDef {
    ModuleDef {
        fields: vec![FieldDef::new("name", FieldKind::SingleLine)
            .required()
            .unique()
            .max_len(100)
            .in_list()
            .searchable()],
        sections: vec![section("main")],
        title_fields: vec!["name".into()],
        nav: false,
        page: Some(OwnPage::StageEditor),
        settings: Some(SettingsEntry::under(SettingsSection::Sales).labelled("settings.pipelines")),
        ..ModuleDef::named(PIPELINES)
    }
}

pub fn stages() -> ModuleDef {
    ModuleDef {
        fields: vec![
            FieldDef::new("name", FieldKind::SingleLine)
                .required()
                .max_len(100)
                .in_list()
                .searchable(),
            FieldDef::lookup("pipeline", PIPELINES).required().in_list(),
            FieldDef::new("position", FieldKind::Number),
            FieldDef::new("probability", FieldKind::Percent).in_list(),
            picklist("outcome", "outcome", &["open", "won", "lost"])
                .required()
                .in_list(),
        ],
        sections: vec![section("main")],
        title_fields: vec!["name".into()],
        nav: false,
        ..ModuleDef::named(STAGES)
    }
}

pub fn deal_contacts() -> ModuleDef {
    ModuleDef {
        fields: vec![
            FieldDef::lookup("deal", DEALS).required().in_list(),
            FieldDef::lookup("contact", CONTACTS).required().in_list(),
            picklist(
                "role",
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
            )
            .required()
            .in_list(),
        ],
        sections: vec![section("main")],
        title_fields: vec!["contact".into()],
        nav: false,
        edited_in: Some(InlineEdit {
            parent: "deal".into(),
            distinct: Some("contact".into()),
        }),
        ..ModuleDef::named(DEAL_CONTACTS)
    }
}

/// One rate: what one unit of `currency` is worth in `base`.
pub fn rates() -> ModuleDef {
    ModuleDef {
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
        settings: Some(SettingsEntry::under(SettingsSection::Sales).labelled("settings.rates")),
        ..ModuleDef::named(RATES)
    }
}
