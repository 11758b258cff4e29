//! The text encodings real exports come in, found from a file's bytes or chosen, and
//! decoded to UTF-8 before the CSV reader sees them: Unicode (UTF-8, Excel's
//! "Unicode text" UTF-16) and the Windows code pages of Russian, Turkish, Thai and
//! Western European Excel. The code pages are tables (from the WHATWG Encoding
//! Standard's indexes) rather than a decoding crate: one with every encoding would add
//! its East Asian tables to the first download, and these four are 1 KB.

/// An encoding a file may be read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1251,
    Windows1252,
    Windows1254,
    Windows874,
}

/// Why bytes are not text in an encoding: where the first byte that does not fit is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub encoding: TextEncoding,
    /// 1-based line of the first byte that does not fit.
    pub line: usize,
    /// Its offset in the file, from 0.
    pub offset: usize,
}

impl TextEncoding {
    pub const ALL: [TextEncoding; 7] = [
        TextEncoding::Utf8,
        TextEncoding::Utf16Le,
        TextEncoding::Utf16Be,
        TextEncoding::Windows1251,
        TextEncoding::Windows1254,
        TextEncoding::Windows874,
        TextEncoding::Windows1252,
    ];

    /// The WHATWG label (what a browser's TextDecoder takes); stable, for settings.
    pub fn key(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
            TextEncoding::Windows1251 => "windows-1251",
            TextEncoding::Windows1252 => "windows-1252",
            TextEncoding::Windows1254 => "windows-1254",
            TextEncoding::Windows874 => "windows-874",
        }
    }

    pub fn from_key(key: &str) -> Option<TextEncoding> {
        TextEncoding::ALL.into_iter().find(|e| e.key() == key)
    }

    /// The translation key of the name a user knows it by.
    pub fn name_key(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "encoding.utf_8",
            TextEncoding::Utf16Le => "encoding.utf_16le",
            TextEncoding::Utf16Be => "encoding.utf_16be",
            TextEncoding::Windows1251 => "encoding.windows_1251",
            TextEncoding::Windows1252 => "encoding.windows_1252",
            TextEncoding::Windows1254 => "encoding.windows_1254",
            TextEncoding::Windows874 => "encoding.windows_874",
        }
    }

    fn table(self) -> Option<&'static [u16; 128]> {
        match self {
            TextEncoding::Windows1251 => Some(&WINDOWS_1251),
            TextEncoding::Windows1252 => Some(&WINDOWS_1252),
            TextEncoding::Windows1254 => Some(&WINDOWS_1254),
            TextEncoding::Windows874 => Some(&WINDOWS_874),
            _ => None,
        }
    }
}

/// The encoding a file is most likely in: its byte order mark, else UTF-16 by its
/// zero bytes, else UTF-8 when the bytes are valid UTF-8, else the code page whose
/// letters the high bytes read as.
pub fn detect(bytes: &[u8]) -> TextEncoding {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return TextEncoding::Utf8;
    }
    if bytes.starts_with(b"\xFF\xFE") {
        return TextEncoding::Utf16Le;
    }
    if bytes.starts_with(b"\xFE\xFF") {
        return TextEncoding::Utf16Be;
    }
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    let zeros = |parity: usize| {
        sample
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let half = sample.len() / 2;
    // ASCII-heavy UTF-16 has a zero in every other byte; a CSV has no zeros otherwise.
    if half >= 2 {
        let (even, odd) = (zeros(0), zeros(1));
        if odd * 3 > half && even * 10 < half {
            return TextEncoding::Utf16Le;
        }
        if even * 3 > half && odd * 10 < half {
            return TextEncoding::Utf16Be;
        }
    }
    // A cut at the sample's end may split a character: judge what comes before it.
    match std::str::from_utf8(sample) {
        Ok(_) => return TextEncoding::Utf8,
        Err(e) if e.error_len().is_none() && sample.len() < bytes.len() => {
            return TextEncoding::Utf8
        }
        Err(_) => {}
    }
    guess_code_page(sample)
}

