//! Field definitions: the metadata every form, list, validation and import is written over.

use serde::{Deserialize, Serialize};

use crate::domain::records::formula::ResultType;
use crate::domain::records::value::Value;

/// A user-visible text: a translation key for standard metadata, or the user's own
/// words for custom fields and modules (which are not translated).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    Key(String),
    Text(String),
}

impl Label {
    pub fn key(k: &str) -> Self {
        Label::Key(k.to_string())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PicklistOption {
    /// Stable stored value; never shown.
    pub value: String,
    pub label: Label,
}

/// The type of a field with the data that type needs. Auto-number, formula and
/// rollup fields are computed by the rules on every save (`is_computed`): forms show
/// them read-only and imports never write them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    SingleLine,
    MultiLine,
    /// `multiple`: several addresses, stored as a list.
    Email {
        #[serde(default)]
        multiple: bool,
    },
    Phone {
        #[serde(default)]
        multiple: bool,
    },
    Url,
    Number,
    Currency,
    Percent,
    Date,
    DateTime,
    Checkbox,
    Picklist {
        options: Vec<PicklistOption>,
    },
    /// `open`: users may add values that are not in `options` (tags).
    MultiSelect {
        options: Vec<PicklistOption>,
        #[serde(default)]
        open: bool,
    },
    User,
    /// Several users (a territory's members), stored as a list of ids.
    Users,
    /// A link to a record of `module`. `within` names another lookup field of the same
    /// record: the linked record must carry that same link (a deal's stage must belong
    /// to the deal's pipeline), and forms offer only such records.
    Lookup {
        module: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        within: Option<String>,
    },
    /// A colour as `#rrggbb`.
    Color,
    /// The records of `module` this record has passed through, each with when, as
    /// `id@millis` separated by spaces (a deal's stage history). Kept by rules only.
    Trail {
        module: String,
    },
    /// A number each new record takes, once: `prefix` then the counter padded with
    /// zeros to `pad` digits (`PRJ-0001`). Stored as text; never reused.
    AutoNumber {
        #[serde(default)]
        prefix: String,
        #[serde(default)]
        pad: u8,
    },
    /// A value computed from `expression` (`records::formula`) over this record's
    /// fields and those of the records it links to, of the fixed type `result`.
    Formula {
        expression: String,
        result: ResultType,
    },
    /// An aggregate of the records of `module` whose lookup `via` names this record:
    /// their count, or the sum, least, greatest or average of their `field`, of
    /// those for which `condition` (a checkbox formula over them) holds.
    Rollup {
        module: String,
        via: String,
        aggregate: Aggregate,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        field: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        condition: Option<String>,
    },
}

/// What a rollup computes over the related records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    Count,
    Sum,
    Min,
    Max,
    Average,
}

/// The largest amount of money a value may hold, in any currency (10^15). Far
/// above any real deal, and far enough below `Decimal`'s limit (≈ 7.9 × 10^28) that
/// sums of many such amounts, converted and weighted, stay computable.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

/// The largest magnitude of a plain number (10^15): beyond it an `f64` no longer
/// holds every whole number, and numbers become money (rates) in some sums.
pub const MAX_NUMBER: f64 = 1e15;

/// The years a date may fall in. Dates outside arrive only from crafted files and
/// links; refusing them keeps every date step (a week on, a month back) in range.
pub const YEARS: std::ops::RangeInclusive<i32> = 1000..=9999;

/// Limits for text without a field's own `max_len`: one line, or many.
pub const SINGLE_LINE_MAX: usize = 1_000;
pub const MULTI_LINE_MAX: usize = 100_000;

impl FieldKind {
    /// The most characters a value of this kind may have when the field sets none.
    /// A trail grows with every stage move, so it gets the multi-line limit.
    pub fn text_limit(&self) -> usize {
        match self {
            FieldKind::MultiLine | FieldKind::Trail { .. } => MULTI_LINE_MAX,
            _ => SINGLE_LINE_MAX,
        }
    }

    /// Whether the stored value is a list of strings.
    pub fn is_list(&self) -> bool {
        matches!(
            self,
            FieldKind::Email { multiple: true }
                | FieldKind::Phone { multiple: true }
                | FieldKind::MultiSelect { .. }
                | FieldKind::Users
        )
    }

    pub fn options(&self) -> &[PicklistOption] {
        match self {
            FieldKind::Picklist { options } | FieldKind::MultiSelect { options, .. } => options,
            _ => &[],
        }
    }

    /// Kept by the rules from other values (auto-number, formula, rollup): never
    /// typed, imported or edited in place.
    pub fn is_computed(&self) -> bool {
        matches!(
            self,
            FieldKind::AutoNumber { .. } | FieldKind::Formula { .. } | FieldKind::Rollup { .. }
        )
    }

    /// The kinds a user may give a field of their own, in the order the settings
    /// page offers them, each with empty data to fill in.
    pub fn addable() -> Vec<FieldKind> {
        vec![
            FieldKind::SingleLine,
            FieldKind::MultiLine,
            FieldKind::Number,
            FieldKind::Currency,
            FieldKind::Percent,
            FieldKind::Date,
            FieldKind::DateTime,
            FieldKind::Checkbox,
            FieldKind::Picklist { options: vec![] },
            FieldKind::MultiSelect {
                options: vec![],
                open: false,
            },
            FieldKind::Email { multiple: false },
            FieldKind::Phone { multiple: false },
            FieldKind::Url,
            FieldKind::Lookup {
                module: String::new(),
                within: None,
            },
            FieldKind::User,
            FieldKind::AutoNumber {
                prefix: String::new(),
                pad: 0,
            },
            FieldKind::Formula {
                expression: String::new(),
                result: ResultType::Number,
            },
            FieldKind::Rollup {
                module: String::new(),
                via: String::new(),
                aggregate: Aggregate::Count,
                field: None,
                condition: None,
            },
        ]
    }

