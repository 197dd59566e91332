//! Leads as GeoPackage layers (GDAL/OGR), in any CRS, with an R-tree spatial index.
//!
//! `leads.gpkg` holds two layers of the same fields, so that each has one geometry type that
//! every GIS shows as it is: [`GPKG_POLYGON_LAYER`] (MultiPolygon: piles, dust sources) and
//! [`GPKG_POINT_LAYER`] (Point: outlets). Both always exist, empty or not.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::vector::{Feature, LayerAccess, LayerOptions, OGRwkbGeometryType, ToGdal};
use gdal::{Dataset, DatasetOptions, DriverManager, GdalOpenFlags};
use geo::Geometry;
use geoscout_core::fs::write_atomically;
use serde_json::Value;

use crate::geojson::rfc7946_geometry;
use crate::schema::{FieldKind, fields};
use crate::{Error, Lead, Result};

/// Name of the GeoPackage layer of polygon leads.
pub const GPKG_POLYGON_LAYER: &str = "leads_polygons";
/// Name of the GeoPackage layer of point leads.
pub const GPKG_POINT_LAYER: &str = "leads_points";

/// Writes `leads` to the GeoPackage `path` in the CRS `EPSG:epsg`, reprojected from WGS 84, as
/// the layers [`GPKG_POLYGON_LAYER`] (Polygons written as MultiPolygons) and
/// [`GPKG_POINT_LAYER`], each with an R-tree spatial index (`rtree_<layer>_geom`). Fields are the
/// union of the leads' properties ([`crate::PROPERTY_ORDER`], then extras), typed as INTEGER,
/// REAL, TEXT or BOOLEAN. Written under a temporary name and renamed when complete.
pub fn write_geopackage(path: &Path, leads: &[Lead], epsg: u32) -> Result<()> {
    check_all(path, leads)?;
    let target = srs(path, epsg)?;
    let to_target = CoordTransform::new(&srs(path, 4326)?, &target)
        .map_err(|source| gdal_error(path, format!("transform to EPSG:{epsg}"), source))?;
    let polygons: Vec<&Lead> = leads.iter().filter(|l| !is_point(l)).collect();
    let points: Vec<&Lead> = leads.iter().filter(|l| is_point(l)).collect();
    let layers = [
        StagedLayer {
            name: GPKG_POLYGON_LAYER,
            geometry_type: OGRwkbGeometryType::wkbMultiPolygon,
            leads: polygons,
        },
        StagedLayer {
            name: GPKG_POINT_LAYER,
            geometry_type: OGRwkbGeometryType::wkbPoint,
            leads: points,
        },
    ];
    let columns = fields(leads);
    write_atomically(path, |tmp| {
        write_layers(tmp, &layers, &columns, &target, Some(&to_target))?
            .close()
            .map_err(|source| gdal_error(path, "close GeoPackage".into(), source))
    })
}

/// One layer to write: its name, its geometry type and its leads.
pub(crate) struct StagedLayer<'a> {
    pub(crate) name: &'a str,
    pub(crate) geometry_type: OGRwkbGeometryType::Type,
    pub(crate) leads: Vec<&'a Lead>,
}

