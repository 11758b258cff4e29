//! Module definitions: a module is data (its fields, sections and title, and its
//! behaviour: record actions, duplicate rule, default order, board, agenda, the page
//! of its own that shows it and its place in the settings), never code.

use serde::{Deserialize, Serialize};

use crate::domain::records::condition::Condition;
use crate::domain::records::field::{FieldDef, FieldKind, Label};
use crate::domain::records::list_query::Sort;
use crate::domain::records::record::Record;

/// The team directory: the module whose records are the users a `User` field
/// names (owners, assignees). The record core knows it because the local user and
/// the team together are who can own records.
pub const MEMBERS: &str = "members";

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
    /// The area of work the navigation lists the module under.
    #[serde(default)]
    pub area: NavArea,
    /// Actions a record page offers besides edit and delete (a lead's Convert).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<RecordAction>,
    /// Which fields make two records likely duplicates; none: never checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_rule: Option<DuplicateRule>,
    /// A list's order before the user sorts; none: newest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_order: Option<Sort>,
    /// A board of the module's records in columns (deals by stage, leads by status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub board: Option<BoardDef>,
    /// The module whose records are the user's work in time (My work, the calendar,
    /// reminders, one-click complete): which fields hold the due time and done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agenda: Option<AgendaDef>,
    /// The app's own page that shows the module's records in place of the generic
    /// list and form; the page's address is the module's key (`#/reports`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<OwnPage>,
    /// A settings-like module (kept as records, `nav: false`): where the settings
    /// page offers it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<SettingsEntry>,
    /// Rows of this module are edited inside the form of the record they belong to
    /// (a deal's contacts with their roles), saved in the same plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_in: Option<InlineEdit>,
    /// Its records are people an address book holds: the list also exports them as
    /// vCards and the import also reads `.vcf` files.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub vcard: bool,
    /// Its records are written only by the app (a run log): no New, Edit or import.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub kept_by_app: bool,
}

/// How a module's rows are edited in their parent's form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InlineEdit {
    /// The required lookup field that names the parent record.
    pub parent: String,
    /// A field no two rows of one parent may share (the same contact twice on a deal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distinct: Option<String>,
}

/// The areas of work the main navigation groups its links into, in the order
/// shown; an area with nothing in it is not shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NavArea {
    #[default]
    Sales,
    Work,
    Service,
    Marketing,
    Insight,
    Settings,
}

impl NavArea {
    pub const ALL: [NavArea; 6] = [
        NavArea::Sales,
        NavArea::Work,
        NavArea::Service,
        NavArea::Marketing,
        NavArea::Insight,
        NavArea::Settings,
    ];

    /// The translation key of the area's name.
    pub fn label_key(self) -> &'static str {
        match self {
            NavArea::Sales => "nav.area.sales",
            NavArea::Work => "nav.area.work",
            NavArea::Service => "nav.area.service",
            NavArea::Marketing => "nav.area.marketing",
            NavArea::Insight => "nav.area.insight",
            NavArea::Settings => "nav.area.settings",
        }
    }

    /// A stable name for element ids and tests.
    pub fn key(self) -> &'static str {
        self.label_key().trim_start_matches("nav.area.")
    }
}

/// The pages of the app's own that show one module's records each; the shell knows
/// its pages, the definition says which one shows the module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnPage {
    /// The user's own dashboards, each a record holding its layout.
    Dashboards,
    /// The saved reports and the builder, each report a record holding its definition.
    Reports,
    /// The stage editor of a pipeline, reached from the settings.
    StageEditor,
}

/// The sections of the settings page that offer settings-like modules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingsSection {
    You,
    Sales,
    Leads,
    Automation,
}

/// Where the settings page links to a settings-like module: its list, or the page of
/// its own when it has one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SettingsEntry {
    pub section: SettingsSection,
    /// The link's translation key; none: the module's plural name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl SettingsEntry {
    /// Offered in `section` under the module's plural name.
    pub fn under(section: SettingsSection) -> Self {
        SettingsEntry {
            section,
            label: None,
        }
    }

    /// Offered under its own words (a translation key).
    pub fn labelled(self, key: &str) -> Self {
        SettingsEntry {
            label: Some(key.to_string()),
            ..self
        }
    }
}

/// The fields of an agenda module that its pages in time read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgendaDef {
    /// A date-time field: when the record falls due.
    pub due: String,
    /// A checkbox field: whether it is done.
    pub done: String,
    /// A picklist naming what kind of work it is (call, meeting…): a timeline's badge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// An action on one record, offered while every condition holds; `page` names the
/// page it opens (the shell knows its pages, not the modules that use them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordAction {
    /// The translation key of the button.
    pub label: String,
    pub page: String,
    #[serde(default)]
    pub when: Vec<Condition>,
}

