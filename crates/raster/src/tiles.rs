//! Cutting a raster into tiles: cores on a regular grid, each read through a window that adds a
//! halo of context around the core.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::{Error, Result};

/// A rectangle of whole pixels: `x`, `y` is the top-left pixel (column, row).
///
/// Serialised as `[x, y, width, height]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PixelRect {
    /// First column.
    pub x: usize,
    /// First row.
    pub y: usize,
    /// Number of columns.
    pub width: usize,
    /// Number of rows.
    pub height: usize,
}

impl PixelRect {
    /// A rectangle from its top-left pixel and its size.
    pub fn new(x: usize, y: usize, width: usize, height: usize) -> Self {
        PixelRect {
            x,
            y,
            width,
            height,
        }
    }

    /// One past the last column.
    pub fn right(&self) -> usize {
        self.x + self.width
    }

    /// One past the last row.
    pub fn bottom(&self) -> usize {
        self.y + self.height
    }

    /// Number of pixels.
    pub fn area(&self) -> usize {
        self.width * self.height
    }

    /// Whether the rectangle holds no pixel.
    pub fn is_empty(&self) -> bool {
        self.width == 0 || self.height == 0
    }

    /// Whether `other` lies entirely inside this rectangle.
    pub fn contains(&self, other: &PixelRect) -> bool {
        other.x >= self.x
            && other.y >= self.y
            && other.right() <= self.right()
            && other.bottom() <= self.bottom()
    }
}

impl fmt::Display for PixelRect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[x {}, y {}, {} x {}]",
            self.x, self.y, self.width, self.height
        )
    }
}

impl Serialize for PixelRect {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        [self.x, self.y, self.width, self.height].serialize(serializer)
    }
}

/// How to cut a raster: square cores of `tile_size` pixels, each read with `halo` extra pixels of
/// context on every side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TileSpec {
    /// Side of a core in pixels (at least 1).
    pub tile_size: usize,
    /// Extra pixels read on each side of a core.
    pub halo: usize,
}

impl TileSpec {
    /// Side of a tile's pixel array: the core plus the halo on both sides.
    pub fn array_size(&self) -> usize {
        self.tile_size + 2 * self.halo
    }

    fn check(&self) -> Result<()> {
        if self.tile_size == 0 {
            return Err(Error::BadTileSpec {
                message: "the tile size must be at least 1 pixel".into(),
            });
        }
        Ok(())
    }
}

/// One tile of a raster: its core (the pixels it is responsible for) and its read window (the core
/// grown by the halo, clipped to the raster).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Tile {
    /// Position in the full grid, row-major from 0; it does not depend on which tiles are skipped.
    pub id: usize,
    /// The pixels this tile is responsible for; the cores of a grid cover the raster exactly once.
    pub core: PixelRect,
    /// The pixels read for this tile: the core plus the halo, clipped to the raster.
    pub window: PixelRect,
}

/// The full grid of tiles over a raster of a given size.
///
/// Cores start at pixel (0, 0) and step by `tile_size`; the last column and row of cores are
/// smaller where the raster size is not a multiple of the tile size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TileGrid {
    width: usize,
    height: usize,
    spec: TileSpec,
}

impl TileGrid {
    /// The grid over a `width` x `height` raster; fails when the tile size is 0.
    pub fn new(width: usize, height: usize, spec: TileSpec) -> Result<Self> {
        spec.check()?;
        Ok(TileGrid {
            width,
            height,
            spec,
        })
    }

    /// The tile specification.
    pub fn spec(&self) -> TileSpec {
        self.spec
    }

    /// Width and height of the raster the grid covers.
    pub fn raster_size(&self) -> (usize, usize) {
        (self.width, self.height)
    }

    /// Number of tile columns.
    pub fn columns(&self) -> usize {
        self.width.div_ceil(self.spec.tile_size)
    }

    /// Number of tile rows.
    pub fn rows(&self) -> usize {
        self.height.div_ceil(self.spec.tile_size)
    }

    /// Number of tiles.
    pub fn len(&self) -> usize {
        self.columns() * self.rows()
    }

    /// Whether the grid has no tiles (an empty raster).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The tile at grid `column` and `row` (both from 0).
    pub fn tile(&self, column: usize, row: usize) -> Tile {
        let (x, width) = core_span(column, self.spec.tile_size, self.width);
        let (y, height) = core_span(row, self.spec.tile_size, self.height);
        let (wx, wwidth) = window_span(x, width, self.spec.halo, self.width);
        let (wy, wheight) = window_span(y, height, self.spec.halo, self.height);
        Tile {
            id: row * self.columns() + column,
            core: PixelRect::new(x, y, width, height),
            window: PixelRect::new(wx, wy, wwidth, wheight),
        }
    }

