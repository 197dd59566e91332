//! An open raster: one GDAL dataset handle and its description.

use std::path::Path;
use std::sync::Once;

use gdal::{Dataset, DatasetOptions, GdalOpenFlags, Metadata};

use crate::error::gdal_message;
use crate::read::{self, ReadOptions, TileData, WindowData};
use crate::{Error, Georef, RasterInfo, Result, Tile, TilePlan, TileSpec, info, plan};

/// A raster opened with GDAL, with its description.
///
/// A `Raster` owns one GDAL dataset handle. It may be moved to another thread but not shared
/// between threads (it is `Send`, not `Sync`); parallel readers open one per worker (see
/// [`crate::read_tiles`]).
#[derive(Debug)]
pub struct Raster {
    dataset: Dataset,
    info: RasterInfo,
}

impl Raster {
    /// Opens `path` read-only and describes it (no pixel is read).
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let dataset = open_dataset(path)?;
        let info = info::describe(path, &dataset)?;
        Ok(Raster { dataset, info })
    }

    /// The raster's path.
    pub fn path(&self) -> &Path {
        &self.info.path
    }

    /// The raster's description.
    pub fn info(&self) -> &RasterInfo {
        &self.info
    }

    /// The open GDAL dataset.
    pub(crate) fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    /// The raster's georeferencing (pixel to CRS to WGS 84); fails without a geotransform or
    /// GCPs, or without a CRS.
    pub fn georef(&self) -> Result<Georef> {
        Georef::new(&self.info)
    }

    /// Plans the tiles of the raster, skipping those whose window holds no valid pixel (see
    /// [`TilePlan`]).
    pub fn plan_tiles(&self, spec: TileSpec) -> Result<TilePlan> {
        plan::plan_tiles(self.path(), &self.dataset, spec)
    }

    /// Reads a window (which must lie inside the raster) into arrays of its own size.
    pub fn read_window(
        &self,
        window: crate::PixelRect,
        options: &ReadOptions,
    ) -> Result<WindowData> {
        read::read_window(self.path(), &self.dataset, window, options)
    }

    /// Reads a tile into arrays of the full tile size (see [`TileData`]).
    pub fn read_tile(
        &self,
        tile: &Tile,
        spec: TileSpec,
        options: &ReadOptions,
    ) -> Result<TileData> {
        read::read_tile(self.path(), &self.dataset, tile, spec, options)
    }
}

/// Opens `path` read-only with GDAL's raster drivers, turning failures into errors that name
/// the file.
pub(crate) fn open_dataset(path: &Path) -> Result<Dataset> {
    quiet_gdal();
    let options = DatasetOptions {
        open_flags: GdalOpenFlags::GDAL_OF_RASTER
            | GdalOpenFlags::GDAL_OF_READONLY
            | GdalOpenFlags::GDAL_OF_VERBOSE_ERROR,
        ..DatasetOptions::default()
    };
    let dataset = Dataset::open_ex(path, options).map_err(|e| {
        if is_missing(path) {
            Error::NotFound {
                path: path.to_path_buf(),
            }
        } else {
            Error::NotRaster {
                path: path.to_path_buf(),
                message: gdal_message(&e),
            }
        }
    })?;
    if dataset.raster_count() == 0 {
        return Err(Error::NoBands {
            path: path.to_path_buf(),
            hint: subdataset_hint(&dataset),
        });
    }
    Ok(dataset)
}

/// Whether `path` is a plain path that does not exist (GDAL's virtual paths are left to GDAL).
fn is_missing(path: &Path) -> bool {
    !path.to_string_lossy().starts_with("/vsi") && !path.exists()
}

/// "; open a subdataset, e.g. NAME" for containers such as HDF or netCDF files.
fn subdataset_hint(dataset: &Dataset) -> String {
    dataset
        .metadata_item("SUBDATASET_1_NAME", "SUBDATASETS")
        .map(|name| format!("; open one of its subdatasets, e.g. {name}"))
        .unwrap_or_default()
}

/// Keeps GDAL from printing its own messages on stderr: its errors reach callers as
/// [`Error`]s that name the file, and its warnings (for example about points outside a
/// projection's domain while a footprint is traced) would only add noise.
fn quiet_gdal() {
    static QUIET: Once = Once::new();
    QUIET.call_once(|| gdal::config::set_error_handler(|_, _, _| {}));
}
