//! A face on a scale, drawn so its meaning is in the shape of the mouth (not only colour),
//! on a large button named by its word.

use crate::text;
use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Face {
    Sad,
    Okay,
    Happy,
}

impl Face {
    pub const THREE: [Face; 3] = [Face::Sad, Face::Okay, Face::Happy];

    /// Position on the scale, 1 being the saddest: what the response records.
    pub fn point(self) -> u8 {
        match self {
            Face::Sad => 1,
            Face::Okay => 2,
            Face::Happy => 3,
        }
    }

    pub fn from_point(point: u8) -> Option<Face> {
        Face::THREE.into_iter().find(|f| f.point() == point)
    }

    pub fn label(self) -> &'static str {
        match self {
            Face::Sad => text::FACE_SAD,
            Face::Okay => text::FACE_OKAY,
            Face::Happy => text::FACE_HAPPY,
        }
    }

    fn mouth(self) -> &'static str {
        match self {
            Face::Sad => "M30 70 Q50 52 70 70",
            Face::Okay => "M32 65 L68 65",
            Face::Happy => "M30 60 Q50 80 70 60",
        }
    }

    fn class(self) -> &'static str {
        match self {
            Face::Sad => "face face-sad",
            Face::Okay => "face face-okay",
            Face::Happy => "face face-happy",
        }
    }
}

/// A large face button. Its accessible name is the face's word, which is also shown.
#[component]
pub fn FaceButton(
    /// Which face to draw.
    face: Face,
    /// Called when the child chooses this face.
    on_choose: Callback<Face>,
    /// While true the button cannot be pressed (e.g. while the answer is being saved).
    #[prop(into)]
    disabled: Signal<bool>,
    /// True for the face the child last chose and that is saved (announced as "pressed").
    #[prop(into)]
    pressed: Signal<bool>,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class=face.class()
            disabled=disabled
            aria-pressed=move || if pressed.get() { "true" } else { "false" }
            on:click=move |_| on_choose.run(face)
        >
            <svg viewBox="0 0 100 100" aria-hidden="true" focusable="false">
                <circle cx="50" cy="50" r="45" class="face-skin" />
                <circle cx="35" cy="40" r="6" class="face-feature" />
                <circle cx="65" cy="40" r="6" class="face-feature" />
                <path d=face.mouth() class="face-mouth" />
            </svg>
            <span class="face-label">{face.label()}</span>
        </button>
    }
}
