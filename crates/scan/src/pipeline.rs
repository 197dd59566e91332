//! One raster through the stages that overlap in time: the model's reader and forward passes
//! ([`Model::predict_tiles`]: tiles read on rayon workers while this thread runs the batches)
//! feed vectorizing and merging on a thread of their own, through a bounded channel, so that
//! memory holds a few batches of tiles, never the raster.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, bounded};
use geoscout_model::Model;
use geoscout_raster::{ReadOptions, Tile, TileGrid, TilePlan, TileSpec};
use geoscout_vectorize::{ClassRule, MergeOptions, Merger, Object, TileCore, vectorize_tile};
use indicatif::ProgressBar;
use ndarray::{Array2, Array3, Axis, Zip};

use crate::record::TileCounts;
use crate::{Error, Result};

/// How one raster is run through the pipeline.
#[derive(Clone, Debug)]
pub struct PipelineSettings {
    /// Tile (core) size in pixels.
    pub tile_size: usize,
    /// Tiles per forward pass.
    pub batch: usize,
    /// How classes are read from the model's output.
    pub rules: Vec<ClassRule>,
    /// What merging keeps and how it shapes outlines.
    pub merge: MergeOptions,
}

/// What came of one raster: its objects in pixel coordinates, and how the work went.
#[derive(Debug)]
pub struct PipelineOutput {
    /// Objects found, in a deterministic order.
    pub objects: Vec<Object>,
    /// Tiles planned, read and skipped.
    pub tiles: TileCounts,
    /// Seconds per stage: `read_infer` (reading overlapped with the forward passes, wall time),
    /// `vectorize` (busy time, overlapped with the former) and `merge`.
    pub seconds: BTreeMap<String, f64>,
}

/// A tile core's probabilities on their way to the vectorizer.
struct Core {
    tile: Tile,
    probs: Array3<f32>,
    valid: Array2<bool>,
}

/// Runs every tile of the raster at `path` through `model` and merges what it finds. Reading
/// uses the current rayon thread pool.
pub fn run(
    path: &Path,
    (width, height): (usize, usize),
    model: &Model,
    read: &ReadOptions,
    settings: &PipelineSettings,
    progress: &ProgressBar,
) -> Result<PipelineOutput> {
    let spec = TileSpec {
        tile_size: settings.tile_size,
        halo: model.card().halo,
    };
    // Every tile of the grid: tiles without data are found and skipped as they are read, which
    // saves reading the raster's mask twice.
    let plan = TilePlan::full(&TileGrid::new(width, height, spec)?);
    progress.set_length(plan.tiles.len() as u64);
    let (sender, receiver) = bounded(2 * settings.batch.max(1));

    std::thread::scope(|scope| {
        let vectorizer = scope.spawn(|| vectorize_all(path, receiver, &settings.rules, progress));
        let started = Instant::now();
        let predicted = model.predict_tiles(path, &plan, read, settings.batch, |core| {
            sender
                .send(Core {
                    tile: core.tile,
                    probs: core.probabilities.to_owned(),
                    valid: core.valid.to_owned(),
                })
                .map_err(|_| Error::StageFailed {
                    path: path.to_path_buf(),
                    stage: "vectorize",
                })
        });
        let read_infer = started.elapsed();
        drop(sender);
        let vectorized = vectorizer.join().map_err(|_| Error::StageFailed {
            path: path.to_path_buf(),
            stage: "vectorize",
        })?;
        // The vectorizer's own error explains a closed channel better than the send failure.
        let (merger, vectorize) = vectorized?;
        let stats = predicted?;
        progress.inc(stats.empty as u64);
        let merging = Instant::now();
        let objects = merger
            .finish(&settings.merge)
            .map_err(|source| Error::Vectorize {
                path: path.to_path_buf(),
                source,
            })?;
        let seconds = [
            ("read_infer", read_infer),
            ("vectorize", vectorize),
            ("merge", merging.elapsed()),
        ]
        .into_iter()
        .map(|(stage, time)| (stage.to_string(), time.as_secs_f64()))
        .collect();
        Ok(PipelineOutput {
            objects,
            tiles: TileCounts {
                planned: plan.tiles.len(),
                read: stats.tiles,
                skipped_nodata: stats.empty,
            },
            seconds,
        })
    })
}

/// Turns each core's probabilities into fragments and adds them to the merger, until the
/// channel closes; stops at the first error (which closes the channel for the sender).
fn vectorize_all(
    path: &Path,
    cores: Receiver<Core>,
    rules: &[ClassRule],
    progress: &ProgressBar,
) -> Result<(Merger, Duration)> {
    let mut merger = Merger::new();
    let mut busy = Duration::ZERO;
    for Core {
        tile,
        mut probs,
        valid,
    } in cores
    {
        let started = Instant::now();
        // No lead may come from pixels without data.
        for mut channel in probs.axis_iter_mut(Axis(0)) {
            Zip::from(&mut channel).and(&valid).for_each(|p, &ok| {
                if !ok {
                    *p = 0.0;
                }
            });
        }
        let core = TileCore {
            id: tile.id,
            x0: tile.core.x,
            y0: tile.core.y,
        };
        vectorize_tile(core, probs.view(), rules)
            .and_then(|fragments| merger.add(fragments))
            .map_err(|source| Error::Vectorize {
                path: path.to_path_buf(),
                source,
            })?;
        busy += started.elapsed();
        progress.inc(1);
    }
    Ok((merger, busy))
}
