//! Any bytes as the body of `POST /api/v1/responses` and `/api/v1/outcomes`: decoding and
//! checking must give a batch, per-item answers or a refusal, never a panic, and every item
//! is answered (one result per item).
#![no_main]

use heard_domain::wire::{Checked, IncomingBatch, IncomingOutcomes};
use heard_domain::Catalogue;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let catalogue = CATALOGUE.get_or_init(Catalogue::built_in);
    if let Ok(batch) = serde_json::from_slice::<IncomingBatch>(data) {
        let n = batch.responses.len();
        if let Ok(checked) = batch.check(catalogue) {
            assert_eq!(checked.len(), n, "one answer per response");
            for c in checked {
                if let Checked::Rejected { reason, .. } = c {
                    assert!(reason.starts_with("responses["), "a rejection names where: {reason}");
                }
            }
        }
    }
    if let Ok(batch) = serde_json::from_slice::<IncomingOutcomes>(data) {
        let n = batch.outcomes.len();
        if let Ok(checked) = batch.check() {
            assert_eq!(checked.len(), n, "one answer per outcome");
        }
    }
});
