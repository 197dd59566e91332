//! Which pixels hold data: GDAL's mask bands (nodata values, alpha bands, per-dataset masks).

use std::path::Path;

use gdal::Dataset;
use gdal::raster::{GdalDataType, GdalType, RasterBand};

use crate::{Error, PixelRect, Result};

/// Where the validity of pixels comes from, for a chosen set of bands.
///
/// A pixel is valid when the dataset's mask (alpha band or internal mask) says so; for rasters
/// without one, when at least one of the chosen bands holds data there (not its nodata value),
/// as rasterio's dataset masks do.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Validity {
    /// GDAL's mask flags say every pixel is valid: nothing to read.
    AllValid,
    /// One mask shared by all bands (an alpha band or a per-dataset mask), read through the mask
    /// band of this band.
    Dataset { band: usize },
    /// Nodata values, one per band, compared with the values themselves (for data types that
    /// `f32` holds exactly); a pixel is valid where any band differs from its nodata value.
    Nodata { bands: Vec<usize>, nodata: Vec<f32> },
    /// Per-band masks (nodata values of other data types, `.msk` files), combined with a
    /// logical OR.
    Bands { bands: Vec<usize> },
}

impl Validity {
    /// The validity source for `bands` (1-based) of `dataset`.
    pub(crate) fn for_bands(path: &Path, dataset: &Dataset, bands: &[usize]) -> Result<Self> {
        let mut nodata = Vec::new();
        for &index in bands {
            let band = dataset
                .rasterband(index)
                .map_err(|e| Error::gdal(path, "cannot read a band", &e))?;
            let flags = band
                .mask_flags()
                .map_err(|e| Error::gdal(path, "cannot read the mask flags", &e))?;
            if flags.is_per_dataset() {
                return Ok(Validity::Dataset { band: index });
            }
            if flags.is_all_valid() {
                // Under the OR rule one fully valid band makes every pixel valid.
                return Ok(Validity::AllValid);
            }
            let exact_in_f32 = matches!(
                band.band_type(),
                GdalDataType::UInt8
                    | GdalDataType::UInt16
                    | GdalDataType::Int16
                    | GdalDataType::Float32
            );
            let value = band
                .no_data_value()
                .filter(|_| flags.is_nodata() && exact_in_f32);
            nodata.push(value.map(|v| v as f32));
        }
        let bands = bands.to_vec();
        Ok(if bands.is_empty() {
            Validity::AllValid
        } else if let Some(nodata) = nodata.into_iter().collect::<Option<Vec<f32>>>() {
            Validity::Nodata { bands, nodata }
        } else {
            Validity::Bands { bands }
        })
    }

    /// Whether pixels can be invalid at all.
    pub(crate) fn is_all_valid(&self) -> bool {
        matches!(self, Validity::AllValid)
    }

    /// Sets `out` from the bands' own values (band-major, one plane of `out.len()` per band of
    /// [`Validity::for_bands`]) and returns true when validity follows from them (nodata
    /// values); returns false, leaving `out` alone, when it must be read with
    /// [`Validity::read`].
    pub(crate) fn fill_from_values(&self, values: &[f32], out: &mut [u8]) -> bool {
        let Validity::Nodata { nodata, .. } = self else {
            return false;
        };
        out.fill(0);
        for (plane, &nodata) in values.chunks_exact(out.len()).zip(nodata) {
            for (o, &value) in out.iter_mut().zip(plane) {
                let missing = value == nodata || (nodata.is_nan() && value.is_nan());
                *o |= u8::from(!missing);
            }
        }
        true
    }

    /// Reads the validity of `window` into `out` (row-major, one byte per pixel, non-zero =
    /// valid), using `scratch` for the per-band masks.
    pub(crate) fn read(
        &self,
        path: &Path,
        dataset: &Dataset,
        window: PixelRect,
        out: &mut [u8],
        scratch: &mut Vec<u8>,
    ) -> Result<()> {
        match self {
            Validity::AllValid => out.fill(1),
            Validity::Dataset { band } => read_mask(path, dataset, *band, window, out)?,
            Validity::Nodata { bands, .. } => {
                let mut values = vec![0f32; out.len() * bands.len()];
                for (&band, values) in bands.iter().zip(values.chunks_exact_mut(out.len())) {
                    read_values(path, dataset, band, window, values)?;
                }
                self.fill_from_values(&values, out);
            }
            Validity::Bands { bands } => {
                out.fill(0);
                scratch.resize(out.len(), 0);
                for &band in bands {
                    read_mask(path, dataset, band, window, scratch)?;
                    for (o, m) in out.iter_mut().zip(scratch.iter()) {
                        *o |= *m;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Reads the values of `band` over `window` into `out` as `f32`.
pub(crate) fn read_values(
    path: &Path,
    dataset: &Dataset,
    band: usize,
    window: PixelRect,
    out: &mut [f32],
) -> Result<()> {
    dataset
        .rasterband(band)
        .and_then(|band| read_window_into(&band, window, out))
        .map_err(|e| Error::read(path, window, &e))
}

/// Reads the mask band of `band` over `window` into `out` (GDAL: 0 = invalid, 255 = valid; alpha
/// values in between count as valid).
fn read_mask(
    path: &Path,
    dataset: &Dataset,
    band: usize,
    window: PixelRect,
    out: &mut [u8],
) -> Result<()> {
    dataset
        .rasterband(band)
        .and_then(|band| read_window_into(&band.open_mask_band()?, window, out))
        .map_err(|e| Error::read(path, window, &e))
}

/// Reads `window` of `band` into `out` at full resolution.
fn read_window_into<T: GdalType + Copy>(
    band: &RasterBand<'_>,
    window: PixelRect,
    out: &mut [T],
) -> gdal::errors::Result<()> {
    let size = (window.width, window.height);
    band.read_into_slice(
        (window.x as isize, window.y as isize),
        size,
        size,
        out,
        None,
    )
}