/// Thai letters sit in 0xA1–0xCE of Windows-874; Cyrillic words are runs of high
/// bytes (every letter is one); Western and Turkish text has a high byte here and
/// there inside ASCII words, Turkish with its own Ğ İ Ş ğ ı ş.
fn guess_code_page(bytes: &[u8]) -> TextEncoding {
    let fits = |e: TextEncoding| {
        let table = e.table().expect("a code page");
        bytes
            .iter()
            .all(|b| *b < 0x80 || table[usize::from(*b - 0x80)] != 0)
    };
    let high: Vec<usize> = (0..bytes.len()).filter(|i| bytes[*i] >= 0x80).collect();
    if high.is_empty() {
        return TextEncoding::Utf8;
    }
    let thai = high
        .iter()
        .filter(|i| (0xA1..=0xCE).contains(&bytes[**i]))
        .count();
    let in_runs = high
        .iter()
        .filter(|i| {
            let before = **i > 0 && bytes[**i - 1] >= 0x80;
            let after = bytes.get(**i + 1).is_some_and(|b| *b >= 0x80);
            before || after
        })
        .count();
    let turkish = high
        .iter()
        .filter(|i| matches!(bytes[**i], 0xD0 | 0xDD | 0xDE | 0xF0 | 0xFD | 0xFE))
        .count();
    let mut order = Vec::new();
    if thai * 5 > high.len() * 2 && in_runs * 2 > high.len() {
        order.push(TextEncoding::Windows874);
    }
    if in_runs * 2 > high.len() {
        order.push(TextEncoding::Windows1251);
    }
    if turkish > 0 {
        order.push(TextEncoding::Windows1254);
    }
    order.extend([
        TextEncoding::Windows1252,
        TextEncoding::Windows1254,
        TextEncoding::Windows1251,
        TextEncoding::Windows874,
    ]);
    order
        .into_iter()
        .find(|e| fits(*e))
        .unwrap_or(TextEncoding::Windows1252)
}

/// The 1-based line of byte `offset`, counting line feeds before it (a UTF-16 file's
/// line feeds are two bytes, one of them 0x0A, so it counts the same).
fn line_of(bytes: &[u8], offset: usize, encoding: TextEncoding) -> usize {
    let before = &bytes[..offset.min(bytes.len())];
    let feeds = match encoding {
        TextEncoding::Utf16Le => before.chunks_exact(2).filter(|c| c == b"\n\0").count(),
        TextEncoding::Utf16Be => before.chunks_exact(2).filter(|c| c == b"\0\n").count(),
        _ => before.iter().filter(|b| **b == b'\n').count(),
    };
    feeds + 1
}

