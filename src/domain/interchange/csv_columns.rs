//! The columns a field takes in a CSV file: its value, and beside it a money field's
//! currency ("Amount currency") and a lookup's linked record id ("Company id"). The
//! export writes them and the import reads them back by the same names, in any
//! language the app speaks, so both sides are written over this one description.
//! An import also reads a person's whole name from one column into the first and
//! last name fields.

use crate::domain::interchange::person_name::{split_name, NameOrder};
use crate::domain::records::field::{FieldDef, FieldKind, Label};
use crate::domain::records::module_def::ModuleDef;

/// Translation key of a currency column's header; `{field}` is the field's header.
pub const CURRENCY_COLUMN: &str = "csv.currency_column";
/// Translation key of a lookup's id column's header; `{field}` is the field's header.
pub const ID_COLUMN: &str = "csv.id_column";
/// Translation keys of a whole-name column's header, given names first and family
/// name first.
pub const FULL_NAME_COLUMN: &str = "csv.full_name_column";
pub const FAMILY_FIRST_COLUMN: &str = "csv.family_first_column";
/// The fields a person's name is kept in, where a module has them (contacts, leads).
pub const GIVEN_NAME: &str = "first_name";
pub const FAMILY_NAME: &str = "last_name";

/// Which part of a field a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    Value,
    /// A money field's ISO currency code; the value column holds the bare amount.
    Currency,
    /// A lookup's linked record id; the value column holds its title.
    Id,
    /// A person's whole name, given names first, read into the family-name field
    /// and the module's [`GIVEN_NAME`] field: an import's column, never exported.
    FullName,
    /// The same, written family name first (a Russian ФИО).
    FamilyFirst,
}

/// Between a field key and its part in a mapping target. Field keys are
/// identifiers (letters, digits, `_`), so the mark never occurs in one.
const MARK: char = '#';

impl Part {
    /// The parts a field of `kind` is written as, value first.
    pub fn of(kind: &FieldKind) -> &'static [Part] {
        match kind {
            FieldKind::Currency => &[Part::Value, Part::Currency],
            FieldKind::Lookup { .. } => &[Part::Value, Part::Id],
            _ => &[Part::Value],
        }
    }

    fn name(self) -> &'static str {
        match self {
            Part::Value => "",
            Part::Currency => "currency",
            Part::Id => "id",
            Part::FullName => "full_name",
            Part::FamilyFirst => "family_first",
        }
    }

    /// The order a whole-name part reads its name in; none for other parts.
    pub fn name_order(self) -> Option<NameOrder> {
        match self {
            Part::FullName => Some(NameOrder::GivenFirst),
            Part::FamilyFirst => Some(NameOrder::FamilyFirst),
            _ => None,
        }
    }

    /// The header template's translation key; none for the value itself.
    pub fn header_key(self) -> Option<&'static str> {
        match self {
            Part::Value => None,
            Part::Currency => Some(CURRENCY_COLUMN),
            Part::Id => Some(ID_COLUMN),
            Part::FullName => Some(FULL_NAME_COLUMN),
            Part::FamilyFirst => Some(FAMILY_FIRST_COLUMN),
        }
    }

    /// The column header of this part of a field whose own header is `field`, with
    /// `label` giving the words of a translation key.
    pub fn header(self, field: &str, label: &dyn Fn(&Label) -> String) -> String {
        match self.header_key() {
            None => field.to_string(),
            Some(k) => label(&Label::key(k)).replace("{field}", field),
        }
    }
}

/// What an import mapping names for a column: the field's key for its value, or the
/// key and the part (`amount#currency`), so a mapping stays a list of strings the
/// mapping page offers and remembers.
pub fn target(key: &str, part: Part) -> String {
    match part {
        Part::Value => key.to_string(),
        _ => format!("{key}{MARK}{}", part.name()),
    }
}

