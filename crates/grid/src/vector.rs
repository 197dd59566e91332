//! Reading and writing vector layers with GDAL/OGR: GeoPackage, GeoJSON, Shapefile, FlatGeobuf
//! and whatever else GDAL opens.

use std::path::{Path, PathBuf};

use gdal::spatial_ref::SpatialRef;
use gdal::vector::{Feature, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType, ToGdal};
use gdal::{Dataset, DatasetOptions, DriverManager, GdalOpenFlags};
use geo::{Geometry, MultiPolygon};
use geoscout_core::fs::{IoError, write_atomically};
use serde_json::Value;

use crate::crs::{MetricCrs, Reprojector, metric_crs_for};
use crate::table::{ColumnKind, Table};
use crate::{Error, Result};

/// The first layer of a vector file: its CRS, field names and features.
pub(crate) struct VectorLayer {
    /// The file.
    pub(crate) path: PathBuf,
    /// The layer's CRS.
    pub(crate) srs: SpatialRef,
    /// Field names in layer order.
    pub(crate) fields: Vec<String>,
    /// The features in file order.
    pub(crate) records: Vec<Record>,
}

/// One feature: its geometry in the layer's CRS and its field values as text.
pub(crate) struct Record {
    /// The geometry, as read.
    pub(crate) geometry: Geometry<f64>,
    /// One value per field, `None` when null or unset.
    pub(crate) values: Vec<Option<String>>,
}

impl VectorLayer {
    /// The layer's geometries in `metric`, or when `None` in the metric CRS picked from the
    /// centre of their bounding box, and that CRS. They are reprojected with GDAL unless the
    /// layer is already in it.
    pub(crate) fn geometries_in(
        &self,
        metric: Option<MetricCrs>,
    ) -> Result<(MetricCrs, Vec<Geometry<f64>>)> {
        let path = &self.path;
        let mut geometries: Vec<Geometry<f64>> =
            self.records.iter().map(|r| r.geometry.clone()).collect();
        let metric = match metric {
            Some(metric) => metric,
            None => metric_crs_for(&self.srs, &geometries)
                .map_err(|e| Error::gdal(path, "finding the layer's centre", e))?,
        };
        let metric_srs = metric
            .spatial_ref()
            .map_err(|e| Error::bad_input(path, e))?;
        if self.srs != metric_srs {
            Reprojector::new(&self.srs, &metric_srs)
                .and_then(|r| r.geometries(&mut geometries))
                .map_err(|e| Error::gdal(path, format!("reprojecting to {metric}"), e))?;
        }
        Ok((metric, geometries))
    }

    /// The index of the field called `name`; the error lists the fields there are.
    pub(crate) fn field_index(&self, name: &str, role: &str) -> Result<usize> {
        self.fields.iter().position(|f| f == name).ok_or_else(|| {
            Error::bad_input(
                &self.path,
                format!(
                    "no field '{name}' for the {role} (fields: {})",
                    self.fields.join(", ")
                ),
            )
        })
    }
}

/// Reads the first layer of `path`. Every feature must have a geometry and the layer a CRS.
pub(crate) fn read_layer(path: &Path) -> Result<VectorLayer> {
    if let Err(e) = std::fs::metadata(path) {
        return Err(IoError::new(path, e).into());
    }
    let options = DatasetOptions {
        open_flags: GdalOpenFlags::GDAL_OF_VECTOR,
        ..DatasetOptions::default()
    };
    let dataset = Dataset::open_ex(path, options)
        .map_err(|_| Error::bad_input(path, "GDAL cannot read this file as a vector layer"))?;
    let mut layer = dataset
        .layer(0)
        .map_err(|_| Error::bad_input(path, "no vector layer in this file"))?;
    let srs = layer.spatial_ref().ok_or_else(|| {
        Error::bad_input(
            path,
            "the layer has no CRS; give it one with `ogr2ogr -a_srs EPSG:N OUT IN`",
        )
    })?;
    let fields: Vec<String> = layer.defn().fields().map(|f| f.name()).collect();
    let mut records = Vec::new();
    for (index, feature) in layer.features().enumerate() {
        let which = || match feature.fid() {
            Some(fid) => format!("feature {fid}"),
            None => format!("feature #{index}"),
        };
        let geometry = feature
            .geometry()
            .ok_or_else(|| Error::bad_input(path, format!("{} has no geometry", which())))?
            .to_geo()
            .map_err(|e| Error::gdal(path, format!("reading the geometry of {}", which()), e))?;
        let values = (0..fields.len())
            .map(|i| feature.field_as_string(i))
            .collect::<gdal::errors::Result<Vec<_>>>()
            .map_err(|e| Error::gdal(path, format!("reading the fields of {}", which()), e))?;
        records.push(Record { geometry, values });
    }
    Ok(VectorLayer {
        path: path.to_path_buf(),
        srs,
        fields,
        records,
    })
}