/// The file's bytes as UTF-8 (a byte order mark left out), or where the first byte
/// that does not fit the encoding is. Valid UTF-8 comes back as it was, not copied.
pub fn to_utf8(bytes: Vec<u8>, encoding: TextEncoding) -> Result<Vec<u8>, DecodeError> {
    let fail = |bytes: &[u8], offset: usize| DecodeError {
        encoding,
        line: line_of(bytes, offset, encoding),
        offset,
    };
    match encoding {
        TextEncoding::Utf8 => {
            let mut bytes = bytes;
            if bytes.starts_with(b"\xEF\xBB\xBF") {
                bytes.drain(..3);
            }
            match std::str::from_utf8(&bytes) {
                Ok(_) => Ok(bytes),
                Err(e) => Err(fail(&bytes, e.valid_up_to())),
            }
        }
        TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
            let bom: &[u8] = if encoding == TextEncoding::Utf16Le {
                b"\xFF\xFE"
            } else {
                b"\xFE\xFF"
            };
            let start = if bytes.starts_with(bom) { 2 } else { 0 };
            let body = &bytes[start..];
            let units = body.chunks(2).map(|c| match (c, encoding) {
                ([a, b], TextEncoding::Utf16Le) => Some(u16::from_le_bytes([*a, *b])),
                ([a, b], _) => Some(u16::from_be_bytes([*a, *b])),
                _ => None,
            });
            let mut out = String::with_capacity(body.len());
            let mut at = start;
            let mut units = units.peekable();
            while let Some(unit) = units.next() {
                let Some(unit) = unit else {
                    return Err(fail(&bytes, at));
                };
                let c = if (0xD800..0xDC00).contains(&unit) {
                    match units.peek() {
                        Some(Some(low)) if (0xDC00..0xE000).contains(low) => {
                            let low = *low;
                            units.next();
                            let c = 0x10000
                                + ((u32::from(unit) - 0xD800) << 10)
                                + (u32::from(low) - 0xDC00);
                            at += 2;
                            char::from_u32(c)
                        }
                        _ => None,
                    }
                } else {
                    char::from_u32(u32::from(unit))
                };
                match c {
                    Some(c) => out.push(c),
                    None => return Err(fail(&bytes, at)),
                }
                at += 2;
            }
            Ok(out.into_bytes())
        }
        _ => {
            let table = encoding.table().expect("a code page");
            if bytes.is_ascii() {
                return Ok(bytes);
            }
            let mut out = String::with_capacity(bytes.len() + bytes.len() / 2);
            for (i, b) in bytes.iter().enumerate() {
                if *b < 0x80 {
                    out.push(char::from(*b));
                } else {
                    match char::from_u32(u32::from(table[usize::from(*b - 0x80)])) {
                        Some(c) if c != '\0' => out.push(c),
                        _ => return Err(fail(&bytes, i)),
                    }
                }
            }
            Ok(out.into_bytes())
        }
    }
}

/// Bytes 0x80–0xFF of Windows-1251; 0 where the code page defines none.
const WINDOWS_1251: [u16; 128] = [
    0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409, 0x2039,
    0x040A, 0x040C, 0x040B, 0x040F, 0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x0000, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F, 0x00A0, 0x040E, 0x045E, 0x0408,
    0x00A4, 0x0490, 0x00A6, 0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
    0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB,
    0x0458, 0x0405, 0x0455, 0x0457, 0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417,
    0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F, 0x0420, 0x0421, 0x0422, 0x0423,
    0x0424, 0x0425, 0x0426, 0x0427, 0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F,
    0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437, 0x0438, 0x0439, 0x043A, 0x043B,
    0x043C, 0x043D, 0x043E, 0x043F, 0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447,
    0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F,
];

/// Bytes 0x80–0xFF of Windows-1252; 0 where the code page defines none.
const WINDOWS_1252: [u16; 128] = [
    0x20AC, 0x0000, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0x0000, 0x017D, 0x0000, 0x0000, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x0000, 0x017E, 0x0178, 0x00A0, 0x00A1, 0x00A2, 0x00A3,
    0x00A4, 0x00A5, 0x00A6, 0x00A7, 0x00A8, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF,
    0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7, 0x00B8, 0x00B9, 0x00BA, 0x00BB,
    0x00BC, 0x00BD, 0x00BE, 0x00BF, 0x00C0, 0x00C1, 0x00C2, 0x00C3, 0x00C4, 0x00C5, 0x00C6, 0x00C7,
    0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x00CC, 0x00CD, 0x00CE, 0x00CF, 0x00D0, 0x00D1, 0x00D2, 0x00D3,
    0x00D4, 0x00D5, 0x00D6, 0x00D7, 0x00D8, 0x00D9, 0x00DA, 0x00DB, 0x00DC, 0x00DD, 0x00DE, 0x00DF,
    0x00E0, 0x00E1, 0x00E2, 0x00E3, 0x00E4, 0x00E5, 0x00E6, 0x00E7, 0x00E8, 0x00E9, 0x00EA, 0x00EB,
    0x00EC, 0x00ED, 0x00EE, 0x00EF, 0x00F0, 0x00F1, 0x00F2, 0x00F3, 0x00F4, 0x00F5, 0x00F6, 0x00F7,
    0x00F8, 0x00F9, 0x00FA, 0x00FB, 0x00FC, 0x00FD, 0x00FE, 0x00FF,
];

