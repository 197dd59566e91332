//! River centre lines for outfall surveys: which river an outlet is on, how far from the centre
//! line, on which bank, and how far along the river.
//!
//! Lines are grouped by their name field; the pieces of one river are joined into one main line
//! (see the `network` module docs in the source: pieces meeting within the join tolerance are
//! joined, gaps bridged, loops resolved to the shorter route). Flow runs the way most of the
//! main line was digitised, unless reversed for all rivers or for named ones.
//!
//! - `distance_to_river_m`: to the nearest real piece of the river (bridges over gaps do not
//!   count), in the metric CRS.
//! - `bank`: `left` or `right` of that piece looking downstream; where the nearest point is a
//!   bend's vertex, the outer side of the bend. Null for a point exactly on the line.
//! - `chainage_m`: distance along the main line, from its upstream end, to the point of the
//!   main line nearest the outlet (bridges count at their straight length).

use std::path::{Path, PathBuf};

use geo::{Coord, Distance, Euclidean, Geometry, LineString};
use geoscout_core::Class;
use geoscout_leads::Lead;
use rstar::RTree;
use rstar::primitives::{GeomWithData, Line};
use serde_json::Value;

use crate::builder::round_to;
use crate::crs::{MetricCrs, Reprojector, WGS84, spatial_ref_from_epsg};
use crate::network::{Network, closest_on_segment, join};
use crate::vector::read_layer;
use crate::{Error, Result};

/// How river lines are read and matched to outlets.
#[derive(Clone, Debug, PartialEq)]
pub struct RiverOptions {
    /// The field holding the river's name (`NAME` in the hyd2_4l layers).
    pub name_field: String,
    /// Outlets farther than this from every river get no river.
    pub max_distance_m: f64,
    /// Line ends closer than this are joined.
    pub join_tolerance_m: f64,
    /// Reverse the flow of every river (the file is digitised upstream).
    pub reverse_all: bool,
    /// Reverse the flow of these rivers only.
    pub reversed: Vec<String>,
    /// The metric CRS (`None`: picked from the lines' centre, see [`MetricCrs::for_longitude`]).
    pub metric: Option<MetricCrs>,
}

impl Default for RiverOptions {
    fn default() -> RiverOptions {
        RiverOptions {
            name_field: "NAME".into(),
            max_distance_m: 500.0,
            join_tolerance_m: 1.0,
            reverse_all: false,
            reversed: Vec::new(),
            metric: None,
        }
    }
}

/// A side of a river, looking downstream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bank {
    /// The left bank.
    Left,
    /// The right bank.
    Right,
}

impl Bank {
    /// `left` or `right`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bank::Left => "left",
            Bank::Right => "right",
        }
    }
}

/// Where a point is relative to its nearest river.
#[derive(Clone, Debug, PartialEq)]
pub struct RiverPosition {
    /// Index of the river in [`Rivers::rivers`].
    pub river: usize,
    /// Distance to the river's nearest piece, metres.
    pub distance_m: f64,
    /// The bank, `None` exactly on the line.
    pub bank: Option<Bank>,
    /// Distance along the main line from its upstream end, metres.
    pub chainage_m: f64,
}

/// One river: its name and its joined, oriented centre line in the metric CRS.
#[derive(Clone, Debug)]
pub struct River {
    name: String,
    network: Network,
    /// Distance from the upstream end to each vertex of the main line.
    measures: Vec<f64>,
    main_segments: RTree<GeomWithData<Line<[f64; 2]>, usize>>,
}

impl River {
    fn new(name: String, network: Network) -> River {
        let main = &network.main.0;
        let mut measures = vec![0.0];
        for pair in main.windows(2) {
            measures.push(measures[measures.len() - 1] + Euclidean.distance(pair[0], pair[1]));
        }
        let main_segments = RTree::bulk_load(
            main.windows(2)
                .enumerate()
                .map(|(i, s)| GeomWithData::new(Line::new([s[0].x, s[0].y], [s[1].x, s[1].y]), i))
                .collect(),
        );
        River {
            name,
            network,
            measures,
            main_segments,
        }
    }

    /// The river's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The main line, upstream end first, in the metric CRS (bridges over gaps included).
    pub fn main_line(&self) -> &LineString<f64> {
        &self.network.main
    }

    /// The length of the main line in metres.
    pub fn length_m(&self) -> f64 {
        self.measures[self.measures.len() - 1]
    }

    /// The chainage of the point of the main line nearest to `c`.
    pub fn chainage_at(&self, c: Coord<f64>) -> f64 {
        let Some(segment) = self.main_segments.nearest_neighbor(&[c.x, c.y]) else {
            return 0.0;
        };
        let i = segment.data;
        let (a, b) = (self.network.main.0[i], self.network.main.0[i + 1]);
        let (_, t) = closest_on_segment(a, b, c);
        self.measures[i] + t * (self.measures[i + 1] - self.measures[i])
    }
}