/// Writes polygons with the attributes of `table` (one row per polygon) to `path`, as
/// GeoPackage (`.gpkg`, with its R-tree index), GeoJSON (`.geojson`, `.json`: RFC 7946, GDAL
/// reprojects to WGS 84) or FlatGeobuf (`.fgb`, with its spatial index), by extension. The
/// polygons are in `srs`. The file is written under a temporary name and renamed.
pub(crate) fn write_polygons(
    path: &Path,
    layer_name: &str,
    srs: &SpatialRef,
    table: &Table,
    polygons: &[MultiPolygon<f64>],
) -> Result<()> {
    debug_assert_eq!(table.rows.len(), polygons.len());
    let (driver, options): (&str, &[&str]) = match extension(path).as_str() {
        "gpkg" => ("GPKG", &[]),
        "geojson" | "json" => ("GeoJSON", &["RFC7946=YES", "WRITE_NAME=NO"]),
        "fgb" => ("FlatGeobuf", &[]),
        other => {
            return Err(Error::bad_input(
                path,
                format!("cannot write '.{other}' files; use .gpkg, .geojson or .fgb"),
            ));
        }
    };
    write_atomically(path, |tmp| {
        let gdal_error = |what: &'static str| move |e| Error::gdal(tmp, what, e);
        let mut dataset = DriverManager::get_driver_by_name(driver)
            .and_then(|d| d.create_vector_only(tmp))
            .map_err(gdal_error("creating the file"))?;
        let layer = LayerOptions {
            name: layer_name,
            srs: Some(srs),
            ty: OGRwkbGeometryType::wkbMultiPolygon,
            options: Some(options),
        };
        if driver == "GPKG" {
            // One transaction for all features: one commit instead of one per feature.
            let mut transaction = dataset
                .start_transaction()
                .map_err(gdal_error("starting a transaction"))?;
            write_features(&mut transaction, layer, table, polygons)
                .map_err(gdal_error("writing"))?;
            transaction.commit().map_err(gdal_error("committing"))?;
        } else {
            write_features(&mut dataset, layer, table, polygons).map_err(gdal_error("writing"))?;
        }
        dataset.close().map_err(gdal_error("closing"))
    })
}

/// Creates the layer and its fields in `dataset` and writes one feature per row.
fn write_features(
    dataset: &mut Dataset,
    layer: LayerOptions<'_>,
    table: &Table,
    polygons: &[MultiPolygon<f64>],
) -> gdal::errors::Result<()> {
    let layer = dataset.create_layer(layer)?;
    let fields: Vec<(&str, OGRFieldType::Type)> = table
        .columns
        .iter()
        .map(|(name, kind)| (name.as_str(), ogr_field_type(*kind)))
        .collect();
    layer.create_defn_fields(&fields)?;
    for (row, polygon) in table.rows.iter().zip(polygons) {
        let mut feature = Feature::new(layer.defn())?;
        for (i, value) in row.iter().enumerate() {
            set_field(&mut feature, i, value)?;
        }
        feature.set_geometry(polygon.to_gdal()?)?;
        feature.create(&layer)?;
    }
    Ok(())
}

fn ogr_field_type(kind: ColumnKind) -> OGRFieldType::Type {
    match kind {
        ColumnKind::Text => OGRFieldType::OFTString,
        ColumnKind::Integer => OGRFieldType::OFTInteger64,
        ColumnKind::Real => OGRFieldType::OFTReal,
    }
}

fn set_field(feature: &mut Feature, index: usize, value: &Value) -> gdal::errors::Result<()> {
    match value {
        Value::Null => feature.set_field_null(index),
        Value::String(s) => feature.set_field_string(index, s),
        Value::Number(n) => match n.as_i64() {
            Some(i) => feature.set_field_integer64(index, i),
            None => feature.set_field_double(index, n.as_f64().unwrap_or(f64::NAN)),
        },
        other => feature.set_field_string(index, &other.to_string()),
    }
}

/// The lower-case extension of `path`, empty when it has none.
pub(crate) fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}
