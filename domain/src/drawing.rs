//! A child's drawing as compact vector strokes. On the wire and on disk a drawing is one
//! string, `d1.` followed by base64url of a small binary form: per stroke its colour, brush
//! and eraser flag, then each point as a zig-zag varint delta from the one before (x, y,
//! pressure). A 2,000-point drawing fits in well under 16 KB, and decodes to exactly the
//! strokes that were drawn, so it renders back identically.

use crate::b64::{base64url_decode, base64url_encode};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Colours the pad offers, by index (names for read-aloud live in the translation files).
pub const PALETTE: [&str; 10] = ["#1f1f1f", "#d62828", "#f77f00", "#fcbf49", "#2a9d8f", "#1d4e89", "#7b2cbf", "#e76f9a", "#8d5524", "#ffffff"];
/// Brush widths, in drawing units, for the small, medium and large brushes.
pub const BRUSH_WIDTHS: [u16; 3] = [4, 12, 28];
/// How much wider than its brush the rubber draws, in drawing units: rubbing along a line of
/// the same width left its soft edges behind, a faint outline.
pub const ERASER_MARGIN: f64 = 3.0;
/// Largest canvas side, in drawing units.
pub const MAX_SIDE: u16 = 4096;
/// Most points one drawing may hold (bounds what a device can send).
pub const MAX_POINTS: usize = 20_000;
const MAX_STROKES: usize = 5_000;
const PREFIX: &str = "d1.";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Point {
    pub x: u16,
    pub y: u16,
    /// 0 to 255; 128 for input without pressure (mouse, most fingers).
    pub pressure: u8,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stroke {
    /// Index into `PALETTE`.
    pub colour: u8,
    /// Index into `BRUSH_WIDTHS`.
    pub brush: u8,
    /// An eraser stroke removes what is under it.
    pub eraser: bool,
    pub points: Vec<Point>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Drawing {
    pub width: u16,
    pub height: u16,
    pub strokes: Vec<Stroke>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawingError {
    #[error("a drawing starts with \"d1.\"")]
    Prefix,
    #[error("a drawing is base64url text; found a character that is not")]
    Base64,
    #[error("the drawing data ends too soon")]
    Truncated,
    #[error("the drawing has data after its last stroke")]
    Trailing,
    #[error("a drawing is at most {MAX_SIDE} units on each side")]
    TooWide,
    #[error("a drawing has at most {MAX_POINTS} points")]
    TooManyPoints,
    #[error("colour {0} is not on the palette")]
    Colour(u8),
    #[error("brush {0} does not exist")]
    Brush(u8),
    #[error("a point lies outside the drawing")]
    OutOfBounds,
    #[error("a drawing has at least one stroke; a blank page is recorded as a choice, not as a drawing")]
    Empty,
}

/// How wide a stroke is drawn at a point: its brush, by the point's pressure; a rubber wider
/// by `ERASER_MARGIN`. The pad draws with it, and `Drawing::flattened` erases with it.
pub fn width_at(stroke: &Stroke, p: &Point) -> f64 {
    let width = f64::from(BRUSH_WIDTHS[usize::from(stroke.brush)]) * (0.5 + f64::from(p.pressure) / 255.0);
    if stroke.eraser {
        width + ERASER_MARGIN
    } else {
        width
    }
}

/// The distance from `p` to the segment from `a` to `b`.
fn to_segment(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 { 0.0 } else { (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0) };
    ((p.0 - a.0 - t * dx).powi(2) + (p.1 - a.1 - t * dy).powi(2)).sqrt()
}

fn xy(p: &Point) -> (f64, f64) {
    (f64::from(p.x), f64::from(p.y))
}

/// Whether the rubber stroke `e` passes over `p`.
fn rubbed(p: &Point, e: &Stroke) -> bool {
    let at = xy(p);
    match e.points.as_slice() {
        [] => false,
        [only] => to_segment(at, xy(only), xy(only)) <= width_at(e, only) / 2.0,
        pts => pts.windows(2).any(|w| to_segment(at, xy(&w[0]), xy(&w[1])) <= width_at(e, &w[0]).max(width_at(e, &w[1])) / 2.0),
    }
}

/// `s`'s points with those in between added, one every `step` units, along each segment that
/// comes near the rubber `e` (elsewhere the stroke is left as it is): a line crossed by the
/// rubber between two of its points loses what was rubbed out too.
fn densified(s: &Stroke, e: &Stroke, step: f64) -> Vec<Point> {
    let reach = e.points.iter().map(|p| width_at(e, p)).fold(0.0, f64::max) / 2.0 + step;
    let (lo_x, hi_x) = e.points.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(f64::from(p.x)), hi.max(f64::from(p.x))));
    let (lo_y, hi_y) = e.points.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(f64::from(p.y)), hi.max(f64::from(p.y))));
    let mut out = Vec::with_capacity(s.points.len());
    for (i, p) in s.points.iter().enumerate() {
        out.push(*p);
        let Some(q) = s.points.get(i + 1) else { break };
        let near = f64::from(p.x.max(q.x)) >= lo_x - reach
            && f64::from(p.x.min(q.x)) <= hi_x + reach
            && f64::from(p.y.max(q.y)) >= lo_y - reach
            && f64::from(p.y.min(q.y)) <= hi_y + reach;
        let len = to_segment(xy(p), xy(q), xy(q));
        if near && len > step {
            let n = (len / step).ceil() as usize;
            for k in 1..n {
                let t = k as f64 / n as f64;
                let lerp = |a: u16, b: u16| (f64::from(a) + t * (f64::from(b) - f64::from(a))).round() as u16;
                let pressure = (f64::from(p.pressure) + t * (f64::from(q.pressure) - f64::from(p.pressure))).round() as u8;
                out.push(Point { x: lerp(p.x, q.x), y: lerp(p.y, q.y), pressure });
            }
        }
    }
    out
}

