//! The type check: resolves every name against the module's fields (and those of
//! the modules its lookups name), gives every node its type, and refuses what
//! cannot be computed — before the formula is ever saved.

use crate::domain::records::field::{Aggregate, FieldDef, FieldKind, Label};
use crate::domain::records::formula::error::{FormulaError, Problem};
use crate::domain::records::formula::functions::Function;
use crate::domain::records::formula::node::{BinaryOp, Expr, Node, Reading, UnaryOp};
use crate::domain::records::formula::{FieldPath, ResultType};
use crate::domain::records::module_def::{ModuleDef, Schema};

/// The type of a value while a formula is worked out (a percent is a number).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Number,
    Money,
    Text,
    Date,
    DateTime,
    Checkbox,
}

impl Ty {
    /// The `formula.type.*` key's last part.
    pub fn name(self) -> &'static str {
        match self {
            Ty::Number => "number",
            Ty::Money => "money",
            Ty::Text => "text",
            Ty::Date => "date",
            Ty::DateTime => "date_time",
            Ty::Checkbox => "checkbox",
        }
    }

    fn of_result(r: ResultType) -> Ty {
        match r {
            ResultType::Number | ResultType::Percent => Ty::Number,
            ResultType::Money => Ty::Money,
            ResultType::Text => Ty::Text,
            ResultType::Date => Ty::Date,
            ResultType::DateTime => Ty::DateTime,
            ResultType::Checkbox => Ty::Checkbox,
        }
    }

    fn is_amount(self) -> bool {
        matches!(self, Ty::Number | Ty::Money)
    }

    fn is_moment(self) -> bool {
        matches!(self, Ty::Date | Ty::DateTime)
    }
}

/// The type a field's values are read as, or why they cannot be read.
fn field_type(schema: &Schema, field: &FieldDef, depth: usize) -> Result<(Ty, Reading), Problem> {
    let ty = match &field.kind {
        FieldKind::SingleLine
        | FieldKind::MultiLine
        | FieldKind::Url
        | FieldKind::Color
        | FieldKind::Email { .. }
        | FieldKind::Phone { .. }
        | FieldKind::AutoNumber { .. }
        | FieldKind::Picklist { .. }
        | FieldKind::MultiSelect { .. } => Ty::Text,
        FieldKind::Number | FieldKind::Percent => Ty::Number,
        FieldKind::Currency => Ty::Money,
        FieldKind::Date => Ty::Date,
        FieldKind::DateTime => Ty::DateTime,
        FieldKind::Checkbox => return Ok((Ty::Checkbox, Reading::Checkbox)),
        FieldKind::Formula { result, .. } => Ty::of_result(*result),
        FieldKind::Rollup {
            aggregate,
            module,
            field: counted,
            ..
        } => rollup_type(schema, *aggregate, module, counted.as_deref(), depth),
        FieldKind::Lookup { .. } => return Err(Problem::LookupWithoutField(field.key.clone())),
        FieldKind::User | FieldKind::Users | FieldKind::Trail { .. } => {
            return Err(Problem::UnreadableKind(field.key.clone()))
        }
    };
    Ok((ty, Reading::Plain))
}

/// A rollup is money when it adds up money, else a number.
pub fn rollup_type(
    schema: &Schema,
    aggregate: Aggregate,
    module: &str,
    counted: Option<&str>,
    depth: usize,
) -> Ty {
    if aggregate == Aggregate::Count || depth > 8 {
        return Ty::Number;
    }
    let field = schema.module(module).and_then(|m| m.field(counted?));
    match field.map(|f| field_type(schema, f, depth + 1)) {
        Some(Ok((Ty::Money, _))) => Ty::Money,
        _ => Ty::Number,
    }
}

struct Checker<'a> {
    schema: &'a Schema,
    module: &'a ModuleDef,
    reads: Vec<FieldPath>,
}

fn fail<T>(at: usize, problem: Problem) -> Result<T, FormulaError> {
    Err(FormulaError::new(at, problem))
}

fn argument(
    function: Function,
    position: usize,
    expected: &'static str,
    found: Ty,
    at: usize,
) -> FormulaError {
    FormulaError::new(
        at,
        Problem::ArgumentType {
            function: function.name(),
            position,
            expected,
            found: found.name(),
        },
    )
}

