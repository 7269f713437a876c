//! The drawing pad: finger, stylus (with pressure) or mouse through pointer events, using
//! coalesced events so fast strokes stay smooth. Colours with spoken names, three brushes,
//! a rubber, undo / redo, and clear with confirmation. The drawing is kept as vector strokes
//! (`heard_domain::drawing`) and drawn back from them exactly as it was made.

use crate::components::speaker;
use crate::i18n::use_i18n;
use crate::speech::use_speech;
use heard_domain::drawing::{width_at, Point, Stroke, BRUSH_WIDTHS, PALETTE};
use heard_domain::Drawing;
use leptos::html::{Button, Canvas, Div};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, PointerEvent};

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten()?.dyn_into().ok()
}

/// Draws the part of `stroke` from point `from` (its index) onwards. Used both while the
/// child draws and to draw a saved drawing back, so both look the same.
fn paint(ctx: &CanvasRenderingContext2d, stroke: &Stroke, from: usize) {
    ctx.set_global_composite_operation(if stroke.eraser { "destination-out" } else { "source-over" }).ok();
    let colour = PALETTE[usize::from(stroke.colour)];
    ctx.set_stroke_style_str(colour);
    ctx.set_fill_style_str(colour);
    ctx.set_line_cap("round");
    ctx.set_line_join("round");
    let pts = &stroke.points;
    if pts.len() == 1 && from == 0 {
        let p = pts[0];
        ctx.begin_path();
        let _ = ctx.arc(f64::from(p.x), f64::from(p.y), width_at(stroke, &p) / 2.0, 0.0, std::f64::consts::TAU);
        ctx.fill();
        return;
    }
    for i in from.max(1)..pts.len() {
        let (a, b) = (pts[i - 1], pts[i]);
        ctx.set_line_width(width_at(stroke, &b));
        ctx.begin_path();
        ctx.move_to(f64::from(a.x), f64::from(a.y));
        ctx.line_to(f64::from(b.x), f64::from(b.y));
        ctx.stroke();
    }
}

fn repaint(canvas: &HtmlCanvasElement, strokes: &[Stroke]) {
    if let Some(ctx) = context(canvas) {
        ctx.clear_rect(0.0, 0.0, f64::from(canvas.width()), f64::from(canvas.height()));
        for s in strokes {
            paint(&ctx, s, 0);
        }
    }
}

fn point_of(canvas: &HtmlCanvasElement, ev: &PointerEvent) -> Point {
    let rect = canvas.get_bounding_client_rect();
    let scale_x = f64::from(canvas.width()) / rect.width().max(1.0);
    let scale_y = f64::from(canvas.height()) / rect.height().max(1.0);
    let x = ((f64::from(ev.client_x()) - rect.left()) * scale_x).clamp(0.0, f64::from(canvas.width() - 1));
    let y = ((f64::from(ev.client_y()) - rect.top()) * scale_y).clamp(0.0, f64::from(canvas.height() - 1));
    // Only a stylus reports real pressure; mice and most fingers report a fixed value.
    let pressure = if ev.pointer_type() == "pen" && ev.pressure() > 0.0 { (ev.pressure() * 255.0).round() as u8 } else { 128 };
    Point { x: x as u16, y: y as u16, pressure }
}

/// A tool's picture beside its word, for children who cannot read it: a rubber, arrows back
/// and forward (mirrored in right-to-left languages, as the words are), a bin.
fn tool_icon(path: &'static str, mirrored: bool) -> impl IntoView {
    view! {
        <svg class="tool-icon" class:mirrored=mirrored viewBox="0 0 32 32" aria-hidden="true" focusable="false">
            <path d=path fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round" />
        </svg>
    }
}

const RUBBER: &str = "M4 20 L14 6 L28 16 L18 28 L11 28 Z M9 13 L23 23";
const UNDO: &str = "M11 6 L4 12 L11 18 M4 12 H19 A8 8 0 0 1 19 28 H12";
const REDO: &str = "M21 6 L28 12 L21 18 M28 12 H13 A8 8 0 0 0 13 28 H20";
const BIN: &str = "M5 9 H27 M12 9 V5 H20 V9 M8 9 L10 28 H22 L24 9 M14 14 V23 M18 14 V23";

/// Whether `strokes` put anything on the page: the rubber alone leaves it blank.
fn has_ink(strokes: &[Stroke]) -> bool {
    strokes.iter().any(|s| !s.eraser)
}