impl Drawing {
    pub fn point_count(&self) -> usize {
        self.strokes.iter().map(|s| s.points.len()).sum()
    }

    /// The drawing as it can be seen: each rubber stroke takes away every point of the strokes
    /// drawn before it that it passes over (a stroke rubbed through the middle becomes two),
    /// then goes itself. What was rubbed out (a name written, then rubbed out) is gone from the
    /// data, not only from the picture. None when nothing is left (the page was rubbed clean).
    pub fn flattened(&self) -> Option<Drawing> {
        let cut = |densify: bool| {
            let mut kept: Vec<Stroke> = Vec::new();
            for s in &self.strokes {
                if !s.eraser {
                    kept.push(s.clone());
                    continue;
                }
                kept = kept
                    .into_iter()
                    .flat_map(|v| {
                        let points = if densify { densified(&v, s, 2.0) } else { v.points.clone() };
                        let mut pieces: Vec<Stroke> = Vec::new();
                        let mut run: Vec<Point> = Vec::new();
                        for p in points.into_iter().chain(std::iter::once(Point { x: u16::MAX, y: u16::MAX, pressure: 0 })) {
                            if p.x != u16::MAX && !rubbed(&p, s) {
                                run.push(p);
                            } else if !run.is_empty() {
                                pieces.push(Stroke { points: std::mem::take(&mut run), ..v.clone() });
                            }
                        }
                        pieces
                    })
                    .collect();
            }
            kept
        };
        let mut strokes = cut(true);
        // Filling in points near the rubber must not take a drawing over what a tablet may send.
        if strokes.iter().map(|s| s.points.len()).sum::<usize>() > MAX_POINTS || strokes.len() > MAX_STROKES {
            strokes = cut(false);
        }
        (!strokes.is_empty()).then_some(Drawing { width: self.width, height: self.height, strokes })
    }

    /// The compact text form.
    pub fn encode(&self) -> String {
        let mut out = Vec::with_capacity(8 + self.point_count() * 4);
        put_varint(&mut out, u64::from(self.width));
        put_varint(&mut out, u64::from(self.height));
        put_varint(&mut out, self.strokes.len() as u64);
        for s in &self.strokes {
            out.push(s.colour | (s.brush << 4) | (u8::from(s.eraser) << 6));
            put_varint(&mut out, s.points.len() as u64);
            let mut prev = Point { x: 0, y: 0, pressure: 128 };
            for p in &s.points {
                put_varint(&mut out, zigzag(i64::from(p.x) - i64::from(prev.x)));
                put_varint(&mut out, zigzag(i64::from(p.y) - i64::from(prev.y)));
                put_varint(&mut out, zigzag(i64::from(p.pressure) - i64::from(prev.pressure)));
                prev = *p;
            }
        }
        format!("{PREFIX}{}", base64url_encode(&out))
    }