impl Checker<'_> {
    fn resolve(&mut self, node: &mut Node) -> Result<Ty, FormulaError> {
        let at = node.at;
        let Expr::Field {
            via,
            field,
            target,
            reading,
        } = &mut node.expr
        else {
            unreachable!("only fields are resolved")
        };
        let def = match via {
            None => self.module.field(field),
            Some(lookup) => {
                let Some(link) = self.module.field(lookup) else {
                    return fail(at, Problem::UnknownField(lookup.clone()));
                };
                let FieldKind::Lookup { module, .. } = &link.kind else {
                    return fail(at, Problem::NotALookup(lookup.clone()));
                };
                let Some(linked) = self.schema.module(module) else {
                    return fail(at, Problem::UnknownField(lookup.clone()));
                };
                *target = Some(module.clone());
                let Some(def) = linked.field(field) else {
                    return fail(
                        at,
                        Problem::UnknownLinkedField {
                            lookup: lookup.clone(),
                            field: field.clone(),
                        },
                    );
                };
                Some(def)
            }
        };
        let Some(def) = def else {
            return fail(at, Problem::UnknownField(field.clone()));
        };
        let (ty, how) = field_type(self.schema, def, 0).map_err(|p| FormulaError::new(at, p))?;
        *reading = how;
        let path = FieldPath {
            via: via.clone(),
            field: field.clone(),
        };
        if !self.reads.contains(&path) {
            self.reads.push(path);
        }
        Ok(ty)
    }

    /// The picklist field a node reads, if it is one.
    fn picklist_of(&self, node: &Node) -> Option<&FieldDef> {
        let Expr::Field { via, field, .. } = &node.expr else {
            return None;
        };
        let module = match via {
            None => self.module,
            Some(l) => match &self.module.field(l)?.kind {
                FieldKind::Lookup { module, .. } => self.schema.module(module)?,
                _ => return None,
            },
        };
        module
            .field(field)
            .filter(|f| matches!(f.kind, FieldKind::Picklist { .. }))
    }

    fn check(&mut self, node: &mut Node) -> Result<Ty, FormulaError> {
        let at = node.at;
        match &mut node.expr {
            Expr::Number(_) => Ok(Ty::Number),
            Expr::Text(_) => Ok(Ty::Text),
            Expr::Bool(_) => Ok(Ty::Checkbox),
            Expr::Field { .. } => self.resolve(node),
            Expr::Unary(op, inner) => {
                let ty = self.check(inner)?;
                let (ok, symbol) = match op {
                    UnaryOp::Not => (ty == Ty::Checkbox, "not"),
                    UnaryOp::Neg => (ty.is_amount(), "-"),
                };
                if !ok {
                    return fail(
                        at,
                        Problem::OperandType {
                            operator: symbol,
                            found: ty.name(),
                        },
                    );
                }
                Ok(ty)
            }
            Expr::Binary(op, left, right) => {
                let op = *op;
                let l = self.check(left)?;
                let r = self.check(right)?;
                binary_type(op, l, r).ok_or_else(|| {
                    FormulaError::new(
                        at,
                        Problem::OperandTypes {
                            operator: op.symbol(),
                            left: l.name(),
                            right: r.name(),
                        },
                    )
                })
            }
            Expr::Call(function, args) => {
                let function = *function;
                self.call(function, args)
            }
        }
    }

    fn call(&mut self, f: Function, args: &mut [Node]) -> Result<Ty, FormulaError> {
        use Function::*;
        if f == IsPickVal {
            return self.is_pick_val(args);
        }
        let mut types = Vec::with_capacity(args.len());
        for a in args.iter_mut() {
            types.push(self.check(a)?);
        }
        // Argument `i` (from 0) must be `want`, named `expected` in the message.
        let need = |i: usize, want: &dyn Fn(Ty) -> bool, expected: &'static str| {
            if want(types[i]) {
                Ok(())
            } else {
                Err(argument(f, i + 1, expected, types[i], args[i].at))
            }
        };
        let same_as = |i: usize, ty: Ty| need(i, &|t| t == ty, ty.name());
        let checkbox = |t: Ty| t == Ty::Checkbox;
        let text = |t: Ty| t == Ty::Text;
        let number = |t: Ty| t == Ty::Number;
        Ok(match f {
            If => {
                need(0, &checkbox, "checkbox")?;
                if types.len() == 3 {
                    same_as(2, types[1])?;
                }
                types[1]
            }
            Case => {
                let subject = types[0];
                let has_default = (types.len() - 1) % 2 == 1;
                let pairs = (types.len() - 1) / 2;
                let result = types[2];
                for p in 0..pairs {
                    same_as(1 + 2 * p, subject)?;
                    same_as(2 + 2 * p, result)?;
                }
                if has_default {
                    same_as(types.len() - 1, result)?;
                }
                result
            }
            And | Or | Not => {
                for i in 0..types.len() {
                    need(i, &checkbox, "checkbox")?;
                }
                Ty::Checkbox
            }
            Concat | Text => Ty::Text,
            Left | Right => {
                need(0, &text, "text")?;
                need(1, &number, "number")?;
                Ty::Text
            }
            Upper | Lower | Trim => {
                need(0, &text, "text")?;
                Ty::Text
            }
            Len => {
                need(0, &text, "text")?;
                Ty::Number
            }
            Contains => {
                need(0, &text, "text")?;
                need(1, &text, "text")?;
                Ty::Checkbox
            }
            Today => Ty::Date,
            Now => Ty::DateTime,
            AddDays | AddMonths => {
                need(0, &Ty::is_moment, "date_or_date_time")?;
                need(1, &number, "number")?;
                types[0]
            }
            DaysBetween => {
                need(0, &Ty::is_moment, "date_or_date_time")?;
                need(1, &Ty::is_moment, "date_or_date_time")?;
                Ty::Number
            }
            Year | Month | Day => {
                need(0, &Ty::is_moment, "date_or_date_time")?;
                Ty::Number
            }
            IsBlank => Ty::Checkbox,
            IsPickVal => unreachable!("checked above"),
            Round | Abs => {
                need(0, &Ty::is_amount, "number_or_money")?;
                if types.len() == 2 {
                    need(1, &number, "number")?;
                }
                types[0]
            }
            Min | Max => {
                need(0, &|t| t != Ty::Text && t != Ty::Checkbox, "comparable")?;
                for i in 1..types.len() {
                    same_as(i, types[0])?;
                }
                types[0]
            }
            BlankValue => {
                same_as(1, types[0])?;
                types[0]
            }
        })
    }

    /// `ISPICKVAL(field, "value")`: the field must be a picklist and the value one
    /// of its options (by stored value, or by the user's own label); the literal
    /// becomes the stored value.
    fn is_pick_val(&mut self, args: &mut [Node]) -> Result<Ty, FormulaError> {
        let f = Function::IsPickVal;
        let found = self.check(&mut args[0])?;
        let Some(field) = self.picklist_of(&args[0]).cloned() else {
            return Err(argument(f, 1, "picklist", found, args[0].at));
        };
        let found = self.check(&mut args[1])?;
        let Expr::Text(value) = &mut args[1].expr else {
            return Err(argument(f, 2, "text", found, args[1].at));
        };
        let FieldKind::Picklist { options } = &field.kind else {
            unreachable!("a picklist")
        };
        let option = options.iter().find(|o| {
            o.value.eq_ignore_ascii_case(value)
                || matches!(&o.label, Label::Text(t) if t.to_lowercase() == value.to_lowercase())
        });
        let Some(option) = option else {
            return fail(
                args[1].at,
                Problem::UnknownOption {
                    field: field.key.clone(),
                    value: value.clone(),
                },
            );
        };
        *value = option.value.clone();
        Ok(Ty::Checkbox)
    }
}

