//! Outlines of pixel rectangles in WGS 84, shaped the way RFC 7946 wants them: counter-clockwise
//! exterior rings, split at the antimeridian, longitudes in [-180, 180].

use geo::orient::Direction;
use geo::{
    Area, BoundingRect, ConvexHull, Coord, LineString, MultiPoint, MultiPolygon, Orient, Polygon,
};

use crate::{Georef, PixelRect};

/// Points sampled along each edge of a raster for its footprint (and per side of the sampling grid
/// when part of the raster is off the Earth).
pub(crate) const RASTER_SAMPLES: usize = 65;

/// Points sampled along each edge of a tile's core.
pub(crate) const TILE_SAMPLES: usize = 9;

/// Decimal places kept in longitudes and latitudes (1e-7 degree is about 1 cm).
const DECIMALS: i32 = 7;

/// The outline of `rect` in WGS 84 (see [`Georef::outline`]), sampling `samples` points per edge.
pub(crate) fn outline(georef: &Georef, rect: PixelRect, samples: usize) -> Option<MultiPolygon> {
    if rect.is_empty() {
        return None;
    }
    let boundary = boundary_points(rect, samples);
    let lonlat = georef.try_pixels_to_lonlat(&boundary);
    let ring = if lonlat.iter().all(Option::is_some) {
        unwrap_ring(lonlat.into_iter().flatten().collect())
    } else {
        let grid = grid_points(rect, samples);
        let on_earth: Vec<Coord> = georef
            .try_pixels_to_lonlat(&grid)
            .into_iter()
            .flatten()
            .collect();
        hull_ring(on_earth)?
    };
    let parts = split_at_antimeridian(ring);
    (!parts.0.is_empty()).then_some(parts)
}

/// `samples` points per edge around `rect`, clockwise in pixel space from the top-left corner.
fn boundary_points(rect: PixelRect, samples: usize) -> Vec<Coord> {
    let (x0, y0) = (rect.x as f64, rect.y as f64);
    let (x1, y1) = (rect.right() as f64, rect.bottom() as f64);
    let steps = samples.max(2) - 1;
    let at = |i: usize| i as f64 / steps as f64;
    let mut points = Vec::with_capacity(4 * steps);
    points.extend((0..steps).map(|i| Coord {
        x: x0 + (x1 - x0) * at(i),
        y: y0,
    }));
    points.extend((0..steps).map(|i| Coord {
        x: x1,
        y: y0 + (y1 - y0) * at(i),
    }));
    points.extend((0..steps).map(|i| Coord {
        x: x1 - (x1 - x0) * at(i),
        y: y1,
    }));
    points.extend((0..steps).map(|i| Coord {
        x: x0,
        y: y1 - (y1 - y0) * at(i),
    }));
    points
}

/// A `samples` x `samples` grid of points over `rect`, edges included.
fn grid_points(rect: PixelRect, samples: usize) -> Vec<Coord> {
    let steps = samples.max(2) - 1;
    let along =
        |start: usize, len: usize, i: usize| start as f64 + len as f64 * i as f64 / steps as f64;
    (0..=steps)
        .flat_map(|j| {
            (0..=steps).map(move |i| Coord {
                x: along(rect.x, rect.width, i),
                y: along(rect.y, rect.height, j),
            })
        })
        .collect()
}

/// Makes a closed walk around a rectangle continuous in longitude (no jumps of 360 degrees).
/// A walk that goes once around a pole is closed over that pole.
fn unwrap_ring(mut ring: Vec<Coord>) -> Vec<Coord> {
    for i in 1..ring.len() {
        ring[i].x = nearest_turn(ring[i].x, ring[i - 1].x);
    }
    let (first, last) = (ring[0], ring[ring.len() - 1]);
    let closing = Coord {
        x: nearest_turn(first.x, last.x),
        y: first.y,
    };
    if (closing.x - first.x).abs() > 180.0 {
        let mean_lat = ring.iter().map(|c| c.y).sum::<f64>() / ring.len() as f64;
        let pole = if mean_lat >= 0.0 { 90.0 } else { -90.0 };
        ring.push(closing);
        ring.push(Coord {
            x: closing.x,
            y: pole,
        });
        ring.push(Coord {
            x: first.x,
            y: pole,
        });
    }
    ring
}

/// The convex hull of scattered points, unwrapped around the longitude of their first point.
fn hull_ring(points: Vec<Coord>) -> Option<Vec<Coord>> {
    let reference = points.first()?.x;
    let unwrapped: MultiPoint = points
        .into_iter()
        .map(|c| Coord {
            x: nearest_turn(c.x, reference),
            y: c.y,
        })
        .collect::<Vec<_>>()
        .into();
    let hull = unwrapped.convex_hull();
    let ring = hull.exterior().0.clone();
    (ring.len() >= 4).then_some(ring)
}

