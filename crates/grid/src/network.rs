//! Joining the pieces of one river into one ordered centre line.
//!
//! River files often hold a river as many pieces: several features, multi-part lines cut by a
//! clip, two banks around a reservoir, pieces digitised in either direction. The pieces become
//! a network: their ends are nodes (ends closer than the join tolerance are one node), each
//! piece an edge. Parts of the network that do not touch (the river leaves the clip area and
//! comes back) are bridged by straight lines between their nearest nodes, shortest bridges
//! first. The main line runs between the two nodes farthest apart along the network (two
//! sweeps of Dijkstra's algorithm: exact for networks without loops), along the shortest route
//! between them, so around a reservoir it follows the shorter bank. It is oriented the way most
//! of its length was digitised. Pieces off the main line (the other bank, side channels) are
//! side reaches, oriented to run the same way as the main line.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use geo::{Coord, Distance, Euclidean, Length, LineString};
use rstar::RTree;
use rstar::primitives::GeomWithData;

/// A river's pieces joined: the main line (bridges included) and the real pieces, all running
/// in the main line's direction.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Network {
    /// The main line from its first node to its last, bridges included.
    pub(crate) main: LineString<f64>,
    /// The real pieces: runs of the main line between bridges, then side reaches.
    pub(crate) reaches: Vec<LineString<f64>>,
}

impl Network {
    /// The same network flowing the other way.
    pub(crate) fn reversed(mut self) -> Network {
        self.main.0.reverse();
        for reach in &mut self.reaches {
            reach.0.reverse();
        }
        self
    }
}

struct Edge {
    from: usize,
    to: usize,
    coords: Vec<Coord<f64>>,
    length: f64,
    bridge: bool,
}

/// Joins `pieces` (each in digitised order, metric CRS) into a [`Network`]; `None` when no
/// piece has a positive length.
pub(crate) fn join(pieces: Vec<Vec<Coord<f64>>>, tolerance: f64) -> Option<Network> {
    let mut nodes: Vec<Coord<f64>> = Vec::new();
    let mut node_index: RTree<GeomWithData<[f64; 2], usize>> = RTree::new();
    let mut node_at = |c: Coord<f64>| {
        let near = node_index
            .nearest_neighbor(&[c.x, c.y])
            .filter(|n| Euclidean.distance(nodes[n.data], c) <= tolerance);
        match near {
            Some(n) => n.data,
            None => {
                node_index.insert(GeomWithData::new([c.x, c.y], nodes.len()));
                nodes.push(c);
                nodes.len() - 1
            }
        }
    };
    let mut edges: Vec<Edge> = Vec::new();
    for mut coords in pieces {
        coords.dedup();
        let length = Euclidean.length(&LineString::from(coords.clone()));
        if coords.len() < 2 || length <= 0.0 {
            continue;
        }
        let from = node_at(coords[0]);
        let to = node_at(coords[coords.len() - 1]);
        edges.push(Edge {
            from,
            to,
            coords,
            length,
            bridge: false,
        });
    }
    if edges.is_empty() {
        return None;
    }
    add_bridges(&nodes, &mut edges);

    let (start, _) = farthest(&nodes, &edges, 0);
    let (end, previous) = farthest(&nodes, &edges, start);
    let mut path: Vec<(usize, bool)> = Vec::new(); // (edge, traversed in digitised direction)
    let mut node = end;
    while node != start {
        let (edge, from) = previous[node].expect("every node on the way has a previous edge");
        path.push((edge, edges[edge].to == node && edges[edge].from == from));
        node = from;
    }
    path.reverse();
    let along: f64 = path
        .iter()
        .filter(|(e, f)| *f && !edges[*e].bridge)
        .map(|(e, _)| edges[*e].length)
        .sum();
    let against: f64 = path
        .iter()
        .filter(|(e, f)| !*f && !edges[*e].bridge)
        .map(|(e, _)| edges[*e].length)
        .sum();
    if against > along {
        path.reverse();
        for step in &mut path {
            step.1 = !step.1;
        }
    }

    let oriented = |(edge, forward): (usize, bool)| {
        let mut coords = edges[edge].coords.clone();
        if !forward {
            coords.reverse();
        }
        coords
    };
    let mut main: Vec<Coord<f64>> = Vec::new();
    let mut reaches: Vec<LineString<f64>> = Vec::new();
    let mut run: Vec<Coord<f64>> = Vec::new();
    for &step in &path {
        let coords = oriented(step);
        append(&mut main, &coords);
        if edges[step.0].bridge {
            if !run.is_empty() {
                reaches.push(LineString(std::mem::take(&mut run)));
            }
        } else {
            append(&mut run, &coords);
        }
    }
    if !run.is_empty() {
        reaches.push(LineString(run));
    }
    let main = LineString(main);
    let on_path: Vec<usize> = path.iter().map(|(e, _)| *e).collect();
    for (index, edge) in edges.iter().enumerate() {
        if edge.bridge || on_path.contains(&index) {
            continue;
        }
        let mut coords = edge.coords.clone();
        if measure_along(&main, coords[0]) > measure_along(&main, coords[coords.len() - 1]) {
            coords.reverse();
        }
        reaches.push(LineString(coords));
    }
    Some(Network { main, reaches })
}

