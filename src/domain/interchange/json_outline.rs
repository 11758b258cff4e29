//! Finds where things are in a large JSON document a slice at a time, so a 50 MB
//! backup can be read without freezing the page: the members of the top-level object,
//! and each element of the arrays named in advance. Only the structure between
//! them is checked here; each piece is parsed (and fully checked) by serde_json later.

use std::ops::Range;

/// A problem in the document's structure, at a byte offset.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlineError {
    pub offset: usize,
    pub message: &'static str,
}

fn fail<T>(offset: usize, message: &'static str) -> Result<T, OutlineError> {
    Err(OutlineError { offset, message })
}

/// What a top-level member's value turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Member {
    /// The value's bytes, for a member that was not asked to be split.
    Value(Range<usize>),
    /// The elements' bytes, for an array member that was.
    Elements(Vec<Range<usize>>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Start,
    FirstKey,
    Key,
    Elements,
    AfterElement,
    AfterMember,
    Trailing,
    Done,
}

/// A resumable scan of one document held by the caller.
#[derive(Debug)]
pub struct Outline {
    split: &'static [&'static str],
    pos: usize,
    phase: Phase,
    /// The members in document order; a repeated key keeps its last value.
    pub members: Vec<(String, Member)>,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && is_space(bytes[at]) {
        at += 1;
    }
    at
}

/// The end (exclusive) of the string starting with the quote at `at`.
fn string_end(bytes: &[u8], at: usize) -> Result<usize, OutlineError> {
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Ok(i + 1),
            _ => i += 1,
        }
    }
    fail(bytes.len(), "EOF while parsing a string")
}

