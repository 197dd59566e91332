//! Pixel-edge outlines: the exact boundary of a 4-connected set of pixels as one polygon.
//!
//! The boundary is made of the pixel edges between a pixel of the set and a pixel outside it.
//! Horizontal boundary edges are collected line by line from the runs of neighbouring rows and
//! joined into maximal segments; a ring alternates between such a segment and the vertical
//! stretch that leads to the next one, so every vertex is a corner (no collinear vertices).
//!
//! Orientation: a ring keeps the set's pixels on its left as seen on the image (rows growing
//! downwards), so the exterior ring runs counter-clockwise on the image and stays
//! counter-clockwise after a north-up geotransform; holes run the other way. In the raw
//! `(column, row)` numbers, the exterior's shoelace area is therefore negative.
//!
//! Where two pixels of the set touch only at a corner (a pinch), the ring turns around each
//! pixel on its own (the tight turn, as 4-connectivity asks). A ring that comes back to a pinch
//! vertex is split there into simple rings, so a hole that touches the exterior or another hole
//! at one corner is its own interior ring, as OGC validity requires.

use std::collections::HashMap;

use geo::{Coord, LineString, Polygon};

use crate::label::Run;

/// The kind of a horizontal boundary segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// The top edge of pixels of the set (the set lies below); traversed right to left.
    Top,
    /// The bottom edge of pixels of the set (the set lies above); traversed left to right.
    Bottom,
}

/// A maximal horizontal boundary segment `lo..hi` on the grid line `y`.
#[derive(Clone, Copy, Debug)]
struct Segment {
    kind: Kind,
    y: u32,
    lo: u32,
    hi: u32,
    /// Whether the boundary goes down (to larger rows) from the segment's end.
    turns_down: bool,
}

impl Segment {
    fn start(&self) -> Vertex {
        match self.kind {
            Kind::Top => (self.hi, self.y),
            Kind::Bottom => (self.lo, self.y),
        }
    }

    fn end(&self) -> Vertex {
        match self.kind {
            Kind::Top => (self.lo, self.y),
            Kind::Bottom => (self.hi, self.y),
        }
    }
}

/// A vertex of the pixel grid: `(x, y)`.
pub(crate) type Vertex = (u32, u32);

/// The outline of a set of pixels: rings of pixel-grid vertices, not closed (the last vertex
/// joins the first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Outline {
    /// The exterior ring; starts at its first vertex in row-major order.
    pub(crate) exterior: Vec<Vertex>,
    /// The holes, each starting at its first vertex in row-major order, sorted by it.
    pub(crate) holes: Vec<Vec<Vertex>>,
}

impl Outline {
    /// The outline of the pixels covered by `runs`: row-major, with no two runs of a row
    /// overlapping or touching, and 4-connected.
    pub(crate) fn of_runs(runs: &[Run]) -> Outline {
        let mut exterior = None;
        let mut holes = Vec::new();
        for mut ring in trace_rings(&segments_of(runs)) {
            start_at_first_vertex(&mut ring);
            if twice_signed_area(&ring) < 0 {
                assert!(
                    exterior.is_none(),
                    "a 4-connected set of pixels has one exterior ring; this is a bug in geoscout-vectorize"
                );
                exterior = Some(ring);
            } else {
                holes.push(ring);
            }
        }
        holes.sort_by_key(|ring| (ring[0].1, ring[0].0));
        let exterior = exterior.expect("a non-empty set of pixels has an exterior ring");
        Outline { exterior, holes }
    }

    /// Removes the holes whose area is at most `max_area` pixels.
    pub(crate) fn fill_holes(&mut self, max_area: u64) {
        self.holes
            .retain(|hole| twice_signed_area(hole).unsigned_abs() > 2 * max_area);
    }

    /// The outline as a polygon with closed rings.
    pub(crate) fn to_polygon(&self) -> Polygon<f64> {
        Polygon::new(
            closed(&self.exterior),
            self.holes.iter().map(|ring| closed(ring)).collect(),
        )
    }
}

