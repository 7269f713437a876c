//! Scrubs a child's free text on the device, before it is queued (SPEC §5): email addresses,
//! UK phone numbers, postcodes, web links and the child's given name become placeholders.
//! Hand-written scanners rather than a regex engine keep the app small; the corpus in the
//! tests shows what is caught and what is deliberately kept.

pub const EMAIL: &str = "[email]";
pub const PHONE: &str = "[phone]";
pub const POSTCODE: &str = "[postcode]";
pub const LINK: &str = "[link]";
pub const NAME: &str = "[name]";

/// Redacts `text`. `given_name` is the child's first name when the practitioner entered one.
/// Control characters other than line breaks and tabs go first: pasted in, they mean nothing
/// to a reader, and U+0000 is text no database on the server can store (it refuses it).
pub fn redact(text: &str, given_name: Option<&str>) -> String {
    let text: String = text.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).collect();
    let text = tokens_pass(&text);
    let text = phones(&text);
    let text = postcodes(&text);
    match given_name.map(str::trim).filter(|n| n.chars().count() >= 2) {
        Some(name) => names(&text, name),
        None => text,
    }
}

/// Letters and digits. Any non-ASCII character counts as a letter: exact Unicode classes would
/// pull large tables into the app for no practical gain here.
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || !c.is_ascii()
}

/// Splits a whitespace-separated token into leading punctuation, core and trailing punctuation.
fn trim_punct(token: &str) -> (&str, &str, &str) {
    let lead = token.len() - token.trim_start_matches(['(', '[', '"', '\'', '<']).len();
    let core_end = token.trim_end_matches(['.', ',', '!', '?', ';', ':', ')', ']', '"', '\'', '>']).len().max(lead);
    (&token[..lead], &token[lead..core_end], &token[core_end..])
}

/// Rebuilds `text` token by token, keeping its whitespace exactly.
fn map_tokens(text: &str, mut f: impl FnMut(&str) -> Option<&'static str>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let ws = rest.len() - rest.trim_start().len();
        out.push_str(&rest[..ws]);
        rest = &rest[ws..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let token = &rest[..end];
        let (lead, core, trail) = trim_punct(token);
        match f(core) {
            Some(placeholder) => {
                out.push_str(lead);
                out.push_str(placeholder);
                out.push_str(trail);
            }
            None => out.push_str(token),
        }
        rest = &rest[end..];
    }
    out
}

fn tokens_pass(text: &str) -> String {
    map_tokens(text, |core| {
        if is_email(core) {
            Some(EMAIL)
        } else if is_link(core) {
            Some(LINK)
        } else {
            None
        }
    })
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty()
        && local.chars().all(|c| is_word(c) || "._%+-".contains(c))
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain.chars().all(|c| is_word(c) || ".-".contains(c))
}

const TLDS: [&str; 16] = ["com", "co.uk", "org", "org.uk", "net", "uk", "io", "me", "tv", "app", "gov.uk", "nhs.uk", "ly", "gg", "info", "xyz"];

fn is_link(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.") {
        return lower.len() > 7;
    }
    // A bare address such as tiktok.com/@someone or example.co.uk.
    let host = lower.split(['/', '?', '#']).next().unwrap_or_default();
    host.contains('.')
        && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && TLDS.iter().any(|tld| host.ends_with(&format!(".{tld}")) && host.len() > tld.len() + 1)
}

