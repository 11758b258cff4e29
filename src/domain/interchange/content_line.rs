//! What vCard (RFC 6350) and iCalendar (RFC 5545) share in their text: escaping of
//! TEXT values and folding of content lines at 75 octets.

/// Escapes a TEXT value: backslash, comma, semicolon and line breaks (CRLF, CR or LF
/// as `\n`); other control characters are not allowed in TEXT and are left out.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Reads a TEXT value's escapes back (`\n` or `\N` a line break, `\x` the character).
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits a value at each `sep` not escaped, and unescapes each part.
pub fn split_unescaped(value: &str, sep: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            parts.push(unescape(&value[start..i]));
            start = i + c.len_utf8();
        }
    }
    parts.push(unescape(&value[start..]));
    parts
}

/// Appends one content line, folded at 75 octets and never inside a character.
pub fn push_folded(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_then_unescaping_gives_the_text_back() {
        for s in [
            "plain",
            "a, b; c\\d",
            "two\nlines",
            "tab\tkept",
            "ایران، تهران",
            "",
        ] {
            assert_eq!(unescape(&escape(s)), s);
        }
        assert_eq!(escape("a\r\nb\rc\u{7}"), "a\\nb\\nc");
    }

    #[test]
    fn splitting_keeps_escaped_separators_inside_a_part() {
        assert_eq!(
            split_unescaped("Doe;John\\;Jr;;", ';'),
            ["Doe", "John;Jr", "", ""]
        );
        assert_eq!(split_unescaped("a\\,b,c\\", ','), ["a,b", "c\\"]);
        assert_eq!(split_unescaped("", ','), [""]);
    }

    #[test]
    fn folded_lines_are_at_most_75_octets_and_unfold_to_the_line() {
        let line = format!("NOTE:{}", "ภาษาไทย ".repeat(40));
        let mut out = String::new();
        push_folded(&mut out, &line);
        assert!(out.split("\r\n").all(|l| l.len() <= 75));
        assert_eq!(out.trim_end_matches("\r\n").replace("\r\n ", ""), line);
    }
}