/// Rotates a ring to start at its first vertex in row-major order.
pub(crate) fn start_at_first_vertex(ring: &mut [Vertex]) {
    if let Some(first) = (0..ring.len()).min_by_key(|&i| (ring[i].1, ring[i].0)) {
        ring.rotate_left(first);
    }
}

/// Twice the shoelace area of a ring, in `(x, y)` numbers.
pub(crate) fn twice_signed_area(ring: &[Vertex]) -> i64 {
    let (ox, oy) = (i64::from(ring[0].0), i64::from(ring[0].1));
    let at = |i: usize| {
        let (x, y) = ring[i % ring.len()];
        (i64::from(x) - ox, i64::from(y) - oy)
    };
    (0..ring.len())
        .map(|i| {
            let ((x0, y0), (x1, y1)) = (at(i), at(i + 1));
            x0 * y1 - x1 * y0
        })
        .sum()
}

/// The ring as a closed line string.
fn closed(ring: &[Vertex]) -> LineString<f64> {
    let coord = |&(x, y): &Vertex| Coord {
        x: f64::from(x),
        y: f64::from(y),
    };
    ring.iter().chain(ring.first()).map(coord).collect()
}

/// All horizontal boundary segments, line by line.
fn segments_of(runs: &[Run]) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut above: &[Run] = &[];
    for row in runs.chunk_by(|a, b| a.y == b.y) {
        let y = row[0].y;
        if let Some(last) = above.first()
            && last.y + 1 != y
        {
            line_segments(above, &[], last.y + 1, &mut segments);
            above = &[];
        }
        line_segments(above, row, y, &mut segments);
        above = row;
    }
    if let Some(last) = above.first() {
        line_segments(above, &[], last.y + 1, &mut segments);
    }
    segments
}

/// The segments on the grid line `y`, between the runs of the row `above` it and of the row
/// `below` it.
fn line_segments(above: &[Run], below: &[Run], y: u32, out: &mut Vec<Segment>) {
    // A top edge ends (on the left) either at the start of a run below (a convex corner: go
    // down) or at the end of a run above (a concave corner: go up). At a pinch it is both, and
    // the tight turn goes down. A bottom edge ends (on the right) at the end of a run above
    // (convex: go up) or at the start of a run below (concave: go down); at a pinch, up.
    difference(below, above, |lo, hi, lo_starts_run, _| {
        out.push(Segment {
            kind: Kind::Top,
            y,
            lo,
            hi,
            turns_down: lo_starts_run,
        });
    });
    difference(above, below, |lo, hi, _, hi_ends_run| {
        out.push(Segment {
            kind: Kind::Bottom,
            y,
            lo,
            hi,
            turns_down: !hi_ends_run,
        });
    });
}

/// Calls `emit(lo, hi, lo_starts_run, hi_ends_run)` for each maximal stretch `lo..hi` covered
/// by `runs` and not by `cut`; the flags tell whether `lo` is the start and `hi` the end of a
/// run of `runs` (rather than the end or start of a run of `cut`).
fn difference(runs: &[Run], cut: &[Run], mut emit: impl FnMut(u32, u32, bool, bool)) {
    let mut j = 0;
    for run in runs {
        let (mut lo, mut lo_starts_run) = (run.x0, true);
        while j < cut.len() && cut[j].x1 <= lo {
            j += 1;
        }
        for c in cut[j..].iter().take_while(|c| c.x0 < run.x1) {
            if c.x0 > lo {
                emit(lo, c.x0, lo_starts_run, false);
            }
            (lo, lo_starts_run) = (c.x1, false);
        }
        if lo < run.x1 {
            emit(lo, run.x1, lo_starts_run, true);
        }
    }
}

/// Finds where each boundary segment leads.
struct Successors<'a> {
    segments: &'a [Segment],
    /// `(x, y, segment)` for each segment's start vertex, sorted.
    starts: Vec<(u32, u32, u32)>,
}