/// Bytes 0x80–0xFF of Windows-1254; 0 where the code page defines none.
const WINDOWS_1254: [u16; 128] = [
    0x20AC, 0x0000, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0x0000, 0x0000, 0x0000, 0x0000, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x0000, 0x0000, 0x0178, 0x00A0, 0x00A1, 0x00A2, 0x00A3,
    0x00A4, 0x00A5, 0x00A6, 0x00A7, 0x00A8, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF,
    0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7, 0x00B8, 0x00B9, 0x00BA, 0x00BB,
    0x00BC, 0x00BD, 0x00BE, 0x00BF, 0x00C0, 0x00C1, 0x00C2, 0x00C3, 0x00C4, 0x00C5, 0x00C6, 0x00C7,
    0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x00CC, 0x00CD, 0x00CE, 0x00CF, 0x011E, 0x00D1, 0x00D2, 0x00D3,
    0x00D4, 0x00D5, 0x00D6, 0x00D7, 0x00D8, 0x00D9, 0x00DA, 0x00DB, 0x00DC, 0x0130, 0x015E, 0x00DF,
    0x00E0, 0x00E1, 0x00E2, 0x00E3, 0x00E4, 0x00E5, 0x00E6, 0x00E7, 0x00E8, 0x00E9, 0x00EA, 0x00EB,
    0x00EC, 0x00ED, 0x00EE, 0x00EF, 0x011F, 0x00F1, 0x00F2, 0x00F3, 0x00F4, 0x00F5, 0x00F6, 0x00F7,
    0x00F8, 0x00F9, 0x00FA, 0x00FB, 0x00FC, 0x0131, 0x015F, 0x00FF,
];

