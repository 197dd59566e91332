//! Assigning leads to grid cells: an R-tree over the cell envelopes finds the candidates, exact
//! tests in the grid's metric CRS decide.
//!
//! The rules, which make the answer independent of file order:
//! - A point goes to the cell that contains it, borders included; a point on a border shared
//!   by several cells (or inside overlapping cells) goes to the one with the smallest id (byte
//!   order of the UTF-8 code).
//! - A polygon goes to the cell holding the largest part of its area; shares within one part in
//!   a million of the lead's area count as equal, and then the smallest id wins. A polygon
//!   partly outside the grid goes to the cell holding most of the part inside.
//! - A polygon of zero area is placed by its first point.
//! - A lead in no cell is kept, with `in_grid` false and the grid fields null.

use geo::{Area, BooleanOps, BoundingRect, Coord, Geometry, Intersects, MultiPolygon, Point};
use geoscout_leads::Lead;
use rstar::AABB;
use serde_json::Value;

use crate::crs::{Reprojector, WGS84, spatial_ref_from_epsg};
use crate::grid::Grid;
use crate::{Error, Result};

/// Shares of a polygon's area closer than this fraction of its area are a tie.
const AREA_TIE: f64 = 1e-6;

/// What [`Grid::assign`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AssignSummary {
    /// Leads placed in a cell.
    pub in_grid: usize,
    /// Leads outside every cell (kept, flagged `in_grid: false`).
    pub outside: usize,
}

impl Grid {
    /// The cell containing `point` (metric CRS), borders included; on a shared border, the
    /// cell with the smallest id.
    pub fn cell_at(&self, point: Coord<f64>) -> Option<usize> {
        let point = Point::from(point);
        self.tree()
            .locate_all_at_point(&[point.x(), point.y()])
            .map(|envelope| envelope.data)
            .filter(|&index| self.cells()[index].geometry.intersects(&point))
            .min()
    }

    /// The cell holding the largest part of `polygon`'s area (metric CRS), ties to the
    /// smallest id; `None` when no cell overlaps it with a positive area.
    pub fn cell_for_area(&self, polygon: &MultiPolygon<f64>) -> Option<usize> {
        let rect = polygon.bounding_rect()?;
        let envelope =
            AABB::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]);
        let mut candidates: Vec<usize> = self
            .tree()
            .locate_in_envelope_intersecting(&envelope)
            .map(|e| e.data)
            .collect();
        candidates.sort_unstable();
        let tie = AREA_TIE * polygon.unsigned_area();
        let mut best: Option<(usize, f64)> = None;
        for index in candidates {
            let share = self.cells()[index]
                .geometry
                .intersection(polygon)
                .unsigned_area();
            // Candidates come in id order: a later one wins only by more than the tie margin.
            if share > 0.0 && best.is_none_or(|(_, top)| share > top + tie) {
                best = Some((index, share));
            }
        }
        best.map(|(index, _)| index)
    }

    /// The cell of a lead geometry in the metric CRS, by the rules in the module docs.
    pub fn locate(&self, geometry: &Geometry<f64>) -> Option<usize> {
        let polygon = match geometry {
            Geometry::Polygon(p) => MultiPolygon(vec![p.clone()]),
            Geometry::MultiPolygon(mp) => mp.clone(),
            other => {
                return geo::CoordsIter::coords_iter(other)
                    .next()
                    .and_then(|c| self.cell_at(c));
            }
        };
        if polygon.unsigned_area() > 0.0 {
            self.cell_for_area(&polygon)
        } else {
            geo::CoordsIter::coords_iter(&polygon)
                .next()
                .and_then(|c| self.cell_at(c))
        }
    }

    /// The cells of leads' WGS 84 geometries: reprojected to the metric CRS in one batch, then
    /// located one by one.
    pub fn locate_leads(&self, leads: &[Lead]) -> Result<Vec<Option<usize>>> {
        let mut geometries: Vec<Geometry<f64>> = leads.iter().map(|l| l.geometry.clone()).collect();
        let metric = self
            .metric_crs()
            .spatial_ref()
            .map_err(|msg| Error::bad_input(self.source(), msg))?;
        spatial_ref_from_epsg(WGS84)
            .and_then(|wgs84| Reprojector::new(&wgs84, &metric))
            .and_then(|r| r.geometries(&mut geometries))
            .map_err(|e| {
                let what = format!("reprojecting leads to {}", self.metric_crs());
                Error::gdal(self.source(), what, e)
            })?;
        Ok(geometries.iter().map(|g| self.locate(g)).collect())
    }

    /// Gives each lead `grid_id`, `grid_name`, `grid_path`, `responsible_unit` and `in_grid`
    /// (added to [`Lead::extra`], or replaced when already there). Leads outside every cell are
    /// kept with `in_grid: false` and null grid fields.
    pub fn assign(&self, leads: &mut [Lead]) -> Result<AssignSummary> {
        let located = self.locate_leads(leads)?;
        let mut summary = AssignSummary::default();
        for (lead, cell) in leads.iter_mut().zip(located) {
            let cell = cell.map(|index| &self.cells()[index]);
            let text = |value: Option<String>| value.map_or(Value::Null, Value::from);
            let fields = [
                ("grid_id", text(cell.map(|c| c.id.clone()))),
                ("grid_name", text(cell.map(|c| c.name.clone()))),
                ("grid_path", text(cell.map(|c| c.path()))),
                (
                    "responsible_unit",
                    text(cell.and_then(|c| c.responsible_unit.clone())),
                ),
                ("in_grid", Value::Bool(cell.is_some())),
            ];
            for (key, value) in fields {
                lead.extra.insert(key.to_string(), value);
            }
            if cell.is_some() {
                summary.in_grid += 1;
            } else {
                summary.outside += 1;
            }
        }
        Ok(summary)
    }
}
