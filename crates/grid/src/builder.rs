//! Building a level-3 grid: square cells of a fixed size in a metric CRS, clipped to county
//! polygons, each with a hierarchical code.
//!
//! Cells are aligned on multiples of the cell size in the metric CRS (a cell's lower-left
//! corner is at `(i * size, j * size)`), so grids of the same size and CRS line up across
//! counties and runs. A county's cells are numbered from 1 row by row, starting at the
//! north-west; the code is the county code, `-` and the number zero-padded to at least four
//! digits (`140213-0042`). Cells that only touch a county, or overlap it with zero area, are
//! left out. Interior cells are exact squares; cells on a county border are clipped with GEOS
//! (through GDAL), so neighbouring counties' cells meet along the border as it is in the file.

use std::path::Path;

use gdal::vector::ToGdal;
use geo::{Area, BoundingRect, Coord, Intersects, Line, MultiPolygon, Rect};
use rstar::primitives::Line as IndexedLine;
use rstar::{AABB, RTree};
use serde_json::Value;

use crate::crs::MetricCrs;
use crate::grid::{Cell, Grid, polygons_of};
use crate::table::{ColumnKind, Table};
use crate::vector::{read_layer, write_polygons};
use crate::{Error, Result};

/// The fields of a boundaries layer that hold each county's code and names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoundaryFields {
    /// The county code (administrative division code), e.g. `adcode`.
    pub code: String,
    /// The county or district name, e.g. `district`.
    pub county: String,
    /// The city name, e.g. `city`.
    pub city: String,
}

impl Default for BoundaryFields {
    /// The fields of the cnmaps district files: `adcode`, `district`, `city`.
    fn default() -> BoundaryFields {
        BoundaryFields {
            code: "adcode".into(),
            county: "district".into(),
            city: "city".into(),
        }
    }
}

/// What grid to build.
#[derive(Clone, Debug, PartialEq)]
pub struct GridSpec {
    /// The side of a square cell in metres.
    pub cell_size_m: f64,
    /// The metric CRS of the cells (`None`: picked from the boundaries' centre, see
    /// [`MetricCrs::for_longitude`]).
    pub metric: Option<MetricCrs>,
    /// Where the county codes and names are.
    pub fields: BoundaryFields,
}

/// Builds square cells of `spec.cell_size_m` clipped to each county polygon of `boundaries`
/// (any vector file GDAL reads, any CRS). Each cell gets its code (`grid_id`), a name
/// (`平城区第0042号网格`), level `3`, the county code as `parent`, the county and city names, the
/// county as the responsible unit, and its area.
pub fn build_grid(boundaries: &Path, spec: &GridSpec) -> Result<Grid> {
    let size = spec.cell_size_m;
    if !(size.is_finite() && size > 0.0) {
        return Err(Error::bad_input(
            boundaries,
            format!("the cell size must be a positive number of metres, not {size}"),
        ));
    }
    let layer = read_layer(boundaries)?;
    let code = layer.field_index(&spec.fields.code, "county code")?;
    let county = layer.field_index(&spec.fields.county, "county name")?;
    let city = layer.field_index(&spec.fields.city, "city name")?;
    let (metric, geometries) = layer.geometries_in(spec.metric)?;

    let mut cells = Vec::new();
    for (index, (record, geometry)) in layer.records.iter().zip(geometries).enumerate() {
        let value = |i: usize| record.values[i].clone().unwrap_or_default();
        let (code, county, city) = (value(code), value(county), value(city));
        if code.is_empty() {
            return Err(Error::bad_input(
                boundaries,
                format!(
                    "feature #{index} has no county code in '{}'",
                    spec.fields.code
                ),
            ));
        }
        let polygon = polygons_of(geometry).ok_or_else(|| {
            Error::bad_input(boundaries, format!("county {code} is not a polygon"))
        })?;
        let pieces = clip_squares(&polygon, size)
            .map_err(|problem| Error::bad_input(boundaries, format!("county {code}: {problem}")))?;
        let width = pieces.len().to_string().len().max(4);
        for (number, geometry) in (1..).zip(pieces) {
            cells.push(Cell {
                id: format!("{code}-{number:0width$}"),
                name: format!("{county}第{number:0width$}号网格"),
                level: Some("3".into()),
                parent: Some(code.clone()),
                county: Some(county.clone()),
                city: Some(city.clone()),
                responsible_unit: Some(county.clone()),
                area_m2: geometry.unsigned_area(),
                geometry,
            });
        }
    }
    Grid::new(boundaries, metric, cells)
}

