//! Text folding shared by search, sorting and uniqueness checks: case, accents,
//! Arabic/Persian letter variants and non-ASCII digits all compare equal.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Maps a digit from the Persian, Arabic-Indic or Thai ranges to ASCII.
pub fn ascii_digit(c: char) -> Option<char> {
    let base = match c {
        '0'..='9' => return Some(c),
        '\u{06F0}'..='\u{06F9}' => 0x06F0,
        '\u{0660}'..='\u{0669}' => 0x0660,
        '\u{0E50}'..='\u{0E59}' => 0x0E50,
        _ => return None,
    };
    char::from_digit(c as u32 - base, 10)
}

/// `text` with every digit in ASCII and without the invisible direction marks text
/// copied from a right-to-left line carries ("۱۴۰۵/۰۹/۱۳" is "1405/09/13").
pub fn ascii_digits(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}'))
        .map(|c| ascii_digit(c).unwrap_or(c))
        .collect()
}

/// Folds text for comparison: NFKD, accents on Latin letters removed, lower case, Arabic
/// letter forms mapped to their Persian equivalents, digits to ASCII, zero-width
/// joiners and tatweel dropped.
pub fn fold(s: &str) -> String {
    // Most stored text is ASCII; it needs only lower-casing.
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    // Marks are dropped only where they are accents on Latin letters or Arabic
    // vowel signs; in Thai or Cyrillic they are part of the letter.
    let mut base_is_latin = false;
    let yo_folded = s.chars().map(|c| match c {
        'ё' => 'е',
        'Ё' => 'Е',
        c => c,
    });
    for c in yo_folded.nfkd() {
        if is_combining_mark(c) {
            if base_is_latin || ('\u{064B}'..='\u{065F}').contains(&c) || c == '\u{0670}' {
                continue;
            }
            out.push(c);
            continue;
        }
        base_is_latin = (c as u32) < 0x0370;
        let c = match c {
            '\u{064A}' | '\u{0649}' => '\u{06CC}', // Arabic yeh / alef maksura -> Persian yeh
            '\u{0643}' => '\u{06A9}',              // Arabic kaf -> Persian keheh
            '\u{0629}' => '\u{0647}',              // teh marbuta -> heh
            '\u{0640}' | '\u{200C}' | '\u{200D}' => continue, // tatweel, ZWNJ, ZWJ
            c => ascii_digit(c).unwrap_or(c),
        };
        out.extend(c.to_lowercase());
    }
    // Recompose what was kept (Cyrillic й, Thai vowels) so tokens compare as typed.
    if out.is_ascii() {
        out
    } else {
        out.nfc().collect()
    }
}

/// Splits folded text into search tokens: runs of letters and digits.
pub fn tokens(s: &str) -> Vec<String> {
    fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Only the digits of a phone number, in ASCII.
pub fn phone_digits(s: &str) -> String {
    s.chars().filter_map(ascii_digit).collect()
}

/// Company names compared without case, accents, punctuation or legal suffixes.
pub fn company_key(name: &str) -> String {
    const SUFFIXES: &[&str] = &[
        "ltd",
        "limited",
        "inc",
        "llc",
        "gmbh",
        "co",
        "corp",
        "corporation",
        "sa",
        "bv",
        "ag",
        "plc",
        "oy",
        "ab",
        "as",
        "srl",
        "spa",
    ];
    let folded = fold(name);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let keep = words
        .iter()
        .rposition(|w| !SUFFIXES.contains(w))
        .map(|i| i + 1)
        .unwrap_or(words.len());
    words[..keep].join(" ")
}

/// The first letters of a title's first two words ("Nordic AB" → "NA"), for a
/// card's badge.
pub fn initials(title: &str) -> String {
    title
        .split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_case_and_accents() {
        assert_eq!(fold("Çağrı ÖZTÜRK"), "cagrı ozturk");
        assert_eq!(fold("Émile"), "emile");
    }

    #[test]
    fn arabic_and_persian_forms_fold_together() {
        // Same name typed with an Arabic keyboard and a Persian one.
        assert_eq!(fold("علي كريمي"), fold("علی کریمی"));
        assert_eq!(fold("می\u{200C}خواهم"), fold("میخواهم"));
    }

    #[test]
    fn digits_of_every_script_become_ascii() {
        assert_eq!(fold("۱۲۳٤٥"), "12345");
        assert_eq!(phone_digits("+98 (912) ۱۲۳-۴۵۶۷"), "989121234567");
        assert_eq!(fold("๑๒"), "12");
    }

    #[test]
    fn tokens_split_on_punctuation_and_keep_non_latin() {
        assert_eq!(
            tokens("anna.berg@example.com"),
            vec!["anna", "berg", "example", "com"]
        );
        assert_eq!(tokens("สมชาย ใจดี"), vec!["สมชาย", "ใจดี"]);
        assert_eq!(tokens("Сергей Иванов"), vec!["сергей", "иванов"]);
        assert_eq!(fold("Пётр"), "петр");
        assert_eq!(fold("ФЁДОР"), "федор");
    }

    #[test]
    fn initials_take_the_first_letters_of_two_words() {
        assert_eq!(initials("Nordic AB"), "NA");
        assert_eq!(initials("greta lindqvist berg"), "GL");
        assert_eq!(initials("(Acme) Ltd"), "AL");
        assert_eq!(initials("بازرگانی خلیج"), "بخ");
        assert_eq!(initials(""), "");
    }
}
