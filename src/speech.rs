//! Read-aloud through the browser's Web Speech API. Where the device has no voice for a
//! language, `Speech::can_speak` is false and speaker buttons are not shown (a button that
//! does nothing would confuse a child); the practitioner is told once instead.
//! Only the device's own voices are used: a browser's network voices (some of Chrome's
//! "Google" voices) send the text to a server, and what is read includes the child's first
//! name in the greeting; they also fall silent with no network, where the tablet is used.

use heard_domain::Lang;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Which languages this device can speak; updated when the browser finishes loading voices.
#[derive(Clone, Copy)]
pub struct Speech {
    voice_langs: RwSignal<Vec<String>>,
    /// The browser has said which voices it has (some load them a moment after the page),
    /// or has had time to: until then, no voice is no news.
    settled: RwSignal<bool>,
}

/// How long a browser that says nothing about its voices is given before "no voice" is believed.
const VOICES_WAIT_MS: u32 = 10_000;

fn synth() -> Option<web_sys::SpeechSynthesis> {
    web_sys::window().and_then(|w| w.speech_synthesis().ok())
}

/// A voice's language as a lowercase tag (`en_US` on some systems is `en-us`).
fn voice_lang(v: &web_sys::SpeechSynthesisVoice) -> String {
    v.lang().to_ascii_lowercase().replace('_', "-")
}

/// The voices on this device (never a network voice).
fn voices() -> Vec<web_sys::SpeechSynthesisVoice> {
    let Some(s) = synth() else { return Vec::new() };
    s.get_voices().iter().filter_map(|v| v.dyn_into::<web_sys::SpeechSynthesisVoice>().ok()).filter(web_sys::SpeechSynthesisVoice::local_service).collect()
}

fn read_voices() -> Vec<String> {
    voices().iter().map(voice_lang).collect()
}

fn speaks(voice_lang: &str, tag: &str) -> bool {
    voice_lang == tag || voice_lang.starts_with(&format!("{tag}-"))
}

/// The voice to read `lang` with: the system's default when it speaks it, else the first that
/// does. Left to the browser, a voice may be chosen for another language (the default voice).
fn voice_for(lang: &Lang) -> Option<web_sys::SpeechSynthesisVoice> {
    let tag = lang.as_str();
    let fitting: Vec<_> = voices().into_iter().filter(|v| speaks(&voice_lang(v), tag)).collect();
    fitting.iter().find(|v| web_sys::SpeechSynthesisVoice::default(v)).or(fitting.first()).cloned()
}

impl Speech {
    pub fn new() -> Speech {
        let voice_langs = RwSignal::new(read_voices());
        let any_voice = synth().is_some_and(|s| s.get_voices().length() > 0);
        let settled = RwSignal::new(synth().is_none() || any_voice);
        if let Some(s) = synth() {
            let on_change = Closure::<dyn FnMut()>::new(move || {
                voice_langs.set(read_voices());
                settled.set(true);
            });
            s.set_onvoiceschanged(Some(on_change.as_ref().unchecked_ref()));
            on_change.forget();
            if !any_voice {
                gloo_timers::callback::Timeout::new(VOICES_WAIT_MS, move || settled.set(true)).forget();
            }
        }
        Speech { voice_langs, settled }
    }

    /// Whether this device is known to have no voice of its own for `lang`: false while the
    /// browser is still loading its voices, so the practitioner is never told "no read-aloud"
    /// a second before the speakers appear.
    pub fn known_silent(&self, lang: &Lang) -> bool {
        self.settled.get() && !self.can_speak(lang)
    }

    /// Whether a voice for `lang` is installed (reactive: voices load late in some browsers).
    pub fn can_speak(&self, lang: &Lang) -> bool {
        self.voice_langs.with(|v| v.iter().any(|l| speaks(l, lang.as_str())))
    }

    /// Reads `text` aloud in `lang`, interrupting whatever was being read.
    pub fn say(&self, text: &str, lang: &Lang) {
        self.say_all(&[text], lang);
    }

    /// Reads each of `lines` in turn in `lang`, interrupting whatever was being read; with no
    /// voice of the device's own for `lang`, nothing (the browser's default might be a network one).
    pub fn say_all(&self, lines: &[impl AsRef<str>], lang: &Lang) {
        let (Some(s), Some(voice)) = (synth(), voice_for(lang)) else { return };
        s.cancel();
        for line in lines {
            let Ok(utterance) = web_sys::SpeechSynthesisUtterance::new_with_text(line.as_ref()) else { return };
            utterance.set_lang(lang.as_str());
            utterance.set_voice(Some(&voice));
            s.speak(&utterance);
        }
    }

    /// Whether anything is being read aloud (or waits to be).
    pub fn speaking(&self) -> bool {
        synth().is_some_and(|s| s.speaking() || s.pending())
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
