//! Rules for the practitioner's PIN, which unlocks practitioner mode and the tablet's data.

/// Fewest and most characters a PIN may have. Six at least: anyone who copies a tablet's
/// storage can try every 4-digit PIN against it (PBKDF2, 600,000 rounds) in under a second;
/// 6 digits take minutes to hours, 8 or more days. Tablets that chose a shorter PIN before
/// still open with it.
pub const MIN_PIN: usize = 6;
pub const MAX_PIN: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    #[error("a PIN has {MIN_PIN} to {MAX_PIN} digits")]
    Length,
    #[error("a PIN is made of digits only")]
    NotDigits,
    #[error("the two PINs are different")]
    Mismatch,
}

/// Checks a new PIN and its confirmation (both as typed or pasted; surrounding spaces ignored).
pub fn check_new_pin(pin: &str, again: &str) -> Result<String, PinError> {
    let pin = pin.trim();
    if !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(PinError::NotDigits);
    }
    if !(MIN_PIN..=MAX_PIN).contains(&pin.len()) {
        return Err(PinError::Length);
    }
    if pin != again.trim() {
        return Err(PinError::Mismatch);
    }
    Ok(pin.to_string())
}

/// Seconds to wait after `failures` wrong PINs in a row: none for the first two slips, then
/// growing (5 s, 10 s, 20 s ... up to 5 minutes). Never a wipe: mistyping loses nothing.
pub fn wait_after(failures: u32) -> u32 {
    match failures {
        0..=2 => 0,
        n => (5u32 << (n - 3).min(6)).min(300),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_pins_slow_guessing_more_and_more() {
        let waits: Vec<u32> = (0..12).map(wait_after).collect();
        assert_eq!(waits, [0, 0, 0, 5, 10, 20, 40, 80, 160, 300, 300, 300]);
        assert_eq!(wait_after(u32::MAX), 300);
    }

    #[test]
    fn new_pins_are_checked() {
        assert_eq!(check_new_pin(" 246813 ", "246813"), Ok("246813".into()));
        assert_eq!(check_new_pin("2468", "2468"), Err(PinError::Length), "four digits fall to a copied tablet in a second");
        assert_eq!(check_new_pin("24681", "24681"), Err(PinError::Length));
        assert_eq!(check_new_pin("24a813", "24a813"), Err(PinError::NotDigits));
        assert_eq!(check_new_pin("246813", "246831"), Err(PinError::Mismatch));
        assert_eq!(check_new_pin(&"1".repeat(13), &"1".repeat(13)), Err(PinError::Length));
    }
}
