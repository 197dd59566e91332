//! Running a model over a whole raster: tiles read on rayon threads while the calling thread runs
//! the forward passes, in batches, and hands out the probabilities of each tile's core.

use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use crossbeam_channel::Receiver;
use geoscout_raster::{ReadOptions, Tile, TileData, TilePlan, TileSpec, read_tiles};
use ndarray::{Array2, ArrayBase, ArrayView, ArrayView2, ArrayView3, Axis, Data, Dimension, Slice};

use crate::batch::Batch;
use crate::error::{Error, Result};
use crate::model::Model;

/// Tiles handed to the reader at a time: between two such chunks the reader notices that the
/// forward passes have failed and stops.
const READ_CHUNK: usize = 32;

/// The model's output for the core of one tile.
#[derive(Debug)]
pub struct TileOutput<'a> {
    /// The tile (its core is where these pixels belong in the raster).
    pub tile: Tile,
    /// Per-class probabilities over the core, `(class, row, column)`, classes in card order.
    pub probabilities: ArrayView3<'a, f32>,
    /// Whether each core pixel holds data, `(row, column)`; probabilities of pixels without data
    /// are meaningless.
    pub valid: ArrayView2<'a, bool>,
}

/// What a run over a raster did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunStats {
    /// Tiles run through the model.
    pub tiles: usize,
    /// Tiles of the plan whose window turned out to hold no data, so were not run.
    pub empty: usize,
    /// Forward passes.
    pub batches: usize,
}

