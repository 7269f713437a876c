//! A face on a 3- or 5-point scale, drawn so its meaning is in the shape of the mouth (not
//! only its colour).

use leptos::prelude::*;

fn mouth(points: u8, n: u8) -> &'static str {
    match (points, n) {
        (5, 1) => "M28 74 Q50 44 72 74",
        (5, 2) | (3, 1) => "M30 70 Q50 54 70 70",
        (5, 3) | (3, 2) => "M32 65 L68 65",
        (5, 4) | (3, 3) => "M30 60 Q50 76 70 60",
        _ => "M27 57 Q50 90 73 57",
    }
}

fn skin(points: u8, n: u8) -> &'static str {
    // From cool to warm as the face gets happier; the mouth carries the meaning.
    let step = if points == 3 { (n - 1) * 2 } else { n - 1 };
    ["#b9d6f2", "#cfe0ee", "#f1e3a4", "#cfe8c4", "#b8e2b0"][usize::from(step.min(4))]
}

/// Face `n` of `points` (1 is the saddest). Decorative: the button around it carries the name.
#[component]
pub fn FaceIcon(points: u8, n: u8) -> impl IntoView {
    view! {
        <svg class="face-icon" viewBox="0 0 100 100" aria-hidden="true" focusable="false">
            <circle cx="50" cy="50" r="45" fill=skin(points, n) stroke="currentColor" stroke-width="4" />
            <circle cx="35" cy="40" r="6" fill="currentColor" />
            <circle cx="65" cy="40" r="6" fill="currentColor" />
            <path d=mouth(points, n) fill="none" stroke="currentColor" stroke-width="5" stroke-linecap="round" />
        </svg>
    }
}