impl Successors<'_> {
    /// The segment that follows `segment`: the first segment that starts on the column of its
    /// end, below or above it as the boundary turns. At a pinch two segments start at that
    /// vertex; the tight turn keeps going around the pixel just passed.
    fn of(&self, segment: &Segment) -> usize {
        let (x, y) = segment.end();
        let (first, second, tight) = if segment.turns_down {
            let i = self
                .starts
                .partition_point(|&(sx, sy, _)| (sx, sy) <= (x, y));
            (self.starts.get(i), self.starts.get(i + 1), Kind::Bottom)
        } else {
            let i = self
                .starts
                .partition_point(|&(sx, sy, _)| (sx, sy) < (x, y));
            (
                i.checked_sub(1).map(|i| &self.starts[i]),
                i.checked_sub(2).map(|i| &self.starts[i]),
                Kind::Top,
            )
        };
        let &(fx, fy, first) = first.expect("a boundary is closed");
        debug_assert_eq!(fx, x, "a boundary continues on the column where it turned");
        match second {
            Some(&(sx, sy, second))
                if (sx, sy) == (fx, fy) && self.segments[second as usize].kind == tight =>
            {
                second as usize
            }
            _ => first as usize,
        }
    }
}

/// Whether a vertex is shared by two segment starts or two segment ends (a pinch), for the
/// start and the end of each segment.
fn pinches(segments: &[Segment], starts: &[(u32, u32, u32)]) -> (Vec<bool>, Vec<bool>) {
    let mut ends: Vec<(u32, u32, u32)> = segments
        .iter()
        .zip(0..)
        .map(|(segment, i)| (segment.end().0, segment.end().1, i))
        .collect();
    ends.sort_unstable();
    let mark = |sorted: &[(u32, u32, u32)]| {
        let mut pinch = vec![false; segments.len()];
        for pair in sorted.windows(2) {
            if (pair[0].0, pair[0].1) == (pair[1].0, pair[1].1) {
                pinch[pair[0].2 as usize] = true;
                pinch[pair[1].2 as usize] = true;
            }
        }
        pinch
    };
    (mark(starts), mark(&ends))
}

/// Joins the segments into simple rings (vertex lists, not closed).
fn trace_rings(segments: &[Segment]) -> Vec<Vec<Vertex>> {
    let mut starts: Vec<(u32, u32, u32)> = segments
        .iter()
        .zip(0..)
        .map(|(segment, i)| (segment.start().0, segment.start().1, i))
        .collect();
    starts.sort_unstable();
    let (pinch_start, pinch_end) = pinches(segments, &starts);
    let successors = Successors { segments, starts };

    let mut rings = Vec::new();
    let mut visited = vec![false; segments.len()];
    let mut path = RingPath::default();
    for first in 0..segments.len() {
        if visited[first] {
            continue;
        }
        let mut s = first;
        loop {
            visited[s] = true;
            let segment = &segments[s];
            path.push(segment.start(), pinch_start[s], &mut rings);
            path.push(segment.end(), pinch_end[s], &mut rings);
            s = successors.of(segment);
            if s == first {
                break;
            }
            assert!(
                !visited[s],
                "boundary segments form closed rings; this is a bug in geoscout-vectorize"
            );
        }
        rings.push(path.take());
    }
    rings
}

/// The ring being traced, split into simple rings wherever it comes back to a pinch vertex.
#[derive(Default)]
struct RingPath {
    vertices: Vec<Vertex>,
    /// Where each pinch vertex was last entered in `vertices` (entries may be stale).
    pinch_at: HashMap<Vertex, usize>,
}

impl RingPath {
    /// Appends `v`; if `v` is a pinch vertex already on the path, the loop since then is
    /// closed and moved to `rings`.
    fn push(&mut self, v: Vertex, is_pinch: bool, rings: &mut Vec<Vec<Vertex>>) {
        if is_pinch {
            if let Some(&i) = self.pinch_at.get(&v)
                && self.vertices.get(i) == Some(&v)
            {
                rings.push(self.vertices.split_off(i));
            }
            self.pinch_at.insert(v, self.vertices.len());
        }
        self.vertices.push(v);
    }

    /// The remaining ring; leaves the path empty.
    fn take(&mut self) -> Vec<Vertex> {
        self.pinch_at.clear();
        std::mem::take(&mut self.vertices)
    }
}
