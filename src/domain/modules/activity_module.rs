//! Activities: calls, emails, meetings, tasks and notes, linked to the records they
//! are about, with an optional repeat rule whose fields the recurrence rules read.

use crate::domain::modules::sales_modules::DEALS;
use crate::domain::modules::standard_modules::{picklist, section, COMPANIES, CONTACTS};
use crate::domain::records::field::{FieldDef, FieldKind, Label, PicklistOption};
use crate::domain::records::module_def::ModuleDef;
use crate::domain::records::module_def::{AgendaDef, NavArea};
use crate::domain::records::value::Value;

pub const ACTIVITIES: &str = "activities";

pub const WEEKDAYS: &[&str] = &["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

pub fn activities() -> ModuleDef {
    let weekday_options: Vec<PicklistOption> = WEEKDAYS
        .iter()
        .map(|d| PicklistOption {
            value: d.to_string(),
            label: Label::Key(format!("weekday.{d}")),
        })
        .collect();
    ModuleDef {
        fields: vec![
            FieldDef::new("subject", FieldKind::SingleLine)
                .required()
                .max_len(200)
                .in_list()
                .searchable(),
            picklist(
                "kind",
                "activity_kind",
                &["call", "email", "meeting", "task", "note"],
            )
            .required()
            .in_list()
            .default_value(Value::Text("task".into())),
            FieldDef::new("due", FieldKind::DateTime).in_list(),
            FieldDef::new("done", FieldKind::Checkbox).in_list(),
            FieldDef::new("done_at", FieldKind::DateTime)
                .system()
                .indexed(),
            FieldDef::new("assignee", FieldKind::User).starts_as_user(),
            picklist("priority", "priority", &["low", "medium", "high"]),
            picklist(
                "call_outcome",
                "call_outcome",
                &[
                    "connected",
                    "voicemail",
                    "no_answer",
                    "busy",
                    "wrong_number",
                ],
            )
            .help("help.call_outcome"),
            FieldDef::new("duration", FieldKind::Number).help("help.duration"),
            FieldDef::lookup("company", COMPANIES).section("links"),
            FieldDef::lookup("contact", CONTACTS)
                .section("links")
                .in_list(),
            FieldDef::lookup("deal", DEALS).section("links"),
            FieldDef::lookup("lead", crate::domain::modules::lead_module::LEADS).section("links"),
            picklist(
                "repeat",
                "repeat",
                &["daily", "weekly", "monthly", "yearly"],
            )
            .section("repeat")
            .help("help.repeat"),
            // Bounded so a series' date steps stay in range (see activity_rules).
            FieldDef::new("repeat_interval", FieldKind::Number)
                .max_value(1000.0)
                .section("repeat")
                .help("help.repeat_interval"),
            FieldDef::new(
                "repeat_weekdays",
                FieldKind::MultiSelect {
                    options: weekday_options,
                    open: false,
                },
            )
            .section("repeat"),
            FieldDef::new("repeat_until", FieldKind::Date).section("repeat"),
            FieldDef::new("repeat_count", FieldKind::Number)
                .max_value(10_000.0)
                .section("repeat")
                .help("help.repeat_count"),
            FieldDef::new("series_start", FieldKind::Date)
                .section("repeat")
                .system(),
            FieldDef::new("occurrence", FieldKind::Number)
                .max_value(1_000_000.0)
                .section("repeat")
                .system(),
            FieldDef::new("continued", FieldKind::Checkbox)
                .section("repeat")
                .system(),
            FieldDef::new("description", FieldKind::MultiLine).section("more"),
        ],
        sections: vec![
            section("main"),
            section("links"),
            section("repeat"),
            section("more"),
        ],
        title_fields: vec!["subject".into()],
        nav: true,
        area: NavArea::Work,
        agenda: Some(AgendaDef {
            due: "due".into(),
            done: "done".into(),
            kind: Some("kind".into()),
        }),
        ..ModuleDef::named(ACTIVITIES)
    }
}
