//! Which pixels hold data: GDAL's mask bands (nodata values, alpha bands, per-dataset masks).

use std::path::Path;

use gdal::Dataset;

use crate::{Error, PixelRect, Result};

/// Where the validity of pixels comes from, for a chosen set of bands.
///
/// A pixel is valid when the dataset's mask (alpha band or internal mask) says so; for rasters
/// without one, when at least one of the chosen bands holds data there (not its nodata value),
/// as rasterio's dataset masks do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Validity {
    /// GDAL's mask flags say every pixel is valid: nothing to read.
    AllValid,
    /// One mask shared by all bands (an alpha band or a per-dataset mask), read through the mask
    /// band of this band.
    Dataset { band: usize },
    /// Per-band masks (nodata values), combined with a logical OR.
    Bands { bands: Vec<usize> },
}

impl Validity {
    /// The validity source for `bands` (1-based) of `dataset`.
    pub(crate) fn for_bands(path: &Path, dataset: &Dataset, bands: &[usize]) -> Result<Self> {
        let mut masked = Vec::new();
        for &index in bands {
            let flags = dataset
                .rasterband(index)
                .and_then(|band| band.mask_flags())
                .map_err(|e| Error::gdal(path, "cannot read the mask flags", &e))?;
            if flags.is_per_dataset() {
                return Ok(Validity::Dataset { band: index });
            }
            if flags.is_all_valid() {
                // Under the OR rule one fully valid band makes every pixel valid.
                return Ok(Validity::AllValid);
            }
            masked.push(index);
        }
        if masked.is_empty() {
            Ok(Validity::AllValid)
        } else {
            Ok(Validity::Bands { bands: masked })
        }
    }

    /// Whether pixels can be invalid at all.
    pub(crate) fn is_all_valid(&self) -> bool {
        *self == Validity::AllValid
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

/// Reads the mask band of `band` over `window` into `out` (GDAL: 0 = invalid, 255 = valid; alpha
/// values in between count as valid).
fn read_mask(
    path: &Path,
    dataset: &Dataset,
    band: usize,
    window: PixelRect,
    out: &mut [u8],
) -> Result<()> {
    let size = (window.width, window.height);
    dataset
        .rasterband(band)
        .and_then(|band| {
            band.open_mask_band()?.read_into_slice::<u8>(
                (window.x as isize, window.y as isize),
                size,
                size,
                out,
                None,
            )
        })
        .map_err(|e| Error::read(path, window, &e))
}
