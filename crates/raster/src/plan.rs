//! Tile plans: the grid of tiles over a raster, less the tiles whose window holds no valid pixel.

use std::path::Path;

use gdal::Dataset;
use serde::Serialize;

use crate::mask::Validity;
use crate::workers::map_in_runs;
use crate::{PixelRect, Result, Tile, TileGrid, TileSpec};

/// The tiles to process over a raster.
///
/// Tile ids are those of the full grid (row-major), so a skipped tile leaves a gap in the ids and
/// the ids do not depend on which tiles were skipped.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TilePlan {
    /// Tile size and halo.
    #[serde(flatten)]
    pub spec: TileSpec,
    /// Raster width in pixels.
    pub width: usize,
    /// Raster height in pixels.
    pub height: usize,
    /// Number of tile columns of the full grid.
    pub columns: usize,
    /// Number of tile rows of the full grid.
    pub rows: usize,
    /// The tiles kept, in id order.
    pub tiles: Vec<Tile>,
    /// Number of tiles skipped because their whole window is nodata, alpha 0 or masked.
    pub skipped_nodata: usize,
}

impl TilePlan {
    /// Every tile of `grid`, without looking at the raster's mask: for callers that find empty
    /// tiles as they read them ([`TileData::is_empty`](crate::TileData::is_empty)) rather than
    /// read the mask twice.
    pub fn full(grid: &TileGrid) -> Self {
        Self::from_grid(grid, |_| true)
    }

    /// Keeps the tiles of `grid` for which `keep` is true.
    fn from_grid(grid: &TileGrid, keep: impl Fn(&Tile) -> bool) -> Self {
        let (width, height) = grid.raster_size();
        let tiles: Vec<Tile> = grid.tiles().filter(|t| keep(t)).collect();
        TilePlan {
            spec: grid.spec(),
            width,
            height,
            columns: grid.columns(),
            rows: grid.rows(),
            skipped_nodata: grid.len() - tiles.len(),
            tiles,
        }
    }
}

/// Plans the tiles of `dataset`, reading its validity mask unless GDAL's mask flags say every
/// pixel is valid.
///
/// The raster is read once, in row strips spread over the current rayon thread pool (one dataset
/// handle per worker). Each axis is cut at every window edge of the grid; for every cell of the
/// resulting irregular grid the planner records whether it holds a valid pixel, and a window is
/// kept when any of its cells does (a 2-D prefix sum answers that per window).
pub(crate) fn plan_tiles(path: &Path, dataset: &Dataset, spec: TileSpec) -> Result<TilePlan> {
    let (width, height) = dataset.raster_size();
    let grid = TileGrid::new(width, height, spec)?;
    let bands: Vec<usize> = (1..=dataset.raster_count()).collect();
    let validity = Validity::for_bands(path, dataset, &bands)?;
    if validity.is_all_valid() {
        return Ok(TilePlan::full(&grid));
    }
    let columns = Cuts::new(width, &grid, |t| (t.window.x, t.window.right()));
    let rows = Cuts::new(height, &grid, |t| (t.window.y, t.window.bottom()));
    let row_spans: Vec<(usize, usize)> = rows.spans().collect();
    let occupied = map_in_runs(path, &row_spans, |dataset, &(y0, y1)| {
        let dataset = dataset.as_ref().map_err(Clone::clone)?;
        occupied_columns(path, dataset, &validity, y0, y1, &columns)
    })
    .into_iter()
    .collect::<Result<Vec<_>>>()?;
    let any_valid = PrefixCount::new(&occupied);
    Ok(TilePlan::from_grid(&grid, |tile| {
        let (r0, r1) = rows.span_range(tile.window.y, tile.window.bottom());
        let (c0, c1) = columns.span_range(tile.window.x, tile.window.right());
        any_valid.count(r0, r1, c0, c1) > 0
    }))
}

/// Rows read at once, at most (times the raster width, in bytes).
const STRIP_PIXELS: usize = 1 << 22;

