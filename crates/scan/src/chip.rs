//! Lead pictures (`chips/ID.png`): the imagery around a lead, stretched for the eye, with the
//! lead's outline or point drawn on it.

use std::path::Path;

use geo::{BoundingRect, Coord, Geometry, LineString};
use geoscout_core::Class;
use geoscout_raster::{PixelRect, Raster, ReadOptions};
use image::{Rgb, RgbImage, imageops};
use imageproc::drawing::{draw_hollow_circle_mut, draw_line_segment_mut};
use ndarray::ArrayView2;

use crate::{Error, Result};

/// The longest side of a picture, in image pixels; larger windows are scaled down.
const MAX_SIDE: u32 = 320;
/// Context around the lead, as a share of its size, and at least this many raster pixels.
const MARGIN_SHARE: f64 = 0.6;
const MIN_MARGIN_PX: f64 = 24.0;

/// Renders lead pictures from one raster.
#[derive(Debug)]
pub struct ChipRenderer {
    bands: Vec<usize>,
}

impl ChipRenderer {
    /// A renderer that shows the bands named red, green and blue (in the model's band order,
    /// which is the raster's) as a true-colour picture, or the first band as grey when the
    /// imagery has no such three.
    pub fn new(band_names: &[String]) -> ChipRenderer {
        let find = |name: &str| {
            band_names
                .iter()
                .position(|b| b.eq_ignore_ascii_case(name))
                .map(|i| i + 1)
        };
        let bands = match (find("red"), find("green"), find("blue")) {
            (Some(r), Some(g), Some(b)) => vec![r, g, b],
            _ => vec![1],
        };
        ChipRenderer { bands }
    }

    /// Writes the picture of a lead whose geometry is in the raster's pixel coordinates.
    pub fn render(
        &self,
        raster: &Raster,
        class: Class,
        geometry: &Geometry<f64>,
        out: &Path,
    ) -> Result<()> {
        let info = raster.info();
        let window = context_window(geometry, info.width, info.height);
        let data = raster.read_window(window, &ReadOptions::bands(self.bands.clone()))?;
        let channels: Vec<_> = data.pixels.outer_iter().collect();
        let stretched: Vec<Vec<u8>> = channels.iter().map(|band| stretch(*band)).collect();
        let mut picture = RgbImage::from_fn(window.width as u32, window.height as u32, |x, y| {
            let i = y as usize * window.width + x as usize;
            let value = |c: usize| stretched[c.min(stretched.len() - 1)][i];
            Rgb([value(0), value(1), value(2)])
        });
        let scale = (MAX_SIDE as f64 / window.width.max(window.height) as f64).min(4.0);
        let (w, h) = (
            (window.width as f64 * scale).round().max(1.0) as u32,
            (window.height as f64 * scale).round().max(1.0) as u32,
        );
        if (w, h) != picture.dimensions() {
            picture = imageops::resize(&picture, w, h, imageops::FilterType::Triangle);
        }
        let to_picture = |c: Coord| {
            (
                ((c.x - window.x as f64) * scale) as f32,
                ((c.y - window.y as f64) * scale) as f32,
            )
        };
        draw(&mut picture, geometry, colour(class), to_picture);
        picture.save(out).map_err(|err| Error::Chip {
            path: out.to_path_buf(),
            message: err.to_string(),
        })
    }
}

/// The raster window around a geometry, with context, clipped to the raster.
fn context_window(geometry: &Geometry<f64>, width: usize, height: usize) -> PixelRect {
    let rect = geometry
        .bounding_rect()
        .unwrap_or(geo::Rect::new((0.0, 0.0), (1.0, 1.0)));
    let margin = (rect.width().max(rect.height()) * MARGIN_SHARE).max(MIN_MARGIN_PX);
    let clamp = |v: f64, max: usize| v.clamp(0.0, max as f64) as usize;
    let x0 = clamp((rect.min().x - margin).floor(), width - 1);
    let y0 = clamp((rect.min().y - margin).floor(), height - 1);
    let x1 = clamp((rect.max().x + margin).ceil(), width).max(x0 + 1);
    let y1 = clamp((rect.max().y + margin).ceil(), height).max(y0 + 1);
    PixelRect::new(x0, y0, x1 - x0, y1 - y0)
}

