//! The coordinator's app (`/coordinator`), a bundle of its own so tablets never download it.
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(heard::coordinator::CoordinatorApp);
}
