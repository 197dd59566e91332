//! One tile core: thresholding, labelling and the fragments it hands to the merger.

use geoscout_core::{Class, GeometryKind};
use ndarray::{ArrayView3, Axis};

use crate::error::{Error, Result};
use crate::label::{Run, label};
use crate::seam::{CoreRect, SeamEdge, edges_of};
use crate::stats::{Pixel, Stats};

/// How one class is read from the model's output.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClassRule {
    /// The class.
    pub class: Class,
    /// The channel of the probability tile that holds the class's probabilities.
    pub channel: usize,
    /// Pixels whose probability is at or above this value (in (0, 1]) belong to objects.
    pub threshold: f32,
}

/// Where a tile's core lies in the raster's pixel grid.
///
/// The cores given to one [`Merger`](crate::Merger) must not overlap; they usually come from
/// a regular grid, but any tiling works.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TileCore {
    /// The tile's id (as planned by the raster stage); objects list the tiles they came from.
    pub id: usize,
    /// Global column of the core's first pixel.
    pub x0: usize,
    /// Global row of the core's first pixel.
    pub y0: usize,
}

/// The fragments of objects found in one tile core, ready for a [`Merger`](crate::Merger).
///
/// Holds, per fragment, its statistics, its pixels as runs (polygon classes only) and the
/// stretches of its pixels along the core's edges; nothing of the tile itself.
#[derive(Clone, Debug)]
pub struct TileFragments {
    pub(crate) core: TileCore,
    pub(crate) fragments: Vec<Fragment>,
    pub(crate) edges: Vec<SeamEdge>,
}

/// A connected piece of an object inside one core.
#[derive(Clone, Debug)]
pub(crate) struct Fragment {
    pub(crate) class: Class,
    pub(crate) stats: Stats,
    /// The fragment's pixels in row-major order; empty for point classes.
    pub(crate) runs: Vec<Run>,
}

impl TileFragments {
    /// The core these fragments were found in.
    pub fn core(&self) -> TileCore {
        self.core
    }

    /// The number of fragments (of all classes).
    pub fn len(&self) -> usize {
        self.fragments.len()
    }

    /// Whether no class has any pixel at or above its threshold in this core.
    pub fn is_empty(&self) -> bool {
        self.fragments.is_empty()
    }
}

/// Finds the fragments of objects in one tile core.
///
/// `probs` holds the model's probabilities for the core only, shaped `(channels, rows,
/// columns)`; its pixel `[c, 0, 0]` is the global pixel `(core.x0, core.y0)`. For each rule,
/// the pixels of its channel at or above its threshold are grouped into 4-connected fragments
/// (NaN counts as below).
///
/// # Errors
/// A rule whose channel is missing or whose threshold is not in (0, 1], two rules for one
/// class, or a core that reaches past pixel 2^32 - 1.
pub fn vectorize_tile(
    core: TileCore,
    probs: ArrayView3<f32>,
    rules: &[ClassRule],
) -> Result<TileFragments> {
    let (channels, height, width) = probs.dim();
    check_rules(rules, channels)?;
    let rect = core_rect(core, width, height)?;
    let mut tile = TileFragments {
        core,
        fragments: Vec::new(),
        edges: Vec::new(),
    };
    for rule in rules {
        let origin = Pixel {
            x: rect.x0,
            y: rect.y0,
        };
        let components = label(
            probs.index_axis(Axis(0), rule.channel),
            rule.threshold,
            origin,
        );
        for c in 0..components.len() {
            let fragment = tile.fragments.len() as u32;
            let runs = components.runs(c);
            edges_of(rule.class, fragment, runs, rect, &mut tile.edges);
            let runs = match rule.class.geometry_kind() {
                GeometryKind::Polygon => runs.to_vec(),
                GeometryKind::Point => Vec::new(),
            };
            tile.fragments.push(Fragment {
                class: rule.class,
                stats: *components.stats(c),
                runs,
            });
        }
    }
    Ok(tile)
}

/// Checks that every rule has a channel of the tile, a threshold in (0, 1], and a class of its
/// own.
pub(crate) fn check_rules(rules: &[ClassRule], channels: usize) -> Result<()> {
    for (i, rule) in rules.iter().enumerate() {
        if rule.channel >= channels {
            return Err(Error::ChannelOutOfRange {
                class: rule.class,
                channel: rule.channel,
                channels,
            });
        }
        if !(rule.threshold > 0.0 && rule.threshold <= 1.0) {
            return Err(Error::InvalidThreshold {
                class: rule.class,
                threshold: rule.threshold,
            });
        }
        if rules[..i].iter().any(|other| other.class == rule.class) {
            return Err(Error::DuplicateClass(rule.class));
        }
    }
    Ok(())
}

/// The core's pixel rectangle, if it fits in `u32` coordinates.
fn core_rect(core: TileCore, width: usize, height: usize) -> Result<CoreRect> {
    let fits = |start: usize, len: usize| {
        start
            .checked_add(len)
            .and_then(|end| u32::try_from(end).ok())
            .is_some()
    };
    if !fits(core.x0, width) || !fits(core.y0, height) {
        return Err(Error::CoreTooFar {
            id: core.id,
            x0: core.x0,
            y0: core.y0,
            width,
            height,
        });
    }
    Ok(CoreRect {
        x0: core.x0 as u32,
        y0: core.y0 as u32,
        x1: (core.x0 + width) as u32,
        y1: (core.y0 + height) as u32,
    })
}