/// The end (exclusive) of the value starting at `at`: its inside is not checked.
fn value_end(bytes: &[u8], at: usize) -> Result<usize, OutlineError> {
    match bytes.get(at) {
        None => fail(at, "EOF while parsing a value"),
        Some(b'"') => string_end(bytes, at),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut i = at;
            while i < bytes.len() {
                match bytes[i] {
                    b'"' => {
                        i = string_end(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            fail(bytes.len(), "EOF while parsing an object or array")
        }
        Some(b',' | b'}' | b']' | b':') => fail(at, "expected value"),
        Some(_) => {
            let mut i = at;
            while i < bytes.len() && !is_space(bytes[i]) && !matches!(bytes[i], b',' | b'}' | b']')
            {
                i += 1;
            }
            Ok(i)
        }
    }
}

impl Outline {
    /// `split`: the top-level array members whose elements are wanted one by one.
    pub fn new(split: &'static [&'static str]) -> Self {
        Outline {
            split,
            pos: 0,
            phase: Phase::Start,
            members: Vec::new(),
        }
    }

    pub fn done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// How far the scan is, in bytes.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Scans on for about `budget` bytes (whole elements at a time). Returns whether
    /// the document is finished. `bytes` must be the same document on every call.
    /// A document that is not an object fails at offset 0 with "not an object".
    pub fn advance(&mut self, bytes: &[u8], budget: usize) -> Result<bool, OutlineError> {
        let stop = self.pos.saturating_add(budget);
        while self.phase != Phase::Done && self.pos <= stop {
            let at = skip_space(bytes, self.pos);
            let next = bytes.get(at).copied();
            match self.phase {
                Phase::Start => match next {
                    Some(b'{') => (self.pos, self.phase) = (at + 1, Phase::FirstKey),
                    Some(_) => return fail(0, "not an object"),
                    None => return fail(at, "EOF while parsing a value"),
                },
                Phase::FirstKey if next == Some(b'}') => {
                    (self.pos, self.phase) = (at + 1, Phase::Trailing)
                }
                Phase::FirstKey | Phase::Key => {
                    if next != Some(b'"') {
                        return fail(at, "expected a member name in quotes");
                    }
                    let end = string_end(bytes, at)?;
                    let key: String =
                        serde_json::from_slice(&bytes[at..end]).map_err(|_| OutlineError {
                            offset: at,
                            message: "invalid member name",
                        })?;
                    let colon = skip_space(bytes, end);
                    if bytes.get(colon) != Some(&b':') {
                        return fail(colon, "expected `:`");
                    }
                    let value = skip_space(bytes, colon + 1);
                    self.members.retain(|(k, _)| *k != key);
                    if self.split.contains(&key.as_str()) && bytes.get(value) == Some(&b'[') {
                        self.members.push((key, Member::Elements(Vec::new())));
                        let first = skip_space(bytes, value + 1);
                        if bytes.get(first) == Some(&b']') {
                            (self.pos, self.phase) = (first + 1, Phase::AfterMember);
                        } else {
                            (self.pos, self.phase) = (value + 1, Phase::Elements);
                        }
                    } else {
                        let end = value_end(bytes, value)?;
                        self.members.push((key, Member::Value(value..end)));
                        (self.pos, self.phase) = (end, Phase::AfterMember);
                    }
                }
                Phase::Elements => {
                    let end = value_end(bytes, at)?;
                    if let Some((_, Member::Elements(list))) = self.members.last_mut() {
                        list.push(at..end);
                    }
                    (self.pos, self.phase) = (end, Phase::AfterElement);
                }
                Phase::AfterElement => match next {
                    Some(b',') => (self.pos, self.phase) = (at + 1, Phase::Elements),
                    Some(b']') => (self.pos, self.phase) = (at + 1, Phase::AfterMember),
                    Some(_) => return fail(at, "expected `,` or `]`"),
                    None => return fail(at, "EOF while parsing a list"),
                },
                Phase::AfterMember => match next {
                    Some(b',') => (self.pos, self.phase) = (at + 1, Phase::Key),
                    Some(b'}') => (self.pos, self.phase) = (at + 1, Phase::Trailing),
                    Some(_) => return fail(at, "expected `,` or `}`"),
                    None => return fail(at, "EOF while parsing an object"),
                },
                Phase::Trailing => match next {
                    None => (self.pos, self.phase) = (at, Phase::Done),
                    Some(_) => return fail(at, "trailing characters"),
                },
                Phase::Done => {}
            }
        }
        Ok(self.done())
    }

    pub fn member(&self, key: &str) -> Option<&Member> {
        self.members.iter().find(|(k, _)| k == key).map(|(_, m)| m)
    }

    /// Takes a member out of the outline (its element list is not copied).
    pub fn take_member(&mut self, key: &str) -> Option<Member> {
        let at = self.members.iter().position(|(k, _)| k == key)?;
        Some(self.members.swap_remove(at).1)
    }
}

/// One-based line and column of a byte offset, as serde_json counts them.
pub fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (line, offset - start + 1)
}

/// Where serde_json's error inside `piece` (a part of `bytes` starting at `start`)
/// is in the whole document.
pub fn place_in_document(bytes: &[u8], start: usize, line: usize, column: usize) -> (usize, usize) {
    let (base_line, base_column) = line_column(bytes, start);
    if line <= 1 {
        (base_line, base_column + column.saturating_sub(1))
    } else {
        (base_line + line - 1, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPLIT: &[&str] = &["records"];

    fn outline(text: &str, budget: usize) -> Result<Outline, OutlineError> {
        let mut o = Outline::new(SPLIT);
        while !o.advance(text.as_bytes(), budget)? {}
        Ok(o)
    }

    fn pieces<'a>(text: &'a str, o: &Outline, key: &str) -> Vec<&'a str> {
        match o.member(key) {
            Some(Member::Elements(list)) => list.iter().map(|r| &text[r.clone()]).collect(),
            Some(Member::Value(r)) => vec![&text[r.clone()]],
            None => vec![],
        }
    }

    #[test]
    fn members_and_elements_are_found_whatever_the_slice_size() {
        let text = r#" { "format" : "x", "records": [ {"a":"}]\"{"}, [1,[2]] ,3, "s,]" ],
            "version": 2, "empty": [], "records2": {"k": [1]} } "#;
        for budget in [0, 1, 7, 1 << 20] {
            let o = outline(text, budget).unwrap();
            assert_eq!(pieces(text, &o, "format"), vec!["\"x\""]);
            assert_eq!(
                pieces(text, &o, "records"),
                vec![r#"{"a":"}]\"{"}"#, "[1,[2]]", "3", r#""s,]""#]
            );
            assert_eq!(pieces(text, &o, "version"), vec!["2"]);
            assert_eq!(pieces(text, &o, "empty"), vec!["[]"]);
            assert_eq!(pieces(text, &o, "records2"), vec![r#"{"k": [1]}"#]);
        }
        let o = outline(r#"{"records":[]}"#, 3).unwrap();
        assert_eq!(o.member("records"), Some(&Member::Elements(vec![])));
    }

    #[test]
    fn structure_errors_are_located() {
        let text = "{\n  \"a\": 1,,\n}";
        let e = outline(text, 100).unwrap_err();
        assert_eq!(line_column(text.as_bytes(), e.offset), (2, 10));
        assert_eq!(outline("[1]", 100).unwrap_err().message, "not an object");
        assert!(outline("{\"records\": [1 2]}", 100).is_err());
        assert!(outline("{\"a\": 1} x", 100).is_err());
        assert!(outline("{\"a\": \"open", 100).is_err());
        assert!(outline("{\"a\" 1}", 100).is_err());
        assert!(outline("{\"records\": [1,", 100).is_err());
        assert!(outline("", 100).is_err());
    }

    #[test]
    fn an_error_inside_a_piece_is_placed_in_the_document() {
        let text = "{\n \"r\": [\n   {\"x\": }\n ]}";
        let start = text.find("{\"x\"").unwrap();
        let e = serde_json::from_str::<serde_json::Value>(&text[start..start + 8]).unwrap_err();
        assert_eq!(
            place_in_document(text.as_bytes(), start, e.line(), e.column()),
            (3, 4 + e.column() - 1)
        );
        assert_eq!(place_in_document(text.as_bytes(), start, 2, 5), (4, 5));
    }
}