/// `lon` plus the multiple of 360 that brings it within 180 degrees of `reference`.
fn nearest_turn(lon: f64, reference: f64) -> f64 {
    lon - 360.0 * ((lon - reference) / 360.0).round()
}

/// Cuts a continuous ring (longitudes possibly beyond ±180) into polygons within [-180, 180],
/// counter-clockwise, rounded to [`DECIMALS`] places.
fn split_at_antimeridian(ring: Vec<Coord>) -> MultiPolygon {
    let (min, max) = ring
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), c| {
            (lo.min(c.x), hi.max(c.x))
        });
    let shift = 360.0 * ((min + max) / 2.0 / 360.0).round();
    let ring: Vec<Coord> = ring
        .into_iter()
        .map(|c| Coord {
            x: c.x - shift,
            y: c.y,
        })
        .collect();
    let parts = [-360.0, 0.0, 360.0].into_iter().filter_map(|offset| {
        let clipped = clip_to_strip(&ring, offset - 180.0, offset + 180.0);
        let moved = clipped
            .into_iter()
            .map(|c| Coord {
                x: round(c.x - offset),
                y: round(c.y),
            })
            .collect();
        polygon(moved)
    });
    MultiPolygon(parts.collect())
}

/// A counter-clockwise polygon from a ring with repeated points removed; `None` when nothing with
/// an area is left.
fn polygon(mut ring: Vec<Coord>) -> Option<Polygon> {
    ring.dedup();
    while ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    if ring.len() < 3 {
        return None;
    }
    let polygon = Polygon::new(LineString::from(ring), vec![]).orient(Direction::Default);
    (polygon.unsigned_area() > 0.0).then_some(polygon)
}

/// Sutherland–Hodgman clipping of a ring to `low <= x <= high`. Exact for the convex or nearly
/// convex images of rectangles this module deals with.
fn clip_to_strip(ring: &[Coord], low: f64, high: f64) -> Vec<Coord> {
    let kept = clip_half_plane(ring, low, |x| x >= low);
    clip_half_plane(&kept, high, |x| x <= high)
}

fn clip_half_plane(ring: &[Coord], edge: f64, inside: impl Fn(f64) -> bool) -> Vec<Coord> {
    let mut out = Vec::with_capacity(ring.len() + 2);
    for (i, &current) in ring.iter().enumerate() {
        let previous = ring[(i + ring.len() - 1) % ring.len()];
        let crossing = || {
            let t = (edge - previous.x) / (current.x - previous.x);
            Coord {
                x: edge,
                y: previous.y + t * (current.y - previous.y),
            }
        };
        match (inside(previous.x), inside(current.x)) {
            (true, true) => out.push(current),
            (true, false) => out.push(crossing()),
            (false, true) => {
                out.push(crossing());
                out.push(current);
            }
            (false, false) => {}
        }
    }
    out
}

/// The RFC 7946 bounding box `[west, south, east, north]` of an outline; across the antimeridian
/// `west` is greater than `east`.
pub(crate) fn bbox(parts: &MultiPolygon) -> Option<[f64; 4]> {
    let boxes: Vec<_> = parts.0.iter().filter_map(|p| p.bounding_rect()).collect();
    let south = boxes.iter().map(|b| b.min().y).reduce(f64::min)?;
    let north = boxes.iter().map(|b| b.max().y).reduce(f64::max)?;
    let mut west = boxes.iter().map(|b| b.min().x).reduce(f64::min)?;
    let mut east = boxes.iter().map(|b| b.max().x).reduce(f64::max)?;
    let eastern = boxes
        .iter()
        .filter(|b| b.max().x == 180.0 && b.min().x > -180.0);
    let western = boxes
        .iter()
        .filter(|b| b.min().x == -180.0 && b.max().x < 180.0);
    if let (Some(w), Some(e)) = (
        eastern.map(|b| b.min().x).reduce(f64::min),
        western.map(|b| b.max().x).reduce(f64::max),
    ) {
        (west, east) = (w, e);
    }
    Some([west, south, east, north])
}

/// A GeoJSON geometry: a Polygon for one part, a MultiPolygon for more.
pub(crate) fn geojson_geometry(parts: &MultiPolygon) -> geojson::Geometry {
    let value = match parts.0.as_slice() {
        [single] => geojson::Value::from(single),
        _ => geojson::Value::from(parts),
    };
    geojson::Geometry::new(value)
}