    /// Reads and checks the compact text form; every rule broken is named.
    pub fn decode(text: &str) -> Result<Drawing, DrawingError> {
        let body = text.strip_prefix(PREFIX).ok_or(DrawingError::Prefix)?;
        let bytes = base64url_decode(body).ok_or(DrawingError::Base64)?;
        let mut r = Reader { bytes: &bytes, at: 0 };
        let width = r.side()?;
        let height = r.side()?;
        let n_strokes = r.varint()? as usize;
        if n_strokes > MAX_STROKES {
            return Err(DrawingError::TooManyPoints);
        }
        let mut strokes = Vec::with_capacity(n_strokes);
        let mut total = 0usize;
        for _ in 0..n_strokes {
            let flags = r.byte()?;
            let (colour, brush, eraser) = (flags & 0x0f, (flags >> 4) & 0x03, flags & 0x40 != 0);
            if usize::from(colour) >= PALETTE.len() || flags & 0x80 != 0 {
                return Err(DrawingError::Colour(colour));
            }
            if usize::from(brush) >= BRUSH_WIDTHS.len() {
                return Err(DrawingError::Brush(brush));
            }
            let n = r.varint()? as usize;
            total = total.saturating_add(n);
            if total > MAX_POINTS {
                return Err(DrawingError::TooManyPoints);
            }
            let mut points = Vec::with_capacity(n);
            let (mut x, mut y, mut pressure) = (0i64, 0i64, 128i64);
            for _ in 0..n {
                x += unzigzag(r.varint()?);
                y += unzigzag(r.varint()?);
                pressure += unzigzag(r.varint()?);
                if !(0..i64::from(width)).contains(&x) || !(0..i64::from(height)).contains(&y) || !(0..=255).contains(&pressure) {
                    return Err(DrawingError::OutOfBounds);
                }
                points.push(Point { x: x as u16, y: y as u16, pressure: pressure as u8 });
            }
            strokes.push(Stroke { colour, brush, eraser, points });
        }
        if r.at != bytes.len() {
            return Err(DrawingError::Trailing);
        }
        if total == 0 {
            return Err(DrawingError::Empty);
        }
        Ok(Drawing { width, height, strokes })
    }
}

impl TryFrom<String> for Drawing {
    type Error = DrawingError;
    fn try_from(s: String) -> Result<Drawing, DrawingError> {
        Drawing::decode(&s)
    }
}

impl From<Drawing> for String {
    fn from(d: Drawing) -> String {
        d.encode()
    }
}

