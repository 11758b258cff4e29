//! Reads a formula's text into nodes: a lexer over characters, then precedence
//! climbing. Lowest first: `or`, `and`, `not`, comparisons, `&`, `+ -`, `* / %`,
//! unary minus. Names are not resolved here (the check does that).

use crate::domain::records::formula::error::{FormulaError, Problem};
use crate::domain::records::formula::functions::Function;
use crate::domain::records::formula::node::{BinaryOp, Expr, Node, Reading, UnaryOp};

/// The longest formula (characters): long enough for any real rule, short enough
/// that checking it while typing stays instant.
pub const MAX_LEN: usize = 2_000;
/// How deep parentheses, calls and operators may nest: the parser and evaluator
/// recurse, and a crafted formula must not exhaust the stack.
pub const MAX_DEPTH: usize = 64;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Number(f64),
    Text(String),
    Name(String),
    Sym(&'static str),
    End,
}

struct Token {
    at: usize,
    tok: Tok,
}

fn err<T>(at: usize, problem: Problem) -> Result<T, FormulaError> {
    Err(FormulaError::new(at, problem))
}

const SYMBOLS: &[&str] = &[
    "==", "!=", "<>", "<=", ">=", "&&", "||", "(", ")", ",", ".", "=", "<", ">", "&", "+", "-",
    "*", "/", "%", "!",
];

fn lex(src: &[char]) -> Result<Vec<Token>, FormulaError> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < src.len() {
        let c = src[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < src.len() && src[i].is_ascii_digit() {
                i += 1;
            }
            if i + 1 < src.len() && src[i] == '.' && src[i + 1].is_ascii_digit() {
                i += 1;
                while i < src.len() && src[i].is_ascii_digit() {
                    i += 1;
                }
            }
            if i < src.len() && (src[i].is_alphanumeric() || src[i] == '_') {
                return err(start, Problem::BadNumber);
            }
            let text: String = src[start..i].iter().collect();
            let n: f64 = text
                .parse()
                .map_err(|_| FormulaError::new(start, Problem::BadNumber))?;
            out.push(Token {
                at: start,
                tok: Tok::Number(n),
            });
        } else if c == '"' || c == '\'' {
            let start = i;
            i += 1;
            let mut text = String::new();
            loop {
                let Some(&d) = src.get(i) else {
                    return err(start, Problem::UnclosedText);
                };
                i += 1;
                if d == c {
                    break;
                }
                if d == '\\' {
                    let Some(&e) = src.get(i) else {
                        return err(start, Problem::UnclosedText);
                    };
                    text.push(match e {
                        '\\' => '\\',
                        '"' => '"',
                        '\'' => '\'',
                        'n' => '\n',
                        't' => '\t',
                        other => return err(i - 1, Problem::UnknownEscape(other)),
                    });
                    i += 1;
                } else {
                    text.push(d);
                }
            }
            out.push(Token {
                at: start,
                tok: Tok::Text(text),
            });
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < src.len() && (src[i].is_alphanumeric() || src[i] == '_') {
                i += 1;
            }
            out.push(Token {
                at: start,
                tok: Tok::Name(src[start..i].iter().collect()),
            });
        } else {
            let sym = SYMBOLS.iter().find(|s| {
                s.chars()
                    .enumerate()
                    .all(|(k, sc)| src.get(i + k) == Some(&sc))
            });
            let Some(sym) = sym else {
                return err(i, Problem::UnexpectedCharacter(c));
            };
            out.push(Token {
                at: i,
                tok: Tok::Sym(sym),
            });
            i += sym.chars().count();
        }
    }
    out.push(Token {
        at: src.len(),
        tok: Tok::End,
    });
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