    /// Stable name of the type, used in messages and CSS classes.
    pub fn name(&self) -> &'static str {
        match self {
            FieldKind::SingleLine => "single_line",
            FieldKind::MultiLine => "multi_line",
            FieldKind::Email { .. } => "email",
            FieldKind::Phone { .. } => "phone",
            FieldKind::Url => "url",
            FieldKind::Number => "number",
            FieldKind::Currency => "currency",
            FieldKind::Percent => "percent",
            FieldKind::Date => "date",
            FieldKind::DateTime => "date_time",
            FieldKind::Checkbox => "checkbox",
            FieldKind::Picklist { .. } => "picklist",
            FieldKind::MultiSelect { .. } => "multi_select",
            FieldKind::User => "user",
            FieldKind::Users => "users",
            FieldKind::Lookup { .. } => "lookup",
            FieldKind::Color => "color",
            FieldKind::Trail { .. } => "trail",
            FieldKind::AutoNumber { .. } => "auto_number",
            FieldKind::Formula { .. } => "formula",
            FieldKind::Rollup { .. } => "rollup",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldDef {
    /// Stable key the value is stored under.
    pub key: String,
    pub label: Label,
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub unique: bool,
    #[serde(default)]
    pub default: Option<Value>,
    #[serde(default)]
    pub help: Option<Label>,
    /// Maximum length in characters for text values (else the kind's own limit,
    /// `FieldKind::text_limit`).
    #[serde(default)]
    pub max_len: Option<usize>,
    /// Largest number a number field takes (else `MAX_NUMBER`): counters whose
    /// arithmetic must stay in range (a series' occurrence) set a smaller one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<f64>,
    /// Shown as a column in the module's list by default.
    #[serde(default)]
    pub in_list: bool,
    /// Included in the module's search index.
    #[serde(default)]
    pub searchable: bool,
    /// Key of the page-layout section the field sits in.
    #[serde(default)]
    pub section: String,
    /// Kept by the app's own rules (a series' occurrence number, a close time): shown
    /// on the record page, never edited in a form.
    #[serde(default)]
    pub system: bool,
    /// A date kept in a time index, so a period is read without a scan (dashboards).
    #[serde(default)]
    pub indexed: bool,
    /// Column headers other tools export this field under (Outlook, Google Contacts,
    /// HubSpot, Pipedrive, a spreadsheet): an import matches them after the field's
    /// key and its label in every language.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub import_names: Vec<String>,
    /// A user field a new record's form starts with the person adding it (a task's
    /// assignee).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub starts_as_user: bool,
}

impl FieldDef {
    pub fn new(key: &str, kind: FieldKind) -> Self {
        FieldDef {
            key: key.to_string(),
            label: Label::Key(format!("field.{key}")),
            kind,
            required: false,
            unique: false,
            default: None,
            help: None,
            max_len: None,
            max_value: None,
            in_list: false,
            searchable: false,
            section: "main".to_string(),
            system: false,
            indexed: false,
            import_names: Vec::new(),
            starts_as_user: false,
        }
    }

    /// A new record's form starts with the person adding it here.
    pub fn starts_as_user(mut self) -> Self {
        self.starts_as_user = true;
        self
    }

    /// Headers other tools' exports name this field by (see `import_names`).
    pub fn imported_as(mut self, names: &[&str]) -> Self {
        self.import_names = names.iter().map(|n| n.to_string()).collect();
        self
    }

    /// A lookup field to `module`.
    pub fn lookup(key: &str, module: &str) -> Self {
        FieldDef::new(
            key,
            FieldKind::Lookup {
                module: module.to_string(),
                within: None,
            },
        )
    }

    pub fn indexed(mut self) -> Self {
        self.indexed = true;
        self
    }

    pub fn system(mut self) -> Self {
        self.system = true;
        self
    }

    /// Whether a person gives this field its value (in a form, in place, in bulk,
    /// from a file): not a field the rules keep, nor a computed one.
    pub fn is_typed(&self) -> bool {
        !self.system && !self.kind.is_computed()
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }
    pub fn in_list(mut self) -> Self {
        self.in_list = true;
        self
    }
    pub fn searchable(mut self) -> Self {
        self.searchable = true;
        self
    }
    pub fn max_len(mut self, n: usize) -> Self {
        self.max_len = Some(n);
        self
    }
    pub fn max_value(mut self, n: f64) -> Self {
        self.max_value = Some(n);
        self
    }
    /// The most characters a text value (or each item of a list) may have.
    pub fn text_limit(&self) -> usize {
        self.max_len.unwrap_or_else(|| self.kind.text_limit())
    }
    pub fn section(mut self, s: &str) -> Self {
        self.section = s.to_string();
        self
    }
    pub fn help(mut self, key: &str) -> Self {
        self.help = Some(Label::key(key));
        self
    }
    pub fn default_value(mut self, v: Value) -> Self {
        self.default = Some(v);
        self
    }
}