impl fmt::Display for Drawing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "drawing of {} strokes", self.strokes.len())
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, DrawingError> {
        let b = *self.bytes.get(self.at).ok_or(DrawingError::Truncated)?;
        self.at += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64, DrawingError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(DrawingError::Truncated)
    }

    fn side(&mut self) -> Result<u16, DrawingError> {
        match self.varint()? {
            v @ 1..=4096 => Ok(v as u16),
            _ => Err(DrawingError::TooWide),
        }
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(y: u16, from: u16, to: u16, step: u16, eraser: bool) -> Stroke {
        let points = (from..=to).step_by(usize::from(step)).map(|x| Point { x, y, pressure: 128 }).collect();
        Stroke { colour: 0, brush: 1, eraser, points }
    }

    #[test]
    fn a_rubbed_out_name_leaves_no_trace_in_the_data() {
        // A "name" written as a line at y = 100, a picture at y = 300, then the name rubbed
        // out, the rubber's points further apart than the line's.
        let name = line(100, 100, 400, 3, false);
        let picture = line(300, 100, 400, 3, false);
        let rubber = line(101, 90, 410, 40, true);
        let d = Drawing { width: 500, height: 500, strokes: vec![name, picture.clone(), rubber] };
        let flat = Drawing::decode(&d.flattened().unwrap().encode()).unwrap();
        assert!(flat.strokes.iter().all(|s| !s.eraser), "no rubber strokes left");
        assert!(flat.strokes.iter().flat_map(|s| &s.points).all(|p| p.y != 100), "nothing of the rubbed-out line: {:?}", flat.strokes);
        assert_eq!(flat.strokes, vec![picture], "the picture is kept as it was");
    }

    #[test]
    fn a_line_rubbed_through_the_middle_becomes_two_and_later_strokes_stay() {
        // Brush 1 at pressure 128: 12 x ~1 wide; the rubber 15 wide, so 7.5 either side.
        let across =
            Stroke { colour: 1, brush: 1, eraser: true, points: vec![Point { x: 250, y: 50, pressure: 128 }, Point { x: 250, y: 150, pressure: 128 }] };
        let after = line(100, 240, 260, 5, false);
        let d = Drawing { width: 500, height: 500, strokes: vec![line(100, 100, 400, 10, false), across, after.clone()] };
        let flat = d.flattened().unwrap();
        assert_eq!(flat.strokes.len(), 3, "{:?}", flat.strokes);
        let xs = |s: &Stroke| s.points.iter().map(|p| p.x).collect::<Vec<_>>();
        assert!(xs(&flat.strokes[0]).iter().all(|x| *x < 243) && xs(&flat.strokes[1]).iter().all(|x| *x > 257), "{:?}", flat.strokes);
        assert_eq!(flat.strokes[2], after, "drawn over the rubbed place afterwards: kept");
        let clean = Drawing { width: 500, height: 500, strokes: vec![line(100, 100, 120, 10, false), line(100, 80, 140, 5, true)] };
        assert_eq!(clean.flattened(), None, "a page rubbed clean holds nothing");
    }

    /// A scribble of `n` points in strokes of 50, wandering like a child's hand.
    fn scribble(n: usize) -> Drawing {
        let mut strokes = Vec::new();
        let mut seed = 12345u32;
        let mut rnd = |m: u32| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (seed >> 16) % m
        };
        let (mut x, mut y) = (400i32, 300i32);
        for s in 0..n.div_ceil(50) {
            let mut points = Vec::new();
            for _ in 0..50.min(n - s * 50) {
                x = (x + rnd(21) as i32 - 10).clamp(0, 799);
                y = (y + rnd(21) as i32 - 10).clamp(0, 599);
                points.push(Point { x: x as u16, y: y as u16, pressure: 100 + rnd(60) as u8 });
            }
            strokes.push(Stroke { colour: (s % 10) as u8, brush: (s % 3) as u8, eraser: s % 7 == 6, points });
        }
        Drawing { width: 800, height: 600, strokes }
    }

    #[test]
    fn strokes_round_trip_exactly() {
        for n in [1, 2, 49, 50, 51, 777, 2000] {
            let d = scribble(n);
            assert_eq!(Drawing::decode(&d.encode()).unwrap(), d, "{n} points");
        }
    }

    #[test]
    fn a_two_thousand_point_drawing_fits_in_16_kb() {
        let encoded = scribble(2000).encode();
        assert!(encoded.len() <= 16 * 1024, "{} bytes", encoded.len());
    }

    #[test]
    fn serialises_as_one_string() {
        let d = scribble(3);
        let json = serde_json::to_string(&d).unwrap();
        assert!(json.starts_with("\"d1."));
        assert_eq!(serde_json::from_str::<Drawing>(&json).unwrap(), d);
    }

    #[test]
    fn bad_drawings_are_refused_by_name() {
        let empty = Drawing { width: 10, height: 10, strokes: vec![] };
        assert_eq!(Drawing::decode(&empty.encode()), Err(DrawingError::Empty));
        assert_eq!(Drawing::decode("x1.AAAA"), Err(DrawingError::Prefix));
        assert_eq!(Drawing::decode("d1.!!"), Err(DrawingError::Base64));
        let good = scribble(10).encode();
        assert_eq!(Drawing::decode(&good[..good.len() - 4]), Err(DrawingError::Truncated));
        let outside =
            Drawing { width: 10, height: 10, strokes: vec![Stroke { colour: 0, brush: 0, eraser: false, points: vec![Point { x: 10, y: 0, pressure: 1 }] }] };
        assert_eq!(Drawing::decode(&outside.encode()), Err(DrawingError::OutOfBounds));
        let bad_colour =
            Drawing { width: 10, height: 10, strokes: vec![Stroke { colour: 12, brush: 0, eraser: false, points: vec![Point { x: 1, y: 1, pressure: 1 }] }] };
        assert_eq!(Drawing::decode(&bad_colour.encode()), Err(DrawingError::Colour(12)));
        let huge = scribble(MAX_POINTS + 1);
        assert_eq!(Drawing::decode(&huge.encode()), Err(DrawingError::TooManyPoints));
    }
}