/// Where a segment of a reach is: river, reach, index of its first vertex.
type SegmentRef = (usize, usize, usize);

/// River centre lines, grouped by name, joined and oriented, with an R-tree over every segment.
pub struct Rivers {
    source: PathBuf,
    metric: MetricCrs,
    max_distance_m: f64,
    rivers: Vec<River>,
    segments: RTree<GeomWithData<Line<[f64; 2]>, SegmentRef>>,
}

impl std::fmt::Debug for Rivers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rivers")
            .field("source", &self.source)
            .field("metric", &self.metric)
            .field(
                "rivers",
                &self.rivers.iter().map(River::name).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Rivers {
    /// Reads river lines (LineString or MultiLineString features, any CRS) from the first
    /// layer of `path`. Features with an empty name are left out; a river named in
    /// `options.reversed` that is not in the file is an error.
    pub fn open(path: &Path, options: &RiverOptions) -> Result<Rivers> {
        let layer = read_layer(path)?;
        let name_field = layer.field_index(&options.name_field, "river name")?;
        let (metric, geometries) = layer.geometries_in(options.metric)?;

        let mut names: Vec<String> = Vec::new();
        let mut pieces: Vec<Vec<Vec<Coord<f64>>>> = Vec::new();
        for (index, (record, geometry)) in layer.records.iter().zip(geometries).enumerate() {
            let Some(name) = record.values[name_field]
                .clone()
                .filter(|n| !n.trim().is_empty())
            else {
                continue;
            };
            let lines = match geometry {
                Geometry::LineString(l) => vec![l],
                Geometry::MultiLineString(ml) => ml.0,
                _ => {
                    return Err(Error::bad_input(
                        path,
                        format!("feature #{index} ({name}) is not a line"),
                    ));
                }
            };
            let river = match names.iter().position(|n| *n == name) {
                Some(river) => river,
                None => {
                    names.push(name);
                    pieces.push(Vec::new());
                    names.len() - 1
                }
            };
            pieces[river].extend(lines.into_iter().map(|l| l.0));
        }
        if let Some(missing) = options.reversed.iter().find(|r| !names.contains(r)) {
            return Err(Error::bad_input(
                path,
                format!(
                    "no river named '{missing}' to reverse (rivers: {})",
                    names.join(", ")
                ),
            ));
        }
        let mut rivers = Vec::new();
        for (name, pieces) in names.into_iter().zip(pieces) {
            let Some(network) = join(pieces, options.join_tolerance_m) else {
                continue;
            };
            let network = if options.reverse_all != options.reversed.contains(&name) {
                network.reversed()
            } else {
                network
            };
            rivers.push(River::new(name, network));
        }
        let segments = rivers
            .iter()
            .enumerate()
            .flat_map(|(r, river)| {
                river
                    .network
                    .reaches
                    .iter()
                    .enumerate()
                    .flat_map(move |(reach, line)| {
                        line.0.windows(2).enumerate().map(move |(i, s)| {
                            GeomWithData::new(
                                Line::new([s[0].x, s[0].y], [s[1].x, s[1].y]),
                                (r, reach, i),
                            )
                        })
                    })
            })
            .collect();
        Ok(Rivers {
            source: path.to_path_buf(),
            metric,
            max_distance_m: options.max_distance_m,
            rivers,
            segments: RTree::bulk_load(segments),
        })
    }

    /// The rivers, in the order their names first appear in the file.
    pub fn rivers(&self) -> &[River] {
        &self.rivers
    }

    /// The metric CRS of the lines.
    pub fn metric_crs(&self) -> MetricCrs {
        self.metric
    }

    /// The position of `c` (metric CRS) relative to its nearest river, `None` when every river
    /// is farther than the maximum distance.
    pub fn locate(&self, c: Coord<f64>) -> Option<RiverPosition> {
        let nearest = self.segments.nearest_neighbor(&[c.x, c.y])?;
        let (river, reach, segment) = nearest.data;
        let line = &self.rivers[river].network.reaches[reach].0;
        let (closest, _) = closest_on_segment(line[segment], line[segment + 1], c);
        let distance_m = Euclidean.distance(closest, c);
        if distance_m > self.max_distance_m {
            return None;
        }
        Some(RiverPosition {
            river,
            distance_m,
            bank: bank(line, segment, c),
            chainage_m: self.rivers[river].chainage_at(c),
        })
    }

    /// Gives each `discharge_outlet` lead `river`, `distance_to_river_m`, `bank` and
    /// `chainage_m` (null when no river is within the maximum distance); other leads are left
    /// as they are. Returns how many outlets got a river.
    pub fn annotate(&self, leads: &mut [Lead]) -> Result<usize> {
        let outlets: Vec<usize> = (0..leads.len())
            .filter(|&i| leads[i].class == Class::DischargeOutlet)
            .collect();
        let mut points: Vec<Coord<f64>> = outlets
            .iter()
            .map(|&i| Coord {
                x: leads[i].lon,
                y: leads[i].lat,
            })
            .collect();
        let metric = self
            .metric
            .spatial_ref()
            .map_err(|e| Error::bad_input(&self.source, e))?;
        spatial_ref_from_epsg(WGS84)
            .and_then(|wgs84| Reprojector::new(&wgs84, &metric))
            .and_then(|r| r.coords(&mut points))
            .map_err(|e| {
                Error::gdal(
                    &self.source,
                    format!("reprojecting outlets to {}", self.metric),
                    e,
                )
            })?;
        let mut matched = 0;
        for (&i, point) in outlets.iter().zip(points) {
            let position = self.locate(point);
            matched += usize::from(position.is_some());
            let fields = [
                (
                    "river",
                    position
                        .as_ref()
                        .map(|p| Value::from(self.rivers[p.river].name.clone())),
                ),
                (
                    "distance_to_river_m",
                    position.as_ref().map(|p| round_to(p.distance_m, 2).into()),
                ),
                (
                    "bank",
                    position
                        .as_ref()
                        .and_then(|p| p.bank)
                        .map(|b| b.as_str().into()),
                ),
                (
                    "chainage_m",
                    position.as_ref().map(|p| round_to(p.chainage_m, 2).into()),
                ),
            ];
            for (key, value) in fields {
                leads[i]
                    .extra
                    .insert(key.to_string(), value.unwrap_or(Value::Null));
            }
        }
        Ok(matched)
    }
}

/// The bank of `c` relative to segment `i` of `line` (oriented downstream). Where the nearest
/// point is a vertex inside the line, the point lies on the outer side of the bend there: right
/// of a left turn, left of a right turn.
fn bank(line: &[Coord<f64>], i: usize, c: Coord<f64>) -> Option<Bank> {
    let (a, b) = (line[i], line[i + 1]);
    let (_, t) = closest_on_segment(a, b, c);
    let turn = if t == 0.0 && i > 0 {
        Some((a - line[i - 1], b - a, a))
    } else if t == 1.0 && i + 2 < line.len() {
        Some((b - a, line[i + 2] - b, b))
    } else {
        None
    };
    let side = match turn {
        Some((incoming, outgoing, vertex)) => match cross(incoming, outgoing) {
            bend if bend > 0.0 => -1.0,
            bend if bend < 0.0 => 1.0,
            _ => cross(incoming, c - vertex),
        },
        None => cross(b - a, c - a),
    };
    if side > 0.0 {
        Some(Bank::Left)
    } else if side < 0.0 {
        Some(Bank::Right)
    } else {
        None
    }
}

fn cross(u: Coord<f64>, v: Coord<f64>) -> f64 {
    u.x * v.y - u.y * v.x
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::coord;

    #[test]
    fn bank_is_left_or_right_looking_downstream() {
        let east = [coord! { x: 0.0, y: 0.0 }, coord! { x: 100.0, y: 0.0 }];
        assert_eq!(
            bank(&east, 0, coord! { x: 50.0, y: 10.0 }),
            Some(Bank::Left)
        );
        assert_eq!(
            bank(&east, 0, coord! { x: 50.0, y: -10.0 }),
            Some(Bank::Right)
        );
        assert_eq!(bank(&east, 0, coord! { x: 50.0, y: 0.0 }), None);
        // Beyond the upstream end, the side of the segment's line still counts.
        assert_eq!(
            bank(&east, 0, coord! { x: -20.0, y: 3.0 }),
            Some(Bank::Left)
        );
    }

    #[test]
    fn at_a_hairpin_the_outer_side_is_taken() {
        // East, then sharply back west-north-west: a left turn of about 174 degrees.
        let hairpin = [
            coord! { x: -100.0, y: 0.0 },
            coord! { x: 0.0, y: 0.0 },
            coord! { x: -100.0, y: 10.0 },
        ];
        // Just east of the tip, slightly north: outside the left turn, so the right bank,
        // although it lies left of the first segment's line.
        assert_eq!(
            bank(&hairpin, 0, coord! { x: 5.0, y: 0.3 }),
            Some(Bank::Right)
        );
        assert_eq!(
            bank(&hairpin, 1, coord! { x: 5.0, y: 0.3 }),
            Some(Bank::Right)
        );
        // Inside the bend: between the two arms, left of both.
        assert_eq!(
            bank(&hairpin, 0, coord! { x: -50.0, y: 2.0 }),
            Some(Bank::Left)
        );
    }
}
