//! Sunlight: slopes facing the sun are brighter, slopes facing away darker, and everything
//! standing up casts a shadow away from the sun (0.3x to 0.5x of the lit surface, a little
//! bluer from the sky light).

use rayon::prelude::*;

use crate::canvas::{Canvas, Cover};
use crate::setting::Setting;

/// Lights the canvas: `ambient` is the share of sky light (0.3..0.5) that shadows keep.
pub(crate) fn apply(setting: &Setting, canvas: &mut Canvas, ambient: f32) {
    let shadow_height = cast_shadows(setting, canvas);
    let sun = setting.sun_vector();
    let flat = sun[2];
    let (w, h) = (canvas.width, canvas.height);
    let gsd = canvas.gsd as f32;
    // Sky light is bluer than sunlight.
    let sky = [ambient * 1.25, ambient * 1.1, ambient, ambient * 0.85].map(|a| a.min(0.9));
    let surface: Vec<f32> = canvas.pixels.iter().map(|p| p.surface).collect();
    canvas
        .pixels
        .par_chunks_mut(w)
        .enumerate()
        .for_each(|(y, row)| {
            let (ya, yb) = (y.saturating_sub(1), (y + 1).min(h - 1));
            for (x, px) in row.iter_mut().enumerate() {
                let (xa, xb) = (x.saturating_sub(1), (x + 1).min(w - 1));
                let direct = if px.cover == Cover::Water {
                    1.0
                } else {
                    let gx = (surface[y * w + xb] - surface[y * w + xa]) / (gsd * (xb - xa) as f32);
                    let gy = (surface[yb * w + x] - surface[ya * w + x]) / (gsd * (yb - ya) as f32);
                    let norm = (gx * gx + gy * gy + 1.0).sqrt();
                    let cos_i = (-gx * sun[0] as f32 - gy * sun[1] as f32 + sun[2] as f32) / norm;
                    (cos_i / flat as f32).clamp(0.0, 2.0)
                };
                let z = px.surface + px.blocks;
                let lit = (1.0 - (shadow_height[y * w + x] - z) / 0.4).clamp(0.0, 1.0);
                for (b, v) in px.refl.iter_mut().enumerate() {
                    *v *= sky[b] + (1.0 - sky[b]) * direct * lit;
                }
            }
        });
}

/// For every pixel, the height of the highest ray of sunlight blocked above it: a pixel lies
/// in shadow where this exceeds its own height. One sweep along the light's direction.
fn cast_shadows(setting: &Setting, canvas: &Canvas) -> Vec<f32> {
    let (w, h) = (canvas.width, canvas.height);
    let z = |x: usize, y: usize| {
        let p = canvas.at(x, y);
        p.surface + p.blocks
    };
    let [dx, dy] = setting.shadow_dir;
    let tan_el = setting.sun.elevation_deg.to_radians().tan().max(0.05);
    let mut s = vec![f32::MIN; w * h];
    // Walk along the dominant axis of the light's direction; `shift` is the sideways move per step.
    let x_major = dx.abs() >= dy.abs();
    let (major_len, minor_len) = if x_major { (w, h) } else { (h, w) };
    let (step, side) = if x_major { (dx, dy) } else { (dy, dx) };
    let shift = side / step.abs();
    let drop = ((1.0 + shift * shift).sqrt() * canvas.gsd * tan_el) as f32;
    let index = |major: usize, minor: usize| {
        if x_major {
            minor * w + major
        } else {
            major * w + minor
        }
    };
    let order: Vec<usize> = if step > 0.0 {
        (0..major_len).collect()
    } else {
        (0..major_len).rev().collect()
    };
    for (k, &major) in order.iter().enumerate() {
        for minor in 0..minor_len {
            let (x, y) = if x_major {
                (major, minor)
            } else {
                (minor, major)
            };
            let here = z(x, y);
            let mut best = here;
            if k > 0 {
                let prev = order[k - 1];
                let from = minor as f64 - shift;
                let i0 = from.floor();
                let t = (from - i0) as f32;
                let i0 = i0 as i64;
                if i0 >= 0 && (i0 as usize) + 1 < minor_len {
                    let a = s[index(prev, i0 as usize)];
                    let b = s[index(prev, i0 as usize + 1)];
                    best = best.max(a + (b - a) * t - drop);
                }
            }
            s[index(major, minor)] = best;
        }
    }
    s
}
