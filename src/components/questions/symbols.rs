//! Symbols for yes / no / not sure and for who helped: shapes that carry the meaning
//! without colour or words.

use heard_domain::{Helper, YesNo};
use leptos::prelude::*;

#[component]
pub fn YesNoIcon(answer: YesNo) -> impl IntoView {
    let (path, class) = match answer {
        YesNo::Yes => ("M20 52 L42 74 L80 30", "symbol symbol-yes"),
        YesNo::No => ("M26 26 L74 74 M74 26 L26 74", "symbol symbol-no"),
        YesNo::NotSure => ("M36 36 Q36 20 50 20 Q66 20 66 36 Q66 48 50 54 L50 64 M50 78 L50 80", "symbol symbol-not-sure"),
    };
    view! {
        <svg class=class viewBox="0 0 100 100" aria-hidden="true" focusable="false">
            <circle cx="50" cy="50" r="46" fill="none" stroke="currentColor" stroke-width="4" />
            <path d=path fill="none" stroke="currentColor" stroke-width="10" stroke-linecap="round" stroke-linejoin="round" />
        </svg>
    }
}

/// A picture for who helped, drawn as simple gender-neutral figures.
#[component]
pub fn HelperIcon(helper: Helper) -> impl IntoView {
    // A small figure is the child; a tall one an adult.
    let child = "M30 40 a8 8 0 1 0 0.1 0 M30 52 L30 76 M18 60 L42 60 M30 76 L22 92 M30 76 L38 92";
    let adult = "M68 22 a10 10 0 1 0 0.1 0 M68 36 L68 66 M52 46 L84 46 M68 66 L58 92 M68 66 L78 92";
    // The worker wears a badge on a lanyard; a parent or carer holds the child's hand under
    // the roof of their home: told apart at a glance, not by a detail.
    let d = match helper {
        Helper::Alone => child.to_string(),
        Helper::Worker => format!("{child} {adult} M42 60 L52 46 M60 36 L68 50 L76 36 M62 50 L74 50 L74 62 L62 62 Z"),
        Helper::ParentOrCarer => format!("{child} {adult} M42 60 L52 46 M6 40 L50 4 L94 40"),
    };
    view! {
        <svg class="symbol" viewBox="0 0 100 100" aria-hidden="true" focusable="false">
            <path d=d fill="none" stroke="currentColor" stroke-width="5" stroke-linecap="round" />
        </svg>
    }
}
