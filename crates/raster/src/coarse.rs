//! A raster read at a coarser ground sample distance: a GDAL VRT in memory (`/vsimem/`) over the
//! file, each of whose pixels is the average of the file's pixels it covers (`gdalbuildvrt -tr -r
//! average`), so that a model reads fine imagery at the resolution it works best at, and reads
//! fewer pixels.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use gdal::programs::raster::{BuildVRTOptions, build_vrt};

use crate::{Error, Raster, Result};

/// The file name of every coarse view of a process is unique: views of two files of one name, or
/// two views of one file, never meet.
static VIEWS_MADE: AtomicUsize = AtomicUsize::new(0);

/// A coarser view of a raster: a path that [`Raster::open`] and the parallel readers open like a
/// file. It lives in GDAL's memory file system and is removed when the view is dropped.
#[derive(Debug)]
pub struct CoarseView {
    path: PathBuf,
}

impl CoarseView {
    /// The view's path (under `/vsimem/`; it names the file it views).
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for CoarseView {
    fn drop(&mut self) {
        // Nothing to do when it is already gone: a view is only ever read.
        let _ = gdal::vsi::unlink_mem_file(&self.path);
    }
}

impl Raster {
    /// A view of this raster with pixels `factor` times as large on each side (`factor` > 1),
    /// each the average of the raster's pixels it covers; nodata and masked pixels do not count.
    /// The view keeps the bands, their colours, nodata values and the CRS.
    ///
    /// `None` when the raster has no north-up geotransform (rotation terms, or GCPs only): such
    /// a raster is read at its own resolution.
    pub fn coarse_view(&self, factor: f64) -> Result<Option<CoarseView>> {
        let path = self.path();
        let info = self.info();
        let Some(geotransform) = info.geotransform.filter(|_| info.north_up()) else {
            return Ok(None);
        };
        let (x_res, y_res) = (
            geotransform[1].abs() * factor,
            geotransform[5].abs() * factor,
        );
        let name = path.file_name().map_or_else(
            || "raster".into(),
            |name| name.to_string_lossy().into_owned(),
        );
        let view = CoarseView {
            path: PathBuf::from(format!(
                "/vsimem/geoscout/{}/{name}.x{factor:.3}.vrt",
                VIEWS_MADE.fetch_add(1, Ordering::Relaxed)
            )),
        };
        let options = BuildVRTOptions::new([
            "-q".to_string(),
            "-tr".to_string(),
            x_res.to_string(),
            y_res.to_string(),
            "-r".to_string(),
            "average".to_string(),
        ])
        .map_err(|e| Error::gdal(path, "preparing a coarser read", &e))?;
        // The VRT is written to its path when the dataset closes.
        build_vrt(Some(view.path()), &[self.dataset()], Some(options))
            .map_err(|e| Error::gdal(path, "building a coarser read", &e))?;
        Ok(Some(view))
    }

    /// The raster to read for pixels `factor` times as large (see [`Raster::coarse_view`]): an
    /// opened coarse view, with the view that must outlive every read of it, or this raster
    /// itself when `factor` is `None` or the raster has no north-up geotransform.
    pub fn coarsened(self, factor: Option<f64>) -> Result<(Option<CoarseView>, Raster)> {
        let view = match factor {
            Some(factor) => self.coarse_view(factor)?,
            None => None,
        };
        match view {
            Some(view) => {
                let raster = Raster::open(view.path())?;
                Ok((Some(view), raster))
            }
            None => Ok((None, self)),
        }
    }
}