    /// All tiles, row-major, in id order.
    pub fn tiles(&self) -> impl Iterator<Item = Tile> + '_ {
        (0..self.rows())
            .flat_map(move |row| (0..self.columns()).map(move |col| self.tile(col, row)))
    }
}

/// Start and length of core number `index` along an axis of `len` pixels.
fn core_span(index: usize, tile_size: usize, len: usize) -> (usize, usize) {
    let start = index * tile_size;
    (start, tile_size.min(len - start))
}

/// Start and length of the window around a core span, clipped to `0..len`.
fn window_span(start: usize, size: usize, halo: usize, len: usize) -> (usize, usize) {
    let first = start.saturating_sub(halo);
    let end = (start + size + halo).min(len);
    (first, end - first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(width: usize, height: usize, tile_size: usize, halo: usize) -> TileGrid {
        TileGrid::new(width, height, TileSpec { tile_size, halo }).unwrap()
    }

    #[test]
    fn cores_cover_every_pixel_exactly_once() {
        for (width, height) in [(1, 1), (7, 3), (100, 100), (257, 255), (513, 1), (1000, 37)] {
            for tile_size in [1, 2, 3, 16, 64, 100, 256, 1024] {
                let grid = grid(width, height, tile_size, 5);
                let mut hits = vec![0u8; width * height];
                for tile in grid.tiles() {
                    assert!(!tile.core.is_empty());
                    assert!(tile.core.width <= tile_size && tile.core.height <= tile_size);
                    for row in tile.core.y..tile.core.bottom() {
                        for col in tile.core.x..tile.core.right() {
                            hits[row * width + col] += 1;
                        }
                    }
                }
                assert!(
                    hits.iter().all(|&h| h == 1),
                    "{width}x{height} with tile size {tile_size}"
                );
                assert_eq!(grid.len(), grid.tiles().count());
            }
        }
    }

    #[test]
    fn cores_sit_on_a_regular_grid_with_row_major_ids() {
        let grid = grid(1000, 700, 256, 16);
        assert_eq!((grid.columns(), grid.rows()), (4, 3));
        for (expected_id, tile) in grid.tiles().enumerate() {
            assert_eq!(tile.id, expected_id);
            assert_eq!(tile.core.x, (tile.id % 4) * 256);
            assert_eq!(tile.core.y, (tile.id / 4) * 256);
        }
        let last = grid.tile(3, 2);
        assert_eq!(last.core, PixelRect::new(768, 512, 232, 188));
    }

    #[test]
    fn windows_grow_cores_by_the_halo_and_clip_at_the_edges() {
        let (width, height, halo) = (1000, 700, 16);
        let raster = PixelRect::new(0, 0, width, height);
        for tile in grid(width, height, 256, halo).tiles() {
            assert!(raster.contains(&tile.window));
            assert!(tile.window.contains(&tile.core));
            assert_eq!(tile.window.x, tile.core.x.saturating_sub(halo));
            assert_eq!(tile.window.y, tile.core.y.saturating_sub(halo));
            assert_eq!(tile.window.right(), (tile.core.right() + halo).min(width));
            assert_eq!(
                tile.window.bottom(),
                (tile.core.bottom() + halo).min(height)
            );
        }
        let corner = grid(width, height, 256, halo).tile(0, 0);
        assert_eq!(corner.window, PixelRect::new(0, 0, 272, 272));
        let inner = grid(width, height, 256, halo).tile(1, 1);
        assert_eq!(inner.window, PixelRect::new(240, 240, 288, 288));
    }

    #[test]
    fn a_halo_wider_than_the_raster_clips_to_the_raster() {
        let tile = grid(10, 5, 4, 100).tile(1, 0);
        assert_eq!(tile.core, PixelRect::new(4, 0, 4, 4));
        assert_eq!(tile.window, PixelRect::new(0, 0, 10, 5));
    }

    #[test]
    fn a_zero_tile_size_is_refused() {
        let err = TileGrid::new(
            10,
            10,
            TileSpec {
                tile_size: 0,
                halo: 0,
            },
        )
        .unwrap_err();
        assert!(err.to_string().contains("at least 1 pixel"));
    }

    #[test]
    fn rects_serialise_as_arrays() {
        let json = serde_json::to_string(&PixelRect::new(1, 2, 3, 4)).unwrap();
        assert_eq!(json, "[1,2,3,4]");
    }
}