/// A drawing pad. `drawing` is read once, when the pad appears; afterwards the pad reports
/// every finished stroke, undo, redo or clear through `on_change` (`None` when the page is
/// blank: nothing drawn, or only rubbed).
#[component]
pub fn DrawingPad(
    #[prop(into)] drawing: Signal<Option<Drawing>>,
    on_change: Callback<Option<Drawing>>,
    /// Id of the element that says what to draw; it names the drawing space.
    label_id: String,
    /// A smaller pad (e.g. one of the three houses).
    #[prop(optional)]
    compact: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let speech = use_speech();
    let (w, h): (u16, u16) = if compact { (600, 400) } else { (800, 600) };
    let canvas_ref = NodeRef::<Canvas>::new();
    let initial = drawing.get_untracked().map(|d| d.strokes).unwrap_or_default();
    let strokes = StoredValue::new(initial);
    let redo = StoredValue::new(Vec::<Stroke>::new());
    let current = StoredValue::new(None::<Stroke>);
    // Bumped on every change so undo / redo buttons know whether they can act.
    let version = RwSignal::new(0u32);
    let colour = RwSignal::new(0u8);
    let brush = RwSignal::new(1u8);
    let eraser = RwSignal::new(false);
    let confirming_clear = RwSignal::new(false);
    let pad = NodeRef::<Div>::new();
    let keep_button = NodeRef::<Button>::new();
    let clear_button = NodeRef::<Button>::new();
    // The question opens with the focus on "No, keep it", which also brings it into view (it
    // would otherwise open below the screen's edge, under Back and Next, with nothing seen).
    Effect::new(move |_| {
        if let Some(keep) = keep_button.get() {
            let _ = keep.focus();
        }
    });

    Effect::new(move |_| {
        if let Some(canvas) = canvas_ref.get() {
            strokes.with_value(|s| repaint(&canvas, s));
        }
    });

    let emit = move || {
        version.update(|v| *v += 1);
        let all = strokes.get_value();
        on_change.run(has_ink(&all).then_some(Drawing { width: w, height: h, strokes: all }));
    };

    let down = move |ev: PointerEvent| {
        let Some(canvas) = canvas_ref.get() else { return };
        // Rubbing a blank page does nothing, and is not kept as if something were drawn.
        if !ev.is_primary() || (eraser.get_untracked() && strokes.with_value(|s| !has_ink(s))) {
            return;
        }
        ev.prevent_default();
        let _ = canvas.set_pointer_capture(ev.pointer_id());
        let stroke =
            Stroke { colour: colour.get_untracked(), brush: brush.get_untracked(), eraser: eraser.get_untracked(), points: vec![point_of(&canvas, &ev)] };
        if let Some(ctx) = context(&canvas) {
            paint(&ctx, &stroke, 0);
        }
        current.set_value(Some(stroke));
    };
    let move_ = move |ev: PointerEvent| {
        let Some(canvas) = canvas_ref.get() else { return };
        if current.with_value(Option::is_none) {
            return;
        }
        let coalesced = ev.get_coalesced_events();
        let events: Vec<PointerEvent> = if coalesced.length() > 0 { coalesced.iter().filter_map(|e| e.dyn_into().ok()).collect() } else { vec![ev] };
        current.update_value(|c| {
            if let Some(stroke) = c {
                let from = stroke.points.len();
                for e in &events {
                    let p = point_of(&canvas, e);
                    if stroke.points.last() != Some(&p) {
                        stroke.points.push(p);
                    }
                }
                if let Some(ctx) = context(&canvas) {
                    paint(&ctx, stroke, from);
                }
            }
        });
    };
    let up = move |_: PointerEvent| {
        if let Some(stroke) = current.try_update_value(Option::take).flatten() {
            strokes.update_value(|s| s.push(stroke));
            redo.update_value(Vec::clear);
            emit();
        }
    };
    let undo = move |_| {
        if let Some(s) = strokes.try_update_value(Vec::pop).flatten() {
            redo.update_value(|r| r.push(s));
            if let Some(c) = canvas_ref.get() {
                strokes.with_value(|s| repaint(&c, s));
            }
            emit();
        }
    };
    let redo_ = move |_| {
        if let Some(s) = redo.try_update_value(Vec::pop).flatten() {
            strokes.update_value(|all| all.push(s));
            if let Some(c) = canvas_ref.get() {
                strokes.with_value(|s| repaint(&c, s));
            }
            emit();
        }
    };
    let clear = move |_| {
        strokes.update_value(Vec::clear);
        redo.update_value(Vec::clear);
        confirming_clear.set(false);
        // Starting again means drawing again: the pen, not the rubber, in the colour chosen.
        eraser.set(false);
        if let Some(c) = canvas_ref.get() {
            repaint(&c, &[]);
        }
        emit();
        let swatches = pad.get_untracked().and_then(|p| p.query_selector_all(".swatch").ok());
        if let Some(pen) = swatches.and_then(|all| all.item(u32::from(colour.get_untracked()))) {
            let _ = pen.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    };
    let keep = move |_: ()| {
        confirming_clear.set(false);
        if let Some(b) = clear_button.get_untracked() {
            let _ = b.focus();
        }
    };
    let can_undo = move || {
        version.track();
        strokes.with_value(|s| !s.is_empty())
    };
    let can_redo = move || {
        version.track();
        redo.with_value(|r| !r.is_empty())
    };

    view! {
        <div class="drawing-pad" class:compact=compact node_ref=pad>
            <canvas
                node_ref=canvas_ref
                width=w
                height=h
                role="img"
                aria-label=i18n.t("draw.canvas")
                aria-describedby=label_id
                on:pointerdown=down
                on:pointermove=move_
                on:pointerup=up
                on:pointercancel=up
            ></canvas>
            <div class="tools">
                <div class="swatches" role="group" aria-label=i18n.t("draw.colours")>
                    {PALETTE
                        .iter()
                        .enumerate()
                        .map(|(i, hex)| {
                            let i = i as u8;
                            let name = i18n.t(&format!("colour.{i}"));
                            let spoken = name.clone();
                            view! {
                                <button
                                    type="button"
                                    class="swatch"
                                    style:--swatch=*hex
                                    aria-label=name
                                    aria-pressed=move || if colour.get() == i && !eraser.get() { "true" } else { "false" }
                                    on:click=move |_| {
                                        colour.set(i);
                                        eraser.set(false);
                                        let lang = i18n.lang.get_untracked();
                                        if speech.can_speak(&lang) {
                                            speech.say(&spoken, &lang);
                                        }
                                    }
                                ></button>
                            }
                        })
                        .collect_view()}
                </div>
                <div class="brushes" role="group" aria-label=i18n.t("draw.brushes")>
                    {(0..BRUSH_WIDTHS.len() as u8)
                        .map(|b| {
                            view! {
                                <button
                                    type="button"
                                    class="brush"
                                    aria-label=i18n.t(&format!("draw.brush.{b}"))
                                    aria-pressed=move || if brush.get() == b { "true" } else { "false" }
                                    on:click=move |_| brush.set(b)
                                >
                                    <svg viewBox="0 0 40 40" aria-hidden="true" focusable="false">
                                        <circle cx="20" cy="20" r=BRUSH_WIDTHS[usize::from(b)] / 2 + 1 fill="currentColor" />
                                    </svg>
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                <button
                    type="button"
                    class="tool"
                    aria-pressed=move || if eraser.get() { "true" } else { "false" }
                    on:click=move |_| eraser.update(|e| *e = !*e)
                >
                    {tool_icon(RUBBER, false)}
                    {i18n.t("draw.eraser")}
                </button>
                <button type="button" class="tool" on:click=undo disabled=move || !can_undo()>{tool_icon(UNDO, true)} {i18n.t("draw.undo")}</button>
                <button type="button" class="tool" on:click=redo_ disabled=move || !can_redo()>{tool_icon(REDO, true)} {i18n.t("draw.redo")}</button>
                <button
                    type="button"
                    class="tool"
                    node_ref=clear_button
                    on:click=move |_| confirming_clear.set(true)
                    disabled=move || !can_undo()
                >
                    {tool_icon(BIN, false)}
                    {i18n.t("draw.clear")}
                </button>
            </div>
            <Show when=move || confirming_clear.get()>
                <div
                    class="confirm"
                    role="alertdialog"
                    aria-label=i18n.t("draw.clear_confirm")
                    // Escape keeps the drawing, as "No, keep it" does.
                    on:keydown=move |ev| {
                        if ev.key() == "Escape" {
                            keep(());
                        }
                    }
                >
                    <p class="with-speaker">{i18n.t("draw.clear_confirm")} {speaker("draw.clear_confirm")}</p>
                    <span class="with-speaker">
                        <button type="button" on:click=clear>{i18n.t("draw.clear_yes")}</button>
                        {speaker("draw.clear_yes")}
                    </span>
                    <span class="with-speaker">
                        <button type="button" class="primary" node_ref=keep_button on:click=move |_| keep(())>{i18n.t("draw.clear_no")}</button>
                        {speaker("draw.clear_no")}
                    </span>
                </div>
            </Show>
        </div>
    }
}
