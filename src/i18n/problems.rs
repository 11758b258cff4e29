//! The one wording of a field problem, wherever it is shown: beside the field in a
//! form, in a notice, in an import's refused rows, in a conversion's refusal.

use super::{label, t, tr, Locale};
use crate::domain::records::module_def::ModuleDef;
use crate::domain::records::validate::{FieldError, Problem};

/// A field's shown name in a module (the owner is not a field of the module).
pub fn field_name(l: Locale, def: Option<&ModuleDef>, key: &str) -> String {
    if key == "owner" {
        return t(l, "field.owner");
    }
    def.and_then(|m| m.field(key))
        .map(|f| label(l, &f.label))
        .unwrap_or_else(|| key.to_string())
}

/// A problem in words, with the field's shown name in it where the wording has room.
pub fn problem_text(l: Locale, field_name: &str, p: &Problem) -> String {
    tr(l, p.key(), &[("field", field_name), ("value", &p.detail())])
}

/// A field error in one line, naming the field unless the wording already does.
pub fn field_error(l: Locale, def: Option<&ModuleDef>, e: &FieldError) -> String {
    let name = if e.field.is_empty() {
        String::new()
    } else {
        field_name(l, def, &e.field)
    };
    let text = problem_text(l, &name, &e.problem);
    if name.is_empty() || text.contains(&name) {
        text
    } else {
        format!("{name}: {text}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::standard_schema;

    #[test]
    fn a_field_error_names_the_field_once_in_the_users_language() {
        let schema = standard_schema();
        let def = schema.module("companies");
        let required = FieldError {
            field: "name".into(),
            problem: Problem::Required,
        };
        let text = field_error(Locale::En, def, &required);
        assert_eq!(text.matches("Name").count(), 1, "{text}");
        let fa = field_error(Locale::Fa, def, &required);
        assert!(!fa.contains("Name"), "{fa}");
        let owner = FieldError {
            field: "owner".into(),
            problem: Problem::UnknownUser("x".into()),
        };
        assert!(field_error(Locale::En, def, &owner).contains(&t(Locale::En, "field.owner")));
        let whole_row = FieldError {
            field: String::new(),
            problem: Problem::Rule("problem.extra_cells"),
        };
        assert_eq!(
            field_error(Locale::En, def, &whole_row),
            t(Locale::En, "problem.extra_cells")
        );
    }
}