/// Writes a GeoPackage at `path` (a file or a `/vsimem/` name) holding `layers` with the fields
/// `columns`, geometries transformed by `transform` when given, and returns it open.
///
/// Fields are added as GeoPackage columns with SQL, then the file is reopened: the GDAL bindings
/// cannot mark an OGR field as boolean, and GDAL reads a `BOOLEAN` column as one.
pub(crate) fn write_layers(
    path: &Path,
    layers: &[StagedLayer<'_>],
    columns: &[(String, FieldKind)],
    srs: &SpatialRef,
    transform: Option<&CoordTransform>,
) -> Result<Dataset> {
    let gdal = |what: &str| {
        let what = what.to_string();
        move |source| gdal_error(path, what, source)
    };
    let driver = DriverManager::get_driver_by_name("GPKG").map_err(gdal("GPKG driver"))?;
    let mut dataset = driver
        .create_vector_only(path)
        .map_err(gdal("create GeoPackage"))?;
    for layer in layers {
        dataset
            .create_layer(LayerOptions {
                name: layer.name,
                srs: Some(srs),
                ty: layer.geometry_type,
                options: Some(&["SPATIAL_INDEX=YES"]),
            })
            .map_err(gdal(&format!("create layer {}", layer.name)))?;
        for (name, kind) in columns {
            let sql = format!(
                "ALTER TABLE {} ADD COLUMN {} {}",
                quote(layer.name),
                quote(name),
                kind.gpkg_type()
            );
            dataset
                .execute_sql(&sql, None, gdal::vector::sql::Dialect::DEFAULT)
                .map_err(gdal(&format!("add field '{name}' to {}", layer.name)))?;
        }
    }
    dataset.close().map_err(gdal("close GeoPackage"))?;

    let options = DatasetOptions {
        open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_UPDATE,
        allowed_drivers: Some(&["GPKG"]),
        ..Default::default()
    };
    let mut dataset = Dataset::open_ex(path, options).map_err(gdal("reopen GeoPackage"))?;
    let transaction = dataset
        .start_transaction()
        .map_err(gdal("start transaction"))?;
    for staged in layers {
        let layer = transaction
            .layer_by_name(staged.name)
            .map_err(gdal(&format!("open layer {}", staged.name)))?;
        for lead in &staged.leads {
            let what = format!("write lead '{}' to {}", lead.id, staged.name);
            let mut feature = Feature::new(layer.defn()).map_err(gdal(&what))?;
            for (name, value) in &lead.properties() {
                let index = layer.defn().field_index(name).map_err(gdal(&what))?;
                let kind = columns.iter().find(|(n, _)| n == name).map(|(_, k)| *k);
                set_field(&mut feature, index, value, kind).map_err(gdal(&what))?;
            }
            let mut geometry = layer_geometry(lead, staged.geometry_type)
                .to_gdal()
                .map_err(gdal(&what))?;
            if let Some(transform) = transform {
                geometry.transform_inplace(transform).map_err(gdal(&what))?;
            }
            feature.set_geometry(geometry).map_err(gdal(&what))?;
            feature.create(&layer).map_err(gdal(&what))?;
        }
    }
    transaction.commit().map_err(gdal("commit"))?;
    Ok(dataset)
}

/// The geometry as written to a layer: rounded and oriented as in GeoJSON, promoted to
/// MultiPolygon for a MultiPolygon layer.
fn layer_geometry(lead: &Lead, layer_type: OGRwkbGeometryType::Type) -> Geometry<f64> {
    match rfc7946_geometry(&lead.geometry) {
        Geometry::Polygon(p) if layer_type == OGRwkbGeometryType::wkbMultiPolygon => {
            geo::MultiPolygon(vec![p]).into()
        }
        other => other,
    }
}

/// Sets field `index` of `feature` from a property value; nulls stay unset.
fn set_field(
    feature: &mut Feature<'_>,
    index: usize,
    value: &Value,
    kind: Option<FieldKind>,
) -> gdal::errors::Result<()> {
    match (kind.unwrap_or(FieldKind::Text), value) {
        (_, Value::Null) => Ok(()),
        (FieldKind::Boolean, Value::Bool(b)) => feature.set_field_integer(index, i32::from(*b)),
        (FieldKind::Integer, Value::Number(n)) if n.is_i64() => {
            feature.set_field_integer64(index, n.as_i64().unwrap_or_default())
        }
        (FieldKind::Real, Value::Number(n)) => {
            feature.set_field_double(index, n.as_f64().unwrap_or(f64::NAN))
        }
        (_, Value::String(s)) => feature.set_field_string(index, s),
        (_, other) => feature.set_field_string(index, &other.to_string()),
    }
}

fn is_point(lead: &Lead) -> bool {
    matches!(lead.geometry, Geometry::Point(_))
}

/// `EPSG:code` with longitude/easting first, whatever the CRS's official axis order.
pub(crate) fn srs(path: &Path, epsg: u32) -> Result<SpatialRef> {
    let mut srs = SpatialRef::from_epsg(epsg)
        .map_err(|source| gdal_error(path, format!("unknown CRS EPSG:{epsg}"), source))?;
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    Ok(srs)
}

/// Checks every lead before anything is written.
pub(crate) fn check_all(path: &Path, leads: &[Lead]) -> Result<()> {
    leads.iter().try_for_each(|lead| {
        lead.check().map_err(|problem| Error::InvalidLead {
            path: path.to_path_buf(),
            id: lead.id.clone(),
            problem,
        })
    })
}

pub(crate) fn gdal_error(path: &Path, what: String, source: gdal::errors::GdalError) -> Error {
    Error::Gdal {
        path: path.to_path_buf(),
        what,
        source,
    }
}

/// A `/vsimem/` GeoPackage name unique to this process and call.
pub(crate) fn scratch_name() -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("/vsimem/geoscout-leads-{}-{n}.gpkg", std::process::id())
}

/// An SQL identifier in double quotes.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