fn round(v: f64) -> f64 {
    let factor = 10f64.powi(DECIMALS);
    (v * factor).round() / factor
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Winding;

    fn ring(points: &[(f64, f64)]) -> Vec<Coord> {
        points.iter().map(|&(x, y)| Coord { x, y }).collect()
    }

    #[test]
    fn a_ring_away_from_the_antimeridian_stays_one_ccw_polygon() {
        // Clockwise on the map, as a north-up raster's corners are when walked top-left first.
        let parts = split_at_antimeridian(unwrap_ring(ring(&[
            (10.0, 5.0),
            (11.0, 5.0),
            (11.0, 4.0),
            (10.0, 4.0),
        ])));
        assert_eq!(parts.0.len(), 1);
        assert!(parts.0[0].exterior().is_ccw());
        assert!((parts.0[0].unsigned_area() - 1.0).abs() < 1e-12);
        assert_eq!(bbox(&parts), Some([10.0, 4.0, 11.0, 5.0]));
    }

    #[test]
    fn a_ring_across_the_antimeridian_is_split_in_two() {
        let walk = ring(&[(178.0, 52.0), (-178.5, 52.0), (-178.5, 50.0), (178.0, 50.0)]);
        let parts = split_at_antimeridian(unwrap_ring(walk));
        assert_eq!(parts.0.len(), 2);
        let mut boxes: Vec<_> = parts.0.iter().map(|p| p.bounding_rect().unwrap()).collect();
        boxes.sort_by(|a, b| a.min().x.total_cmp(&b.min().x));
        assert_eq!((boxes[0].min().x, boxes[0].max().x), (-180.0, -178.5));
        assert_eq!((boxes[1].min().x, boxes[1].max().x), (178.0, 180.0));
        for part in &parts.0 {
            assert!(part.exterior().is_ccw());
        }
        let total: f64 = parts.0.iter().map(|p| p.unsigned_area()).sum();
        assert!((total - 3.5 * 2.0).abs() < 1e-9);
        assert_eq!(bbox(&parts), Some([178.0, 50.0, -178.5, 52.0]));
    }

    #[test]
    fn the_whole_world_stays_whole() {
        let walk = ring(&[
            (-180.0, 90.0),
            (0.0, 90.0),
            (180.0, 90.0),
            (180.0, -90.0),
            (0.0, -90.0),
            (-180.0, -90.0),
        ]);
        let parts = split_at_antimeridian(unwrap_ring(walk));
        assert_eq!(parts.0.len(), 1);
        assert!((parts.0[0].unsigned_area() - 360.0 * 180.0).abs() < 1e-6);
    }

    #[test]
    fn a_ring_around_a_pole_is_closed_over_the_pole() {
        let walk: Vec<Coord> = (0..36)
            .map(|i| Coord {
                x: -180.0 + 10.0 * i as f64 + 5.0,
                y: 80.0,
            })
            .collect();
        let parts = split_at_antimeridian(unwrap_ring(walk));
        let bounds: Vec<_> = parts.0.iter().map(|p| p.bounding_rect().unwrap()).collect();
        let lat_max = bounds.iter().map(|b| b.max().y).fold(f64::MIN, f64::max);
        let lon_span = bounds.iter().map(|b| b.max().x).fold(f64::MIN, f64::max)
            - bounds.iter().map(|b| b.min().x).fold(f64::MAX, f64::min);
        assert_eq!(lat_max, 90.0);
        assert!((lon_span - 360.0).abs() < 1e-9);
        let total: f64 = parts.0.iter().map(|p| p.unsigned_area()).sum();
        assert!((total - 360.0 * 10.0).abs() < 1e-6, "{total}");
    }

    #[test]
    fn a_hull_of_scattered_points_is_ccw() {
        let points = ring(&[
            (-100.0, 0.0),
            (-50.0, 60.0),
            (-75.0, 0.0),
            (-50.0, -60.0),
            (-10.0, 0.0),
        ]);
        let parts = split_at_antimeridian(hull_ring(points).unwrap());
        assert_eq!(parts.0.len(), 1);
        assert!(parts.0[0].exterior().is_ccw());
    }

    #[test]
    fn boundary_and_grid_sample_the_corners() {
        let rect = PixelRect::new(10, 20, 30, 40);
        let boundary = boundary_points(rect, 5);
        assert_eq!(boundary.len(), 16);
        for corner in [(10.0, 20.0), (40.0, 20.0), (40.0, 60.0), (10.0, 60.0)] {
            assert!(boundary.contains(&Coord {
                x: corner.0,
                y: corner.1
            }));
        }
        let grid = grid_points(rect, 5);
        assert_eq!(grid.len(), 25);
        assert_eq!(grid[24], Coord { x: 40.0, y: 60.0 });
    }
}
