//! The raster stage of geoscout: open any raster GDAL reads, describe it, cut it into tiles and
//! read those tiles into `ndarray` arrays, in parallel.
//!
//! - [`Raster::open`] opens a file and describes it ([`RasterInfo`]: size, bands, mask, CRS,
//!   geotransform or GCPs, ground sample distance, WGS 84 footprint, acquisition date).
//! - [`Raster::coarse_view`] reads a raster at a coarser resolution, its pixels averaged.
//! - [`Georef`] turns pixel coordinates into CRS and WGS 84 coordinates and back.
//! - [`Raster::plan_tiles`] lays a [`TileGrid`] over the raster and drops the tiles whose window
//!   holds no valid pixel ([`TilePlan`]).
//! - [`Raster::read_window`], [`Raster::read_tile`] and [`read_tiles`] read pixels as `f32`,
//!   band-major, with the bands chosen and scaled by [`ReadOptions`].
//!
//! GDAL dataset handles are never shared between threads: a [`Raster`] is `Send` but not `Sync`,
//! and the parallel readers open one handle per worker thread.
//!
//! The first open installs a GDAL error handler that keeps GDAL from printing to stderr (for the
//! whole process): GDAL's failures reach callers as [`Error`]s naming the file instead.
//!
//! ```no_run
//! use geoscout_raster::{Raster, ReadOptions, TileSpec, read_tiles};
//!
//! # fn main() -> geoscout_raster::Result<()> {
//! let raster = Raster::open("scene.tif")?;
//! let plan = raster.plan_tiles(TileSpec { tile_size: 512, halo: 32 })?;
//! println!("{} tiles, {} skipped", plan.tiles.len(), plan.skipped_nodata);
//! let options = ReadOptions::bands(vec![3, 2, 1]);
//! read_tiles(raster.path(), plan.spec, &plan.tiles, &options, |tile| match tile {
//!     Ok(tile) if tile.is_empty() => {}
//!     Ok(tile) => println!("tile {}: {:?}", tile.tile.id, tile.pixels.shape()),
//!     Err(err) => eprintln!("{err}"),
//! })?;
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

mod acquired;
mod coarse;
mod error;
mod footprint;
mod georef;
mod info;
mod layer;
mod mask;
mod plan;
mod polynomial;
mod raster;
mod read;
mod tiles;
mod workers;

pub use coarse::CoarseView;
pub use error::{Error, Result};
pub use georef::Georef;
pub use info::{BandInfo, Crs, Georeferencing, MaskKind, RasterInfo};
pub use layer::tile_layer;
pub use plan::TilePlan;
pub use raster::Raster;
pub use read::{BandScale, ReadOptions, TileData, WindowData, read_tiles};
pub use tiles::{PixelRect, Tile, TileGrid, TileSpec};
