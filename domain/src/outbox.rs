//! When a tablet tries again to send what is waiting: at once when it starts, when it comes
//! back online, and on a timer; after failures, exponentially later with jitter, so a partnership's
//! tablets do not all retry at the same moment after an outage.

/// Seconds between attempts while things work.
pub const REGULAR_SECS: u32 = 60;
/// The longest wait after repeated failures.
pub const MAX_BACKOFF_SECS: u32 = 30 * 60;

/// Seconds to wait after `failures` failed attempts in a row. `jitter` in `[0, 1)` spreads
/// the wait over its upper half (so it is never shorter than half the nominal delay).
pub fn retry_after_secs(failures: u32, jitter: f64) -> u32 {
    if failures == 0 {
        return REGULAR_SECS;
    }
    let nominal = (30u64 << (failures - 1).min(10)).min(u64::from(MAX_BACKOFF_SECS)) as f64;
    let jitter = jitter.clamp(0.0, 0.999);
    (nominal * (0.5 + 0.5 * jitter)).round().max(1.0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_after_failures_and_stop_growing_at_half_an_hour() {
        // With the largest jitter a wait is (just under) its nominal value.
        let waits: Vec<u32> = (0..9).map(|f| retry_after_secs(f, 0.999)).collect();
        assert_eq!(waits, [60, 30, 60, 120, 240, 480, 960, 1799, 1799]);
        assert_eq!(retry_after_secs(50, 0.999), 1799);
    }

    #[test]
    fn jitter_spreads_retries_over_the_upper_half() {
        assert_eq!(retry_after_secs(3, 0.0), 60);
        assert_eq!(retry_after_secs(3, 0.5), 90);
        assert!(retry_after_secs(3, 2.0) <= 120, "out-of-range jitter is clamped");
    }
}
