//! The columns a field takes in a CSV file: its value, and beside it a money field's
//! currency ("Amount currency") and a lookup's linked record id ("Company id"). The
//! export writes them and the import reads them back by the same names, in any
//! language the app speaks, so both sides are written over this one description.

use crate::domain::records::field::{FieldDef, FieldKind, Label};

/// Translation key of a currency column's header; `{field}` is the field's header.
pub const CURRENCY_COLUMN: &str = "csv.currency_column";
/// Translation key of a lookup's id column's header; `{field}` is the field's header.
pub const ID_COLUMN: &str = "csv.id_column";

/// Which part of a field a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    Value,
    /// A money field's ISO currency code; the value column holds the bare amount.
    Currency,
    /// A lookup's linked record id; the value column holds its title.
    Id,
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
        }
    }

    /// The header template's translation key; none for the value itself.
    pub fn header_key(self) -> Option<&'static str> {
        match self {
            Part::Value => None,
            Part::Currency => Some(CURRENCY_COLUMN),
            Part::Id => Some(ID_COLUMN),
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
        Some((key, part)) => [Part::Currency, Part::Id]
            .into_iter()
            .find(|p| p.name() == part)
            .map(|p| (key, p)),
    }
}

/// Every (target, header) a field's columns are offered as, `header` being the
/// field's own header (a mapping page lists them).
pub fn targets(
    field: &FieldDef,
    header: &str,
    label: &dyn Fn(&Label) -> String,
) -> Vec<(String, String)> {
    Part::of(&field.kind)
        .iter()
        .map(|p| (target(&field.key, *p), p.header(header, label)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_name_a_field_and_its_part_and_read_back() {
        for part in [Part::Value, Part::Currency, Part::Id] {
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
}
