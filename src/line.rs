//! Writes that land in the order they were asked for. Each write to IndexedDB first awaits its
//! encryption (WebCrypto) and its connection; a browser may finish those out of order (Chromium
//! runs them in turn, others need not), so two writes of one response started together — the
//! draft with a last answer, then the finished response — could land the wrong way round and
//! leave it both finished and unfinished. A `WriteLine` starts each write only when the one
//! asked before it has ended, however it ended.

use js_sys::Promise;
use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

#[derive(Clone)]
pub struct WriteLine(Rc<RefCell<Promise>>);

impl Default for WriteLine {
    fn default() -> Self {
        WriteLine(Rc::new(RefCell::new(Promise::resolve(&JsValue::UNDEFINED))))
    }
}

impl WriteLine {
    /// Runs `write` once every write asked of this line before it has ended.
    pub fn run(&self, write: impl Future<Output = ()> + 'static) {
        let mut tail = self.0.borrow_mut();
        let before = tail.clone();
        *tail = future_to_promise(async move {
            // A failed write before this one still lets this one run.
            let _ = JsFuture::from(before).await;
            write.await;
            Ok(JsValue::UNDEFINED)
        });
    }
}
