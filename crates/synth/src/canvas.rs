//! The scene while it is being painted: reflectance, heights and cover per pixel, with parallel
//! painting over rows.

use rayon::prelude::*;

use crate::geom::{self, Corridor, PixelBox, Pt};
use crate::grain::Grain;
use crate::spectra::Reflectance;

/// What covers a pixel, as far as later stages care (snow does not lie on water, ...).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Cover {
    /// Soil, fields, grass, bare ground.
    #[default]
    Ground,
    /// Trees and shrubs.
    Trees,
    /// Open water.
    Water,
    /// Paved roads, car parks, plazas.
    Paved,
    /// Roofs.
    Roof,
}

/// One pixel of the canvas.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Pixel {
    /// Reflectance of the surface before lighting.
    pub refl: Reflectance,
    /// Height in metres of smooth surfaces (terrain, piles, heaps, crowns): shaded by slope.
    pub surface: f32,
    /// Height in metres of blocky things above the surface (buildings, sheds): cast shadows only.
    pub blocks: f32,
    /// What covers the pixel.
    pub cover: Cover,
    /// Its fine texture, added after painting.
    pub grain: Grain,
}

/// A `width` x `height` raster of pixels with its ground sample distance.
pub(crate) struct Canvas {
    pub width: usize,
    pub height: usize,
    /// Metres per pixel.
    pub gsd: f64,
    pub pixels: Vec<Pixel>,
}

impl Canvas {
    /// A blank canvas.
    pub(crate) fn new(width: usize, height: usize, gsd: f64) -> Canvas {
        Canvas {
            width,
            height,
            gsd,
            pixels: vec![Pixel::default(); width * height],
        }
    }

    /// The whole scene as a pixel box.
    pub(crate) fn full(&self) -> PixelBox {
        PixelBox {
            x0: 0,
            y0: 0,
            x1: self.width,
            y1: self.height,
        }
    }

    /// The pixel box around a ring, grown by `margin` pixels.
    pub(crate) fn box_around(&self, ring: &[Pt], margin: f64) -> PixelBox {
        let (lo, hi) = geom::bounds(ring);
        PixelBox::around(
            [lo[0] - margin, lo[1] - margin],
            [hi[0] + margin, hi[1] + margin],
            self.width,
            self.height,
        )
    }

    /// Calls `f(x, y, pixel)` for every pixel of `area`, rows in parallel.
    pub(crate) fn paint_box<F>(&mut self, area: PixelBox, f: F)
    where
        F: Fn(usize, usize, &mut Pixel) + Sync,
    {
        if area.is_empty() {
            return;
        }
        let w = self.width;
        self.pixels[area.y0 * w..area.y1 * w]
            .par_chunks_mut(w)
            .enumerate()
            .for_each(|(i, row)| {
                let y = area.y0 + i;
                for (x, px) in row.iter_mut().enumerate().take(area.x1).skip(area.x0) {
                    f(x, y, px);
                }
            });
    }

    /// Calls `f(x, y, pixel)` for every pixel that may lie within `margin` pixels of the
    /// corridor's edge, rows in parallel.
    pub(crate) fn paint_corridor<F>(&mut self, corridor: &Corridor, margin: f64, f: F)
    where
        F: Fn(usize, usize, &mut Pixel) + Sync,
    {
        let spans = corridor.row_spans(margin, self.width, self.height);
        let w = self.width;
        self.pixels
            .par_chunks_mut(w)
            .zip(spans.par_iter())
            .enumerate()
            .for_each(|(y, (row, &(x0, x1)))| {
                for (x, px) in row.iter_mut().enumerate().take(x1).skip(x0) {
                    f(x, y, px);
                }
            });
    }

    /// Calls `f(x, y, pixel)` for every pixel whose centre lies inside `ring`.
    pub(crate) fn paint_ring<F>(&mut self, ring: &[Pt], f: F)
    where
        F: Fn(usize, usize, &mut Pixel) + Sync,
    {
        let area = self.box_around(ring, 1.0);
        if area.is_empty() {
            return;
        }
        let w = self.width;
        self.pixels[area.y0 * w..area.y1 * w]
            .par_chunks_mut(w)
            .enumerate()
            .for_each_init(Vec::new, |spans, (i, row)| {
                let y = area.y0 + i;
                geom::row_spans(ring, y, spans);
                for &(a, b) in spans.iter() {
                    let (a, b) = (a.max(0.0) as usize, (b.max(0.0) as usize).min(w));
                    for (x, px) in row.iter_mut().enumerate().take(b).skip(a) {
                        f(x, y, px);
                    }
                }
            });
    }

    /// The pixel at (x, y).
    pub(crate) fn at(&self, x: usize, y: usize) -> &Pixel {
        &self.pixels[y * self.width + x]
    }

    /// Whether the pixel nearest to `p` is water (false outside the scene).
    pub(crate) fn is_water(&self, p: Pt) -> bool {
        let inside =
            p[0] >= 0.0 && p[1] >= 0.0 && p[0] < self.width as f64 && p[1] < self.height as f64;
        inside && self.at(p[0] as usize, p[1] as usize).cover == Cover::Water
    }
}
