//! Windowed reads into `ndarray` (f32, band-major), with band selection and scaling, one tile at
//! a time or many tiles in parallel.

use std::ops::Range;
use std::path::Path;

use gdal::Dataset;
use ndarray::{Array2, Array3, ArrayViewMut2, ArrayViewMut3, Axis, Slice};

use crate::mask::{Validity, read_values};
use crate::raster::open_dataset;
use crate::workers::map_in_runs;
use crate::{Error, PixelRect, Result, Tile, TileSpec};

/// A linear map applied to a band's values as they are read: `value * scale + offset`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BandScale {
    /// Multiplier.
    pub scale: f32,
    /// Added after multiplying.
    pub offset: f32,
}

impl Default for BandScale {
    /// The identity: values as stored.
    fn default() -> Self {
        BandScale {
            scale: 1.0,
            offset: 0.0,
        }
    }
}

/// Which bands to read, in which order, and how to scale them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReadOptions {
    /// Band numbers (from 1) in the order wanted in the arrays; empty means every band in file
    /// order.
    pub bands: Vec<usize>,
    /// One scale per entry of `bands` (or per band of the file when `bands` is empty); empty
    /// means values as stored.
    pub scale: Vec<BandScale>,
}

impl ReadOptions {
    /// Reads `bands` (from 1, in this order) as stored.
    pub fn bands(bands: Vec<usize>) -> Self {
        ReadOptions {
            bands,
            scale: Vec::new(),
        }
    }

    /// The same bands, each scaled by the matching entry of `scale`.
    pub fn with_scale(self, scale: Vec<BandScale>) -> Self {
        ReadOptions { scale, ..self }
    }
}

/// The pixels of a window, in arrays of the window's size.
#[derive(Clone, Debug, PartialEq)]
pub struct WindowData {
    /// The window read.
    pub window: PixelRect,
    /// Scaled values, `(band, row, column)`; 0.0 where `valid` is false.
    pub pixels: Array3<f32>,
    /// Whether each pixel holds data, `(row, column)`.
    pub valid: Array2<bool>,
}

/// The pixels of one tile, in arrays of the full tile size (`tile_size + 2 * halo` on each side)
/// whatever the tile's position: array element `(row, column)` is raster pixel
/// `(core.x - halo + column, core.y - halo + row)`, so the core always starts at `(halo, halo)`.
///
/// Pixels without data (nodata, alpha 0, masked) are 0.0 with `valid` false. Pixels outside the
/// raster repeat the nearest pixel on the raster's edge, with `valid` false. A pixel is valid
/// when the raster's mask (alpha or per-dataset mask) says so or, for rasters with nodata values,
/// when at least one of the bands read holds data there.
#[derive(Clone, Debug, PartialEq)]
pub struct TileData {
    /// The tile read.
    pub tile: Tile,
    /// Scaled values, `(band, row, column)`.
    pub pixels: Array3<f32>,
    /// Whether each pixel holds data, `(row, column)`.
    pub valid: Array2<bool>,
}

impl TileData {
    /// Whether no pixel of the tile holds data (a reader may skip it).
    pub fn is_empty(&self) -> bool {
        !self.valid.iter().any(|&v| v)
    }
}

/// Reads many tiles of the raster at `path` in parallel and hands each result to `sink`.
///
/// Work runs on the current rayon thread pool (call it inside `ThreadPool::install` to choose the
/// number of threads): one worker per thread, each with its own GDAL dataset handle, takes
/// contiguous runs of `tiles` in turn, so that the blocks a tile's halo shares with its neighbours
/// are usually still in that worker's block cache. Results arrive in `tiles` order within a run
/// and in no particular order across runs.
///
/// Memory is bounded by the tiles in flight: one per worker plus whatever `sink` keeps (a
/// bounded channel, say), however large the raster. Tiles without any valid pixel are handed over
/// too: [`TileData::is_empty`] tells them apart. Fails before reading anything when the file
/// cannot be opened or `options` ask for bands it does not have.
pub fn read_tiles<F>(
    path: &Path,
    spec: TileSpec,
    tiles: &[Tile],
    options: &ReadOptions,
    sink: F,
) -> Result<()>
where
    F: Fn(Result<TileData>) + Sync,
{
    let dataset = open_dataset(path)?;
    Request::new(path, &dataset, options)?;
    drop(dataset);
    map_in_runs(path, tiles, |dataset, tile| {
        sink(match dataset {
            Ok(dataset) => read_tile(path, dataset, tile, spec, options),
            Err(err) => Err(err.clone()),
        })
    });
    Ok(())
}