/// Bytes 0x80–0xFF of Windows-874; 0 where the code page defines none.
const WINDOWS_874: [u16; 128] = [
    0x20AC, 0x0000, 0x0000, 0x0000, 0x0000, 0x2026, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
    0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x00A0, 0x0E01, 0x0E02, 0x0E03,
    0x0E04, 0x0E05, 0x0E06, 0x0E07, 0x0E08, 0x0E09, 0x0E0A, 0x0E0B, 0x0E0C, 0x0E0D, 0x0E0E, 0x0E0F,
    0x0E10, 0x0E11, 0x0E12, 0x0E13, 0x0E14, 0x0E15, 0x0E16, 0x0E17, 0x0E18, 0x0E19, 0x0E1A, 0x0E1B,
    0x0E1C, 0x0E1D, 0x0E1E, 0x0E1F, 0x0E20, 0x0E21, 0x0E22, 0x0E23, 0x0E24, 0x0E25, 0x0E26, 0x0E27,
    0x0E28, 0x0E29, 0x0E2A, 0x0E2B, 0x0E2C, 0x0E2D, 0x0E2E, 0x0E2F, 0x0E30, 0x0E31, 0x0E32, 0x0E33,
    0x0E34, 0x0E35, 0x0E36, 0x0E37, 0x0E38, 0x0E39, 0x0E3A, 0x0000, 0x0000, 0x0000, 0x0000, 0x0E3F,
    0x0E40, 0x0E41, 0x0E42, 0x0E43, 0x0E44, 0x0E45, 0x0E46, 0x0E47, 0x0E48, 0x0E49, 0x0E4A, 0x0E4B,
    0x0E4C, 0x0E4D, 0x0E4E, 0x0E4F, 0x0E50, 0x0E51, 0x0E52, 0x0E53, 0x0E54, 0x0E55, 0x0E56, 0x0E57,
    0x0E58, 0x0E59, 0x0E5A, 0x0E5B, 0x0000, 0x0000, 0x0000, 0x0000,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Text in a code page, by its table read backwards.
    fn encode(text: &str, e: TextEncoding) -> Vec<u8> {
        let table = e.table().unwrap();
        text.chars()
            .map(|c| {
                if c.is_ascii() {
                    c as u8
                } else {
                    let i = table.iter().position(|u| u32::from(*u) == c as u32);
                    0x80 + i.unwrap_or_else(|| panic!("{c} not in {e:?}")) as u8
                }
            })
            .collect()
    }

    fn utf16(text: &str, le: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
        for u in units {
            out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    }

    fn decoded(bytes: &[u8], e: TextEncoding) -> String {
        String::from_utf8(to_utf8(bytes.to_vec(), e).unwrap()).unwrap()
    }

    #[test]
    fn known_bytes_read_as_the_code_pages_define_them() {
        assert_eq!(
            decoded(&[0xC8, 0xE2, 0xE0, 0xED], TextEncoding::Windows1251),
            "Иван"
        );
        assert_eq!(
            decoded(&[0xA8, 0xB8, 0xB9], TextEncoding::Windows1251),
            "Ёё№"
        );
        assert_eq!(
            decoded(&[0xCA, 0xC1, 0xAA, 0xD2, 0xC2], TextEncoding::Windows874),
            "สมชาย"
        );
        assert_eq!(
            decoded(
                &[0xDE, b'i', 0xFE, b'l', b'i', b' ', 0xD0, 0xDD, 0xFD],
                TextEncoding::Windows1254
            ),
            "Şişli Ğİı"
        );
        assert_eq!(
            decoded(
                &[b'M', 0xFC, b'l', b'l', b'e', b'r', 0x80],
                TextEncoding::Windows1252
            ),
            "Müller€"
        );
        assert_eq!(decoded(b"\xEF\xBB\xBFName", TextEncoding::Utf8), "Name");
        assert_eq!(
            decoded(&utf16("Ad;Şehir\r\n😀", true, true), TextEncoding::Utf16Le),
            "Ad;Şehir\r\n😀"
        );
        assert_eq!(
            decoded(&utf16("Имя", false, true), TextEncoding::Utf16Be),
            "Имя"
        );
    }

    #[test]
    fn every_defined_byte_round_trips_and_undefined_ones_are_refused() {
        for e in [
            TextEncoding::Windows1251,
            TextEncoding::Windows1252,
            TextEncoding::Windows1254,
            TextEncoding::Windows874,
        ] {
            let table = e.table().unwrap();
            for (i, u) in table.iter().enumerate() {
                let byte = 0x80 + i as u8;
                let got = to_utf8(vec![b'a', b'\n', byte], e);
                if *u == 0 {
                    let err = got.unwrap_err();
                    assert_eq!(
                        (err.encoding, err.line, err.offset),
                        (e, 2, 2),
                        "{e:?} {byte:#x}"
                    );
                } else {
                    let c = char::from_u32(u32::from(*u)).unwrap();
                    assert_eq!(String::from_utf8(got.unwrap()).unwrap(), format!("a\n{c}"));
                    assert_eq!(encode(&c.to_string(), e), vec![byte]);
                }
            }
        }
        // The tables' anchors: Cyrillic А–я, Thai ก and ๛, Turkish Ğ.
        assert_eq!(WINDOWS_1251[0xC0 - 0x80], 0x0410);
        assert_eq!(WINDOWS_1251[0xFF - 0x80], 0x044F);
        assert_eq!(WINDOWS_874[0xA1 - 0x80], 0x0E01);
        assert_eq!(WINDOWS_874[0xFB - 0x80], 0x0E5B);
        assert_eq!(WINDOWS_1254[0xD0 - 0x80], 0x011E);
    }

    #[test]
    fn bad_unicode_is_refused_naming_its_line() {
        let err = to_utf8(b"Name\nAnna\n\xC3(".to_vec(), TextEncoding::Utf8).unwrap_err();
        assert_eq!(
            (err.encoding, err.line, err.offset),
            (TextEncoding::Utf8, 3, 10)
        );
        // A lone high surrogate on the second line, and an odd byte at the end.
        let mut lone = utf16("a\nb", true, true);
        lone.extend(0xD800u16.to_le_bytes());
        lone.extend(b"x\0");
        assert_eq!(to_utf8(lone, TextEncoding::Utf16Le).unwrap_err().line, 2);
        let mut odd = utf16("ab", true, false);
        odd.push(b'c');
        assert_eq!(to_utf8(odd, TextEncoding::Utf16Le).unwrap_err().offset, 4);
    }

    #[test]
    fn the_encoding_of_real_exports_is_found() {
        let outlook_ru = "First Name,Last Name,E-mail Address,Company\r\nИван,Петров,ivan@example.ru,ООО «Ромашка»\r\nЁлка,Семёнова,,\r\n";
        assert_eq!(
            detect(&encode(outlook_ru, TextEncoding::Windows1251)),
            TextEncoding::Windows1251
        );
        let turkish = "Ad,Soyad,Şirket\r\nAyşe,Yılmaz,Ege Zeytin\r\nİsmail,Öztürk,Güneş Çağrı\r\n";
        assert_eq!(
            detect(&encode(turkish, TextEncoding::Windows1254)),
            TextEncoding::Windows1254
        );
        let thai = "ชื่อ,นามสกุล,บริษัท\r\nสมชาย,ใจดี,สยามเทรดดิ้ง\r\n";
        assert_eq!(
            detect(&encode(thai, TextEncoding::Windows874)),
            TextEncoding::Windows874
        );
        let western = "Name,City\r\nJürgen Müller,Köln\r\nFrançois,Besançon\r\n";
        assert_eq!(
            detect(&encode(western, TextEncoding::Windows1252)),
            TextEncoding::Windows1252
        );
        assert_eq!(detect(outlook_ru.as_bytes()), TextEncoding::Utf8);
        assert_eq!(detect(b"Name,Email\nAnna,a@x.io\n"), TextEncoding::Utf8);
        // Excel's "Unicode text": UTF-16 LE with a mark; and without one.
        let tabbed = "Name\tPhone\r\nAnna\t+1 555\r\n";
        assert_eq!(detect(&utf16(tabbed, true, true)), TextEncoding::Utf16Le);
        assert_eq!(detect(&utf16(tabbed, true, false)), TextEncoding::Utf16Le);
        assert_eq!(detect(&utf16(tabbed, false, false)), TextEncoding::Utf16Be);
        for text in [outlook_ru, turkish, thai, western] {
            for e in TextEncoding::ALL {
                if let Some(t) = e.table() {
                    if text
                        .chars()
                        .all(|c| c.is_ascii() || t.iter().any(|u| u32::from(*u) == c as u32))
                    {
                        assert_eq!(decoded(&encode(text, e), e), text);
                    }
                }
            }
        }
    }

    #[test]
    fn any_bytes_decode_or_are_refused_without_a_panic() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for round in 0..2_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 40) as usize + round % 3;
            let bytes: Vec<u8> = (0..len)
                .map(|i| (seed >> (i % 56)) as u8 ^ i as u8)
                .collect();
            let found = detect(&bytes);
            let mut some_code_page_fits = false;
            for e in TextEncoding::ALL {
                if let Ok(out) = to_utf8(bytes.clone(), e) {
                    assert!(std::str::from_utf8(&out).is_ok());
                    some_code_page_fits |= e.table().is_some();
                }
            }
            // What is found decodes whenever some code page would.
            if found.table().is_some() && some_code_page_fits {
                assert!(
                    to_utf8(bytes.clone(), found).is_ok(),
                    "{bytes:?}: {found:?}"
                );
            }
            assert_eq!(TextEncoding::from_key(found.key()), Some(found));
        }
    }
}
