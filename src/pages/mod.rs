//! One module per route.

mod child;
mod enrol;
mod home;
mod outbox;
mod run;

pub use child::ChildPage;
pub(crate) use child::LanguageSelect;
pub use enrol::EnrolPage;
pub use home::{CoordinatorOffline, HomePage, NotFound};
pub use outbox::OutboxPage;
pub use run::{FormRun, RunPage};