/// The squares of side `size` on the lattice of multiples of `size`, clipped to `county`, in
/// row-major order from the north-west. An error when the polygon is not valid.
fn clip_squares(county: &MultiPolygon<f64>, size: f64) -> Result<Vec<MultiPolygon<f64>>, String> {
    let Some(bounds) = county.bounding_rect() else {
        return Ok(Vec::new());
    };
    let county_gdal = county.to_gdal().map_err(|e| e.to_string())?;
    if !county_gdal.is_valid() {
        return Err("the polygon is not valid; repair it with `ogr2ogr -makevalid`".into());
    }
    let border = border_segments(county);
    let columns = (bounds.min().x / size).floor() as i64..(bounds.max().x / size).ceil() as i64;
    let rows = (bounds.min().y / size).floor() as i64..(bounds.max().y / size).ceil() as i64;
    let mut pieces = Vec::new();
    for row in rows.rev() {
        let band = lattice_rect(columns.start, row, columns.end - columns.start, size);
        // Clipping to one row of the county first keeps each cell's clip small.
        let Some(strip) = clip(&band, &county_gdal)? else {
            continue;
        };
        for column in columns.clone() {
            let square = lattice_rect(column, row, 1, size);
            let corners = AABB::from_corners(
                [square.min().x, square.min().y],
                [square.max().x, square.max().y],
            );
            if border
                .locate_in_envelope_intersecting(&corners)
                .next()
                .is_none()
            {
                // No border segment comes near: the square is wholly inside or outside.
                if county.intersects(&square.center()) {
                    pieces.push(MultiPolygon(vec![square.to_polygon()]));
                }
                continue;
            }
            let Some(clipped) = clip(&square, &strip)? else {
                continue;
            };
            let polygons = clipped.to_geo().map_err(|e| e.to_string())?;
            pieces.extend(polygons_of(polygons).filter(|p| p.unsigned_area() > 0.0));
        }
    }
    Ok(pieces)
}

/// `rect` ∩ `polygon` by GEOS, `None` when empty.
fn clip(
    rect: &Rect<f64>,
    polygon: &gdal::vector::Geometry,
) -> Result<Option<gdal::vector::Geometry>, String> {
    let rect = rect.to_polygon().to_gdal().map_err(|e| e.to_string())?;
    Ok(rect.intersection(polygon).filter(|g| !g.is_empty()))
}

/// `width` lattice squares from column `column` in row `row`.
fn lattice_rect(column: i64, row: i64, width: i64, size: f64) -> Rect<f64> {
    Rect::new(
        Coord {
            x: column as f64 * size,
            y: row as f64 * size,
        },
        Coord {
            x: (column + width) as f64 * size,
            y: (row + 1) as f64 * size,
        },
    )
}

/// An R-tree over every segment of the polygon's rings.
fn border_segments(polygon: &MultiPolygon<f64>) -> RTree<IndexedLine<[f64; 2]>> {
    let segments = polygon
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|ring| ring.lines())
        .map(|Line { start, end }| IndexedLine::new([start.x, start.y], [end.x, end.y]))
        .collect();
    RTree::bulk_load(segments)
}

/// Writes the cells of `grid` to `path`: GeoPackage (`.gpkg`, in the grid's metric CRS, with
/// its spatial index), GeoJSON (`.geojson`, RFC 7946, WGS 84) or FlatGeobuf (`.fgb`), by
/// extension. Fields: `grid_id`, `grid_name`, `level`, `parent`, `county`, `city`,
/// `responsible_unit`, `area_m2` (the names [`crate::FieldMap`] looks for by default).
pub fn write_grid(path: &Path, grid: &Grid) -> Result<()> {
    let mut table = Table::new([
        ("grid_id", ColumnKind::Text),
        ("grid_name", ColumnKind::Text),
        ("level", ColumnKind::Text),
        ("parent", ColumnKind::Text),
        ("county", ColumnKind::Text),
        ("city", ColumnKind::Text),
        ("responsible_unit", ColumnKind::Text),
        ("area_m2", ColumnKind::Real),
    ]);
    let text = |value: &Option<String>| value.clone().map_or(Value::Null, Value::from);
    for cell in grid.cells() {
        table.push(vec![
            cell.id.clone().into(),
            cell.name.clone().into(),
            text(&cell.level),
            text(&cell.parent),
            text(&cell.county),
            text(&cell.city),
            text(&cell.responsible_unit),
            round_to(cell.area_m2, 2).into(),
        ]);
    }
    let srs = grid
        .metric_crs()
        .spatial_ref()
        .map_err(|e| Error::bad_input(path, e))?;
    let polygons: Vec<_> = grid.cells().iter().map(|c| c.geometry.clone()).collect();
    write_polygons(path, "grid", &srs, &table, &polygons)
}

/// `value` rounded to `decimals` decimal places.
pub(crate) fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}
