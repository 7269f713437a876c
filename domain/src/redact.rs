//! Scrubs a child's free text on the device, before it is queued (SPEC §5), and again on the
//! server before it is stored: email addresses, phone numbers (UK, international, dotted),
//! dates written any common way, street addresses, postcodes, web links, @handles and the
//! child's given name (and any other name the practitioner gives) become placeholders.
//! Hand-written scanners rather than a regex engine keep the app small; the corpus in the
//! tests shows what is caught and what is deliberately kept.

pub const EMAIL: &str = "[email]";
pub const PHONE: &str = "[phone]";
pub const POSTCODE: &str = "[postcode]";
pub const LINK: &str = "[link]";
pub const NAME: &str = "[name]";
pub const DATE: &str = "[date]";
pub const ADDRESS: &str = "[address]";
pub const HANDLE: &str = "[handle]";

/// Redacts `text`. `given_name` is the child's first name when the practitioner entered one.
/// Control characters other than line breaks and tabs go first: pasted in, they mean nothing
/// to a reader, and U+0000 is text no database on the server can store (it refuses it).
pub fn redact(text: &str, given_name: Option<&str>) -> String {
    redact_names(text, given_name.as_slice())
}

/// Redacts `text`, with every name in `names` (the child's, and any other the practitioner
/// gave for this session: a sibling's, a parent's).
pub fn redact_names(text: &str, names: &[&str]) -> String {
    let text: String = text.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).collect();
    let text = tokens_pass(&text);
    let text = dates(&text);
    let text = phones(&text);
    let text = postcodes(&text);
    let mut text = addresses(&text);
    for name in names.iter().map(|n| n.trim()).filter(|n| n.chars().count() >= 2) {
        text = self::names(&text, name);
    }
    text
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
        } else if is_handle(core) {
            Some(HANDLE)
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

/// A social-media handle: `@` then at least two letters, digits, `_` or `.`.
fn is_handle(s: &str) -> bool {
    s.strip_prefix('@').is_some_and(|h| h.chars().filter(|c| is_word(*c)).count() >= 2 && h.chars().all(|c| is_word(c) || "_.".contains(c)))
}

/// Phone numbers, written with any mix of spaces, dashes, dots and brackets: UK numbers (10 or
/// 11 digits starting 0, or 44 and 10 digits), any number led by `+` or `00` (8 to 15 digits),
/// and 10 or 11 digits in groups of two or more (a number from abroad written without its
/// country code). Single digits counted out ("1 2 3 4") are not a number.
fn phones(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // Not the figures after a decimal point (3.14159265358).
        let decimal = i >= 2 && matches!(chars[i - 1], '.' | ',') && chars[i - 2].is_ascii_digit();
        let starts = (c.is_ascii_digit() || c == '+' || c == '(') && (i == 0 || !is_word(chars[i - 1])) && !decimal;
        if starts {
            let mut j = i;
            let mut digits = String::new();
            let mut last_digit_end = i;
            // The length of each run of digits between separators.
            let mut groups: Vec<usize> = vec![0];
            while j < chars.len() {
                let d = chars[j];
                if d.is_ascii_digit() {
                    digits.push(d);
                    last_digit_end = j + 1;
                    *groups.last_mut().expect("one group at least") += 1;
                } else if d == ' ' || d == '-' || d == '.' || d == '(' || d == ')' || (d == '+' && j == i) {
                    if groups.last() != Some(&0) {
                        groups.push(0);
                    }
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
            let plus = c == '+' || digits.starts_with("00");
            let grouped = groups.iter().filter(|g| **g > 0).all(|g| *g >= 2);
            let phone = is_uk_phone(&digits) || (plus && (8..=15).contains(&digits.len())) || ((10..=11).contains(&digits.len()) && grouped);
            if phone && !next_is_word {
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

const MONTHS: [&str; 12] = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

/// Whether a word is a month, in full or as its first three letters (`Sept` too).
fn is_month(word: &str) -> bool {
    let w = word.to_ascii_lowercase();
    let w = w.trim_end_matches('.');
    w.len() >= 3 && MONTHS.iter().any(|m| *m == w || (w.len() <= 4 && m.starts_with(w) && (w.len() == 3 || w == "sept")))
}

/// A day of the month, with or without its ending: `3`, `03`, `3rd`, `21st`.
fn is_day(word: &str) -> bool {
    let digits: String = word.chars().take_while(char::is_ascii_digit).collect();
    let rest = word[digits.len()..].to_ascii_lowercase();
    !digits.is_empty() && digits.len() <= 2 && (1..=31).contains(&digits.parse::<u32>().unwrap_or(0)) && ["", "st", "nd", "rd", "th"].contains(&rest.as_str())
}

fn is_year(word: &str) -> bool {
    word.len() == 4 && word.chars().all(|c| c.is_ascii_digit()) && (word.starts_with("19") || word.starts_with("20"))
}

/// A date in figures: day, month and year (`12/05/2015`, `12.5.15`, `12-05-2015`), a year
/// first (`2015-05-12`), or a day and month with at least one two-digit part (`12/05`; `1/2`
/// stays, as a half).
fn is_numeric_date(word: &str) -> bool {
    let Some(sep) = word.chars().find(|c| "/.-".contains(*c)) else { return false };
    let parts: Vec<&str> = word.split(sep).collect();
    let num = |p: &str, max: u32| !p.is_empty() && p.len() <= 2 && p.chars().all(|c| c.is_ascii_digit()) && (1..=max).contains(&p.parse().unwrap_or(0));
    match parts.as_slice() {
        [y, m, d] if is_year(y) => num(m, 12) && num(d, 31),
        [d, m, y] => num(d, 31) && num(m, 12) && y.chars().all(|c| c.is_ascii_digit()) && (y.len() == 2 || is_year(y)),
        [d, m] => sep == '/' && num(d, 31) && num(m, 12) && (d.len() == 2 || m.len() == 2),
        _ => false,
    }
}

/// Dates in figures or words: `12/05/2015`, `12th May 2015`, `the 3rd of March`, `May 12th,
/// 2015`, `March 2015`, `born 3 March`. A month alone (`in May`) and a year alone stay.
fn dates(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let core = |i: usize| words.get(i).map(|w| trim_punct(w).1).unwrap_or("");
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        // How many words from `i` make a date, if any.
        let span = if is_numeric_date(core(i)) {
            1
        } else if is_day(core(i)) && is_month(core(i + 1)) {
            2 + usize::from(is_year(core(i + 2)))
        } else if is_day(core(i)) && core(i + 1).eq_ignore_ascii_case("of") && is_month(core(i + 2)) {
            3 + usize::from(is_year(core(i + 3)))
        } else if is_month(core(i)) && is_day(core(i + 1)) && !words[i].ends_with(',') {
            2 + usize::from(is_year(core(i + 2)))
        } else if is_month(core(i)) && is_year(core(i + 1)) && !words[i].ends_with(',') {
            2
        } else {
            0
        };
        // "May" is also a word ("you may 2"): as a month only when capitalised.
        let may = core(i).eq("may") || (span > 1 && core(i + 1) == "may");
        if span > 0 && !may {
            let (lead, _, _) = trim_punct(words[i]);
            let (_, _, trail) = trim_punct(words[i + span - 1]);
            out.push(format!("{lead}{DATE}{trail}"));
            i += span;
            continue;
        }
        out.push(words[i].to_string());
        i += 1;
    }
    out.join(" ")
}

const STREETS: [&str; 30] = [
    "road", "rd", "street", "st", "avenue", "ave", "lane", "ln", "close", "drive", "dr", "way", "crescent", "court", "ct", "place", "pl", "gardens", "terrace",
    "grove", "mews", "square", "row", "walk", "hill", "green", "estate", "parade", "rise", "view",
];

/// Street addresses: a street's name ending in Road, Street, Close, ... (or Rd, St, ...),
/// with its house number if it has one: `42 Elm Road`, `12a Station Rd`, `Oak Tree Close`.
/// The name must be capitalised, or follow a number: "down the road" stays.
fn addresses(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let core = |i: usize| words.get(i).map(|w| trim_punct(w).1).unwrap_or("");
    let capital = |w: &str| w.chars().next().is_some_and(|c| c.is_uppercase());
    let number = |w: &str| w.chars().next().is_some_and(|c| c.is_ascii_digit()) && w.len() <= 4 && w.chars().all(|c| c.is_ascii_alphanumeric());
    let street = |w: &str| capital(w) && STREETS.contains(&w.to_ascii_lowercase().trim_end_matches('.'));
    // "Mrs Hill" and "Miss Green" are people.
    let title =
        |w: &str| ["mr", "mrs", "ms", "miss", "dr", "sir", "aunty", "auntie", "uncle", "nan", "nana"].contains(&w.to_ascii_lowercase().trim_end_matches('.'));
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let numbered = number(core(i));
        let start = i + usize::from(numbered);
        // One to three capitalised words, then the street word, none ending a clause.
        let mut end = None;
        for n in 1..=3 {
            let names = start..start + n;
            if names.clone().all(|k| capital(core(k)) && !STREETS.contains(&core(k).to_ascii_lowercase().as_str()) && !words[k].ends_with([',', '.', '!', '?']))
                && street(core(start + n))
            {
                end = Some(start + n);
                break;
            }
        }
        match end {
            Some(last) if (numbered || core(i).len() > 1) && !title(core(start)) => {
                let (lead, _, _) = trim_punct(words[i]);
                let (_, _, trail) = trim_punct(words[last]);
                out.push(format!("{lead}{ADDRESS}{trail}"));
                i = last + 1;
            }
            _ => {
                out.push(words[i].to_string());
                i += 1;
            }
        }
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
        ("my birthday is 12/05/2015", "my birthday is [date]"),
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
        // Dates
        ("born on 3rd March 2014", "born on [date]"),
        ("my birthday is the 21st of June", "my birthday is the [date]"),
        ("it's on June 21st, 2016 I think", "it's on [date] I think"),
        ("12.05.2015 is when we moved", "[date] is when we moved"),
        ("12-05-15", "[date]"),
        ("2015-05-12", "[date]"),
        ("on 1/9/2019 dad left", "on [date] dad left"),
        ("my bday is 04/11", "my bday is [date]"),
        ("Born 7 Sept 2013.", "Born [date]."),
        ("since March 2020", "since [date]"),
        ("since Jan 2021 it got worse", "since [date] it got worse"),
        ("on 14 feb we had a party", "on [date] we had a party"),
        ("the 2nd of december was bad", "the [date] was bad"),
        ("we moved in May", "we moved in May"),
        ("you may 2 come", "you may 2 come"),
        ("half is 1/2", "half is 1/2"),
        ("3/4 of my class", "3/4 of my class"),
        ("I got 12.5 points", "I got 12.5 points"),
        ("march to the park", "march to the park"),
        ("on Monday I was sad", "on Monday I was sad"),
        ("in 2019 and 2020", "in 2019 and 2020"),
        ("at 3.30 we go home", "at 3.30 we go home"),
        ("I'm 10 in April", "I'm 10 in April"),
        // Phone numbers from abroad, dotted, with 00
        ("dotted 07700.900.123", "dotted [phone]"),
        ("0161.496.0000 is the office", "[phone] is the office"),
        ("my dad in Poland +48 512 345 678", "my dad in Poland [phone]"),
        ("tata: 0048 512 345 678", "tata: [phone]"),
        ("cousin +1 (555) 123-4567", "cousin [phone]"),
        ("+33 6 12 34 56 78 is my aunt", "[phone] is my aunt"),
        ("ring 555-123-4567", "ring [phone]"),
        ("+971 50 123 4567", "[phone]"),
        ("pi is 3.14159265358", "pi is 3.14159265358"),
        ("2015 2016 2017 were hard", "2015 2016 2017 were hard"),
        // Street addresses
        ("I live at 42 Elm Road", "I live at [address]"),
        ("we moved to 12a Station Rd.", "we moved to [address]."),
        ("nan lives on Oak Tree Close, near school", "nan lives on [address], near school"),
        ("10 Downing Street is famous", "[address] is famous"),
        ("flat 3, 7 Mill Lane", "flat 3, [address]"),
        ("our house on Victoria Avenue", "our house on [address]"),
        ("down the road", "down the road"),
        ("we walk up the hill", "we walk up the hill"),
        ("Close the door please", "Close the door please"),
        ("Mrs Hill is my teacher", "Mrs Hill is my teacher"),
        ("Miss Green helps me", "Miss Green helps me"),
        ("I like Park Run", "I like Park Run"),
        ("I went to the park", "I went to the park"),
        // Handles
        ("follow me @sam_dances", "follow me [handle]"),
        ("my snap is @xx.sam.xx", "my snap is [handle]"),
        ("insta: @lily2012!", "insta: [handle]!"),
        ("@ home it's loud", "@ home it's loud"),
        ("me @ 5", "me @ 5"),
        // Links, more
        ("discord.gg/abc123", "[link]"),
        ("HTTPS://EXAMPLE.ORG/page", "[link]"),
        ("roblox.com/users/12345/profile", "[link]"),
        ("I like minecraft.net", "I like [link]"),
        // Emails, more
        ("SAM.J@OUTLOOK.COM", "[email]"),
        ("kid@school.sch.uk;", "[email];"),
        // Names, more
        ("sam sam sam", "[name] [name] [name]"),
        ("'Sam'", "'[name]'"),
        ("Sam-Lee is my cousin", "[name]-Lee is my cousin"),
        ("same as before", "same as before"),
        ("Sammy the dog", "Sammy the dog"),
        ("I'm Sam.", "I'm [name]."),
        ("sam: hello", "[name]: hello"),
        // Ordinary words a child writes, kept
        ("I feel safe at school", "I feel safe at school"),
        ("my mum works nights", "my mum works nights"),
        ("we have 2 cats and 1 dog", "we have 2 cats and 1 dog"),
        ("I sleep at 9", "I sleep at 9"),
        ("I want my own room", "I want my own room"),
        ("the food bank helped", "the food bank helped"),
        ("5 out of 10", "5 out of 10"),
        ("it happened 3 times this week", "it happened 3 times this week"),
        ("I'm in year 10 at high school", "I'm in year 10 at high school"),
        ("ten 10 TEN", "ten 10 TEN"),
        ("😢 when they shout", "😢 when they shout"),
        ("Czuję się smutny", "Czuję się smutny"),
        ("أشعر بالحزن", "أشعر بالحزن"),
        ("my worker Jo is kind", "my worker Jo is kind"),
        // Harder ones, as children write them (some are missed: the recall test counts them)
        ("my address is 5 the avenue", "my address is [address]"),
        ("call me on seven seven zero zero", "call me on [phone]"),
        ("my postcode is sw1a1aa", "my postcode is [postcode]"),
        ("born 03/2015", "born [date]"),
        ("I was born on the twelfth of May", "I was born on the [date]"),
        ("my snapchat is sam_2010", "my snapchat is [handle]"),
        ("email sam at gmail dot com", "email [name] at [email]"),
        ("text 07700 900 123 or 07700 900 124", "text [phone] or [phone]"),
        ("Flat 2, Block C, Riverside Estate", "Flat 2, Block C, [address]"),
        ("Tel: 01632 960001", "Tel: [phone]"),
        ("+44(0)7700 900123", "[phone]"),
        ("my number is 7700 900123", "my number is [phone]"),
        ("on 5th of nov", "on [date]"),
        ("2pm on 3 June", "2pm on [date]"),
        ("12 May", "[date]"),
        ("we go to 221B Baker Street", "we go to [address]"),
        ("ring 0800 1111 if you need to", "ring 0800 1111 if you need to"),
        ("I go to St Mary's", "I go to St Mary's"),
        ("Xmas 2019 was the best", "Xmas 2019 was the best"),
        ("my mum's name is Kasia", "my mum's name is Kasia"),
        ("I live in 42", "I live in 42"),
        ("Year 2021 was bad", "Year 2021 was bad"),
        // Control characters pasted in (U+0000 is refused by the server's database)
        ("my\u{0} dog\u{7} is called Rex", "my dog is called Rex"),
        ("line one\nline two\tand a tab", "line one\nline two\tand a tab"),
    ];

    /// What the scanners miss today, written as a child might: spelled-out numbers and dates,
    /// lowercase streets, handles without `@`, an email in words, a month and year in figures.
    const KNOWN_MISSES: &[&str] = &[
        "my address is 5 the avenue",
        "call me on seven seven zero zero",
        "born 03/2015",
        "I was born on the twelfth of May",
        "my snapchat is sam_2010",
        "email sam at gmail dot com",
    ];

    /// What was asked of the corpus, in figures: of the cases holding something that points to
    /// a child (an expected placeholder), how many are redacted exactly as expected (recall);
    /// of those holding nothing, how many are left exactly as written.
    #[test]
    fn recall_on_the_labelled_corpus() {
        let sensitive: Vec<_> = CORPUS.iter().filter(|(_, want)| want.contains('[')).collect();
        let plain: Vec<_> = CORPUS.iter().filter(|(_, want)| !want.contains('[')).collect();
        let caught = sensitive.iter().filter(|(given, want)| redact(given, Some("Sam")) == *want).count();
        let missed: Vec<&str> = sensitive.iter().filter(|(given, want)| redact(given, Some("Sam")) != *want).map(|(given, _)| *given).collect();
        assert_eq!(missed, KNOWN_MISSES, "what is missed is known and listed");
        let kept = plain.iter().filter(|(given, want)| redact(given, Some("Sam")) == *want).count();
        eprintln!(
            "redaction corpus: {} cases; recall {caught}/{} ({:.0}%); plain text kept {kept}/{}",
            CORPUS.len(),
            sensitive.len(),
            caught as f64 * 100.0 / sensitive.len() as f64,
            plain.len()
        );
        assert!(CORPUS.len() >= 150, "{} cases", CORPUS.len());
        assert_eq!(kept, plain.len(), "nothing a child wrote is lost where it points to no one");
        assert!(caught * 100 >= sensitive.len() * 90, "recall under 90%");
    }

    #[test]
    fn other_names_the_practitioner_gives_go_too() {
        assert_eq!(redact_names("Sam and Kacper went to nan's", &["Sam", "Kacper", "Nan"]), "[name] and [name] went to [name]'s");
    }

    #[test]
    fn the_corpus_is_redacted_as_expected() {
        assert!(CORPUS.len() >= 50);
        let mut wrong = Vec::new();
        for (given, want) in CORPUS.iter().filter(|(given, _)| !KNOWN_MISSES.contains(given)) {
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
