//! What GDAL knows about a raster: size, bands, mask, CRS, georeferencing, resolution, footprint
//! and acquisition date.

use std::path::{Path, PathBuf};

use gdal::spatial_ref::SpatialRef;
use gdal::{Dataset, Metadata};
use geo::{Coord, MultiPolygon};
use serde::{Serialize, Serializer};

use crate::acquired::acquired;
use crate::georef::PixelTransform;
use crate::{Error, Georef, PixelRect, Result};

/// A description of one raster, as `geoscout info --json` prints it.
#[derive(Clone, Debug, Serialize)]
pub struct RasterInfo {
    /// The path the raster was opened with.
    pub path: PathBuf,
    /// GDAL's short driver name (`GTiff`, `VRT`, ...).
    pub driver: String,
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// The bands, in file order.
    pub bands: Vec<BandInfo>,
    /// How invalid pixels are marked.
    pub mask: MaskKind,
    /// EPSG code of the CRS, where it has one (the same as `crs.epsg`, kept at the top for
    /// convenience).
    pub epsg: Option<u32>,
    /// The coordinate reference system of the geotransform or of the ground control points.
    pub crs: Option<Crs>,
    /// GDAL's geotransform `[x0, dx/dcol, dx/drow, y0, dy/dcol, dy/drow]`, rotation terms
    /// included; `None` when the raster has none (GCPs only, or no georeferencing).
    pub geotransform: Option<[f64; 6]>,
    /// How pixels are tied to the CRS.
    pub georeferencing: Georeferencing,
    /// Ground sample distance in metres at the raster's centre (geodesic, so it is right for
    /// geographic and Web Mercator rasters too); `None` without a CRS.
    pub gsd_m: Option<f64>,
    /// The raster's outline in WGS 84 (RFC 7946: counter-clockwise, split at the antimeridian),
    /// written as a GeoJSON Polygon or MultiPolygon; `None` without a CRS. Where the corners are
    /// off the Earth (a geostationary full disc) it is the hull of the raster's points that are on
    /// it.
    #[serde(serialize_with = "serialize_footprint")]
    pub footprint: Option<MultiPolygon>,
    /// Acquisition date or date-time (ISO 8601), when the file or a Landsat MTL beside it says.
    pub acquired: Option<String>,
    /// Where `acquired` came from.
    pub acquired_from: Option<String>,
    #[serde(skip)]
    pub(crate) pixel_transform: Option<PixelTransform>,
}

impl RasterInfo {
    /// The footprint's RFC 7946 bounding box `[west, south, east, north]` in degrees; across the
    /// antimeridian `west` is greater than `east`.
    pub fn footprint_bbox(&self) -> Option<[f64; 4]> {
        self.footprint.as_ref().and_then(crate::footprint::bbox)
    }

    /// Whether the raster has a geotransform without rotation terms (rows run along the map's
    /// x axis), so that a coarser view of it lies on a grid of the same CRS.
    pub fn north_up(&self) -> bool {
        self.geotransform
            .is_some_and(|gt| gt[2] == 0.0 && gt[4] == 0.0)
    }
}

/// One band of a raster.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BandInfo {
    /// Band number, from 1 as in GDAL.
    pub index: usize,
    /// GDAL's name of the data type (`Byte`, `UInt16`, `Int16`, `Float32`, ...).
    pub data_type: String,
    /// GDAL's colour interpretation (`Red`, `Gray`, `Alpha`, `Undefined`, ...).
    pub color_interpretation: String,
    /// The band's description, where it has one.
    pub description: Option<String>,
    /// The nodata value, where one is set (NaN and infinities are written as strings).
    #[serde(serialize_with = "serialize_nodata")]
    pub nodata: Option<f64>,
    /// GDAL's block size `[width, height]`: reads aligned to it are cheapest.
    pub block_size: [usize; 2],
}

/// How a raster marks pixels that hold no data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MaskKind {
    /// Every pixel holds data.
    None,
    /// Bands have nodata values.
    Nodata,
    /// An alpha band: alpha 0 marks pixels without data.
    Alpha {
        /// The alpha band's number, where GDAL names one.
        band: Option<usize>,
    },
    /// A mask shared by all bands (an internal or `.msk` mask).
    PerDataset,
    /// Each band has a mask of its own.
    PerBand,
}

/// A coordinate reference system.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Crs {
    /// Its EPSG code, where its definition carries one.
    pub epsg: Option<u32>,
    /// Its name (`WGS 84 / UTM zone 18N`).
    pub name: Option<String>,
    /// Whether coordinates are longitude/latitude in degrees.
    pub geographic: bool,
    /// Its definition as WKT (GDAL's default WKT 1 export).
    pub wkt: String,
}

/// How pixels are tied to the CRS.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Georeferencing {
    /// An affine geotransform.
    Geotransform,
    /// Ground control points only; pixel positions come from a least-squares polynomial fitted to
    /// them.
    Gcps {
        /// Number of GCPs.
        count: usize,
        /// Order of the fitted polynomial (1: affine, 2: quadratic).
        fit_order: usize,
        /// Root mean square distance, in pixels, between the GCPs and where the fit puts them.
        rms_residual_px: f64,
    },
    /// Neither: the raster can be tiled and read, but not placed on the map.
    None,
}

