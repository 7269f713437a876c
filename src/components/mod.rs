//! Reusable pieces of the child and practitioner screens.

mod face;

pub use face::{Face, FaceButton};
