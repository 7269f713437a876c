//! Reusable pieces of the child and practitioner screens.

mod child_said;
mod choice;
mod drawing_image;
mod drawing_pad;
mod face;
mod field_problem;
pub mod follow_up;
mod guard;
pub mod questions;
mod scanner;
mod speak;
mod step_icon;

pub use child_said::{keep_said, ChildSaid, SaidThisSession};
pub use choice::Choice;
pub use drawing_image::DrawingImage;
pub use drawing_pad::DrawingPad;
pub use face::FaceIcon;
pub use field_problem::FieldProblem;
pub use guard::{focus_heading_if_lost, focus_if_lost, use_idle_minutes, wait_message, ChildMode, Guarded, Unlock};
pub use scanner::Scanner;
pub use speak::{speaker, SpeakButton};
pub use step_icon::{Step, StepButton, StepIcon};
