//! Seams: where the pixels of fragments on either side of a shared core edge meet.
//!
//! Each fragment records the stretches of its pixels along the four edges of its core. Two
//! fragments of one class belong to one object when a stretch on one side of a seam line
//! overlaps a stretch on the other side: then a pixel of one is the edge neighbour of a pixel
//! of the other. With 4-connectivity, cores that meet only at a corner never join directly.

use geoscout_core::Class;

use crate::label::Run;

/// Which way a seam line runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Axis {
    /// The line `x = line`, between columns `line - 1` and `line`.
    Vertical,
    /// The line `y = line`, between rows `line - 1` and `line`.
    Horizontal,
}

/// On which side of a seam line a core lies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Side {
    /// The core ends at the line (its right or bottom edge).
    Before,
    /// The core starts at the line (its left or top edge).
    After,
}

/// A stretch `start..end` of a fragment's pixels along one edge of its core.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SeamEdge {
    pub(crate) class: Class,
    pub(crate) axis: Axis,
    /// The coordinate of the seam line.
    pub(crate) line: u32,
    /// First row (vertical seams) or column (horizontal seams) of the stretch.
    pub(crate) start: u32,
    /// One past the last row or column of the stretch.
    pub(crate) end: u32,
    pub(crate) side: Side,
    /// The fragment's index (in its tile, or in the merger once added).
    pub(crate) fragment: u32,
}

/// The pixel rectangle of a core: columns `x0..x1`, rows `y0..y1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CoreRect {
    pub(crate) x0: u32,
    pub(crate) y0: u32,
    pub(crate) x1: u32,
    pub(crate) y1: u32,
}

/// Appends the stretches of a fragment's pixels (its `runs`, in row-major order) along the
/// four edges of `core`.
pub(crate) fn edges_of(
    class: Class,
    fragment: u32,
    runs: &[Run],
    core: CoreRect,
    out: &mut Vec<SeamEdge>,
) {
    let edge = |axis, line, side, start, end| SeamEdge {
        class,
        axis,
        line,
        start,
        end,
        side,
        fragment,
    };
    for run in runs {
        if run.y == core.y0 {
            out.push(edge(Axis::Horizontal, core.y0, Side::After, run.x0, run.x1));
        }
        if run.y + 1 == core.y1 {
            out.push(edge(
                Axis::Horizontal,
                core.y1,
                Side::Before,
                run.x0,
                run.x1,
            ));
        }
    }
    let left = runs.iter().filter(|run| run.x0 == core.x0).map(|run| run.y);
    for_each_stretch(left, |start, end| {
        out.push(edge(Axis::Vertical, core.x0, Side::After, start, end));
    });
    let right = runs.iter().filter(|run| run.x1 == core.x1).map(|run| run.y);
    for_each_stretch(right, |start, end| {
        out.push(edge(Axis::Vertical, core.x1, Side::Before, start, end));
    });
}

/// Calls `emit(start, end)` for each maximal stretch of consecutive numbers in `rows`
/// (increasing).
fn for_each_stretch(rows: impl Iterator<Item = u32>, mut emit: impl FnMut(u32, u32)) {
    let mut stretch: Option<(u32, u32)> = None;
    for row in rows {
        stretch = match stretch {
            Some((start, end)) if end == row => Some((start, row + 1)),
            Some((start, end)) => {
                emit(start, end);
                Some((row, row + 1))
            }
            None => Some((row, row + 1)),
        };
    }
    if let Some((start, end)) = stretch {
        emit(start, end);
    }
}

/// Calls `join(a, b)` for every pair of fragments whose stretches overlap across a seam.
/// Sorts `edges`.
pub(crate) fn join_across(edges: &mut [SeamEdge], mut join: impl FnMut(u32, u32)) {
    edges.sort_unstable();
    // Stretches on one side of one line never overlap each other (cores are disjoint), so a
    // stretch can only overlap the latest stretch of the other side that started before it.
    let mut latest: [Option<SeamEdge>; 2] = [None, None];
    let mut line = None;
    for &edge in edges.iter() {
        let key = (edge.class, edge.axis, edge.line);
        if line != Some(key) {
            line = Some(key);
            latest = [None, None];
        }
        let (this, other) = match edge.side {
            Side::Before => (0, 1),
            Side::After => (1, 0),
        };
        if let Some(other) = latest[other]
            && other.end > edge.start
        {
            join(other.fragment, edge.fragment);
        }
        latest[this] = Some(edge);
    }
}
