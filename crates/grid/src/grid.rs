//! Grid layers: supervision cells with their codes, names and hierarchy, read from any vector
//! file GDAL opens and held in one metric CRS with an R-tree over the cell envelopes.

use std::path::{Path, PathBuf};

use geo::{Area, BoundingRect, Geometry, MultiPolygon};
use geoscout_core::fs::IoError;
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};
use serde::Deserialize;

use crate::crs::MetricCrs;
use crate::vector::{VectorLayer, read_layer};
use crate::{Error, Result};

/// One supervision cell.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// The cell's code, unique in its grid (for built grids: county adcode, `-`, cell number).
    pub id: String,
    /// The cell's name (the id when the layer has no name field).
    pub name: String,
    /// The grid level, as written in the layer (built grids: `3`).
    pub level: Option<String>,
    /// The code of the unit above the cell (built grids: the county adcode).
    pub parent: Option<String>,
    /// The county or district the cell belongs to.
    pub county: Option<String>,
    /// The city the cell belongs to.
    pub city: Option<String>,
    /// Who answers for leads in the cell.
    pub responsible_unit: Option<String>,
    /// Area in square metres, measured in the grid's metric CRS.
    pub area_m2: f64,
    /// The outline in the grid's metric CRS.
    pub geometry: MultiPolygon<f64>,
}

impl Cell {
    /// The cell's place in the hierarchy: city / county / cell id, leaving out what is not
    /// known (the parent code stands in for a missing county), e.g.
    /// `大同市 / 平城区 / 140213-0042`.
    pub fn path(&self) -> String {
        let county = self.county.as_ref().or(self.parent.as_ref());
        [self.city.as_ref(), county, Some(&self.id)]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" / ")
    }

    /// The county the cell rolls up to: its county name, else its parent code.
    pub fn county_key(&self) -> Option<&str> {
        self.county.as_deref().or(self.parent.as_deref())
    }
}

/// The names of the fields of a grid layer that hold each cell attribute.
///
/// Every entry left out (`None`) means "the default name if the layer has such a field": the
/// defaults are the names `geoscout grid build` writes (`grid_id`, `grid_name`, `level`,
/// `parent`, `county`, `city`, `responsible_unit`). A field named explicitly must exist. Only
/// the id is required. Read from TOML with [`FieldMap::from_toml_file`]:
///
/// ```toml
/// id = "WGBM"
/// name = "WGMC"
/// parent = "SSXQDM"
/// responsible_unit = "ZRDW"
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldMap {
    /// The cell code field (default `grid_id`; required).
    pub id: Option<String>,
    /// The cell name field (default `grid_name`).
    pub name: Option<String>,
    /// The grid level field (default `level`).
    pub level: Option<String>,
    /// The parent unit code field (default `parent`).
    pub parent: Option<String>,
    /// The county or district name field (default `county`).
    pub county: Option<String>,
    /// The city name field (default `city`).
    pub city: Option<String>,
    /// The responsible unit field (default `responsible_unit`).
    pub responsible_unit: Option<String>,
}

impl FieldMap {
    /// Reads a field map from a TOML file of `key = "field name"` lines.
    pub fn from_toml_file(path: &Path) -> Result<FieldMap> {
        let text = std::fs::read_to_string(path).map_err(|e| IoError::new(path, e))?;
        toml::from_str(&text).map_err(|e| Error::bad_input(path, e.to_string()))
    }

    /// Overrides the entries of `self` with those set in `other`.
    pub fn merged_with(mut self, other: &FieldMap) -> FieldMap {
        let pairs = [
            (&mut self.id, &other.id),
            (&mut self.name, &other.name),
            (&mut self.level, &other.level),
            (&mut self.parent, &other.parent),
            (&mut self.county, &other.county),
            (&mut self.city, &other.city),
            (&mut self.responsible_unit, &other.responsible_unit),
        ];
        for (mine, theirs) in pairs {
            if theirs.is_some() {
                mine.clone_from(theirs);
            }
        }
        self
    }
}

