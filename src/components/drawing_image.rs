//! A child's drawing redrawn from its strokes, as a picture with a name: the dashboard's
//! shared drawings and, behind the PIN, the drawings the practitioner reads beside the child.

use heard_domain::drawing::{Drawing, BRUSH_WIDTHS, ERASER_MARGIN, PALETTE};
use leptos::prelude::*;

/// `drawing` as SVG, named `label` for screen readers.
#[component]
pub fn DrawingImage(drawing: Drawing, label: String) -> impl IntoView {
    let lines = drawing
        .strokes
        .iter()
        .map(|s| {
            let points: String = s.points.iter().map(|p| format!("{},{} ", p.x, p.y)).collect();
            let colour = if s.eraser { "#ffffff" } else { PALETTE.get(usize::from(s.colour)).copied().unwrap_or("#1f1f1f") };
            let width = f64::from(BRUSH_WIDTHS.get(usize::from(s.brush)).copied().unwrap_or(12)) + if s.eraser { ERASER_MARGIN } else { 0.0 };
            view! { <polyline points=points fill="none" stroke=colour stroke-width=width stroke-linecap="round" stroke-linejoin="round" /> }
        })
        .collect_view();
    view! {
        <svg class="drawing-image" viewBox=format!("0 0 {} {}", drawing.width, drawing.height) role="img" aria-label=label>
            <rect width=drawing.width height=drawing.height fill="#ffffff" />
            {lines}
        </svg>
    }
}