/// For rows `y0..y1`, whether each column span of `columns` holds a valid pixel.
fn occupied_columns(
    path: &Path,
    dataset: &Dataset,
    validity: &Validity,
    y0: usize,
    y1: usize,
    columns: &Cuts,
) -> Result<Vec<bool>> {
    let width = columns.len();
    let strip_rows = (STRIP_PIXELS / width.max(1)).max(1);
    let spans: Vec<(usize, usize)> = columns.spans().collect();
    let mut occupied = vec![false; spans.len()];
    let (mut mask, mut scratch) = (Vec::new(), Vec::new());
    let mut y = y0;
    while y < y1 && !occupied.iter().all(|&o| o) {
        let rows = strip_rows.min(y1 - y);
        let window = PixelRect::new(0, y, width, rows);
        mask.resize(window.area(), 0);
        validity.read(path, dataset, window, &mut mask, &mut scratch)?;
        for row in mask.chunks_exact(width) {
            for (flag, &(x0, x1)) in occupied.iter_mut().zip(&spans) {
                *flag = *flag || row[x0..x1].iter().any(|&m| m != 0);
            }
        }
        y += rows;
    }
    Ok(occupied)
}

/// The positions where an axis of `len` pixels is cut: 0, `len` and every window edge.
struct Cuts(Vec<usize>);

impl Cuts {
    fn new(len: usize, grid: &TileGrid, edges: impl Fn(&Tile) -> (usize, usize)) -> Self {
        let mut cuts = vec![0, len];
        for tile in grid.tiles() {
            let (start, end) = edges(&tile);
            cuts.extend([start, end]);
        }
        cuts.sort_unstable();
        cuts.dedup();
        Cuts(cuts)
    }

    /// Length of the axis.
    fn len(&self) -> usize {
        self.0.last().copied().unwrap_or(0)
    }

    /// The spans between consecutive cuts.
    fn spans(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.0.windows(2).map(|pair| (pair[0], pair[1]))
    }

    /// The range of span indices that make up `start..end` (both of which are cuts).
    fn span_range(&self, start: usize, end: usize) -> (usize, usize) {
        let index = |v: usize| self.0.binary_search(&v).unwrap_or_else(|i| i);
        (index(start), index(end))
    }
}

/// Counts of true cells over rectangles of a boolean grid, in constant time per rectangle.
struct PrefixCount {
    columns: usize,
    sums: Vec<usize>,
}

impl PrefixCount {
    fn new(cells: &[Vec<bool>]) -> Self {
        let columns = cells.first().map_or(0, Vec::len);
        let stride = columns + 1;
        let mut sums = vec![0; (cells.len() + 1) * stride];
        for (r, row) in cells.iter().enumerate() {
            for (c, &cell) in row.iter().enumerate() {
                sums[(r + 1) * stride + c + 1] =
                    usize::from(cell) + sums[r * stride + c + 1] + sums[(r + 1) * stride + c]
                        - sums[r * stride + c];
            }
        }
        PrefixCount { columns, sums }
    }

    /// Number of true cells in rows `r0..r1` and columns `c0..c1`.
    fn count(&self, r0: usize, r1: usize, c0: usize, c1: usize) -> usize {
        let stride = self.columns + 1;
        let at = |r: usize, c: usize| self.sums[r * stride + c];
        at(r1, c1) + at(r0, c0) - at(r0, c1) - at(r1, c0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_fall_on_every_window_edge() {
        let grid = TileGrid::new(
            100,
            1,
            TileSpec {
                tile_size: 40,
                halo: 5,
            },
        )
        .unwrap();
        let cuts = Cuts::new(100, &grid, |t| (t.window.x, t.window.right()));
        assert_eq!(cuts.0, vec![0, 35, 45, 75, 85, 100]);
        let last = grid.tile(2, 0);
        assert_eq!(cuts.span_range(last.window.x, last.window.right()), (3, 5));
    }

    #[test]
    fn prefix_counts_match_brute_force() {
        let cells: Vec<Vec<bool>> = (0..7)
            .map(|r| (0..5).map(|c| (r * 5 + c) % 3 == 0).collect())
            .collect();
        let counts = PrefixCount::new(&cells);
        for r0 in 0..7 {
            for r1 in r0..=7 {
                for c0 in 0..5 {
                    for c1 in c0..=5 {
                        let brute = (r0..r1)
                            .flat_map(|r| (c0..c1).map(move |c| (r, c)))
                            .filter(|&(r, c)| cells[r][c])
                            .count();
                        assert_eq!(counts.count(r0, r1, c0, c1), brute);
                    }
                }
            }
        }
    }
}