/// A cell envelope in the R-tree, with the cell's index.
type Envelope = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// A grid layer: cells sorted by id, in one metric CRS, indexed by an R-tree over their
/// envelopes.
pub struct Grid {
    source: PathBuf,
    metric: MetricCrs,
    cells: Vec<Cell>,
    tree: RTree<Envelope>,
}

impl std::fmt::Debug for Grid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grid")
            .field("source", &self.source)
            .field("metric", &self.metric)
            .field("cells", &self.cells.len())
            .finish()
    }
}

impl Grid {
    /// Opens a grid layer (the first layer of any vector file GDAL reads, in any CRS), naming
    /// its fields with `fields`. The metric CRS is picked from the layer's centre
    /// ([`MetricCrs::for_longitude`]).
    pub fn open(path: &Path, fields: &FieldMap) -> Result<Grid> {
        Grid::open_in(path, fields, None)
    }

    /// Like [`Grid::open`], with the metric CRS given (`None`: picked from the layer's centre).
    /// The cells are reprojected to it with GDAL unless the layer is already in it.
    pub fn open_in(path: &Path, fields: &FieldMap, metric: Option<MetricCrs>) -> Result<Grid> {
        let layer = read_layer(path)?;
        let columns = CellColumns::resolve(&layer, fields)?;
        let (metric, geometries) = layer.geometries_in(metric)?;
        let mut cells = Vec::with_capacity(geometries.len());
        for (index, (record, geometry)) in layer.records.iter().zip(geometries).enumerate() {
            let geometry = polygons_of(geometry).ok_or_else(|| {
                Error::bad_input(path, format!("feature #{index} is not a polygon"))
            })?;
            cells.push(columns.cell(&record.values, geometry));
        }
        Grid::new(path, metric, cells)
    }

    /// A grid of `cells` (outlines in `metric`); `source` names it in messages. An error when
    /// a cell has an empty id or two cells share one.
    pub fn new(source: &Path, metric: MetricCrs, mut cells: Vec<Cell>) -> Result<Grid> {
        cells.sort_by(|a, b| a.id.cmp(&b.id));
        if let Some(cell) = cells.iter().find(|c| c.id.is_empty()) {
            return Err(Error::bad_input(
                source,
                format!("a cell has an empty id (name '{}')", cell.name),
            ));
        }
        if let Some(pair) = cells.windows(2).find(|w| w[0].id == w[1].id) {
            return Err(Error::bad_input(
                source,
                format!("the cell id '{}' appears more than once", pair[0].id),
            ));
        }
        let envelopes = cells
            .iter()
            .enumerate()
            .filter_map(|(index, cell)| {
                let rect = cell.geometry.bounding_rect()?;
                let corners = ([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]);
                Some(GeomWithData::new(
                    Rectangle::from_corners(corners.0, corners.1),
                    index,
                ))
            })
            .collect();
        Ok(Grid {
            source: source.to_path_buf(),
            metric,
            cells,
            tree: RTree::bulk_load(envelopes),
        })
    }

    /// The file the grid came from.
    pub fn source(&self) -> &Path {
        &self.source
    }

    /// The metric CRS of the cells.
    pub fn metric_crs(&self) -> MetricCrs {
        self.metric
    }

    /// The cells, sorted by id.
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// The R-tree over the cell envelopes (data: the cell's index in [`Grid::cells`]).
    pub(crate) fn tree(&self) -> &RTree<Envelope> {
        &self.tree
    }
}

/// The polygonal part of a geometry as a MultiPolygon, `None` when it has none.
pub(crate) fn polygons_of(geometry: Geometry<f64>) -> Option<MultiPolygon<f64>> {
    match geometry {
        Geometry::Polygon(p) => Some(MultiPolygon(vec![p])),
        Geometry::MultiPolygon(mp) => Some(mp),
        Geometry::GeometryCollection(gc) => {
            let polygons: Vec<_> = gc
                .into_iter()
                .filter_map(polygons_of)
                .flat_map(|mp| mp.0)
                .collect();
            (!polygons.is_empty()).then_some(MultiPolygon(polygons))
        }
        _ => None,
    }
}