/// Appends `coords` to `line`, without repeating the shared node.
fn append(line: &mut Vec<Coord<f64>>, coords: &[Coord<f64>]) {
    let skip = usize::from(line.last() == coords.first());
    line.extend_from_slice(&coords[skip..]);
}

/// Connects the parts of the network that do not touch with straight bridges between their
/// nearest nodes, shortest first (Kruskal), ties broken by node index.
fn add_bridges(nodes: &[Coord<f64>], edges: &mut Vec<Edge>) {
    let mut parent: Vec<usize> = (0..nodes.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for edge in edges.iter() {
        let (a, b) = (root(&mut parent, edge.from), root(&mut parent, edge.to));
        parent[a.max(b)] = a.min(b);
    }
    let mut groups = (0..nodes.len())
        .filter(|&i| root(&mut parent, i) == i)
        .count();
    if groups == 1 {
        return;
    }
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for i in 0..nodes.len() {
        for j in i + 1..nodes.len() {
            if root(&mut parent, i) != root(&mut parent, j) {
                pairs.push((Euclidean.distance(nodes[i], nodes[j]), i, j));
            }
        }
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (length, i, j) in pairs {
        let (a, b) = (root(&mut parent, i), root(&mut parent, j));
        if a == b {
            continue;
        }
        parent[a.max(b)] = a.min(b);
        edges.push(Edge {
            from: i,
            to: j,
            coords: vec![nodes[i], nodes[j]],
            length,
            bridge: true,
        });
        groups -= 1;
        if groups == 1 {
            break;
        }
    }
}

/// Dijkstra from `source`: the farthest node (ties: the smallest index) and, for every node,
/// the edge and node it is reached from.
fn farthest(
    nodes: &[Coord<f64>],
    edges: &[Edge],
    source: usize,
) -> (usize, Vec<Option<(usize, usize)>>) {
    let mut adjacent: Vec<Vec<(usize, usize)>> = vec![Vec::new(); nodes.len()];
    for (index, edge) in edges.iter().enumerate() {
        adjacent[edge.from].push((edge.to, index));
        adjacent[edge.to].push((edge.from, index));
    }
    let mut distance = vec![f64::INFINITY; nodes.len()];
    let mut previous: Vec<Option<(usize, usize)>> = vec![None; nodes.len()];
    let mut queue = BinaryHeap::new();
    distance[source] = 0.0;
    queue.push(Visit {
        distance: 0.0,
        node: source,
    });
    while let Some(Visit { distance: d, node }) = queue.pop() {
        if d > distance[node] {
            continue;
        }
        for &(next, edge) in &adjacent[node] {
            let through = d + edges[edge].length;
            if through < distance[next] {
                distance[next] = through;
                previous[next] = Some((edge, node));
                queue.push(Visit {
                    distance: through,
                    node: next,
                });
            }
        }
    }
    let far = (0..nodes.len())
        .filter(|&n| distance[n].is_finite())
        .max_by(|&a, &b| distance[a].total_cmp(&distance[b]).then(b.cmp(&a)))
        .unwrap_or(source);
    (far, previous)
}

/// A node waiting in Dijkstra's queue, nearest first.
struct Visit {
    distance: f64,
    node: usize,
}

impl PartialEq for Visit {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Visit {}
impl PartialOrd for Visit {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Visit {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .distance
            .total_cmp(&self.distance)
            .then(other.node.cmp(&self.node))
    }
}

/// The distance along `line` from its start to the point of `line` nearest to `c`.
pub(crate) fn measure_along(line: &LineString<f64>, c: Coord<f64>) -> f64 {
    let mut walked = 0.0;
    let mut best = (f64::INFINITY, 0.0);
    for segment in line.lines() {
        let (closest, t) = closest_on_segment(segment.start, segment.end, c);
        let d = Euclidean.distance(closest, c);
        if d < best.0 {
            best = (
                d,
                walked + t * Euclidean.distance(segment.start, segment.end),
            );
        }
        walked += Euclidean.distance(segment.start, segment.end);
    }
    best.1
}

/// The point of segment `a`-`b` nearest to `c`, and its position along the segment (0 to 1).
pub(crate) fn closest_on_segment(a: Coord<f64>, b: Coord<f64>, c: Coord<f64>) -> (Coord<f64>, f64) {
    let d = b - a;
    let length2 = d.x * d.x + d.y * d.y;
    if length2 == 0.0 {
        return (a, 0.0);
    }
    let t = (((c - a).x * d.x + (c - a).y * d.y) / length2).clamp(0.0, 1.0);
    (a + d * t, t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::coord;

    fn line(points: &[(f64, f64)]) -> LineString<f64> {
        points.iter().map(|&(x, y)| coord! { x: x, y: y }).collect()
    }

    /// The network [`join`] makes of `pieces` with a tolerance of 1 m.
    fn joined(pieces: &[&[(f64, f64)]]) -> Network {
        join(pieces.iter().map(|p| line(p).0).collect(), 1.0).unwrap()
    }

    #[test]
    fn pieces_in_mixed_directions_join_in_the_majority_direction() {
        // West to east in three pieces; the middle one digitised backwards and the shortest.
        let network = joined(&[
            &[(0.0, 0.0), (100.0, 0.0)],
            &[(150.0, 0.0), (100.0, 0.0)],
            &[(150.0, 0.0), (300.0, 0.0)],
        ]);
        assert_eq!(
            network.main,
            line(&[(0.0, 0.0), (100.0, 0.0), (150.0, 0.0), (300.0, 0.0)])
        );
        assert_eq!(network.reaches, vec![network.main.clone()]);
    }

    #[test]
    fn most_length_digitised_backwards_flips_the_main_line() {
        let network = joined(&[&[(0.0, 0.0), (100.0, 0.0)], &[(300.0, 0.0), (100.0, 0.0)]]);
        assert_eq!(network.main.0[0], coord! { x: 300.0, y: 0.0 });
        assert_eq!(network.main.0.last(), Some(&coord! { x: 0.0, y: 0.0 }));
    }

    #[test]
    fn ends_within_the_tolerance_join_and_gaps_are_bridged() {
        let network = joined(&[
            &[(0.0, 0.0), (100.0, 0.0)],
            &[(100.4, 0.0), (200.0, 0.0)],
            // A 50 m gap (the river left the clip area), then the last piece.
            &[(250.0, 0.0), (400.0, 0.0)],
        ]);
        assert_eq!(Euclidean.length(&network.main), 400.0);
        // The bridge is not a reach: two reaches, either side of it.
        assert_eq!(network.reaches.len(), 2);
        assert_eq!(network.reaches[1], line(&[(250.0, 0.0), (400.0, 0.0)]));
    }

    #[test]
    fn around_a_reservoir_the_shorter_bank_is_main_and_the_other_a_side_reach() {
        let network = joined(&[
            &[(0.0, 0.0), (100.0, 0.0)],
            // North bank, longer, digitised east to west.
            &[(300.0, 0.0), (200.0, 150.0), (100.0, 0.0)],
            // South bank, shorter.
            &[(100.0, 0.0), (200.0, -50.0), (300.0, 0.0)],
            &[(300.0, 0.0), (500.0, 0.0)],
        ]);
        assert_eq!(
            network.main,
            line(&[
                (0.0, 0.0),
                (100.0, 0.0),
                (200.0, -50.0),
                (300.0, 0.0),
                (500.0, 0.0)
            ])
        );
        // The north bank, turned to run west to east like the main line.
        assert_eq!(network.reaches.len(), 2);
        assert_eq!(
            network.reaches[1],
            line(&[(100.0, 0.0), (200.0, 150.0), (300.0, 0.0)])
        );
    }

    #[test]
    fn measure_along_projects_onto_the_nearest_segment() {
        let l = line(&[(0.0, 0.0), (100.0, 0.0), (100.0, 100.0)]);
        assert_eq!(measure_along(&l, coord! { x: 30.0, y: -5.0 }), 30.0);
        assert_eq!(measure_along(&l, coord! { x: 120.0, y: 40.0 }), 140.0);
        assert_eq!(measure_along(&l, coord! { x: -10.0, y: 0.0 }), 0.0);
    }
}
