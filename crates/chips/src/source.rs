//! A labelled raster as the chips stage sees it: its grid, CRS, image bands and their scaling,
//! read through geoscout-raster.

use std::path::{Path, PathBuf};

use gdal::spatial_ref::SpatialRef;
use geoscout_raster::{BandInfo, BandScale, MaskKind, PixelRect, Raster, ReadOptions};
use ndarray::{Array2, Array3};

use crate::grid::{PixelGrid, Window};
use crate::{Error, Result};

/// How the stored values of a raster become network inputs: `stored * scale + offset`.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BandLayout {
    /// Band names in raster order (alpha bands left out).
    pub bands: Vec<String>,
    /// GDAL data type name of the bands (`UInt16`, `Byte`, ...).
    pub data_type: String,
    /// Scale per band.
    pub band_scale: Vec<f64>,
    /// Offset per band.
    pub band_offset: Vec<f64>,
    /// The stored value that marks a pixel without data, if any.
    pub nodata: Option<f64>,
}

impl BandLayout {
    /// The default scale of a data type: reflectance x 10000 for `UInt16` (the satellite
    /// profile), 0..255 for `Byte` (the uav profile), values as they are otherwise.
    pub fn default_scale(data_type: &str) -> f64 {
        match data_type {
            "Byte" => 1.0 / 255.0,
            "UInt16" => 1e-4,
            _ => 1.0,
        }
    }
}

/// An open raster with what the chips stage needs of it.
pub struct SourceRaster {
    /// The raster file.
    pub path: PathBuf,
    /// Its grid.
    pub grid: PixelGrid,
    /// Its CRS.
    pub crs: SpatialRef,
    /// Its image bands and their scaling.
    pub layout: BandLayout,
    raster: Raster,
    read_options: ReadOptions,
}

impl SourceRaster {
    /// Opens a raster; `scale` overrides the default scale of its data type for every band.
    /// Alpha bands are not image bands: they only mark pixels without data.
    pub fn open(path: &Path, scale: Option<f64>) -> Result<SourceRaster> {
        let raster = Raster::open(path)?;
        let info = raster.info();
        let geo_transform = info.geotransform.ok_or_else(|| {
            Error::invalid(
                path,
                "the raster has no geotransform, so labels cannot be placed on it",
            )
        })?;
        let grid = PixelGrid::new(info.width, info.height, geo_transform)
            .ok_or_else(|| Error::invalid(path, "the raster's geotransform cannot be inverted"))?;
        let crs = info.crs.as_ref().ok_or_else(|| {
            Error::invalid(
                path,
                "the raster has no CRS, so labels cannot be placed on it",
            )
        })?;
        let crs = SpatialRef::from_wkt(&crs.wkt).map_err(Error::gdal(path))?;
        let image_bands: Vec<&BandInfo> = info
            .bands
            .iter()
            .filter(|band| !is_alpha(band, info.mask))
            .collect();
        let data_type = image_bands[0].data_type.clone();
        if image_bands.iter().any(|band| band.data_type != data_type) {
            return Err(Error::invalid(path, "the bands have different data types"));
        }
        let scale = scale.unwrap_or_else(|| BandLayout::default_scale(&data_type));
        let count = image_bands.len();
        let read_options = ReadOptions::bands(image_bands.iter().map(|band| band.index).collect())
            .with_scale(vec![
                BandScale {
                    scale: scale as f32,
                    offset: 0.0
                };
                count
            ]);
        let layout = BandLayout {
            bands: image_bands.iter().map(|band| band_name(band)).collect(),
            data_type,
            band_scale: vec![scale; count],
            band_offset: vec![0.0; count],
            nodata: image_bands[0].nodata,
        };
        Ok(SourceRaster {
            path: path.to_path_buf(),
            grid,
            crs,
            layout,
            raster,
            read_options,
        })
    }

    /// Reads a window of the image bands as network inputs (`[bands, height, width]`, scaled;
    /// 0 where the raster has no data) and the mask of pixels without data.
    pub fn read(&self, window: Window) -> Result<(Array3<f32>, Array2<bool>)> {
        let rect = PixelRect::new(window.col, window.row, window.width, window.height);
        let data = self.raster.read_window(rect, &self.read_options)?;
        Ok((data.pixels, data.valid.mapv(|valid| !valid)))
    }
}

/// Whether a band is the raster's alpha band.
fn is_alpha(band: &BandInfo, mask: MaskKind) -> bool {
    band.color_interpretation == "Alpha"
        || mask
            == MaskKind::Alpha {
                band: Some(band.index),
            }
}

/// A band's name: its description, else its colour interpretation, else `bandN`.
fn band_name(band: &BandInfo) -> String {
    if let Some(description) = band
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        return description.to_lowercase();
    }
    match band.color_interpretation.as_str() {
        "Undefined" | "Gray" => format!("band{}", band.index),
        other => other.to_lowercase(),
    }
}