/// UK numbers: 10 or 11 digits starting 0, or +44 / 44 followed by 10 digits, written with
/// any mix of spaces, dashes and brackets.
fn phones(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let starts = (c.is_ascii_digit() || c == '+' || c == '(') && (i == 0 || !is_word(chars[i - 1]));
        if starts {
            let mut j = i;
            let mut digits = String::new();
            let mut last_digit_end = i;
            while j < chars.len() {
                let d = chars[j];
                if d.is_ascii_digit() {
                    digits.push(d);
                    last_digit_end = j + 1;
                } else if d == ' ' || d == '-' || d == '(' || d == ')' || (d == '+' && j == i) {
                    // a separator only counts when more of the number follows
                    if !chars.get(j + 1).is_some_and(|n| n.is_ascii_digit() || *n == '(') && d != ')' {
                        break;
                    }
                } else {
                    break;
                }
                j += 1;
            }
            let next_is_word = chars.get(last_digit_end).is_some_and(|n| is_word(*n));
            if is_uk_phone(&digits) && !next_is_word {
                out.push_str(PHONE);
                // keep a closing bracket that belonged to the sentence, not the number
                i = last_digit_end;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

fn is_uk_phone(digits: &str) -> bool {
    (digits.starts_with('0') && (10..=11).contains(&digits.len()) && !digits.starts_with("00")) || (digits.starts_with("44") && digits.len() == 12)
}

fn is_outward(s: &str) -> bool {
    // A9, A9A, A99, AA9, AA9A, AA99
    let b = s.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    if !(1..=2).contains(&letters) || b.len() < letters + 1 || b.len() > letters + 2 {
        return false;
    }
    let rest = &b[letters..];
    rest[0].is_ascii_digit() && rest[1..].iter().all(u8::is_ascii_alphanumeric)
}

fn is_inward(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 3 && b[0].is_ascii_digit() && b[1].is_ascii_alphabetic() && b[2].is_ascii_alphabetic()
}

fn postcodes(text: &str) -> String {
    // Joined form first: SW1A1AA.
    let joined = map_tokens(text, |core| {
        let n = core.len();
        ((5..=7).contains(&n) && core.is_ascii() && is_outward(&core[..n - 3]) && is_inward(&core[n - 3..])).then_some(POSTCODE)
    });
    // Then the usual two-part form: SW1A 1AA.
    let words: Vec<&str> = joined.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        if i + 1 < words.len() {
            let (lead, first, _) = trim_punct(words[i]);
            let (_, second, trail) = trim_punct(words[i + 1]);
            if first.is_ascii() && second.is_ascii() && is_outward(first) && is_inward(second) && !words[i].ends_with(',') {
                out.push(format!("{lead}{POSTCODE}{trail}"));
                i += 2;
                continue;
            }
        }
        out.push(words[i].to_string());
        i += 1;
    }
    out.join(" ")
}

/// Replaces the name wherever it stands as a whole word, ignoring ASCII case (letters beyond
/// ASCII must match exactly; full Unicode case tables would add kilobytes to the app).
fn names(text: &str, name: &str) -> String {
    let lower_text = text.to_ascii_lowercase();
    let lower_name = name.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(found) = lower_text[at..].find(&lower_name) {
        let start = at + found;
        let end = start + lower_name.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !is_word(c));
        out.push_str(&text[at..start]);
        if boundary(before) && boundary(after) {
            out.push_str(NAME);
        } else {
            out.push_str(&text[start..end]);
        }
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (what the child wrote, what leaves the device). The child's given name here is "Sam".
    const CORPUS: &[(&str, &str)] = &[
        // Emails
        ("my email is sam.jones12@gmail.com", "my email is [email]"),
        ("email me at kid_2010@hotmail.co.uk!", "email me at [email]!"),
        ("(mum@example.org)", "([email])"),
        ("Contact: J.Smith+school@academy.sch.uk.", "Contact: [email]."),
        ("I don't have email", "I don't have email"),
        ("we met @ the park", "we met @ the park"),
        // Phone numbers
        ("call me on 07700 900123", "call me on [phone]"),
        ("my number is 07700900123.", "my number is [phone]."),
        ("dad is +44 7700 900456", "dad is [phone]"),
        ("nan's house (020) 7946 0958", "nan's house [phone]"),
        ("ring 0161-496-0000 please", "ring [phone] please"),
        ("0117 496 0123 is my aunt", "[phone] is my aunt"),
        ("text 447700900789", "text [phone]"),
        ("Childline is 0800 1111", "Childline is 0800 1111"),
        ("call 999 if it's bad", "call 999 if it's bad"),
        ("I scored 10 goals", "I scored 10 goals"),
        ("my brother is 12 and I am 9", "my brother is 12 and I am 9"),
        ("we live at number 42", "we live at number 42"),
        ("I got 100% in my spelling test", "I got 100% in my spelling test"),
        ("in 2024 we moved twice", "in 2024 we moved twice"),
        ("on the 23 bus", "on the 23 bus"),
        ("my birthday is 12/05/2015", "my birthday is 12/05/2015"),
        ("1 2 3 4 5 6 7 8 9 10", "1 2 3 4 5 6 7 8 9 10"),
        // Postcodes
        ("I live at SW1A 1AA", "I live at [postcode]"),
        ("our flat is in M1 1AE.", "our flat is in [postcode]."),
        ("b33 8th is nan's", "[postcode] is nan's"),
        ("CR2 6XH near the shops", "[postcode] near the shops"),
        ("postcode DN551PT", "postcode [postcode]"),
        ("EC1A1BB", "[postcode]"),
        ("we moved to W1A 0AX, then LS1 4AP", "we moved to [postcode], then [postcode]"),
        ("the A1 road is loud", "the A1 road is loud"),
        ("I'm in Year 7", "I'm in Year 7"),
        ("I like 3D printing", "I like 3D printing"),
        ("room B12 is my classroom", "room B12 is my classroom"),
        ("my PS5 broke", "my PS5 broke"),
        // Links
        ("look at www.example.com", "look at [link]"),
        ("https://youtube.com/watch?v=abc123 is funny", "[link] is funny"),
        ("my tiktok is tiktok.com/@samdances", "my tiktok is [link]"),
        ("see http://bit.ly/xyz.", "see [link]."),
        ("I play on roblox", "I play on roblox"),
        ("it was good... then bad", "it was good... then bad"),
        ("Mr.Brown is nice", "Mr.Brown is nice"),
        // The child's given name
        ("Sam is sad", "[name] is sad"),
        ("they call me sam at school", "they call me [name] at school"),
        ("Sam's mum shouts", "[name]'s mum shouts"),
        ("SAM!!", "[name]!!"),
        ("Samantha is my friend", "Samantha is my friend"),
        ("we had salmon", "we had salmon"),
        ("Uncle Sam lives with us", "Uncle [name] lives with us"),
        ("my sister Samira", "my sister Samira"),
        // Mixed
        ("I'm Sam, 07700 900123, M1 1AE", "I'm [name], [phone], [postcode]"),
        ("write to sam@x.com or www.sam.co.uk", "write to [email] or [link]"),
        ("Nothing to hide here", "Nothing to hide here"),
        ("I feel worried when mum and dad argue", "I feel worried when mum and dad argue"),
        ("", ""),
        ("   spaces   kept  ", "   spaces   kept  "),
        // Control characters pasted in (U+0000 is refused by the server's database)
        ("my\u{0} dog\u{7} is called Rex", "my dog is called Rex"),
        ("line one\nline two\tand a tab", "line one\nline two\tand a tab"),
    ];

    #[test]
    fn the_corpus_is_redacted_as_expected() {
        assert!(CORPUS.len() >= 50);
        let mut wrong = Vec::new();
        for (given, want) in CORPUS {
            let got = redact(given, Some("Sam"));
            if &got != want {
                wrong.push(format!("{given:?} became {got:?}, expected {want:?}"));
            }
        }
        assert!(wrong.is_empty(), "{} of {} wrong:\n{}", wrong.len(), CORPUS.len(), wrong.join("\n"));
    }

    #[test]
    fn without_a_name_only_contact_details_go() {
        assert_eq!(redact("Sam 07700 900123", None), "Sam [phone]");
        assert_eq!(redact("Jo is here", Some("J")), "Jo is here", "one-letter names are not matched");
    }

    #[test]
    fn redaction_is_stable() {
        for (given, _) in CORPUS {
            let once = redact(given, Some("Sam"));
            assert_eq!(redact(&once, Some("Sam")), once, "{given:?}");
        }
    }
}