/// The field key and part a mapping target names (see [`target`]); an unknown part
/// names nothing.
pub fn split_target(target: &str) -> Option<(&str, Part)> {
    match target.split_once(MARK) {
        None => Some((target, Part::Value)),
        Some((key, part)) => [Part::Currency, Part::Id, Part::FullName, Part::FamilyFirst]
            .into_iter()
            .find(|p| p.name() == part)
            .map(|p| (key, p)),
    }
}

/// The parts an import may read into `field`: those it is written as, and for the
/// family-name field a whole name in either order.
pub fn import_parts(field: &FieldDef) -> &'static [Part] {
    if field.key == FAMILY_NAME {
        &[Part::Value, Part::FullName, Part::FamilyFirst]
    } else {
        Part::of(&field.kind)
    }
}

/// Every (target, header) a field's columns are offered as on import, `header`
/// being the field's own header (a mapping page lists them).
pub fn targets(
    field: &FieldDef,
    header: &str,
    label: &dyn Fn(&Label) -> String,
) -> Vec<(String, String)> {
    import_parts(field)
        .iter()
        .map(|p| (target(&field.key, *p), p.header(header, label)))
        .collect()
}

/// What one row's cells give under `mapping`, as (field key, part, text), empty
/// and unmapped cells left out. A whole name gives its family name to its field
/// and its given names to [`GIVEN_NAME`] as their values, unless the row has a
/// cell of that field's own (or, in a module without the field, the whole name to
/// the family-name field).
pub fn row_columns<'a>(
    module: &ModuleDef,
    mapping: &'a [Option<String>],
    cells: &'a [String],
) -> Vec<(&'a str, Part, &'a str)> {
    let mut own = Vec::new();
    let mut from_names = Vec::new();
    for (t, cell) in mapping.iter().zip(cells) {
        let Some((key, part)) = t.as_deref().and_then(split_target) else {
            continue;
        };
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        match part.name_order() {
            None => own.push((key, part, cell)),
            Some(_) if module.field(GIVEN_NAME).is_none() => {
                from_names.push((key, Part::Value, cell));
            }
            Some(order) => {
                let (given, family) = split_name(cell, order);
                from_names.push((key, Part::Value, family));
                from_names.push((GIVEN_NAME, Part::Value, given));
            }
        }
    }
    let has_own = |key: &str| own.iter().any(|(k, p, _)| *k == key && *p == Part::Value);
    from_names.retain(|(key, _, text)| !text.is_empty() && !has_own(key));
    own.extend(from_names);
    own
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_name_a_field_and_its_part_and_read_back() {
        let all = [
            Part::Value,
            Part::Currency,
            Part::Id,
            Part::FullName,
            Part::FamilyFirst,
        ];
        for part in all {
            assert_eq!(
                split_target(&target("amount", part)),
                Some(("amount", part))
            );
        }
        assert_eq!(target("amount", Part::Value), "amount");
        assert_eq!(split_target("amount#colour"), None);
    }

    #[test]
    fn a_companion_header_is_the_template_filled_with_the_field_header() {
        let words = |l: &Label| match l {
            Label::Key(k) if k == CURRENCY_COLUMN => "{field} currency".to_string(),
            Label::Key(k) if k == ID_COLUMN => "شناسه {field}".to_string(),
            _ => String::new(),
        };
        assert_eq!(Part::Currency.header("Amount", &words), "Amount currency");
        assert_eq!(Part::Id.header("شرکت", &words), "شناسه شرکت");
        assert_eq!(Part::Value.header("Amount", &words), "Amount");
        let f = FieldDef::lookup("company", "companies");
        assert_eq!(
            targets(&f, "Company", &words),
            vec![
                ("company".to_string(), "Company".to_string()),
                ("company#id".to_string(), "شناسه Company".to_string())
            ]
        );
    }

    #[test]
    fn the_last_name_is_also_offered_as_a_whole_name_in_either_order() {
        let words = |l: &Label| match l {
            Label::Key(k) if k == FULL_NAME_COLUMN => "Full name".to_string(),
            Label::Key(k) if k == FAMILY_FIRST_COLUMN => "ФИО".to_string(),
            _ => String::new(),
        };
        let last = FieldDef::new(FAMILY_NAME, FieldKind::SingleLine);
        assert_eq!(
            targets(&last, "Last name", &words),
            vec![
                ("last_name".to_string(), "Last name".to_string()),
                ("last_name#full_name".to_string(), "Full name".to_string()),
                ("last_name#family_first".to_string(), "ФИО".to_string()),
            ]
        );
        let first = FieldDef::new(GIVEN_NAME, FieldKind::SingleLine);
        assert_eq!(targets(&first, "First name", &words).len(), 1);
    }

    fn person() -> ModuleDef {
        ModuleDef {
            fields: vec![
                FieldDef::new(GIVEN_NAME, FieldKind::SingleLine),
                FieldDef::new(FAMILY_NAME, FieldKind::SingleLine),
                FieldDef::new("emails", FieldKind::Email { multiple: true }),
                FieldDef::new("amount", FieldKind::Currency),
            ],
            ..ModuleDef::named("people")
        }
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn targets_of(items: &[Option<&str>]) -> Vec<Option<String>> {
        items.iter().map(|t| t.map(str::to_string)).collect()
    }

    #[test]
    fn a_row_gives_each_mapped_cell_trimmed_and_leaves_out_the_empty_ones() {
        let mapping = targets_of(&[
            Some("emails"),
            None,
            Some("amount#currency"),
            Some("amount"),
        ]);
        let cells = strings(&[" a@x.example ", "junk", "EUR", "  "]);
        assert_eq!(
            row_columns(&person(), &mapping, &cells),
            vec![
                ("emails", Part::Value, "a@x.example"),
                ("amount", Part::Currency, "EUR")
            ]
        );
    }

    #[test]
    fn a_whole_name_fills_the_first_and_last_name_in_its_order() {
        let m = person();
        let whole = targets_of(&[Some("last_name#full_name"), Some("emails")]);
        let cells = strings(&["Mary Ann Berg", "m@x.example"]);
        assert_eq!(
            row_columns(&m, &whole, &cells),
            vec![
                ("emails", Part::Value, "m@x.example"),
                ("last_name", Part::Value, "Berg"),
                ("first_name", Part::Value, "Mary Ann"),
            ]
        );
        let fio = targets_of(&[Some("last_name#family_first")]);
        let cells = strings(&["Иванов Иван Иванович"]);
        assert_eq!(
            row_columns(&m, &fio, &cells),
            vec![
                ("last_name", Part::Value, "Иванов"),
                ("first_name", Part::Value, "Иван Иванович"),
            ]
        );
        // One word is a last name, and no empty first name is given.
        let cells = strings(&["Cher"]);
        assert_eq!(
            row_columns(&m, &whole[..1], &cells),
            vec![("last_name", Part::Value, "Cher")]
        );
    }

    #[test]
    fn a_column_of_the_field_itself_wins_over_the_whole_name_where_it_has_a_value() {
        let m = person();
        let mapping = targets_of(&[Some("last_name#full_name"), Some("first_name")]);
        let cells = strings(&["Ann Berg", "Anna"]);
        assert_eq!(
            row_columns(&m, &mapping, &cells),
            vec![
                ("first_name", Part::Value, "Anna"),
                ("last_name", Part::Value, "Berg"),
            ]
        );
        let cells = strings(&["Ann Berg", ""]);
        assert_eq!(
            row_columns(&m, &mapping, &cells),
            vec![
                ("last_name", Part::Value, "Berg"),
                ("first_name", Part::Value, "Ann"),
            ],
            "an empty cell of its own leaves it to the whole name"
        );
    }

    #[test]
    fn a_module_without_a_first_name_keeps_the_whole_name_in_the_last_name() {
        let m = ModuleDef {
            fields: vec![FieldDef::new(FAMILY_NAME, FieldKind::SingleLine)],
            ..ModuleDef::named("people")
        };
        let mapping = targets_of(&[Some("last_name#full_name")]);
        let cells = strings(&["Ann Berg"]);
        assert_eq!(
            row_columns(&m, &mapping, &cells),
            vec![("last_name", Part::Value, "Ann Berg")]
        );
    }
}
