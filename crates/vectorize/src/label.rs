//! Connected-component labelling of a thresholded probability core, run by run.
//!
//! Pixels at or above the threshold are foreground. Two foreground pixels belong to the same
//! component when they share an edge (4-connectivity); pixels that touch only at a corner do
//! not. Components are found on horizontal runs: runs on neighbouring rows whose column ranges
//! overlap are joined.

use std::ops::Range;

use ndarray::ArrayView2;

use crate::stats::{Pixel, Stats};
use crate::union_find::UnionFind;

/// The foreground pixels `x0..x1` of row `y`, in global pixel coordinates.
///
/// Runs order row-major (by `y`, then `x0`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Run {
    /// Row.
    pub(crate) y: u32,
    /// First column.
    pub(crate) x0: u32,
    /// One past the last column.
    pub(crate) x1: u32,
}

/// The connected components of one thresholded core.
#[derive(Debug)]
pub(crate) struct Components {
    /// The runs of every component, grouped by component, each group in row-major order.
    runs: Vec<Run>,
    /// Component `c` owns `runs[offsets[c]..offsets[c + 1]]`.
    offsets: Vec<usize>,
    /// Statistics of each component.
    stats: Vec<Stats>,
}

impl Components {
    /// Number of components.
    pub(crate) fn len(&self) -> usize {
        self.stats.len()
    }

    /// The runs of component `c`, in row-major order.
    pub(crate) fn runs(&self, c: usize) -> &[Run] {
        &self.runs[self.offsets[c]..self.offsets[c + 1]]
    }

    /// The statistics of component `c`.
    pub(crate) fn stats(&self, c: usize) -> &Stats {
        &self.stats[c]
    }
}

/// Labels the pixels of `probs` at or above `threshold`; `origin` is the global pixel of
/// `probs[[0, 0]]`. Components are numbered in the row-major order of their first pixel.
/// Pixels that are NaN are background.
pub(crate) fn label(probs: ArrayView2<f32>, threshold: f32, origin: Pixel) -> Components {
    let (runs, run_stats, rows) = find_runs(probs, threshold, origin);
    let mut sets = UnionFind::new(runs.len());
    for pair in rows.windows(2) {
        let (above, below) = (pair[0].clone(), pair[1].clone());
        if runs[above.start].y + 1 == runs[below.start].y {
            join_overlapping(&runs, above, below, &mut sets);
        }
    }

    // The representative of a set is its smallest run index, that is its first run in
    // row-major order, so numbering representatives in index order numbers components in the
    // order of their first pixel.
    let mut component_of_run = vec![u32::MAX; runs.len()];
    let mut stats: Vec<Stats> = Vec::new();
    for i in 0..runs.len() {
        let root = sets.find(i as u32) as usize;
        let c = if root == i {
            stats.push(run_stats[i]);
            (stats.len() - 1) as u32
        } else {
            let c = component_of_run[root];
            stats[c as usize].merge(&run_stats[i]);
            c
        };
        component_of_run[i] = c;
    }

    let mut offsets = vec![0usize; stats.len() + 1];
    for &c in &component_of_run {
        offsets[c as usize + 1] += 1;
    }
    for c in 0..stats.len() {
        offsets[c + 1] += offsets[c];
    }
    let mut next = offsets.clone();
    let mut grouped = vec![Run { y: 0, x0: 0, x1: 0 }; runs.len()];
    for (run, &c) in runs.iter().zip(&component_of_run) {
        grouped[next[c as usize]] = *run;
        next[c as usize] += 1;
    }
    Components {
        runs: grouped,
        offsets,
        stats,
    }
}

/// The foreground runs of every row with their statistics, and the range of runs of each
/// non-empty row.
fn find_runs(
    probs: ArrayView2<f32>,
    threshold: f32,
    origin: Pixel,
) -> (Vec<Run>, Vec<Stats>, Vec<Range<usize>>) {
    let width = probs.ncols();
    let foreground = |p: &f32| *p >= threshold;
    let (mut runs, mut stats, mut rows) = (Vec::new(), Vec::new(), Vec::new());
    let mut copy = Vec::new();
    for (r, row) in probs.rows().into_iter().enumerate() {
        let values: &[f32] = match row.to_slice() {
            Some(values) => values,
            None => {
                copy.clear();
                copy.extend(row.iter().copied());
                &copy
            }
        };
        let y = origin.y + r as u32;
        let first = runs.len();
        let mut x = 0;
        while let Some(skip) = values[x..].iter().position(foreground) {
            let start = x + skip;
            let len = values[start..].iter().position(|p| !foreground(p));
            x = len.map_or(width, |len| start + len);
            let (x0, x1) = (origin.x + start as u32, origin.x + x as u32);
            runs.push(Run { y, x0, x1 });
            stats.push(Stats::of_run(x0, y, &values[start..x]));
        }
        if runs.len() > first {
            rows.push(first..runs.len());
        }
    }
    (runs, stats, rows)
}

/// Joins each run of `below` with the runs of `above` (the row just above) that share a column.
fn join_overlapping(runs: &[Run], above: Range<usize>, below: Range<usize>, sets: &mut UnionFind) {
    let (mut i, mut j) = (above.start, below.start);
    while i < above.end && j < below.end {
        let (a, b) = (runs[i], runs[j]);
        if a.x0 < b.x1 && b.x0 < a.x1 {
            sets.union(i as u32, j as u32);
        }
        if a.x1 <= b.x1 {
            i += 1;
        } else {
            j += 1;
        }
    }
}

/// Sorts runs into row-major order and joins runs of a row that touch (as the runs of two
/// fragments do where they meet at a vertical seam), so that the same pixels always give the
/// same runs.
pub(crate) fn sort_and_join(runs: &mut Vec<Run>) {
    runs.sort_unstable();
    runs.dedup_by(|next, kept| {
        let touches = kept.y == next.y && kept.x1 == next.x0;
        if touches {
            kept.x1 = next.x1;
        }
        touches
    });
}
