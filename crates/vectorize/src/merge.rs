//! Joining the fragments of all tiles into objects.

use std::collections::HashSet;

use geo::{Coord, Geometry, Point};
use geoscout_core::GeometryKind;

use crate::error::{Error, Result};
use crate::label::{Run, sort_and_join};
use crate::object::Object;
use crate::outline::Outline;
use crate::seam::{SeamEdge, join_across};
use crate::simplify::simplify;
use crate::tile::{Fragment, TileFragments};
use crate::union_find::UnionFind;

/// What [`Merger::finish`] keeps and how it shapes outlines.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MergeOptions {
    /// Objects with fewer pixels are dropped. Applied after merging, so a small fragment of a
    /// large object is never lost. Default 1 (keep all).
    pub min_pixels: u64,
    /// Holes of polygon objects whose area is at most this many pixels are filled. The
    /// object's `pixels` and score still count only the pixels at or above the threshold. A
    /// filled hole may cover a tiny object of the same class inside it. Default 0 (keep all).
    pub max_hole_pixels: u64,
    /// Visvalingam–Whyatt tolerance in square pixels for simplifying outlines: a corner goes
    /// when the triangle it forms with its neighbours is at most this large (a one-pixel stair
    /// step makes a triangle of 0.5) and removing it keeps the outline valid; vertices stay on
    /// pixel corners. Default 0 (the exact pixel-edge outline).
    pub simplify_tolerance: f64,
}

impl Default for MergeOptions {
    fn default() -> MergeOptions {
        MergeOptions {
            min_pixels: 1,
            max_hole_pixels: 0,
            simplify_tolerance: 0.0,
        }
    }
}

/// Collects the fragments of tiles, in any order, and joins them into objects.
///
/// The result of [`finish`](Merger::finish) depends only on the set of tiles added, never on
/// the order. Fragments are kept until then: per fragment its statistics, its edge stretches
/// and, for polygon classes, its pixels as runs.
#[derive(Debug, Default)]
pub struct Merger {
    fragments: Vec<Fragment>,
    /// The tile id of each fragment.
    tile_of: Vec<usize>,
    edges: Vec<SeamEdge>,
    tile_ids: HashSet<usize>,
    origins: HashSet<(usize, usize)>,
}

impl Merger {
    /// An empty merger.
    pub fn new() -> Merger {
        Merger::default()
    }

    /// Adds the fragments of one tile.
    ///
    /// # Errors
    /// [`Error::DuplicateTile`] when a tile with the same id or core origin was added before.
    pub fn add(&mut self, tile: TileFragments) -> Result<()> {
        let core = tile.core;
        if self.tile_ids.contains(&core.id) || self.origins.contains(&(core.x0, core.y0)) {
            return Err(Error::DuplicateTile {
                id: core.id,
                x0: core.x0,
                y0: core.y0,
            });
        }
        self.tile_ids.insert(core.id);
        self.origins.insert((core.x0, core.y0));
        let base = self.fragments.len() as u32;
        self.edges
            .extend(tile.edges.into_iter().map(|edge| SeamEdge {
                fragment: edge.fragment + base,
                ..edge
            }));
        self.tile_of
            .extend(std::iter::repeat_n(core.id, tile.fragments.len()));
        self.fragments.extend(tile.fragments);
        Ok(())
    }

    /// The number of fragments added so far.
    pub fn fragment_count(&self) -> usize {
        self.fragments.len()
    }

    /// Joins fragments that meet across core edges and returns the objects, sorted by class
    /// and then by anchor.
    ///
    /// # Errors
    /// [`Error::InvalidTolerance`] for a negative or non-finite simplification tolerance.
    pub fn finish(mut self, options: &MergeOptions) -> Result<Vec<Object>> {
        let tolerance = options.simplify_tolerance;
        if !(tolerance.is_finite() && tolerance >= 0.0) {
            return Err(Error::InvalidTolerance(tolerance));
        }
        let mut sets = UnionFind::new(self.fragments.len());
        join_across(&mut self.edges, |a, b| sets.union(a, b));
        let mut members: Vec<(u32, u32)> = (0..self.fragments.len() as u32)
            .map(|i| (sets.find(i), i))
            .collect();
        members.sort_unstable();
        let mut objects: Vec<Object> = members
            .chunk_by(|a, b| a.0 == b.0)
            .filter_map(|group| self.object(group.iter().map(|&(_, i)| i as usize), options))
            .collect();
        objects.sort_by_key(|object| (object.class, object.anchor));
        Ok(objects)
    }

    /// The object made of the given fragments, unless it is too small.
    fn object(
        &mut self,
        members: impl Iterator<Item = usize> + Clone,
        options: &MergeOptions,
    ) -> Option<Object> {
        let mut all = members.clone().map(|i| &self.fragments[i]);
        let first = all.next().expect("a group has a fragment");
        let (class, mut stats) = (first.class, first.stats);
        for fragment in all {
            stats.merge(&fragment.stats);
        }
        if stats.pixels < options.min_pixels {
            return None;
        }
        let mut tiles: Vec<usize> = members.clone().map(|i| self.tile_of[i]).collect();
        tiles.sort_unstable();
        tiles.dedup();
        let (cx, cy) = stats.weighted_centre();
        let centroid = Coord { x: cx, y: cy };
        let geometry = match class.geometry_kind() {
            GeometryKind::Point => Geometry::Point(Point(centroid)),
            GeometryKind::Polygon => {
                let mut runs: Vec<Run> = members
                    .flat_map(|i| std::mem::take(&mut self.fragments[i].runs))
                    .collect();
                sort_and_join(&mut runs);
                let mut outline = Outline::of_runs(&runs);
                outline.fill_holes(options.max_hole_pixels);
                Geometry::Polygon(simplify(outline, options.simplify_tolerance).to_polygon())
            }
        };
        Some(Object {
            class,
            geometry,
            pixels: stats.pixels,
            score: stats.mean(),
            max_score: f64::from(stats.peak),
            centroid,
            peak: stats.peak_at,
            anchor: stats.anchor,
            seam_merged: tiles.len() > 1,
            tiles,
        })
    }
}
