//! Leads as FlatGeobuf (GDAL/OGR) with its packed Hilbert R-tree spatial index.
//!
//! A FlatGeobuf file holds one layer, so `leads.fgb` is one layer named after the file (`leads`)
//! of geometry type Unknown: each feature keeps its own type (Polygon, MultiPolygon or Point),
//! exactly as in `leads.geojson`. QGIS offers such a layer as one sub-layer per geometry type,
//! as it does for the GeoJSON.

use std::path::Path;

use gdal::DriverManager;
use gdal::raster::RasterCreationOptions;
use gdal::vector::OGRwkbGeometryType;
use geoscout_core::fs::write_atomically;

use crate::gpkg::{StagedLayer, check_all, gdal_error, scratch_name, srs, write_layers};
use crate::schema::fields;
use crate::{Lead, Result};

/// Writes `leads` to the FlatGeobuf file `path`: WGS 84 (EPSG:4326), one feature per lead with
/// the geometry and coordinates of `leads.geojson`, fields as in the GeoPackage (booleans typed
/// as booleans), with a spatial index. Features are stored in the index's (Hilbert) order.
/// Written under a temporary name and renamed when complete.
pub fn write_flatgeobuf(path: &Path, leads: &[Lead]) -> Result<()> {
    check_all(path, leads)?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "leads".into());
    let layer = StagedLayer {
        name: &name,
        geometry_type: OGRwkbGeometryType::wkbUnknown,
        leads: leads.iter().collect(),
    };
    // The layer is built in an in-memory GeoPackage, whose SQL can type booleans, and copied.
    let scratch = scratch_name();
    let result = write_layers(
        Path::new(&scratch),
        &[layer],
        &fields(leads),
        &srs(path, 4326)?,
        None,
    )
    .and_then(|staged| {
        let driver = DriverManager::get_driver_by_name("FlatGeobuf")
            .map_err(|e| gdal_error(path, "FlatGeobuf driver".into(), e))?;
        write_atomically(path, |tmp| {
            let options = RasterCreationOptions::from_iter(["SPATIAL_INDEX=YES"]);
            staged
                .create_copy(&driver, tmp, &options)
                .and_then(|copy| copy.close())
                .map_err(|e| gdal_error(path, "write FlatGeobuf".into(), e))
        })
    });
    let _ = gdal::vsi::unlink_mem_file(&scratch);
    result
}
