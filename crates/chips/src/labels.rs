//! Label vectors: features of any OGR format and CRS, read into a raster's CRS.

use std::path::{Path, PathBuf};

use gdal::Dataset;
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::vector::{Geometry, LayerAccess, OGRwkbGeometryType, geometry_type_flatten};
use geoscout_core::{Class, GeometryKind};

use crate::class_map::{ClassMap, LabelRole};
use crate::{Error, Result};

/// How to read the class of a labelled feature.
#[derive(Clone, Debug)]
pub struct LabelOptions {
    /// The attribute that holds the class value (`class` in truth files).
    pub class_field: String,
    /// What each class value means.
    pub map: ClassMap,
}

impl Default for LabelOptions {
    fn default() -> LabelOptions {
        LabelOptions {
            class_field: "class".to_string(),
            map: ClassMap::default(),
        }
    }
}

/// One labelled feature in the raster's CRS.
#[derive(Debug)]
pub struct Label {
    /// A target class or a negative (confuser).
    pub role: LabelRole,
    /// The geometry, reprojected to the raster's CRS.
    pub geometry: Geometry,
}

/// The labels of one file, reprojected to one raster's CRS.
#[derive(Debug)]
pub struct Labels {
    /// The label file.
    pub path: PathBuf,
    /// Targets and negatives; features mapped to [`LabelRole::Ignore`] are left out.
    pub items: Vec<Label>,
}

impl Labels {
    /// Reads every layer of a vector file that GDAL opens and reprojects its features to
    /// `target_crs` (the raster's CRS).
    ///
    /// Each feature's class value goes through the options' [`ClassMap`]; a value the mapping
    /// does not know, a feature without geometry, or a geometry that does not fit its class
    /// (polygons for piles and dust sources, points for outlets) is an error naming the file
    /// and the feature.
    pub fn read(path: &Path, options: &LabelOptions, target_crs: &SpatialRef) -> Result<Labels> {
        let dataset = Dataset::open(path).map_err(Error::gdal(path))?;
        let mut target_crs = target_crs.clone();
        target_crs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        let mut items = Vec::new();
        for mut layer in dataset.layers() {
            let mut layer_crs = layer.spatial_ref().ok_or_else(|| {
                Error::invalid(
                    path,
                    format!(
                        "layer '{}' has no CRS, so it cannot be placed on a raster",
                        layer.name()
                    ),
                )
            })?;
            layer_crs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
            let transform =
                CoordTransform::new(&layer_crs, &target_crs).map_err(Error::gdal(path))?;
            let field_index = match layer.defn().field_index(&options.class_field) {
                Ok(index) => index,
                Err(_) => {
                    let fields: Vec<String> = layer.defn().fields().map(|f| f.name()).collect();
                    return Err(Error::invalid(
                        path,
                        format!(
                            "layer '{}' has no field '{}' (fields: {}); name the class field with --class-field",
                            layer.name(),
                            options.class_field,
                            fields.join(", ")
                        ),
                    ));
                }
            };
            for feature in layer.features() {
                let describe = || match feature.fid() {
                    Some(fid) => format!("feature {fid}"),
                    None => "a feature".to_string(),
                };
                let value = feature
                    .field_as_string(field_index)
                    .map_err(Error::gdal(path))?
                    .ok_or_else(|| {
                        Error::invalid(
                            path,
                            format!("{} has no '{}' value", describe(), options.class_field),
                        )
                    })?;
                let role = options.map.role(&value).ok_or_else(|| {
                    Error::invalid(
                        path,
                        format!(
                            "{}: class value '{value}' is not mapped; add --map '{value}=CLASS' \
                             (CLASS: coal_gangue_pile, discharge_outlet, dust_source, confuser or ignore)",
                            describe()
                        ),
                    )
                })?;
                if role == LabelRole::Ignore {
                    continue;
                }
                let geometry = feature
                    .geometry()
                    .filter(|g| !g.is_empty())
                    .ok_or_else(|| {
                        Error::invalid(path, format!("{} has no geometry", describe()))
                    })?;
                if let LabelRole::Target(class) = role {
                    check_geometry_kind(geometry, class).map_err(|problem| {
                        Error::invalid(path, format!("{}: {problem}", describe()))
                    })?;
                }
                let geometry = geometry.transform(&transform).map_err(Error::gdal(path))?;
                items.push(Label { role, geometry });
            }
        }
        Ok(Labels {
            path: path.to_path_buf(),
            items,
        })
    }

    /// The label file GDAL reads beside a raster: `NAME.truth.geojson` for `NAME.tif`.
    pub fn beside(raster: &Path) -> PathBuf {
        raster.with_extension("truth.geojson")
    }
}

/// Checks that a geometry suits its class: areas for polygon classes, points for point classes.
fn check_geometry_kind(geometry: &Geometry, class: Class) -> std::result::Result<(), String> {
    let kind = geometry_type_flatten(geometry.geometry_type());
    let fits = match class.geometry_kind() {
        GeometryKind::Polygon => {
            kind == OGRwkbGeometryType::wkbPolygon || kind == OGRwkbGeometryType::wkbMultiPolygon
        }
        GeometryKind::Point => {
            kind == OGRwkbGeometryType::wkbPoint || kind == OGRwkbGeometryType::wkbMultiPoint
        }
    };
    if fits {
        Ok(())
    } else {
        let wanted = match class.geometry_kind() {
            GeometryKind::Polygon => "a polygon",
            GeometryKind::Point => "a point",
        };
        Err(format!(
            "labelled as {}, but {class} needs {wanted}",
            geometry.geometry_name()
        ))
    }
}