pub(crate) fn read_window(
    path: &Path,
    dataset: &Dataset,
    window: PixelRect,
    options: &ReadOptions,
) -> Result<WindowData> {
    let request = Request::new(path, dataset, options)?;
    check_inside(path, dataset, window)?;
    let mut pixels = Array3::zeros((request.bands.len(), window.height, window.width));
    let mut valid = Array2::from_elem((window.height, window.width), false);
    request.read_into(path, dataset, window, pixels.view_mut(), valid.view_mut())?;
    Ok(WindowData {
        window,
        pixels,
        valid,
    })
}

pub(crate) fn read_tile(
    path: &Path,
    dataset: &Dataset,
    tile: &Tile,
    spec: TileSpec,
    options: &ReadOptions,
) -> Result<TileData> {
    Request::new(path, dataset, options)?.read_tile(path, dataset, tile, spec)
}

/// Read options checked against a dataset: bands resolved, one scale per band, validity source.
struct Request {
    bands: Vec<usize>,
    scale: Vec<BandScale>,
    validity: Validity,
}

impl Request {
    fn new(path: &Path, dataset: &Dataset, options: &ReadOptions) -> Result<Self> {
        let count = dataset.raster_count();
        let bands = if options.bands.is_empty() {
            (1..=count).collect()
        } else {
            options.bands.clone()
        };
        if let Some(bad) = bands.iter().find(|&&b| b == 0 || b > count) {
            return Err(Error::bad_request(
                path,
                format!("it has no band {bad} (bands are numbered 1 to {count})"),
            ));
        }
        let scale = match options.scale.len() {
            0 => vec![BandScale::default(); bands.len()],
            n if n == bands.len() => options.scale.clone(),
            n => {
                return Err(Error::bad_request(
                    path,
                    format!("{n} band scales given for {} bands", bands.len()),
                ));
            }
        };
        let validity = Validity::for_bands(path, dataset, &bands)?;
        Ok(Request {
            bands,
            scale,
            validity,
        })
    }

    fn read_tile(
        &self,
        path: &Path,
        dataset: &Dataset,
        tile: &Tile,
        spec: TileSpec,
    ) -> Result<TileData> {
        check_inside(path, dataset, tile.window)?;
        let size = spec.array_size();
        // Position of the window in the tile's arrays, whose origin is (core - halo).
        let offset = |window: usize, core: usize| (window + spec.halo).checked_sub(core);
        let (Some(col), Some(row)) = (
            offset(tile.window.x, tile.core.x),
            offset(tile.window.y, tile.core.y),
        ) else {
            return Err(mismatch(path, tile, spec));
        };
        if col + tile.window.width > size || row + tile.window.height > size {
            return Err(mismatch(path, tile, spec));
        }
        let mut pixels = Array3::zeros((self.bands.len(), size, size));
        let mut valid = Array2::from_elem((size, size), false);
        let rows = Slice::from(row..row + tile.window.height);
        let cols = Slice::from(col..col + tile.window.width);
        let mut pixels_view = pixels.view_mut();
        pixels_view.slice_axis_inplace(Axis(1), rows);
        pixels_view.slice_axis_inplace(Axis(2), cols);
        let mut valid_view = valid.view_mut();
        valid_view.slice_axis_inplace(Axis(0), rows);
        valid_view.slice_axis_inplace(Axis(1), cols);
        self.read_into(path, dataset, tile.window, pixels_view, valid_view)?;
        extend_edges(
            &mut pixels,
            row..row + tile.window.height,
            col..col + tile.window.width,
        );
        Ok(TileData {
            tile: *tile,
            pixels,
            valid,
        })
    }