/// Maps a band to 0..=255 between its 2nd and 98th percentiles (of the non-zero values, zero
/// being what the reader gives pixels without data).
fn stretch(band: ArrayView2<f32>) -> Vec<u8> {
    let mut values: Vec<f32> = band.iter().copied().filter(|v| *v != 0.0).collect();
    let (lo, hi) = if values.is_empty() {
        (0.0, 1.0)
    } else {
        let n = values.len() - 1;
        let lo = *values.select_nth_unstable_by(n / 50, f32::total_cmp).1;
        let hi = *values.select_nth_unstable_by(n - n / 50, f32::total_cmp).1;
        (lo, if hi > lo { hi } else { lo + 1.0 })
    };
    band.iter()
        .map(|&v| (((v - lo) / (hi - lo)) * 255.0).clamp(0.0, 255.0) as u8)
        .collect()
}

/// The colour a class is drawn in (the same hues as the QGIS style).
fn colour(class: Class) -> Rgb<u8> {
    match class {
        Class::CoalGanguePile => Rgb([255, 40, 40]),
        Class::DischargeOutlet => Rgb([0, 200, 255]),
        Class::DustSource => Rgb([255, 200, 0]),
    }
}

fn draw(
    picture: &mut RgbImage,
    geometry: &Geometry<f64>,
    colour: Rgb<u8>,
    to_picture: impl Fn(Coord) -> (f32, f32),
) {
    let mut ring = |line: &LineString<f64>| {
        for segment in line.lines() {
            let (a, b) = (to_picture(segment.start), to_picture(segment.end));
            // Two pixels wide, so that the outline shows on busy imagery.
            for (dx, dy) in [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)] {
                draw_line_segment_mut(picture, (a.0 + dx, a.1 + dy), (b.0 + dx, b.1 + dy), colour);
            }
        }
    };
    match geometry {
        Geometry::Polygon(p) => {
            ring(p.exterior());
            p.interiors().iter().for_each(&mut ring);
        }
        Geometry::MultiPolygon(mp) => {
            for p in mp {
                ring(p.exterior());
                p.interiors().iter().for_each(&mut ring);
            }
        }
        Geometry::Point(p) => {
            let (x, y) = to_picture(p.0);
            let centre = (x.round() as i32, y.round() as i32);
            for radius in [9, 10] {
                draw_hollow_circle_mut(picture, centre, radius, colour);
            }
            draw_line_segment_mut(picture, (x - 5.0, y), (x + 5.0, y), colour);
            draw_line_segment_mut(picture, (x, y - 5.0), (x, y + 5.0), colour);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Point, Rect};

    #[test]
    fn context_window_stays_inside_the_raster() {
        let near_corner = Geometry::Point(Point::new(2.0, 3.0));
        let w = context_window(&near_corner, 100, 80);
        assert_eq!((w.x, w.y), (0, 0));
        assert!(w.right() <= 100 && w.bottom() <= 80);

        let big = Geometry::Polygon(Rect::new((10.0, 10.0), (90.0, 70.0)).to_polygon());
        let w = context_window(&big, 100, 80);
        assert_eq!(w, PixelRect::new(0, 0, 100, 80));
    }

    #[test]
    fn stretch_spreads_the_middle_of_the_histogram() {
        let band = ndarray::Array2::from_shape_fn((10, 10), |(r, c)| (r * 10 + c) as f32 + 1.0);
        let out = stretch(band.view());
        assert_eq!(out[0], 0);
        assert_eq!(out[99], 255);
        assert!(out[50] > 100 && out[50] < 155, "{}", out[50]);
    }
}