fn keyword(tok: &Tok, word: &str) -> bool {
    matches!(tok, Tok::Name(n) if n.eq_ignore_ascii_case(word))
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.pos]
    }

    fn next(&mut self) -> &Token {
        let t = &self.tokens[self.pos];
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        t
    }

    fn is_sym(&self, s: &str) -> bool {
        matches!(&self.peek().tok, Tok::Sym(x) if *x == s)
    }

    fn deeper(&mut self) -> Result<(), FormulaError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err(self.peek().at, Problem::TooDeep { max: MAX_DEPTH });
        }
        Ok(())
    }

    /// One level of left-associative binary operators.
    fn binary(
        &mut self,
        ops: &dyn Fn(&Tok) -> Option<BinaryOp>,
        operand: fn(&mut Parser) -> Result<Node, FormulaError>,
    ) -> Result<Node, FormulaError> {
        let mut left = operand(self)?;
        // A chain nests to the left, so each link deepens the tree.
        let depth = self.depth;
        while let Some(op) = ops(&self.peek().tok) {
            self.next();
            self.deeper()?;
            let right = operand(self)?;
            left = Node {
                at: left.at,
                expr: Expr::Binary(op, Box::new(left), Box::new(right)),
            };
        }
        self.depth = depth;
        Ok(left)
    }

    fn expression(&mut self) -> Result<Node, FormulaError> {
        self.deeper()?;
        let node = self.binary(
            &|t| (keyword(t, "or") || *t == Tok::Sym("||")).then_some(BinaryOp::Or),
            Parser::conjunction,
        )?;
        self.depth -= 1;
        Ok(node)
    }

    fn conjunction(&mut self) -> Result<Node, FormulaError> {
        self.binary(
            &|t| (keyword(t, "and") || *t == Tok::Sym("&&")).then_some(BinaryOp::And),
            Parser::negation,
        )
    }

    fn negation(&mut self) -> Result<Node, FormulaError> {
        let t = self.peek();
        let at = t.at;
        let prefix = t.tok == Tok::Sym("!")
            || (keyword(&t.tok, "not")
                && !matches!(
                    self.tokens.get(self.pos + 1).map(|t| &t.tok),
                    Some(Tok::Sym("("))
                ));
        if !prefix {
            return self.comparison();
        }
        self.next();
        self.deeper()?;
        let inner = self.negation()?;
        self.depth -= 1;
        Ok(Node {
            at,
            expr: Expr::Unary(UnaryOp::Not, Box::new(inner)),
        })
    }

    fn comparison(&mut self) -> Result<Node, FormulaError> {
        self.binary(
            &|t| match t {
                Tok::Sym("=") | Tok::Sym("==") => Some(BinaryOp::Eq),
                Tok::Sym("!=") | Tok::Sym("<>") => Some(BinaryOp::Ne),
                Tok::Sym("<") => Some(BinaryOp::Lt),
                Tok::Sym("<=") => Some(BinaryOp::Le),
                Tok::Sym(">") => Some(BinaryOp::Gt),
                Tok::Sym(">=") => Some(BinaryOp::Ge),
                _ => None,
            },
            Parser::concatenation,
        )
    }

    fn concatenation(&mut self) -> Result<Node, FormulaError> {
        self.binary(
            &|t| (*t == Tok::Sym("&")).then_some(BinaryOp::Concat),
            Parser::sum,
        )
    }

    fn sum(&mut self) -> Result<Node, FormulaError> {
        self.binary(
            &|t| match t {
                Tok::Sym("+") => Some(BinaryOp::Add),
                Tok::Sym("-") => Some(BinaryOp::Sub),
                _ => None,
            },
            Parser::product,
        )
    }

    fn product(&mut self) -> Result<Node, FormulaError> {
        self.binary(
            &|t| match t {
                Tok::Sym("*") => Some(BinaryOp::Mul),
                Tok::Sym("/") => Some(BinaryOp::Div),
                Tok::Sym("%") => Some(BinaryOp::Rem),
                _ => None,
            },
            Parser::unary,
        )
    }

    fn unary(&mut self) -> Result<Node, FormulaError> {
        let at = self.peek().at;
        if self.is_sym("-") || self.is_sym("+") {
            let negate = self.is_sym("-");
            self.next();
            self.deeper()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(if negate {
                Node {
                    at,
                    expr: Expr::Unary(UnaryOp::Neg, Box::new(inner)),
                }
            } else {
                inner
            });
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Node, FormulaError> {
        let Token { at, tok } = self.next();
        let (at, tok) = (*at, tok.clone());
        let expr = match tok {
            Tok::Number(n) => Expr::Number(n),
            Tok::Text(s) => Expr::Text(s),
            Tok::Sym("(") => {
                let inner = self.expression()?;
                self.expect(")")?;
                return Ok(Node {
                    at,
                    expr: inner.expr,
                });
            }
            Tok::Name(name) if self.is_sym("(") => {
                let function = Function::named(&name)
                    .ok_or_else(|| FormulaError::new(at, Problem::UnknownFunction(name)))?;
                self.next();
                let mut args = Vec::new();
                if !self.is_sym(")") {
                    loop {
                        args.push(self.expression()?);
                        if self.is_sym(",") {
                            self.next();
                        } else {
                            break;
                        }
                    }
                }
                self.expect(")")?;
                let (lo, hi) = function.arity();
                if args.len() < lo || hi.is_some_and(|hi| args.len() > hi) {
                    return err(
                        at,
                        Problem::ArgumentCount {
                            function: function.name(),
                            expected: function.arity_text(),
                            found: args.len(),
                        },
                    );
                }
                Expr::Call(function, args)
            }
            Tok::Name(name) if name.eq_ignore_ascii_case("true") => Expr::Bool(true),
            Tok::Name(name) if name.eq_ignore_ascii_case("false") => Expr::Bool(false),
            Tok::Name(name) => {
                if self.is_sym(".") {
                    self.next();
                    let field = match &self.next().tok {
                        Tok::Name(f) => f.clone(),
                        _ => {
                            return err(
                                self.tokens[self.pos.saturating_sub(1)].at,
                                Problem::Expected("field"),
                            )
                        }
                    };
                    if self.is_sym(".") {
                        return err(self.peek().at, Problem::NestedPath);
                    }
                    Expr::Field {
                        via: Some(name),
                        field,
                        target: None,
                        reading: Reading::Plain,
                    }
                } else {
                    Expr::Field {
                        via: None,
                        field: name,
                        target: None,
                        reading: Reading::Plain,
                    }
                }
            }
            Tok::End => return err(at, Problem::UnexpectedEnd),
            Tok::Sym(_) => return err(at, Problem::Expected("value")),
        };
        Ok(Node { at, expr })
    }

    fn expect(&mut self, sym: &'static str) -> Result<(), FormulaError> {
        if self.is_sym(sym) {
            self.next();
            return Ok(());
        }
        let t = self.peek();
        if t.tok == Tok::End {
            return err(t.at, Problem::UnexpectedEnd);
        }
        err(t.at, Problem::Expected(sym))
    }
}

/// The formula's nodes, or the first problem in its text.
pub fn parse(src: &str) -> Result<Node, FormulaError> {
    let chars: Vec<char> = src.chars().collect();
    if chars.len() > MAX_LEN {
        return err(MAX_LEN, Problem::TooLong { max: MAX_LEN });
    }
    if src.trim().is_empty() {
        return err(0, Problem::Empty);
    }
    let mut p = Parser {
        tokens: lex(&chars)?,
        pos: 0,
        depth: 0,
    };
    let node = p.expression()?;
    let t = p.peek();
    if t.tok != Tok::End {
        return err(t.at, Problem::Expected("operator"));
    }
    Ok(node)
}
