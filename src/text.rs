//! Every string the skeleton shows, in one place, so the translation work (English plus
//! other languages, right-to-left) has a single source to replace.

pub const NOT_FOUND: &str = "This page does not exist.";

pub const HOME_TITLE: &str = "Heard";
pub const HOME_INTRO: &str = "Children and young people tell the adults helping their family how things really are.";
pub const NAV_CHILD: &str = "Child screen";
pub const NAV_OUTBOX: &str = "Outbox";
pub const NAV_COORDINATOR: &str = "Coordinator";
pub const NAV_LABEL: &str = "Main";

pub const HOME_PROMPT: &str = "How are things at home?";
pub const FACE_SAD: &str = "Sad";
pub const FACE_OKAY: &str = "Okay";
pub const FACE_HAPPY: &str = "Happy";
pub const CHILD_THANKS: &str = "Thank you. Your answer is saved.";
pub const CHILD_SAVE_FAILED: &str =
    "This tablet could not save that answer. Please ask your worker to help.";

pub const OUTBOX_TITLE: &str = "Outbox";
pub const OUTBOX_LOADING: &str = "Looking for answers saved on this tablet…";
pub const OUTBOX_EMPTY: &str = "Nothing is waiting to send.";
pub const OUTBOX_SEND: &str = "Send";
pub const OUTBOX_SENDING: &str = "Sending…";
pub const OUTBOX_LIST_LABEL: &str = "Answers waiting to send";
pub const STORE_UNAVAILABLE: &str =
    "This browser is not letting Heard use its storage, so answers cannot be kept on this tablet. \
     Check that private browsing is off and that site storage is allowed.";

pub fn waiting(n: usize) -> String {
    match n {
        1 => "1 answer waiting to send.".into(),
        n => format!("{n} answers waiting to send."),
    }
}

pub fn sent(n: usize) -> String {
    match n {
        1 => "Sent 1 answer. The server has it.".into(),
        n => format!("Sent {n} answers. The server has them."),
    }
}

pub fn conflicts(n: usize) -> String {
    format!(
        "{n} answer(s) were not accepted because the server already holds a different answer with the same \
         id. They stay on this tablet; tell your coordinator."
    )
}

pub const SEND_UNREACHABLE: &str = "Could not reach the Heard server, so nothing was sent. \
     Your answers are still saved on this tablet; try again when you are back online.";

pub fn send_refused(detail: &str) -> String {
    format!("The server did not accept the answers ({detail}). They are still saved on this tablet.")
}

pub const COORD_TITLE: &str = "Partnership overview";
pub const COORD_HELD: &str = "Responses held on the server";
pub const COORD_LOADING: &str = "Counting…";
pub const COORD_REFRESH: &str = "Refresh";
pub const COORD_UNREACHABLE: &str = "Could not reach the Heard server. Check the connection and refresh.";
