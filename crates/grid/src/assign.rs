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
//!
//! Leads are reprojected in one batch, then located in parallel (rayon).

use geo::{Area, BooleanOps, BoundingRect, Coord, Geometry, Intersects, MultiPolygon, Point};
use geoscout_leads::Lead;
use rayon::prelude::*;
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
        Ok(geometries.par_iter().map(|g| self.locate(g)).collect())
    }

    /// Gives each lead `grid_id`, `grid_name`, `grid_path`, `responsible_unit` and `in_grid`
    /// (added to [`Lead::extra`], or replaced when already there). Leads outside every cell are
    /// kept with `in_grid: false` and null grid fields.
    pub fn assign(&self, leads: &mut [Lead]) -> Result<AssignSummary> {
        let located = self.locate_leads(leads)?;
        let text = |value: Option<String>| value.map_or(Value::Null, Value::from);
        // The four text properties of each cell, made once.
        let properties: Vec<[Value; 4]> = self
            .cells()
            .iter()
            .map(|c| {
                [
                    c.id.clone().into(),
                    c.name.clone().into(),
                    c.path().into(),
                    text(c.responsible_unit.clone()),
                ]
            })
            .collect();
        const KEYS: [&str; 5] = [
            "grid_id",
            "grid_name",
            "grid_path",
            "responsible_unit",
            "in_grid",
        ];
        leads.par_iter_mut().zip(&located).for_each(|(lead, cell)| {
            let values = cell.map_or_else(Default::default, |i| properties[i].clone());
            let in_grid = Value::Bool(cell.is_some());
            for (key, value) in KEYS.into_iter().zip(values.into_iter().chain([in_grid])) {
                lead.extra.insert(key.to_string(), value);
            }
        });
        let in_grid = located.iter().filter(|c| c.is_some()).count();
        Ok(AssignSummary {
            in_grid,
            outside: located.len() - in_grid,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cell, MetricCrs};
    use geo::{Rect, coord, polygon};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use std::path::Path;

    const SIZE: f64 = 100.0;

    fn cell(id: String, geometry: MultiPolygon<f64>) -> Cell {
        Cell {
            id: id.clone(),
            name: id,
            level: None,
            parent: None,
            county: None,
            city: None,
            responsible_unit: None,
            area_m2: geometry.unsigned_area(),
            geometry,
        }
    }

    /// A 12 x 12 lattice of 100 m squares whose ids run against the lattice order, plus an
    /// L-shaped cell, a triangle and a cell overlapping two squares, east of the lattice.
    fn test_grid() -> Grid {
        let mut cells = Vec::new();
        for i in 0..12 {
            for j in 0..12 {
                let rect = Rect::new(
                    coord! { x: i as f64 * SIZE, y: j as f64 * SIZE },
                    coord! { x: (i + 1) as f64 * SIZE, y: (j + 1) as f64 * SIZE },
                );
                let id = format!("sq-{:03}", 143 - (i * 12 + j));
                cells.push(cell(id, MultiPolygon(vec![rect.to_polygon()])));
            }
        }
        let l_shape = polygon![
            (x: 1200.0, y: 0.0), (x: 1500.0, y: 0.0), (x: 1500.0, y: 100.0),
            (x: 1300.0, y: 100.0), (x: 1300.0, y: 300.0), (x: 1200.0, y: 300.0),
        ];
        let triangle =
            polygon![(x: 1300.0, y: 100.0), (x: 1500.0, y: 100.0), (x: 1300.0, y: 300.0)];
        let overlap = polygon![
            (x: 1050.0, y: 1050.0), (x: 1150.0, y: 1050.0), (x: 1150.0, y: 1150.0), (x: 1050.0, y: 1150.0),
        ];
        cells.push(cell("L".into(), MultiPolygon(vec![l_shape])));
        cells.push(cell("T".into(), MultiPolygon(vec![triangle])));
        cells.push(cell("O".into(), MultiPolygon(vec![overlap])));
        Grid::new(Path::new("test"), MetricCrs::from_epsg(4547), cells).unwrap()
    }

    /// The reference: every cell tested, the smallest id among those containing the point.
    fn brute_force_point(grid: &Grid, p: Coord<f64>) -> Option<String> {
        let point = Point::from(p);
        grid.cells()
            .iter()
            .filter(|c| c.geometry.intersects(&point))
            .map(|c| c.id.clone())
            .min()
    }

    /// The reference: every cell's share of the area, the largest (ties within 1e-6 of the
    /// lead's area to the smallest id).
    fn brute_force_area(grid: &Grid, polygon: &MultiPolygon<f64>) -> Option<String> {
        let tie = 1e-6 * polygon.unsigned_area();
        let mut shares: Vec<(f64, String)> = grid
            .cells()
            .iter()
            .map(|c| {
                (
                    c.geometry.intersection(polygon).unsigned_area(),
                    c.id.clone(),
                )
            })
            .filter(|(a, _)| *a > 0.0)
            .collect();
        let top = shares.iter().map(|(a, _)| *a).fold(0.0, f64::max);
        shares.retain(|(a, _)| *a >= top - tie);
        shares.into_iter().map(|(_, id)| id).min()
    }

    fn id_of(grid: &Grid, index: Option<usize>) -> Option<String> {
        index.map(|i| grid.cells()[i].id.clone())
    }

    #[test]
    fn points_agree_with_a_brute_force_pass_including_borders_and_corners() {
        let grid = test_grid();
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut points: Vec<Coord<f64>> = (0..3000)
            .map(|_| coord! { x: rng.random_range(-150.0..1650.0), y: rng.random_range(-150.0..1350.0) })
            .collect();
        // Every lattice corner and edge midpoint: points on shared borders.
        for i in 0..=16 {
            for j in 0..=13 {
                points.push(coord! { x: i as f64 * SIZE, y: j as f64 * SIZE });
                points.push(coord! { x: i as f64 * SIZE + 50.0, y: j as f64 * SIZE });
                points.push(coord! { x: i as f64 * SIZE, y: j as f64 * SIZE + 50.0 });
            }
        }
        // On the triangle's hypotenuse, shared with the L's inner corner region.
        points.extend(
            (0..=10).map(|k| coord! { x: 1300.0 + 20.0 * k as f64, y: 300.0 - 20.0 * k as f64 }),
        );
        let mut on_border = 0;
        for p in points {
            let expected = brute_force_point(&grid, p);
            assert_eq!(id_of(&grid, grid.cell_at(p)), expected, "point {p:?}");
            let containing = grid
                .cells()
                .iter()
                .filter(|c| c.geometry.intersects(&Point::from(p)))
                .count();
            on_border += usize::from(containing > 1);
        }
        assert!(on_border > 300, "only {on_border} points on shared borders");
    }

    #[test]
    fn a_point_on_a_shared_border_goes_to_the_smallest_id() {
        let grid = test_grid();
        // x = 100 is the border between squares (0, 0) = sq-143 and (1, 0) = sq-131.
        assert_eq!(
            id_of(&grid, grid.cell_at(coord! { x: 100.0, y: 50.0 })).unwrap(),
            "sq-131"
        );
        // The corner (100, 100) is shared by sq-143, sq-142, sq-131, sq-130.
        assert_eq!(
            id_of(&grid, grid.cell_at(coord! { x: 100.0, y: 100.0 })).unwrap(),
            "sq-130"
        );
        // Inside the overlap of "O" and sq-011: "O" sorts first.
        assert_eq!(
            id_of(&grid, grid.cell_at(coord! { x: 1120.0, y: 1120.0 })).unwrap(),
            "O"
        );
        assert_eq!(grid.cell_at(coord! { x: -1.0, y: 50.0 }), None);
    }

    #[test]
    fn polygons_go_to_the_cell_holding_most_of_their_area() {
        let grid = test_grid();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..400 {
            let (x, y) = (
                rng.random_range(-100.0..1600.0),
                rng.random_range(-100.0..1300.0),
            );
            let (w, h) = (rng.random_range(1.0..180.0), rng.random_range(1.0..180.0));
            let square = Rect::new(coord! { x: x, y: y }, coord! { x: x + w, y: y + h });
            let polygon = MultiPolygon(vec![square.to_polygon()]);
            assert_eq!(
                id_of(&grid, grid.cell_for_area(&polygon)),
                brute_force_area(&grid, &polygon),
                "polygon {square:?}"
            );
        }
    }

    #[test]
    fn a_polygon_split_evenly_goes_to_the_smallest_id() {
        let grid = test_grid();
        // 40 m either side of x = 100: squares sq-143 (west) and sq-131 (east).
        let even = Rect::new(coord! { x: 60.0, y: 10.0 }, coord! { x: 140.0, y: 30.0 });
        let polygon = MultiPolygon(vec![even.to_polygon()]);
        assert_eq!(
            id_of(&grid, grid.cell_for_area(&polygon)).unwrap(),
            "sq-131"
        );
        // Slightly more to the west.
        let west = Rect::new(coord! { x: 59.0, y: 10.0 }, coord! { x: 139.0, y: 30.0 });
        let polygon = MultiPolygon(vec![west.to_polygon()]);
        assert_eq!(
            id_of(&grid, grid.cell_for_area(&polygon)).unwrap(),
            "sq-143"
        );
        // Mostly outside the grid: the cell holding the part inside.
        let outside = Rect::new(coord! { x: -500.0, y: 10.0 }, coord! { x: 5.0, y: 30.0 });
        let polygon = MultiPolygon(vec![outside.to_polygon()]);
        assert_eq!(
            id_of(&grid, grid.cell_for_area(&polygon)).unwrap(),
            "sq-143"
        );
        let far = Rect::new(coord! { x: -500.0, y: 10.0 }, coord! { x: -5.0, y: 30.0 });
        assert_eq!(
            grid.cell_for_area(&MultiPolygon(vec![far.to_polygon()])),
            None
        );
    }
}
