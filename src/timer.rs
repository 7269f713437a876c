//! The browser's timers, with each handle kept as the browser gave it. web-sys reads handles
//! as i32; one past 2^31 (Playwright's fake clock gives such) would come back wrapped, so the
//! timer could never be cleared and would fire after its screen had gone, into a dropped
//! closure. Used wherever a timer is cleared (the idle lock, switch scanning).

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    pub fn set_timeout(callback: &js_sys::Function, ms: u32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    pub fn clear_timeout(handle: &JsValue);
    #[wasm_bindgen(js_name = setInterval)]
    pub fn set_interval(callback: &js_sys::Function, ms: u32) -> JsValue;
    #[wasm_bindgen(js_name = clearInterval)]
    pub fn clear_interval(handle: &JsValue);
}
