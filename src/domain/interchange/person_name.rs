//! A person's whole name split into given names and family name, for a file that
//! keeps the name in one column ("Ann Berg", "Berg, Ann", a Russian ФИО "Иванов
//! Иван Иванович") where the records keep a first and a last name.

/// The order a whole name is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameOrder {
    /// Given names, then the family name: how English, Persian, Turkish and Thai
    /// write a name.
    GivenFirst,
    /// The family name, then the given names: a Russian ФИО (фамилия, имя, отчество).
    FamilyFirst,
}

/// Words that belong to the family name they stand before ("van Beethoven", "de la
/// Cruz"), in any case ("Van Gogh").
const PARTICLES: &[&str] = &[
    "van", "von", "de", "da", "di", "del", "della", "der", "den", "du", "des", "dos", "le", "la",
    "ter", "ten",
];

fn is_particle(word: &str) -> bool {
    PARTICLES.iter().any(|p| word.eq_ignore_ascii_case(p))
}

/// The byte ranges of the words of `s`, split at any white space.
fn words(s: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(from)) => {
                out.push(from..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(from) = start {
        out.push(from..s.len());
    }
    out
}

/// The (given names, family name) of `full`, each a trimmed part of it (spaces
/// inside a part kept as written). A comma puts the family name before it whatever
/// the order ("Berg, Ann"); one word is a family name alone; particles go with the
/// family name; a name of several words keeps at least one given name.
pub fn split_name(full: &str, order: NameOrder) -> (&str, &str) {
    let full = trim(full);
    if let Some((family, given)) = full.split_once(',') {
        // Both sides hold a word: the ends were trimmed of commas.
        return (trim(given), trim(family));
    }
    let w = words(full);
    let n = w.len();
    if n < 2 {
        return ("", full);
    }
    let part = |from: usize, to: usize| &full[w[from].start..w[to - 1].end];
    let word = |i: usize| &full[w[i].clone()];
    match order {
        NameOrder::GivenFirst => {
            let mut first_of_family = n - 1;
            while first_of_family > 1 && is_particle(word(first_of_family - 1)) {
                first_of_family -= 1;
            }
            (part(0, first_of_family), part(first_of_family, n))
        }
        NameOrder::FamilyFirst => {
            let mut end_of_family = 1;
            while end_of_family < n - 1 && is_particle(word(end_of_family - 1)) {
                end_of_family += 1;
            }
            (part(end_of_family, n), part(0, end_of_family))
        }
    }
}

fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == ',')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::interchange::csv_export::Prng;
    use NameOrder::{FamilyFirst, GivenFirst};

    #[test]
    fn a_name_splits_into_given_names_and_family_name() {
        for (full, given, family) in [
            ("Ann Berg", "Ann", "Berg"),
            ("  Ann   Berg ", "Ann", "Berg"),
            ("Berg, Ann", "Ann", "Berg"),
            ("Berg,Ann", "Ann", "Berg"),
            ("Mary Ann Berg", "Mary Ann", "Berg"),
            ("Berg, Mary Ann", "Mary Ann", "Berg"),
            ("Ludwig van Beethoven", "Ludwig", "van Beethoven"),
            ("Maria de la Cruz", "Maria", "de la Cruz"),
            ("Vincent Van Gogh", "Vincent", "Van Gogh"),
            ("Johann von der Heide", "Johann", "von der Heide"),
            ("Cher", "", "Cher"),
            ("Berg,", "", "Berg"),
            ("", "", ""),
            ("علی رضایی", "علی", "رضایی"),
            ("محمد علی رضایی", "محمد علی", "رضایی"),
            ("สมชาย ใจดี", "สมชาย", "ใจดี"),
            ("Ayşe Yılmaz", "Ayşe", "Yılmaz"),
            // A first word that is a particle is still the given name.
            ("Van Helsing", "Van", "Helsing"),
            ("Ann de", "Ann", "de"),
        ] {
            assert_eq!(split_name(full, GivenFirst), (given, family), "{full:?}");
        }
    }

    #[test]
    fn a_family_first_name_gives_its_first_word_to_the_family_name() {
        for (full, given, family) in [
            ("Иванов Иван Иванович", "Иван Иванович", "Иванов"),
            ("Иванов Иван", "Иван", "Иванов"),
            ("Иванов", "", "Иванов"),
            ("Иванов, Иван Иванович", "Иван Иванович", "Иванов"),
            ("van Beethoven Ludwig", "Ludwig", "van Beethoven"),
        ] {
            assert_eq!(split_name(full, FamilyFirst), (given, family), "{full:?}");
        }
        // The same words read in the other order give other parts.
        assert_eq!(
            split_name("Иванов Иван Иванович", GivenFirst),
            ("Иванов Иван", "Иванович")
        );
    }

    /// A word of letters from several scripts, particles among them, never a space
    /// or a comma.
    fn word(rng: &mut Prng) -> String {
        const LETTERS: &[&str] = &[
            "a", "B", "é", "ş", "ı", "İ", "ж", "Щ", "ё", "ع", "ی", "\u{200C}", "ก", "ี", "-", "'",
            ".", "1",
        ];
        if rng.below(5) == 0 {
            return rng.pick(PARTICLES).to_string();
        }
        (0..1 + rng.below(6)).map(|_| rng.pick(LETTERS)).collect()
    }

    #[test]
    fn any_two_words_come_back_as_given_and_family_name() {
        let mut rng = Prng(0x2545_F491_4F6C_DD1D);
        for _ in 0..5_000 {
            let (first, last) = (word(&mut rng), word(&mut rng));
            let spaces = [" ", "  ", "\t", "\u{00A0}"];
            let gap = rng.pick(&spaces);
            let given_first = format!("{first}{gap}{last}");
            assert_eq!(
                split_name(&given_first, GivenFirst),
                (first.as_str(), last.as_str()),
                "{given_first:?}"
            );
            let family_first = format!("{last}{gap}{first}");
            assert_eq!(
                split_name(&family_first, FamilyFirst),
                (first.as_str(), last.as_str()),
                "{family_first:?}"
            );
            let with_comma = format!("{last}, {first}");
            for order in [GivenFirst, FamilyFirst] {
                assert_eq!(
                    split_name(&with_comma, order),
                    (first.as_str(), last.as_str()),
                    "{with_comma:?}"
                );
            }
        }
    }

    #[test]
    fn no_word_of_a_name_is_lost_or_moved() {
        let mut rng = Prng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..5_000 {
            let all: Vec<String> = (0..1 + rng.below(5)).map(|_| word(&mut rng)).collect();
            let full = all.join(" ");
            for order in [GivenFirst, FamilyFirst] {
                let (given, family) = split_name(&full, order);
                assert!(
                    !family.is_empty(),
                    "{full:?}: a name always has a family name"
                );
                assert_eq!(given.is_empty(), all.len() == 1, "{full:?}");
                let rejoined = match order {
                    GivenFirst => format!("{given} {family}"),
                    FamilyFirst => format!("{family} {given}"),
                };
                assert_eq!(rejoined.trim(), full, "{order:?}");
            }
        }
    }
}
