//! The sensor: haze, brightness, a little blur and noise, and the profile's encoding
//! (UInt16 reflectance x 10000 with 0 kept for nodata, or 8-bit camera values).

use rayon::prelude::*;

use crate::canvas::Canvas;
use crate::noise::{Coarse, Noise};
use crate::setting::Setting;
use crate::spectra::Reflectance;

/// The stored pixels of a scene, interleaved by pixel in the profile's band order.
#[derive(Clone, Debug, PartialEq)]
pub enum Pixels {
    /// Satellite: blue, green, red, NIR; reflectance x 10000; never 0 (nodata).
    UInt16(Vec<u16>),
    /// Drone: red, green, blue, 0..255.
    Byte(Vec<u8>),
}

/// How the sensor sees the scene.
pub(crate) struct Sensor {
    pub haze: f32,
    pub gain: f32,
    pub blur_px: f32,
    pub noise: f32,
    /// Drone camera exposure (reflectance to linear signal); unused for satellite.
    pub exposure: f32,
}

/// Path radiance added by haze: brightest in blue.
const HAZE: Reflectance = [0.16, 0.14, 0.12, 0.09];

/// Rows encoded together; each block blurs from its own copy of the rows it needs.
const BLOCK_ROWS: usize = 32;

/// Encodes the lit canvas into stored pixels.
pub(crate) fn encode(setting: &Setting, canvas: &Canvas, sensor: &Sensor) -> Pixels {
    let (w, h) = (canvas.width, canvas.height);
    let grain = setting.noise("sensor-noise");
    let haze_noise = setting.noise("haze");
    let haze_field = Coarse::new(w, h, 16, |x, y| {
        let (mx, my) = setting.metres(x, y);
        (sensor.haze * (1.0 + 0.3 * haze_noise.fbm(mx, my, 1500.0, 3))).clamp(0.0, 0.5)
    });
    // What reaches the detector from the blurred reflectance at (x, y).
    let signal = |x: usize, y: usize, blurred: Reflectance| -> Reflectance {
        let haze = haze_field.at(x, y);
        std::array::from_fn(|b| {
            let v = (blurred[b] * (1.0 - haze) + HAZE[b] * haze) * sensor.gain;
            // Dark current plus shot noise that grows with the signal.
            let sigma = sensor.noise * (1.0 + 2.5 * v.max(0.0).sqrt());
            v + sigma * gauss(grain, x, y, b)
        })
    };
    match setting.profile {
        geoscout_core::Profile::Satellite => Pixels::UInt16(encode_blocks(
            canvas,
            sensor.blur_px,
            4,
            |x, y, r, out: &mut [u16]| {
                let s = signal(x, y, r);
                for b in 0..4 {
                    out[b] = (s[b] * 10_000.0).round().clamp(1.0, 65_535.0) as u16;
                }
            },
        )),
        geoscout_core::Profile::Uav => {
            let (cx, cy, diag) = (
                w as f32 / 2.0,
                h as f32 / 2.0,
                ((w * w + h * h) as f32).sqrt() / 2.0,
            );
            Pixels::Byte(encode_blocks(
                canvas,
                sensor.blur_px,
                3,
                |x, y, r, out: &mut [u8]| {
                    let s = signal(x, y, r);
                    let rr = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt() / diag;
                    let vignette = 1.0 - 0.1 * rr * rr;
                    for (i, band) in [2usize, 1, 0].into_iter().enumerate() {
                        out[i] = camera(s[band] * vignette, sensor.exposure);
                    }
                },
            ))
        }
    }
}

/// Blurs the canvas (separable Gaussian) block by block in parallel and stores each pixel's
/// `bands` values through `store`.
fn encode_blocks<T, F>(canvas: &Canvas, blur_px: f32, bands: usize, store: F) -> Vec<T>
where
    T: Copy + Default + Send,
    F: Fn(usize, usize, Reflectance, &mut [T]) + Sync,
{
    let (w, h) = (canvas.width, canvas.height);
    let kernel = gaussian(blur_px);
    let mut out = vec![T::default(); w * h * bands];
    out.par_chunks_mut(w * bands * BLOCK_ROWS)
        .enumerate()
        .for_each(|(block, chunk)| {
            let y0 = block * BLOCK_ROWS;
            let rows = chunk.len() / (w * bands);
            // Horizontal pass over the block's rows and two rows either side.
            let mut across = vec![[0.0f32; 4]; (rows + 4) * w];
            for j in 0..rows + 4 {
                let ys = (y0 as i64 + j as i64 - 2).clamp(0, h as i64 - 1) as usize;
                for x in 0..w {
                    let mut acc = [0.0f32; 4];
                    for (i, k) in kernel.iter().enumerate() {
                        let xs = (x as i64 + i as i64 - 2).clamp(0, w as i64 - 1) as usize;
                        let r = canvas.at(xs, ys).refl;
                        for b in 0..4 {
                            acc[b] += k * r[b];
                        }
                    }
                    across[j * w + x] = acc;
                }
            }
            // Vertical pass, then the sensor.
            for r in 0..rows {
                for x in 0..w {
                    let mut acc = [0.0f32; 4];
                    for (j, k) in kernel.iter().enumerate() {
                        let v = across[(r + j) * w + x];
                        for b in 0..4 {
                            acc[b] += k * v[b];
                        }
                    }
                    let at = (r * w + x) * bands;
                    store(x, y0 + r, acc, &mut chunk[at..at + bands]);
                }
            }
        });
    out
}

/// A drone camera's response: soft saturation of the highlights, then display gamma.
pub(crate) fn camera(reflectance: f32, exposure: f32) -> u8 {
    let linear = 1.0 - (-exposure * reflectance.max(0.0)).exp();
    (255.0 * linear.powf(1.0 / 1.6)).round().clamp(0.0, 255.0) as u8
}

/// A 5-tap Gaussian kernel.
fn gaussian(sigma: f32) -> [f32; 5] {
    let s = sigma.max(0.05);
    let k: [f32; 5] = std::array::from_fn(|i| (-((i as f32 - 2.0).powi(2)) / (2.0 * s * s)).exp());
    let sum: f32 = k.iter().sum();
    k.map(|v| v / sum)
}

/// A number of mean 0 and standard deviation 1, close to normal, for a pixel and band: the
/// sum of four uniforms from one hash (Irwin-Hall).
fn gauss(noise: Noise, x: usize, y: usize, band: usize) -> f32 {
    let h = noise.bits(x as i64, (y * 4 + band) as i64);
    let sum: f32 = (0..4)
        .map(|k| ((h >> (16 * k)) & 0xffff) as f32 / 65535.0)
        .sum();
    (sum - 2.0) * 3f32.sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camera_curve_is_monotonic_and_spans_the_byte() {
        let mut last = 0;
        for i in 0..=100 {
            let v = camera(i as f32 / 100.0, 4.0);
            assert!(v >= last);
            last = v;
        }
        assert_eq!(camera(0.0, 4.0), 0);
        assert!(camera(0.9, 4.0) > 245);
        assert!((100..200).contains(&camera(0.12, 4.0)));
        let k = gaussian(0.6);
        assert!((k.iter().sum::<f32>() - 1.0).abs() < 1e-5 && k[2] > k[1]);
    }
}