/// What an operator gives for its operands' types (`None`: it does not apply).
fn binary_type(op: BinaryOp, l: Ty, r: Ty) -> Option<Ty> {
    use BinaryOp::*;
    use Ty::*;
    match op {
        Or | And => (l == Checkbox && r == Checkbox).then_some(Checkbox),
        Eq | Ne => (l == r || (l.is_amount() && r.is_amount())).then_some(Checkbox),
        Lt | Le | Gt | Ge => {
            ((l == r && l != Checkbox) || (l.is_amount() && r.is_amount())).then_some(Checkbox)
        }
        Concat => Some(Text),
        Add => match (l, r) {
            (Number, Number) => Some(Number),
            (Money, Money) | (Money, Number) | (Number, Money) => Some(Money),
            (Date, Number) | (Number, Date) => Some(Date),
            (DateTime, Number) | (Number, DateTime) => Some(DateTime),
            (Text, Text) => Some(Text),
            _ => None,
        },
        Sub => match (l, r) {
            (Number, Number) | (Date, Date) | (DateTime, DateTime) => Some(Number),
            (Money, Money) | (Money, Number) => Some(Money),
            (Date, Number) => Some(Date),
            (DateTime, Number) => Some(DateTime),
            _ => None,
        },
        Mul => match (l, r) {
            (Number, Number) => Some(Number),
            (Money, Number) | (Number, Money) => Some(Money),
            _ => None,
        },
        Div => match (l, r) {
            (Number, Number) | (Money, Money) => Some(Number),
            (Money, Number) => Some(Money),
            _ => None,
        },
        Rem => (l == Number && r == Number).then_some(Number),
    }
}

/// Checks `node` in `module` against `result`; the fields it reads.
pub fn check(
    node: &mut Node,
    module: &ModuleDef,
    schema: &Schema,
    result: ResultType,
) -> Result<Vec<FieldPath>, FormulaError> {
    let mut checker = Checker {
        schema,
        module,
        reads: Vec::new(),
    };
    let found = checker.check(node)?;
    let expected = Ty::of_result(result);
    if found != expected {
        return fail(
            0,
            Problem::ResultMismatch {
                expected: result,
                found: found.name(),
            },
        );
    }
    Ok(checker.reads)
}
