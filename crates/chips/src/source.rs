//! A labelled raster as the chips stage sees it: its grid, bands, scaling and windowed reads of
//! scaled values.

use std::path::{Path, PathBuf};

use gdal::raster::ColorInterpretation;
use gdal::spatial_ref::SpatialRef;
use gdal::{Dataset, Metadata};
use ndarray::{Array2, Array3};

use crate::grid::{PixelGrid, Window};
use crate::{Error, Result};

/// How the stored values of a raster become network inputs: `stored * scale + offset`.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BandLayout {
    /// Band names in raster order.
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
    /// Its bands and their scaling.
    pub layout: BandLayout,
    dataset: Dataset,
}

impl SourceRaster {
    /// Opens a raster; `scale` overrides the default scale of its data type for every band.
    pub fn open(path: &Path, scale: Option<f64>) -> Result<SourceRaster> {
        let dataset = Dataset::open(path).map_err(Error::gdal(path))?;
        let grid = PixelGrid::of(&dataset, path)?;
        let crs = dataset.spatial_ref().map_err(|_| {
            Error::invalid(
                path,
                "the raster has no CRS, so labels cannot be placed on it",
            )
        })?;
        let count = dataset.raster_count();
        if count == 0 {
            return Err(Error::invalid(path, "the raster has no bands"));
        }
        let mut bands = Vec::with_capacity(count);
        let mut data_type = None;
        let mut nodata = None;
        for index in 1..=count {
            let band = dataset.rasterband(index).map_err(Error::gdal(path))?;
            let name = band.band_type().name();
            if data_type.get_or_insert_with(|| name.clone()) != &name {
                return Err(Error::invalid(path, "the bands have different data types"));
            }
            nodata = nodata.or(band.no_data_value());
            bands.push(band_name(&band, index));
        }
        let data_type = data_type.expect("the raster has at least one band");
        let scale = scale.unwrap_or_else(|| BandLayout::default_scale(&data_type));
        Ok(SourceRaster {
            path: path.to_path_buf(),
            grid,
            crs,
            layout: BandLayout {
                band_scale: vec![scale; count],
                band_offset: vec![0.0; count],
                bands,
                data_type,
                nodata,
            },
            dataset,
        })
    }

    /// Reads a window of every band as network inputs (`[bands, height, width]`, scaled), and
    /// the mask of pixels without data (every band equal to the nodata value). Pixels without
    /// data are set to 0 in every band.
    pub fn read(&self, window: Window) -> Result<(Array3<f32>, Array2<bool>)> {
        let bands = self.layout.bands.len();
        let (w, h) = (window.width, window.height);
        let mut image = Array3::<f32>::zeros((bands, h, w));
        let mut nodata = Array2::from_elem((h, w), self.layout.nodata.is_some());
        for b in 0..bands {
            let band = self
                .dataset
                .rasterband(b + 1)
                .map_err(Error::gdal(&self.path))?;
            let buffer = band
                .read_as::<f64>(
                    (window.col as isize, window.row as isize),
                    (w, h),
                    (w, h),
                    None,
                )
                .map_err(Error::gdal(&self.path))?;
            let (scale, offset) = (self.layout.band_scale[b], self.layout.band_offset[b]);
            for ((out, &value), missing) in image
                .index_axis_mut(ndarray::Axis(0), b)
                .iter_mut()
                .zip(buffer.data())
                .zip(nodata.iter_mut())
            {
                *out = (value * scale + offset) as f32;
                *missing &= Some(value) == self.layout.nodata;
            }
        }
        for (mut pixel, &missing) in image
            .lanes_mut(ndarray::Axis(0))
            .into_iter()
            .zip(nodata.iter())
        {
            if missing {
                pixel.fill(0.0);
            }
        }
        Ok((image, nodata))
    }
}

/// A band's name: its description, else its colour interpretation, else `bandN`.
fn band_name(band: &gdal::raster::RasterBand, index: usize) -> String {
    let description = band.description().unwrap_or_default();
    if !description.trim().is_empty() {
        return description.trim().to_lowercase();
    }
    match band.color_interpretation() {
        ColorInterpretation::Undefined | ColorInterpretation::GrayIndex => format!("band{index}"),
        other => other.name().to_lowercase(),
    }
}
