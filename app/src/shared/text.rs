//! Characters no text field keeps. NUL, escape and the other control characters (tab, newline
//! and carriage return aside) break logs, exports and terminals; bidirectional overrides and
//! isolates make a name or a description display other than it reads ("Trojan Source"). The
//! server strips them from every form and JSON body before anything reads it.
use std::borrow::Cow;

/// True for a character that is dropped from text input.
pub fn is_hidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` without its hidden characters (borrowed when it has none).
pub fn strip_hidden(s: &str) -> Cow<'_, str> {
    if s.chars().any(is_hidden) {
        Cow::Owned(s.chars().filter(|c| !is_hidden(*c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_overrides_go_and_the_rest_stays() {
        assert_eq!(strip_hidden("漏水\u{0}\u{1b}[31m"), "漏水[31m");
        assert_eq!(strip_hidden("abc\u{202E}fed\u{2066}x\u{2069}"), "abcfedx");
        assert_eq!(strip_hidden("\u{85}C1\u{9f}"), "C1");
        let kept = "第一行\n第二行\t制表\r\n😀 Zürich";
        assert!(matches!(strip_hidden(kept), Cow::Borrowed(_)));
        assert_eq!(strip_hidden(kept), kept);
    }
}