    /// Reads `window` into views of its size: scaled values where valid, 0.0 elsewhere.
    fn read_into(
        &self,
        path: &Path,
        dataset: &Dataset,
        window: PixelRect,
        mut pixels: ArrayViewMut3<f32>,
        mut valid: ArrayViewMut2<bool>,
    ) -> Result<()> {
        let area = window.area();
        let mut values = vec![0f32; area * self.bands.len()];
        for (&band, plane) in self.bands.iter().zip(values.chunks_exact_mut(area)) {
            read_values(path, dataset, band, window, plane)?;
        }
        let mut mask = vec![0u8; area];
        if !self.validity.fill_from_values(&values, &mut mask) {
            self.validity
                .read(path, dataset, window, &mut mask, &mut Vec::new())?;
        }
        for (v, &m) in valid.iter_mut().zip(&mask) {
            *v = m != 0;
        }
        let planes = values.chunks_exact(area).zip(&self.scale);
        for ((values, scale), mut plane) in planes.zip(pixels.outer_iter_mut()) {
            let rows = values
                .chunks_exact(window.width)
                .zip(mask.chunks_exact(window.width));
            for (mut out, (values, mask)) in plane.rows_mut().into_iter().zip(rows) {
                for ((out, &value), &m) in out.iter_mut().zip(values).zip(mask) {
                    *out = if m != 0 {
                        value * scale.scale + scale.offset
                    } else {
                        0.0
                    };
                }
            }
        }
        Ok(())
    }
}

/// Fills the pixels of a tile's arrays outside `rows` x `cols` (the part of the tile inside the
/// raster) by repeating the raster's edge pixels outward. A model never trained on a black frame
/// then sees plausible context up to the raster's edge. On the validation scenes this scored
/// better than zeros for both shipped models, and better than a mirror image for the uav model,
/// which took the mirror's symmetric shapes along the edge for outlets. The filled pixels stay
/// invalid, so nothing is found on them, and since they depend only on the raster's edge, every
/// tiling sees the same context.
fn extend_edges(pixels: &mut Array3<f32>, rows: Range<usize>, cols: Range<usize>) {
    let (_, height, width) = pixels.dim();
    if rows == (0..height) && cols == (0..width) {
        return; // Inside the raster: nothing to fill (most tiles of a large raster).
    }
    for mut plane in pixels.outer_iter_mut() {
        for r in rows.clone() {
            let mut row = plane.row_mut(r);
            let (left, right) = (row[cols.start], row[cols.end - 1]);
            row.iter_mut().take(cols.start).for_each(|v| *v = left);
            row.iter_mut().skip(cols.end).for_each(|v| *v = right);
        }
        for (edge, outside) in [
            (rows.start, 0..rows.start),
            (rows.end - 1, rows.end..height),
        ] {
            let edge_row = plane.row(edge).to_owned();
            for r in outside {
                plane.row_mut(r).assign(&edge_row);
            }
        }
    }
}

fn check_inside(path: &Path, dataset: &Dataset, window: PixelRect) -> Result<()> {
    let (width, height) = dataset.raster_size();
    if window.is_empty() || !PixelRect::new(0, 0, width, height).contains(&window) {
        return Err(Error::bad_request(
            path,
            format!("window {window} is empty or not inside the raster ({width} x {height})"),
        ));
    }
    Ok(())
}

fn mismatch(path: &Path, tile: &Tile, spec: TileSpec) -> Error {
    Error::bad_request(
        path,
        format!(
            "tile {} (core {}, window {}) does not fit tile size {} with halo {}",
            tile.id, tile.core, tile.window, spec.tile_size, spec.halo
        ),
    )
}

#[cfg(test)]
mod tests {
    use ndarray::{Array3, array};

    use super::extend_edges;

    #[test]
    fn edges_are_repeated_outward_corners_included() {
        // A 2 x 2 raster corner at rows 1..3, columns 0..2 of a 4 x 3 array.
        let mut pixels = Array3::zeros((1, 4, 3));
        pixels[[0, 1, 0]] = 1.0;
        pixels[[0, 1, 1]] = 2.0;
        pixels[[0, 2, 0]] = 3.0;
        pixels[[0, 2, 1]] = 4.0;
        extend_edges(&mut pixels, 1..3, 0..2);
        let expected = array![
            [1.0, 2.0, 2.0],
            [1.0, 2.0, 2.0],
            [3.0, 4.0, 4.0],
            [3.0, 4.0, 4.0]
        ];
        assert_eq!(pixels.index_axis(ndarray::Axis(0), 0), expected);
    }

    #[test]
    fn a_tile_inside_the_raster_is_left_alone() {
        let mut pixels = Array3::from_shape_fn((2, 3, 3), |(b, r, c)| (b * 9 + r * 3 + c) as f32);
        let before = pixels.clone();
        extend_edges(&mut pixels, 0..3, 0..3);
        assert_eq!(pixels, before);
    }
}