impl Model {
    /// Runs the model over the tiles of `plan` (made for the raster at `raster` with a halo of at
    /// least the card's), `batch_size` windows per forward pass, and calls `sink` with each
    /// tile's core, in no particular order.
    ///
    /// Tiles are read with `read` (see [`crate::ModelCard::read_options`]) on the current rayon
    /// thread pool, overlapping with the forward passes, which run on the calling thread; a
    /// bounded channel keeps at most a few batches of tiles in memory. The first error (a tile
    /// that cannot be read, a failed forward pass, or an error from `sink`) stops the run.
    pub fn predict_tiles<E, F>(
        &self,
        raster: &Path,
        plan: &TilePlan,
        read: &ReadOptions,
        batch_size: usize,
        mut sink: F,
    ) -> std::result::Result<RunStats, E>
    where
        E: From<Error>,
        F: FnMut(TileOutput<'_>) -> std::result::Result<(), E>,
    {
        self.check_spec(plan.spec, batch_size)?;
        let cancelled = AtomicBool::new(false);
        let (sender, receiver) = crossbeam_channel::bounded(2 * batch_size);
        let card = self.card();
        std::thread::scope(|scope| {
            let reader = scope.spawn(|| {
                let sender = sender;
                for chunk in plan.tiles.chunks(READ_CHUNK) {
                    if cancelled.load(Ordering::Relaxed) {
                        break;
                    }
                    read_tiles(raster, plan.spec, chunk, read, |tile| {
                        let tile = tile.map(|mut data| {
                            card.mask_nodata(data.pixels.view(), &mut data.valid);
                            data
                        });
                        // A closed channel means the forward passes stopped; their error is reported.
                        let _ = sender.send(tile);
                    })?;
                }
                Ok::<(), geoscout_raster::Error>(())
            });
            let result = self.consume(receiver, plan.spec, batch_size, &mut sink);
            if result.is_err() {
                cancelled.store(true, Ordering::Relaxed);
            }
            let read = reader.join().expect("the tile reader panicked");
            let stats = result?;
            read.map_err(Error::from)?;
            Ok(stats)
        })
    }

    fn check_spec(&self, spec: TileSpec, batch_size: usize) -> Result<()> {
        let card = self.card();
        let problem = if batch_size == 0 {
            "the batch size must be at least 1".to_string()
        } else if spec.halo < card.halo {
            format!(
                "a halo of {} pixels is less than the card's {}",
                spec.halo, card.halo
            )
        } else if let Err(problem) = card.check_tile_size(spec.tile_size) {
            problem
        } else if spec.halo % card.size_multiple != 0 {
            format!(
                "halo {} is not a multiple of the size multiple {}",
                spec.halo, card.size_multiple
            )
        } else {
            return Ok(());
        };
        Err(Error::BadInput {
            model: card.name.clone(),
            problem,
        })
    }

    /// Batches the tiles as they arrive and runs them; returns when the reader is done.
    fn consume<E, F>(
        &self,
        tiles: Receiver<geoscout_raster::Result<TileData>>,
        spec: TileSpec,
        batch_size: usize,
        sink: &mut F,
    ) -> std::result::Result<RunStats, E>
    where
        E: From<Error>,
        F: FnMut(TileOutput<'_>) -> std::result::Result<(), E>,
    {
        let mut stats = RunStats::default();
        let window = spec.array_size();
        let mut batch = Batch::new(self.card().bands.len(), window, window, batch_size);
        let mut pending: Vec<(Tile, Array2<bool>)> = Vec::with_capacity(batch_size);
        for data in tiles {
            let data = data.map_err(Error::from)?;
            if data.is_empty() {
                stats.empty += 1;
                continue;
            }
            batch.push(data.pixels.view());
            pending.push((data.tile, data.valid));
            if pending.len() == batch_size {
                self.run_batch(&mut batch, &mut pending, spec, &mut stats, sink)?;
            }
        }
        if !pending.is_empty() {
            self.run_batch(&mut batch, &mut pending, spec, &mut stats, sink)?;
        }
        Ok(stats)
    }

    fn run_batch<E, F>(
        &self,
        batch: &mut Batch,
        pending: &mut Vec<(Tile, Array2<bool>)>,
        spec: TileSpec,
        stats: &mut RunStats,
        sink: &mut F,
    ) -> std::result::Result<(), E>
    where
        E: From<Error>,
        F: FnMut(TileOutput<'_>) -> std::result::Result<(), E>,
    {
        let outputs = self.predict(batch)?;
        batch.clear();
        stats.batches += 1;
        for ((tile, valid), probabilities) in pending.drain(..).zip(&outputs) {
            let rows = spec.halo..spec.halo + tile.core.height;
            let columns = spec.halo..spec.halo + tile.core.width;
            let (row_axis, column_axis) = (probabilities.ndim() - 2, probabilities.ndim() - 1);
            sink(TileOutput {
                tile,
                probabilities: crop(probabilities, row_axis, column_axis, &rows, &columns),
                valid: crop(&valid, 0, 1, &rows, &columns),
            })?;
            stats.tiles += 1;
        }
        Ok(())
    }
}

/// The view of `array` limited to `rows` along `row_axis` and `columns` along `column_axis`.
fn crop<'a, A, S, D>(
    array: &'a ArrayBase<S, D>,
    row_axis: usize,
    column_axis: usize,
    rows: &Range<usize>,
    columns: &Range<usize>,
) -> ArrayView<'a, A, D>
where
    S: Data<Elem = A>,
    D: Dimension,
{
    array
        .view()
        .slice_axis_move(Axis(row_axis), Slice::from(rows.clone()))
        .slice_axis_move(Axis(column_axis), Slice::from(columns.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::{TestRaster, card_path};
    use crate::{Device, ModelCard};
    use geoscout_raster::{Raster, RasterInfo};
    use ndarray::{Array3, Zip};

    const SATELLITE: &[&str] = &["Gray", "Undefined", "Undefined", "Undefined"];

    fn model() -> Model {
        Model::load(
            ModelCard::from_path(&card_path("tiny-satellite")).unwrap(),
            Device::Cpu,
            None,
        )
        .unwrap()
    }

    fn scene(dir: &Path) -> RasterInfo {
        let path = TestRaster::new(SATELLITE, "UInt16", Some(2.0))
            .textured(100, 70)
            .write(dir);
        Raster::open(path).unwrap().info().clone()
    }

    /// The whole raster's probabilities and validity, assembled from the tile cores, and how
    /// many cores covered each pixel.
    fn run(
        model: &Model,
        info: &RasterInfo,
        tile_size: usize,
        batch: usize,
    ) -> (Array3<f32>, Array2<bool>, Array2<u8>) {
        let spec = TileSpec {
            tile_size,
            halo: model.card().halo,
        };
        let plan = Raster::open(&info.path).unwrap().plan_tiles(spec).unwrap();
        let classes = model.card().classes.len();
        let mut probabilities = Array3::zeros((classes, info.height, info.width));
        let mut valid = Array2::from_elem((info.height, info.width), false);
        let mut covered = Array2::<u8>::zeros((info.height, info.width));
        let options = model.card().read_options(info);
        let stats = model
            .predict_tiles::<Error, _>(&info.path, &plan, &options, batch, |out| {
                let core = out.tile.core;
                let (rows, columns) = (core.y..core.bottom(), core.x..core.right());
                probabilities
                    .view_mut()
                    .slice_axis_move(Axis(1), Slice::from(rows.clone()))
                    .slice_axis_move(Axis(2), Slice::from(columns.clone()))
                    .assign(&out.probabilities);
                valid
                    .view_mut()
                    .slice_axis_move(Axis(0), Slice::from(rows.clone()))
                    .slice_axis_move(Axis(1), Slice::from(columns.clone()))
                    .assign(&out.valid);
                covered
                    .view_mut()
                    .slice_axis_move(Axis(0), Slice::from(rows))
                    .slice_axis_move(Axis(1), Slice::from(columns))
                    .mapv_inplace(|c| c + 1);
                Ok(())
            })
            .unwrap();
        assert_eq!(stats.tiles, plan.tiles.len());
        assert_eq!(stats.batches, plan.tiles.len().div_ceil(batch));
        (probabilities, valid, covered)
    }

    #[test]
    fn cores_do_not_depend_on_the_tile_size_or_the_batch() {
        let dir = tempfile::tempdir().unwrap();
        let info = scene(dir.path());
        let model = model();
        let (reference, valid, covered) = run(&model, &info, 16, 1);
        assert!(
            covered.iter().all(|&c| c == 1),
            "every pixel belongs to exactly one core"
        );
        for (y, x) in [(0, 0), (9, 9)] {
            assert!(
                !valid[[y, x]],
                "the zero block is nodata for the satellite card"
            );
        }
        assert_eq!(valid.iter().filter(|&&v| !v).count(), 100);
        for (tile_size, batch) in [(32, 3), (128, 4)] {
            let (probabilities, other_valid, _) = run(&model, &info, tile_size, batch);
            assert_eq!(other_valid, valid);
            let mut worst = 0f32;
            Zip::from(&probabilities)
                .and(&reference)
                .for_each(|a, b| worst = worst.max((a - b).abs()));
            assert!(worst < 1e-5, "tile size {tile_size}: differs by {worst}");
        }
    }

    #[test]
    fn an_error_from_the_sink_stops_the_run() {
        #[derive(Debug)]
        struct SinkFailure;
        impl From<Error> for SinkFailure {
            fn from(err: Error) -> Self {
                panic!("the model failed where the sink should have: {err}")
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let info = scene(dir.path());
        let model = model();
        let plan = Raster::open(&info.path)
            .unwrap()
            .plan_tiles(TileSpec {
                tile_size: 16,
                halo: 8,
            })
            .unwrap();
        let mut calls = 0;
        let result = model.predict_tiles(
            &info.path,
            &plan,
            &model.card().read_options(&info),
            2,
            |_| {
                calls += 1;
                Err(SinkFailure)
            },
        );
        assert!(result.is_err(), "{result:?}");
        assert_eq!(calls, 1);
    }

    #[test]
    fn a_halo_narrower_than_the_card_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let info = scene(dir.path());
        let model = model();
        let plan = Raster::open(&info.path)
            .unwrap()
            .plan_tiles(TileSpec {
                tile_size: 16,
                halo: 4,
            })
            .unwrap();
        let err = model
            .predict_tiles::<Error, _>(
                &info.path,
                &plan,
                &model.card().read_options(&info),
                2,
                |_| Ok(()),
            )
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("a halo of 4 pixels is less than the card's 8"),
            "{err}"
        );
    }
}
