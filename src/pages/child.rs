//! The child's screen: one question, three faces. A tap is saved on the tablet before the
//! child is thanked. A child who changes their mind taps another face: the same response is
//! saved again with the new answer, never a second response.

use crate::components::{Face, FaceButton};
use crate::store::{Store, StoreName};
use crate::{device, text};
use heard_domain::form::home_check;
use heard_domain::{Answer, AnswerValue, Response};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

#[derive(Clone, Copy, PartialEq)]
enum Saving {
    Idle,
    Busy,
    Saved,
    Failed,
}

/// Builds response `id` for a chosen face on the built-in home check.
pub fn response_for(id: Uuid, face: Face) -> Response {
    let form = home_check();
    Response {
        id,
        form_id: form.id,
        form_version: form.version,
        date: device::today(),
        answers: vec![Answer { question_id: form.questions[0].id.clone(), value: AnswerValue::Face(face.point()) }],
    }
}

#[component]
pub fn ChildPage() -> impl IntoView {
    let (saving, set_saving) = signal(Saving::Idle);
    let (chosen, set_chosen) = signal(None::<Face>);
    let store_name = use_context::<StoreName>().unwrap_or_default();
    // One response per visit to this screen, whatever the number of taps.
    let response_id = device::new_id();
    let choose = Callback::new(move |face: Face| {
        set_saving.set(Saving::Busy);
        let store_name = store_name.clone();
        spawn_local(async move {
            let saved = match Store::open(&store_name).await {
                Ok(store) => store.save_pending(&response_for(response_id, face)).await,
                Err(e) => Err(e),
            };
            if saved.is_ok() {
                set_chosen.set(Some(face));
            }
            set_saving.set(if saved.is_ok() { Saving::Saved } else { Saving::Failed });
        });
    });
    let busy = Signal::derive(move || saving.get() == Saving::Busy);
    view! {
        <section class="child" aria-labelledby="question">
            <h1 id="question">{text::HOME_PROMPT}</h1>
            <div class="faces" role="group" aria-labelledby="question">
                {Face::THREE.map(|face| {
                    let pressed = Signal::derive(move || chosen.get() == Some(face));
                    view! { <FaceButton face on_choose=choose disabled=busy pressed /> }
                })}
            </div>
            <p role="status" class="child-status">
                {move || match saving.get() {
                    Saving::Saved => text::CHILD_THANKS,
                    Saving::Failed => text::CHILD_SAVE_FAILED,
                    Saving::Idle | Saving::Busy => "",
                }}
            </p>
        </section>
    }
}