/// Where each cell attribute is in a layer's fields.
struct CellColumns {
    id: usize,
    name: Option<usize>,
    level: Option<usize>,
    parent: Option<usize>,
    county: Option<usize>,
    city: Option<usize>,
    responsible_unit: Option<usize>,
}

impl CellColumns {
    fn resolve(layer: &VectorLayer, map: &FieldMap) -> Result<CellColumns> {
        let optional = |explicit: &Option<String>, default: &str, role: &str| match explicit {
            Some(name) => layer.field_index(name, role).map(Some),
            None => Ok(layer.fields.iter().position(|f| f == default)),
        };
        Ok(CellColumns {
            id: layer.field_index(map.id.as_deref().unwrap_or("grid_id"), "cell id")?,
            name: optional(&map.name, "grid_name", "cell name")?,
            level: optional(&map.level, "level", "grid level")?,
            parent: optional(&map.parent, "parent", "parent code")?,
            county: optional(&map.county, "county", "county")?,
            city: optional(&map.city, "city", "city")?,
            responsible_unit: optional(
                &map.responsible_unit,
                "responsible_unit",
                "responsible unit",
            )?,
        })
    }

    fn cell(&self, values: &[Option<String>], geometry: MultiPolygon<f64>) -> Cell {
        let get = |index: Option<usize>| {
            index
                .and_then(|i| values[i].clone())
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let id = get(Some(self.id)).unwrap_or_default();
        Cell {
            name: get(self.name).unwrap_or_else(|| id.clone()),
            id,
            level: get(self.level),
            parent: get(self.parent),
            county: get(self.county),
            city: get(self.city),
            responsible_unit: get(self.responsible_unit),
            area_m2: geometry.unsigned_area(),
            geometry,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn cell(id: &str) -> Cell {
        Cell {
            id: id.into(),
            name: id.into(),
            level: None,
            parent: Some("140213".into()),
            county: Some("平城区".into()),
            city: Some("大同市".into()),
            responsible_unit: None,
            area_m2: 1.0,
            geometry: MultiPolygon(vec![
                polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0)],
            ]),
        }
    }

    #[test]
    fn path_is_city_county_cell_and_skips_what_is_missing() {
        let mut c = cell("140213-0042");
        assert_eq!(c.path(), "大同市 / 平城区 / 140213-0042");
        c.county = None;
        c.city = None;
        assert_eq!(c.path(), "140213 / 140213-0042");
    }

    #[test]
    fn duplicate_and_empty_ids_are_refused() {
        let gk = MetricCrs::from_epsg(4547);
        let err = Grid::new(Path::new("g.gpkg"), gk, vec![cell("a"), cell("a")]).unwrap_err();
        assert!(
            err.to_string().contains("'a' appears more than once"),
            "{err}"
        );
        let err = Grid::new(Path::new("g.gpkg"), gk, vec![cell("")]).unwrap_err();
        assert!(err.to_string().contains("empty id"), "{err}");
    }

    #[test]
    fn cells_are_sorted_by_id() {
        let grid = Grid::new(
            Path::new("g"),
            MetricCrs::from_epsg(4547),
            vec![cell("b"), cell("a")],
        )
        .unwrap();
        let ids: Vec<_> = grid.cells().iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
    }

    #[test]
    fn field_map_reads_toml_and_refuses_unknown_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fields.toml");
        std::fs::write(&path, "id = \"WGBM\"\nresponsible_unit = \"ZRDW\"\n").unwrap();
        let map = FieldMap::from_toml_file(&path).unwrap();
        assert_eq!(map.id.as_deref(), Some("WGBM"));
        assert_eq!(map.responsible_unit.as_deref(), Some("ZRDW"));
        std::fs::write(&path, "idd = \"WGBM\"\n").unwrap();
        let err = FieldMap::from_toml_file(&path).unwrap_err().to_string();
        assert!(err.contains("fields.toml") && err.contains("idd"), "{err}");
    }
}