impl RecordAction {
    pub fn offered(&self, record: &Record) -> bool {
        self.when.iter().all(|c| c.matches(&record.values))
    }
}

/// How a record's title is compared with others'.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameMatch {
    /// Folded, word order ignored.
    Person,
    /// Folded, legal suffixes ("Ltd", "GmbH") dropped.
    Company,
}

/// Likely duplicates: the same normalised value of any contact field, or the same
/// name — similar within the same `within` value when set, else exactly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DuplicateRule {
    /// Email and phone fields, compared normalised.
    #[serde(default)]
    pub contact_fields: Vec<String>,
    pub name: NameMatch,
    /// A company lookup or a company name: similar names count only at the same one.
    #[serde(default)]
    pub within: Option<String>,
}

/// The words of one board, as translation keys.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardLabels {
    pub title: String,
    pub new_record: String,
    /// Plural forms (`.one`, `.other`) of a column's count, with `{n}`.
    pub count: String,
    /// A card's "Move to" select, with `{title}`.
    pub move_to: String,
    pub search: String,
}

/// A board: the module's records in a column per value of `column`, a picklist
/// (its options) or a lookup. A lookup column is scoped by `group_by` (a deal's
/// stages are those of its pipeline), and its column records carry an outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardDef {
    pub column: String,
    #[serde(default)]
    pub group_by: Option<String>,
    /// A currency field each column totals in the base currency.
    #[serde(default)]
    pub amount: Option<String>,
    /// A percent field weighting the totals of open columns.
    #[serde(default)]
    pub probability: Option<String>,
    /// Cards come soonest first by this date; an open card past it is overdue, and
    /// the board filters a range of it.
    #[serde(default)]
    pub date: Option<String>,
    /// Picklist fields the board filters by.
    #[serde(default)]
    pub filters: Vec<String>,
    /// Fields shown on a card under its title.
    #[serde(default)]
    pub card_fields: Vec<String>,
    /// A move into a column whose outcome is lost asks for this picklist first.
    #[serde(default)]
    pub lost_asks: Option<String>,
    pub labels: BoardLabels,
    /// Where the board sits among boards (lowest first): the Board link opens the first.
    #[serde(default)]
    pub rank: u32,
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
            area: NavArea::Sales,
            actions: Vec::new(),
            duplicate_rule: None,
            default_order: None,
            board: None,
            agenda: None,
            page: None,
            settings: None,
            edited_in: None,
            vcard: false,
            kept_by_app: false,
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

    /// Whether changes of `field` are moves the record keeps a trail of (a deal's
    /// stage): a lookup into the module one of its trail fields records.
    pub fn is_trailed(&self, field: &str) -> bool {
        let Some(FieldKind::Lookup { module, .. }) = self.field(field).map(|f| &f.kind) else {
            return false;
        };
        self.fields
            .iter()
            .any(|f| matches!(&f.kind, FieldKind::Trail { module: m } if m == module))
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

    /// The modules the navigation lists under `area`, in schema order.
    pub fn nav_modules_in(&self, area: NavArea) -> impl Iterator<Item = &ModuleDef> {
        self.nav_modules().filter(move |m| m.area == area)
    }

    /// The module that holds the user's work in time, if any (the first with an
    /// agenda definition).
    pub fn agenda_module(&self) -> Option<&ModuleDef> {
        self.modules.iter().find(|m| m.agenda.is_some())
    }

    /// The module the app's own `page` shows, if any.
    pub fn shown_on(&self, page: OwnPage) -> Option<&ModuleDef> {
        self.modules.iter().find(|m| m.page == Some(page))
    }

    /// The settings-like modules the settings page offers in `section`, in schema order.
    pub fn settings_in(&self, section: SettingsSection) -> impl Iterator<Item = &ModuleDef> {
        self.modules
            .iter()
            .filter(move |m| m.settings.as_ref().is_some_and(|s| s.section == section))
    }

    /// The modules with a board, in schema order.
    pub fn board_modules(&self) -> impl Iterator<Item = &ModuleDef> {
        let mut boards: Vec<&ModuleDef> =
            self.modules.iter().filter(|m| m.board.is_some()).collect();
        boards.sort_by_key(|m| m.board.as_ref().map(|b| b.rank));
        boards.into_iter()
    }

    /// The modules whose rows are edited inside the form of a `parent` record, with
    /// how (their parent field is a lookup to `parent`), in schema order.
    pub fn inline_children<'a>(
        &'a self,
        parent: &'a str,
    ) -> impl Iterator<Item = (&'a ModuleDef, &'a InlineEdit)> + 'a {
        self.modules.iter().filter_map(move |m| {
            let inline = m.edited_in.as_ref()?;
            m.lookups_to(parent)
                .any(|f| f.key == inline.parent)
                .then_some((m, inline))
        })
    }

    /// The labels (one, many) a form names `child`'s rows by: those of the module
    /// its distinct lookup points at (a deal's contact rows are its Contacts), else
    /// the child's own.
    pub fn row_names<'a>(&'a self, child: &'a ModuleDef) -> (&'a Label, &'a Label) {
        let target = child
            .edited_in
            .as_ref()
            .and_then(|i| i.distinct.as_deref())
            .and_then(|k| child.field(k))
            .and_then(|f| match &f.kind {
                FieldKind::Lookup { module, .. } => self.module(module),
                _ => None,
            })
            .unwrap_or(child);
        (&target.singular, &target.plural)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::lead_module::{CLOSED_STATUSES, LEADS, STATUSES};
    use crate::domain::modules::standard_modules::{standard_schema, COMPANIES};
    use crate::domain::Value;

    #[test]
    fn the_navigation_lists_each_module_under_its_area_and_an_old_definition_under_sales() {
        let schema = standard_schema();
        let listed = |area| -> Vec<&str> {
            schema
                .nav_modules_in(area)
                .map(|m| m.key.as_str())
                .collect()
        };
        assert_eq!(
            listed(NavArea::Sales),
            vec!["companies", "contacts", "leads", "deals"]
        );
        assert_eq!(listed(NavArea::Work), vec!["activities"]);
        // Every module the navigation lists is under exactly one area.
        let all: usize = NavArea::ALL.iter().map(|a| listed(*a).len()).sum();
        assert_eq!(all, schema.nav_modules().count());
        // A definition stored before areas existed reads as a sales module.
        let mut old = serde_json::to_value(schema.module("deals").unwrap()).unwrap();
        old.as_object_mut().unwrap().remove("area");
        let read: ModuleDef = serde_json::from_value(old).unwrap();
        assert_eq!(read.area, NavArea::Sales);
        let keys: std::collections::HashSet<_> = NavArea::ALL.iter().map(|a| a.key()).collect();
        assert_eq!(keys.len(), NavArea::ALL.len());
    }

    #[test]
    fn every_board_names_fields_of_the_kinds_it_needs() {
        let schema = standard_schema();
        let boards: Vec<_> = schema.board_modules().map(|m| m.key.as_str()).collect();
        assert_eq!(boards, vec!["deals", "leads"], "the pipeline board first");
        for m in schema.board_modules() {
            let b = m.board.as_ref().unwrap();
            let kind = |k: &str| &m.field(k).unwrap_or_else(|| panic!("{}.{k}", m.key)).kind;
            match kind(&b.column) {
                FieldKind::Picklist { options } => {
                    assert!(!options.is_empty());
                    assert!(b.group_by.is_none(), "options are not scoped");
                }
                FieldKind::Lookup { within, .. } => {
                    // The form offers only the group's columns, as the board shows them.
                    assert_eq!(within, &b.group_by, "{}", m.key);
                    assert!(matches!(
                        kind(b.group_by.as_ref().unwrap()),
                        FieldKind::Lookup { .. }
                    ));
                }
                other => panic!("{}: a board cannot column by {other:?}", m.key),
            }
            for (f, want) in [
                (&b.amount, "currency"),
                (&b.probability, "percent"),
                (&b.date, "date"),
                (&b.lost_asks, "picklist"),
            ] {
                if let Some(f) = f {
                    assert_eq!(kind(f).name(), want, "{}.{f}", m.key);
                }
            }
            for f in &b.filters {
                assert_eq!(kind(f).name(), "picklist", "{}.{f}", m.key);
            }
            for f in &b.card_fields {
                kind(f);
            }
        }
    }

    /// The rule as duplicates.rs derived it before it was data: companies by name,
    /// every module with an email or phone by those, names within the first company
    /// lookup or, on leads, the company name.
    #[test]
    fn duplicate_rules_match_the_rule_derived_from_field_kinds() {
        for m in standard_schema().modules {
            let contact: Vec<String> = m
                .fields
                .iter()
                .filter(|f| matches!(f.kind, FieldKind::Email { .. } | FieldKind::Phone { .. }))
                .map(|f| f.key.clone())
                .collect();
            let applies = m.key == COMPANIES || !contact.is_empty();
            assert_eq!(m.duplicate_rule.is_some(), applies, "{}", m.key);
            let Some(rule) = &m.duplicate_rule else {
                continue;
            };
            let within = m
                .fields
                .iter()
                .find(|f| {
                    !f.system
                        && matches!(&f.kind, FieldKind::Lookup { module, .. } if module == COMPANIES)
                })
                .or_else(|| m.field("company_name"))
                .map(|f| f.key.clone());
            assert_eq!(rule.contact_fields, contact, "{}", m.key);
            assert_eq!(rule.within, within, "{}", m.key);
            let name = if m.key == COMPANIES {
                NameMatch::Company
            } else {
                NameMatch::Person
            };
            assert_eq!(rule.name, name, "{}", m.key);
        }
    }

    #[test]
    fn convert_is_offered_exactly_to_open_unconverted_leads() {
        let schema = standard_schema();
        let leads = schema.module(LEADS).unwrap();
        assert_eq!(leads.actions.len(), 1);
        let convert = &leads.actions[0];
        assert_eq!(convert.page, "convert");
        let lead = |status: Option<&str>, converted: bool| {
            let mut v = crate::domain::FieldValues::new();
            if let Some(s) = status {
                v.insert("status", Value::Text(s.into()));
            }
            if converted {
                v.insert("converted_contact", Value::Ref("contact-1".into()));
            }
            Record::new("l".into(), LEADS, 1, None, v)
        };
        for s in STATUSES.iter().map(|s| Some(*s)).chain([None]) {
            for converted in [false, true] {
                let before = !converted && !s.is_some_and(|s| CLOSED_STATUSES.contains(&s));
                assert_eq!(
                    convert.offered(&lead(s, converted)),
                    before,
                    "{s:?} {converted}"
                );
            }
        }
        // Elsewhere only a workflow rule's dry run is offered.
        assert!(schema
            .modules
            .iter()
            .filter(|m| m.key != LEADS)
            .all(|m| m.actions.iter().all(|a| a.page == "dry_run")));
    }

    /// The timeline reads a change of a trailed field as a stage move; before that was
    /// metadata it did so for a field keyed `stage`, which only deals have.
    #[test]
    fn only_a_deals_stage_is_trailed() {
        for m in standard_schema().modules {
            for f in &m.fields {
                let before = m.key == "deals" && f.key == "stage";
                assert_eq!(m.is_trailed(&f.key), before, "{}.{}", m.key, f.key);
            }
        }
    }

    #[test]
    fn the_agenda_names_its_kind_a_picklist_of_its_own() {
        let schema = standard_schema();
        let m = schema.agenda_module().unwrap();
        let kind = m.agenda.as_ref().unwrap().kind.as_deref().unwrap();
        assert_eq!(m.field(kind).unwrap().kind.name(), "picklist");
    }

    /// An own page's address is the key of the module it shows: these keys are the
    /// addresses users bookmarked (`#/dashboards`, `#/reports`, `#/settings/pipelines`).
    #[test]
    fn each_own_page_shows_one_module_whose_key_keeps_its_address() {
        let schema = standard_schema();
        for (page, key) in [
            (OwnPage::Dashboards, "dashboards"),
            (OwnPage::Reports, "reports"),
            (OwnPage::StageEditor, "pipelines"),
        ] {
            let shown: Vec<&str> = schema
                .modules
                .iter()
                .filter(|m| m.page == Some(page))
                .map(|m| m.key.as_str())
                .collect();
            assert_eq!(shown, vec![key], "{page:?}");
            assert_eq!(schema.shown_on(page).unwrap().key, key);
        }
    }

    /// The settings page lists, per section, what it listed by name before.
    #[test]
    fn the_settings_sections_offer_the_settings_modules_in_their_order() {
        let schema = standard_schema();
        let offered = |s: SettingsSection| -> Vec<(&str, Option<&str>)> {
            schema
                .settings_in(s)
                .map(|m| {
                    let label = m.settings.as_ref().unwrap().label.as_deref();
                    (m.key.as_str(), label)
                })
                .collect()
        };
        assert_eq!(
            offered(SettingsSection::You),
            vec![("members", Some("settings.team"))]
        );
        assert_eq!(
            offered(SettingsSection::Sales),
            vec![
                ("pipelines", Some("settings.pipelines")),
                ("rates", Some("settings.rates")),
                ("quotas", Some("settings.quotas")),
            ]
        );
        assert_eq!(
            offered(SettingsSection::Leads),
            vec![
                ("scoring_rules", None),
                ("territories", None),
                ("assignment_rules", None),
            ]
        );
        assert!(schema
            .modules
            .iter()
            .filter(|m| m.settings.is_some())
            .all(|m| !m.nav));
    }

    #[test]
    fn a_definition_without_behaviour_reads_with_none() {
        let mut json = serde_json::to_value(ModuleDef::named("things")).unwrap();
        for k in [
            "actions",
            "duplicate_rule",
            "default_order",
            "board",
            "agenda",
            "page",
            "settings",
        ] {
            json.as_object_mut().unwrap().remove(k);
        }
        let back: ModuleDef = serde_json::from_value(json).unwrap();
        assert_eq!(back, ModuleDef::named("things"));
    }
}
