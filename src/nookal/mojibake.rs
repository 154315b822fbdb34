//! Nookal's UTF-8 double-encoding (`é` → `Ã©`, `°` → `Â°`, `•` → `â€¢`), undone.
//!
//! Live tests found that Nookal stores UTF-8 note text as if each byte were a Windows-1252
//! character (reference §3, patientnotes findings; the sandbox's `double_encode` reproduces it).
//! [`undo`] reverses it wherever a run of characters spells a valid UTF-8 sequence, and says which
//! characters it restored, so a read-back can report "garbled: é, °" instead of "missing".
//! Plain Latin-1 readings (bytes 0x80–0x9F as C1 controls) are undone as well.

/// Windows-1252's characters for bytes 0x80–0x9F; the five unassigned bytes keep their C1
/// control (what PHP/MySQL "latin1" produce for them).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// The byte a character stands for when text is read as Windows-1252 (or Latin-1).
pub fn cp1252_byte(c: char) -> Option<u8> {
    let u = u32::from(c);
    if u < 0x100 {
        return u8::try_from(u).ok();
    }
    CP1252_HIGH
        .iter()
        .position(|&h| h == c)
        .and_then(|i| u8::try_from(0x80 + i).ok())
}

/// Undo double-encoding where it is unambiguous (a lead byte followed by the right number of
/// continuation bytes that decode as UTF-8). Returns the repaired text and, in order of first
/// appearance, each distinct character that was repaired. ASCII is never touched.
pub fn undo(text: &str) -> (String, Vec<char>) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut repaired: Vec<char> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if let Some((c, used)) = decode_at(&chars[i..]) {
            out.push(c);
            if !repaired.contains(&c) {
                repaired.push(c);
            }
            i += used;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    (out, repaired)
}

fn decode_at(chars: &[char]) -> Option<(char, usize)> {
    let lead = cp1252_byte(*chars.first()?)?;
    let len = match lead {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    let mut bytes = vec![lead];
    for c in chars.get(1..len)? {
        let b = cp1252_byte(*c).filter(|b| (0x80..=0xbf).contains(b))?;
        bytes.push(b);
    }
    let s = std::str::from_utf8(&bytes).ok()?;
    Some((s.chars().next()?, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_examples() {
        let (fixed, which) = undo("cafÃ© 38Â° â€¢ ok");
        assert_eq!(fixed, "café 38° • ok");
        assert_eq!(which, vec!['é', '°', '•']);
    }

    #[test]
    fn plain_text_is_untouched() {
        let (fixed, which) = undo("José said 20°C — fine");
        assert_eq!(fixed, "José said 20°C — fine");
        assert!(which.is_empty());
    }
}
