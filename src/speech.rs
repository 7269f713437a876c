//! Read-aloud through the browser's Web Speech API. Where the device has no voice for a
//! language, `Speech::can_speak` is false and speaker buttons are not shown (a button that
//! does nothing would confuse a child); the practitioner is told once instead.

use heard_domain::Lang;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Which languages this device can speak; updated when the browser finishes loading voices.
#[derive(Clone, Copy)]
pub struct Speech {
    voice_langs: RwSignal<Vec<String>>,
}

fn synth() -> Option<web_sys::SpeechSynthesis> {
    web_sys::window().and_then(|w| w.speech_synthesis().ok())
}

fn read_voices() -> Vec<String> {
    let Some(s) = synth() else { return Vec::new() };
    s.get_voices()
        .iter()
        .filter_map(|v| v.dyn_into::<web_sys::SpeechSynthesisVoice>().ok())
        .map(|v| v.lang().to_ascii_lowercase())
        .collect()
}

impl Speech {
    pub fn new() -> Speech {
        let voice_langs = RwSignal::new(read_voices());
        if let Some(s) = synth() {
            let on_change = Closure::<dyn FnMut()>::new(move || voice_langs.set(read_voices()));
            s.set_onvoiceschanged(Some(on_change.as_ref().unchecked_ref()));
            on_change.forget();
        }
        Speech { voice_langs }
    }

    /// Whether a voice for `lang` is installed (reactive: voices load late in some browsers).
    pub fn can_speak(&self, lang: &Lang) -> bool {
        let tag = lang.as_str();
        self.voice_langs.with(|v| v.iter().any(|l| l == tag || l.starts_with(&format!("{tag}-"))))
    }

    /// Reads `text` aloud in `lang`, interrupting whatever was being read.
    pub fn say(&self, text: &str, lang: &Lang) {
        let Some(s) = synth() else { return };
        let Ok(utterance) = web_sys::SpeechSynthesisUtterance::new_with_text(text) else { return };
        utterance.set_lang(lang.as_str());
        s.cancel();
        s.speak(&utterance);
    }

    pub fn stop(&self) {
        if let Some(s) = synth() {
            s.cancel();
        }
    }
}

impl Default for Speech {
    fn default() -> Self {
        Speech::new()
    }
}

pub fn use_speech() -> Speech {
    use_context::<Speech>().unwrap_or_else(|| {
        let s = Speech::new();
        provide_context(s);
        s
    })
}