/// Describes the raster `dataset` opened from `path`.
pub(crate) fn describe(path: &Path, dataset: &Dataset) -> Result<RasterInfo> {
    let (width, height) = dataset.raster_size();
    let bands = (1..=dataset.raster_count())
        .map(|index| describe_band(path, dataset, index))
        .collect::<Result<Vec<_>>>()?;
    let mask = mask_kind(path, dataset, &bands)?;
    let tie = tie_to_crs(path, dataset)?;
    let crs = tie
        .srs
        .as_ref()
        .map(crs_of)
        .transpose()
        .map_err(|e| Error::gdal(path, "cannot read its CRS", &e))?;
    let georef = match (&tie.srs, &tie.transform) {
        (Some(srs), Some(transform)) => Georef::from_srs(path, transform.clone(), srs).ok(),
        _ => None,
    };
    let whole = PixelRect::new(0, 0, width, height);
    let centre = Coord {
        x: width as f64 / 2.0,
        y: height as f64 / 2.0,
    };
    let acquisition = acquired(path, dataset);
    Ok(RasterInfo {
        path: path.to_path_buf(),
        driver: dataset.driver().short_name(),
        width,
        height,
        bands,
        mask,
        epsg: crs.as_ref().and_then(|c| c.epsg),
        crs,
        geotransform: tie.geotransform,
        georeferencing: tie.kind,
        gsd_m: georef.as_ref().and_then(|g| g.gsd_m(centre)),
        footprint: georef
            .as_ref()
            .and_then(|g| crate::footprint::outline(g, whole, crate::footprint::RASTER_SAMPLES)),
        acquired: acquisition.as_ref().map(|a| a.when.clone()),
        acquired_from: acquisition.map(|a| a.source),
        pixel_transform: tie.transform,
    })
}

fn describe_band(path: &Path, dataset: &Dataset, index: usize) -> Result<BandInfo> {
    let band = dataset
        .rasterband(index)
        .map_err(|e| Error::gdal(path, "cannot read a band", &e))?;
    let description = band.description().unwrap_or_default();
    let (block_width, block_height) = band.block_size();
    Ok(BandInfo {
        index,
        data_type: band.band_type().name(),
        color_interpretation: band.color_interpretation().name(),
        description: (!description.is_empty()).then_some(description),
        nodata: band.no_data_value(),
        block_size: [block_width, block_height],
    })
}

fn mask_kind(path: &Path, dataset: &Dataset, bands: &[BandInfo]) -> Result<MaskKind> {
    let mut flags = Vec::with_capacity(bands.len());
    for band in bands {
        let band_flags = dataset
            .rasterband(band.index)
            .and_then(|b| b.mask_flags())
            .map_err(|e| Error::gdal(path, "cannot read the mask flags", &e))?;
        flags.push(band_flags);
    }
    let alpha_band = bands
        .iter()
        .find(|b| b.color_interpretation == "Alpha")
        .map(|b| b.index);
    Ok(
        if flags.iter().any(|f| f.is_per_dataset() && f.is_alpha()) {
            MaskKind::Alpha { band: alpha_band }
        } else if flags.iter().any(|f| f.is_per_dataset()) {
            MaskKind::PerDataset
        } else if flags.iter().any(|f| f.is_nodata()) {
            MaskKind::Nodata
        } else if flags.iter().any(|f| !f.is_all_valid()) {
            MaskKind::PerBand
        } else {
            MaskKind::None
        },
    )
}

/// How a raster's pixels are tied to a CRS.
struct Tie {
    kind: Georeferencing,
    geotransform: Option<[f64; 6]>,
    transform: Option<PixelTransform>,
    srs: Option<SpatialRef>,
}

fn tie_to_crs(path: &Path, dataset: &Dataset) -> Result<Tie> {
    if let Ok(geotransform) = dataset.geo_transform() {
        return Ok(Tie {
            kind: Georeferencing::Geotransform,
            geotransform: Some(geotransform),
            transform: PixelTransform::affine(geotransform),
            srs: dataset.spatial_ref().ok(),
        });
    }
    let gcps = dataset.gcps();
    if gcps.is_empty() {
        return Ok(Tie {
            kind: Georeferencing::None,
            geotransform: None,
            transform: None,
            srs: dataset.spatial_ref().ok(),
        });
    }
    let pixels: Vec<[f64; 2]> = gcps.iter().map(|g| [g.pixel(), g.line()]).collect();
    let crs: Vec<[f64; 2]> = gcps.iter().map(|g| [g.x(), g.y()]).collect();
    let (transform, fit_order, rms_residual_px) =
        PixelTransform::fit_gcps(&pixels, &crs).map_err(|message| Error::BadGcps {
            path: path.to_path_buf(),
            message,
        })?;
    Ok(Tie {
        kind: Georeferencing::Gcps {
            count: gcps.len(),
            fit_order,
            rms_residual_px,
        },
        geotransform: None,
        transform: Some(transform),
        srs: dataset.gcp_spatial_ref(),
    })
}

fn crs_of(srs: &SpatialRef) -> gdal::errors::Result<Crs> {
    let epsg = match srs.auth_name().as_deref() {
        Some("EPSG") => srs
            .auth_code()
            .ok()
            .and_then(|code| u32::try_from(code).ok()),
        _ => None,
    };
    Ok(Crs {
        epsg,
        name: srs.name(),
        geographic: srs.is_geographic(),
        wkt: srs.to_wkt()?,
    })
}

fn serialize_footprint<S: Serializer>(
    footprint: &Option<MultiPolygon>,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    footprint
        .as_ref()
        .map(crate::footprint::geojson_geometry)
        .serialize(serializer)
}

fn serialize_nodata<S: Serializer>(
    nodata: &Option<f64>,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    match nodata {
        Some(value) if !value.is_finite() => serializer.serialize_str(&value.to_string()),
        other => other.serialize(serializer),
    }
}
