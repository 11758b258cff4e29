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

/// A formula's problem in words (without where: `schema_page::formula_message`).
pub fn formula_problem(l: Locale, p: &crate::domain::records::formula::FormulaProblem) -> String {
    use crate::domain::records::formula::FormulaProblem as P;
    let ty = |name: &str| t(l, &format!("formula.type.{name}"));
    let result_name = |r: crate::domain::records::formula::ResultType| {
        let n = serde_json::to_value(r)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        t(l, &format!("schema.result.{n}"))
    };
    match p {
        P::Empty => t(l, "formula.err.empty"),
        P::TooLong { max } => tr(l, "formula.err.too_long", &[("max", &max.to_string())]),
        P::TooDeep { max } => tr(l, "formula.err.too_deep", &[("max", &max.to_string())]),
        P::UnexpectedCharacter(c) => tr(l, "formula.err.character", &[("value", &c.to_string())]),
        P::UnexpectedEnd => t(l, "formula.err.end"),
        P::Expected(what) => {
            let what = match *what {
                "value" => t(l, "formula.err.a_value"),
                "operator" => t(l, "formula.err.an_operator"),
                "field" => t(l, "formula.err.a_field"),
                other => other.to_string(),
            };
            tr(l, "formula.err.expected", &[("value", &what)])
        }
        P::UnclosedText => t(l, "formula.err.unclosed"),
        P::UnknownEscape(c) => tr(l, "formula.err.escape", &[("value", &c.to_string())]),
        P::BadNumber => t(l, "formula.err.number"),
        P::UnknownFunction(f) => tr(l, "formula.err.function", &[("value", f)]),
        P::ArgumentCount {
            function,
            expected,
            found,
        } => tr(
            l,
            "formula.err.arguments",
            &[
                ("function", function),
                ("expected", expected),
                ("found", &found.to_string()),
            ],
        ),
        P::UnknownField(f) => tr(l, "formula.err.field", &[("value", f)]),
        P::NotALookup(f) => tr(l, "formula.err.not_lookup", &[("value", f)]),
        P::NestedPath => t(l, "formula.err.nested"),
        P::UnknownLinkedField { lookup, field } => tr(
            l,
            "formula.err.linked_field",
            &[("lookup", lookup), ("value", field)],
        ),
        P::LookupWithoutField(f) => tr(l, "formula.err.lookup_alone", &[("value", f)]),
        P::UnreadableKind(f) => tr(l, "formula.err.unreadable", &[("value", f)]),
        P::OperandType { operator, found } => tr(
            l,
            "formula.err.operand",
            &[("operator", operator), ("found", &ty(found))],
        ),
        P::OperandTypes {
            operator,
            left,
            right,
        } => tr(
            l,
            "formula.err.operands",
            &[
                ("operator", operator),
                ("left", &ty(left)),
                ("right", &ty(right)),
            ],
        ),
        P::ArgumentType {
            function,
            position,
            expected,
            found,
        } => tr(
            l,
            "formula.err.argument_type",
            &[
                ("function", function),
                ("position", &position.to_string()),
                ("expected", &ty(expected)),
                ("found", &ty(found)),
            ],
        ),
        P::UnknownOption { field, value } => tr(
            l,
            "formula.err.option",
            &[("field", field), ("value", value)],
        ),
        P::ResultMismatch { expected, found } => tr(
            l,
            "formula.err.result",
            &[("expected", &result_name(*expected)), ("found", &ty(found))],
        ),
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
