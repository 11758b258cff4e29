//! Works a checked formula out over one record. Blank (`None`) flows through
//! operators and functions; conditions read blank as false; `&` and `CONCAT` read
//! it as empty text; anything that cannot be computed (a division by zero, amounts
//! in different currencies, a date out of range) is blank too, never an error.

use std::cmp::Ordering;

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::domain::records::field::{MAX_AMOUNT, MAX_NUMBER, SINGLE_LINE_MAX, YEARS};
use crate::domain::records::field_values::FieldValues;
use crate::domain::records::formula::functions::Function;
use crate::domain::records::formula::node::{BinaryOp, Expr, Node, Reading, UnaryOp};
use crate::domain::records::formula::{EvalTime, Linked, ResultType};
use crate::domain::records::normalize::fold;
use crate::domain::records::value::{format_number, Money, Value};

/// A value while a formula is worked out.
#[derive(Clone, Debug, PartialEq)]
enum V {
    Num(f64),
    Money(Decimal, String),
    Text(String),
    Date(NaiveDate),
    Time(DateTime<Utc>),
    Bool(bool),
}

pub struct Eval<'a> {
    pub values: &'a FieldValues,
    pub linked: &'a dyn Linked,
    pub time: &'a EvalTime,
}

fn truthy(v: &Option<V>) -> bool {
    matches!(v, Some(V::Bool(true)))
}

fn num(n: f64) -> Option<V> {
    n.is_finite().then_some(V::Num(n))
}

fn decimal(n: f64) -> Option<Decimal> {
    Decimal::try_from(n).ok()
}

fn money(amount: Option<Decimal>, currency: &str) -> Option<V> {
    Some(V::Money(amount?.round_dp(6), currency.to_string()))
}

fn as_text(v: &V) -> String {
    match v {
        V::Num(n) => format_number(*n),
        V::Money(a, c) => format!("{} {c}", a.normalize()),
        V::Text(s) => s.clone(),
        V::Date(d) => d.format("%Y-%m-%d").to_string(),
        V::Time(t) => t.format("%Y-%m-%d %H:%M").to_string(),
        V::Bool(b) => if *b { "true" } else { "false" }.to_string(),
    }
}

fn text_or_empty(v: &Option<V>) -> String {
    v.as_ref().map(as_text).unwrap_or_default()
}

fn stored(v: &Value) -> Option<V> {
    Some(match v {
        Value::Text(s) | Value::Ref(s) if s.trim().is_empty() => return None,
        Value::Text(s) | Value::Ref(s) => V::Text(s.clone()),
        Value::Number(n) => V::Num(*n),
        Value::Money(m) => V::Money(m.amount, m.currency.clone()),
        Value::Bool(b) => V::Bool(*b),
        Value::Date(d) => V::Date(*d),
        Value::DateTime(t) => V::Time(*t),
        Value::List(items) if items.is_empty() => return None,
        Value::List(items) => V::Text(items.join(", ")),
    })
}

fn days(n: f64) -> Option<Duration> {
    // Beyond ten thousand years every date is out of range anyway.
    (n.abs() < 4_000_000.0).then(|| Duration::milliseconds((n * 86_400_000.0).round() as i64))
}

fn add_months(d: NaiveDate, n: f64) -> Option<NaiveDate> {
    let n = n.trunc();
    if n.abs() > 120_000.0 {
        return None;
    }
    let m = Months::new(n.abs() as u32);
    if n >= 0.0 {
        d.checked_add_months(m)
    } else {
        d.checked_sub_months(m)
    }
}

fn equal(a: &V, b: &V) -> bool {
    match (a, b) {
        (V::Money(x, c), V::Money(y, d)) => c == d && x == y,
        (V::Money(x, _), V::Num(n)) | (V::Num(n), V::Money(x, _)) => decimal(*n) == Some(*x),
        _ => a == b,
    }
}

fn order(a: &V, b: &V) -> Option<Ordering> {
    match (a, b) {
        (V::Num(x), V::Num(y)) => x.partial_cmp(y),
        (V::Money(x, c), V::Money(y, d)) => (c == d).then(|| x.cmp(y)),
        (V::Money(x, _), V::Num(n)) => Some(x.cmp(&decimal(*n)?)),
        (V::Num(n), V::Money(y, _)) => Some(decimal(*n)?.cmp(y)),
        (V::Text(x), V::Text(y)) => Some(fold(x).cmp(&fold(y))),
        (V::Date(x), V::Date(y)) => Some(x.cmp(y)),
        (V::Time(x), V::Time(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn arithmetic(op: BinaryOp, l: V, r: V) -> Option<V> {
    use BinaryOp::*;
    match (op, l, r) {
        (Add, V::Num(a), V::Num(b)) => num(a + b),
        (Sub, V::Num(a), V::Num(b)) => num(a - b),
        (Mul, V::Num(a), V::Num(b)) => num(a * b),
        (Div, V::Num(a), V::Num(b)) => num(a / b),
        (Rem, V::Num(a), V::Num(b)) => num(a % b),
        (Add, V::Money(a, c), V::Money(b, d)) if c == d => money(a.checked_add(b), &c),
        (Sub, V::Money(a, c), V::Money(b, d)) if c == d => money(a.checked_sub(b), &c),
        (Div, V::Money(a, c), V::Money(b, d)) if c == d => {
            a.checked_div(b).and_then(|q| q.to_f64()).and_then(num)
        }
        (Add, V::Money(a, c), V::Num(n)) | (Add, V::Num(n), V::Money(a, c)) => {
            money(a.checked_add(decimal(n)?), &c)
        }
        (Sub, V::Money(a, c), V::Num(n)) => money(a.checked_sub(decimal(n)?), &c),
        (Mul, V::Money(a, c), V::Num(n)) | (Mul, V::Num(n), V::Money(a, c)) => {
            money(a.checked_mul(decimal(n)?), &c)
        }
        (Div, V::Money(a, c), V::Num(n)) => money(a.checked_div(decimal(n)?), &c),
        (Add, V::Date(d), V::Num(n)) | (Add, V::Num(n), V::Date(d)) => d
            .checked_add_signed(Duration::days(days(n)?.num_days()))
            .map(V::Date),
        (Sub, V::Date(d), V::Num(n)) => d
            .checked_sub_signed(Duration::days(days(n)?.num_days()))
            .map(V::Date),
        (Sub, V::Date(a), V::Date(b)) => num((a - b).num_days() as f64),
        (Add, V::Time(t), V::Num(n)) | (Add, V::Num(n), V::Time(t)) => {
            t.checked_add_signed(days(n)?).map(V::Time)
        }
        (Sub, V::Time(t), V::Num(n)) => t.checked_sub_signed(days(n)?).map(V::Time),
        (Sub, V::Time(a), V::Time(b)) => num((a - b).num_milliseconds() as f64 / 86_400_000.0),
        (Add, V::Text(a), V::Text(b)) => Some(V::Text(a + &b)),
        _ => None,
    }
}

fn date_of(v: &V) -> Option<NaiveDate> {
    match v {
        V::Date(d) => Some(*d),
        V::Time(t) => Some(t.date_naive()),
        _ => None,
    }
}

impl Eval<'_> {
    fn field(
        &self,
        via: &Option<String>,
        field: &str,
        target: &Option<String>,
        reading: Reading,
    ) -> Option<V> {
        let values = match via {
            None => self.values,
            Some(lookup) => {
                let Some(Value::Ref(id)) = self.values.get(lookup) else {
                    return None;
                };
                self.linked.linked(target.as_deref()?, id)?
            }
        };
        match (values.get(field), reading) {
            (None, Reading::Checkbox) => Some(V::Bool(false)),
            (v, _) => stored(v?),
        }
    }

    fn eval(&self, node: &Node) -> Option<V> {
        match &node.expr {
            Expr::Number(n) => num(*n),
            Expr::Text(s) if s.is_empty() => None,
            Expr::Text(s) => Some(V::Text(s.clone())),
            Expr::Bool(b) => Some(V::Bool(*b)),
            Expr::Field {
                via,
                field,
                target,
                reading,
            } => self.field(via, field, target, *reading),
            Expr::Unary(UnaryOp::Not, inner) => Some(V::Bool(!truthy(&self.eval(inner)))),
            Expr::Unary(UnaryOp::Neg, inner) => match self.eval(inner)? {
                V::Num(n) => num(-n),
                V::Money(a, c) => Some(V::Money(-a, c)),
                _ => None,
            },
            Expr::Binary(BinaryOp::Or, l, r) => {
                Some(V::Bool(truthy(&self.eval(l)) || truthy(&self.eval(r))))
            }
            Expr::Binary(BinaryOp::And, l, r) => {
                Some(V::Bool(truthy(&self.eval(l)) && truthy(&self.eval(r))))
            }
            Expr::Binary(BinaryOp::Concat, l, r) => {
                let text = text_or_empty(&self.eval(l)) + &text_or_empty(&self.eval(r));
                (!text.is_empty()).then_some(V::Text(text))
            }
            Expr::Binary(op, l, r) => {
                let (l, r) = (self.eval(l)?, self.eval(r)?);
                let o = || order(&l, &r);
                Some(V::Bool(match op {
                    BinaryOp::Eq => equal(&l, &r),
                    BinaryOp::Ne => !equal(&l, &r),
                    BinaryOp::Lt => o()? == Ordering::Less,
                    BinaryOp::Le => o()? != Ordering::Greater,
                    BinaryOp::Gt => o()? == Ordering::Greater,
                    BinaryOp::Ge => o()? != Ordering::Less,
                    _ => return arithmetic(*op, l, r),
                }))
            }
            Expr::Call(f, args) => self.call(*f, args),
        }
    }

    fn text_arg(&self, node: &Node) -> String {
        text_or_empty(&self.eval(node))
    }

    fn call(&self, f: Function, args: &[Node]) -> Option<V> {
        use Function::*;
        let arg = |i: usize| self.eval(&args[i]);
        let count = |i: usize| -> Option<usize> {
            match arg(i)? {
                V::Num(n) if n.is_finite() => Some(n.clamp(0.0, 1e6) as usize),
                _ => None,
            }
        };
        let text = |s: String| (!s.is_empty()).then_some(V::Text(s));
        match f {
            If => {
                if truthy(&arg(0)) {
                    arg(1)
                } else if args.len() == 3 {
                    arg(2)
                } else {
                    None
                }
            }
            Case => {
                let subject = arg(0);
                let pairs = (args.len() - 1) / 2;
                if let Some(s) = &subject {
                    for p in 0..pairs {
                        if self.eval(&args[1 + 2 * p]).is_some_and(|v| equal(s, &v)) {
                            return self.eval(&args[2 + 2 * p]);
                        }
                    }
                }
                if (args.len() - 1) % 2 == 1 {
                    self.eval(&args[args.len() - 1])
                } else {
                    None
                }
            }
            And => Some(V::Bool(args.iter().all(|a| truthy(&self.eval(a))))),
            Or => Some(V::Bool(args.iter().any(|a| truthy(&self.eval(a))))),
            Not => Some(V::Bool(!truthy(&arg(0)))),
            Concat => text(args.iter().map(|a| self.text_arg(a)).collect()),
            Text => arg(0).map(|v| V::Text(as_text(&v))),
            Left => text(self.text_arg(&args[0]).chars().take(count(1)?).collect()),
            Right => {
                let s: Vec<char> = self.text_arg(&args[0]).chars().collect();
                let n = count(1)?.min(s.len());
                text(s[s.len() - n..].iter().collect())
            }
            Upper => text(self.text_arg(&args[0]).to_uppercase()),
            Lower => text(self.text_arg(&args[0]).to_lowercase()),
            Trim => text(self.text_arg(&args[0]).trim().to_string()),
            Len => num(self.text_arg(&args[0]).chars().count() as f64),
            Contains => {
                let needle = fold(&self.text_arg(&args[1]));
                Some(V::Bool(fold(&self.text_arg(&args[0])).contains(&needle)))
            }
            Today => Some(V::Date(self.time.today)),
            Now => Some(V::Time(self.time.now)),
            AddDays => match (arg(0)?, arg(1)?) {
                (V::Date(d), V::Num(n)) => arithmetic(BinaryOp::Add, V::Date(d), V::Num(n)),
                (V::Time(t), V::Num(n)) => arithmetic(BinaryOp::Add, V::Time(t), V::Num(n)),
                _ => None,
            },
            AddMonths => match (arg(0)?, arg(1)?) {
                (V::Date(d), V::Num(n)) => add_months(d, n).map(V::Date),
                (V::Time(t), V::Num(n)) => {
                    let day = add_months(t.date_naive(), n)?;
                    Some(V::Time(day.and_time(t.time()).and_utc()))
                }
                _ => None,
            },
            DaysBetween => {
                let (a, b) = (date_of(&arg(0)?)?, date_of(&arg(1)?)?);
                num((b - a).num_days() as f64)
            }
            Year => num(date_of(&arg(0)?)?.year() as f64),
            Month => num(date_of(&arg(0)?)?.month() as f64),
            Day => num(date_of(&arg(0)?)?.day() as f64),
            IsBlank => Some(V::Bool(arg(0).is_none())),
            IsPickVal => {
                let Expr::Text(option) = &args[1].expr else {
                    return None;
                };
                Some(V::Bool(matches!(arg(0), Some(V::Text(v)) if &v == option)))
            }
            Round => {
                let places = if args.len() == 2 {
                    match arg(1)? {
                        V::Num(n) => n.clamp(0.0, 10.0) as u32,
                        _ => return None,
                    }
                } else {
                    0
                };
                match arg(0)? {
                    V::Num(n) => {
                        let scale = 10f64.powi(places as i32);
                        num((n * scale).round() / scale)
                    }
                    V::Money(a, c) => Some(V::Money(
                        a.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero),
                        c,
                    )),
                    _ => None,
                }
            }
            Abs => match arg(0)? {
                V::Num(n) => num(n.abs()),
                V::Money(a, c) => Some(V::Money(a.abs(), c)),
                _ => None,
            },
            Min | Max => {
                let want = if f == Min {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
                let mut best: Option<V> = None;
                for a in args {
                    let Some(v) = self.eval(a) else { continue };
                    best = Some(match best {
                        None => v,
                        Some(b) => match order(&v, &b)? {
                            o if o == want => v,
                            _ => b,
                        },
                    });
                }
                best
            }
            BlankValue => arg(0).or_else(|| arg(1)),
        }
    }
}

/// The stored value of a formula of type `result`, kept within the limits every
/// stored value obeys (a checkbox that cannot be worked out is unchecked).
pub fn evaluate(node: &Node, result: ResultType, ev: &Eval) -> Option<Value> {
    let out = match ev.eval(node) {
        Some(V::Num(n)) if n.abs() <= MAX_NUMBER => Value::Number(n),
        Some(V::Money(a, c)) if a.abs() <= Decimal::from(MAX_AMOUNT) => {
            Value::Money(Box::new(Money {
                amount: a.round_dp(6).normalize(),
                currency: c,
            }))
        }
        Some(V::Text(s)) => Value::Text(s.chars().take(SINGLE_LINE_MAX).collect()),
        Some(V::Date(d)) if YEARS.contains(&d.year()) => Value::Date(d),
        Some(V::Time(t)) if YEARS.contains(&t.year()) => Value::DateTime(t),
        Some(V::Bool(b)) => Value::Bool(b),
        _ if result == ResultType::Checkbox => Value::Bool(false),
        _ => return None,
    };
    result.holds(&out).then_some(out)
}
