//! Parallel work over a raster with one GDAL dataset handle per worker thread.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use gdal::Dataset;

use crate::Result;
use crate::raster::open_dataset;

/// How many runs of items each worker takes on average: more balance the load, fewer let each
/// worker's block cache serve more of the blocks that neighbouring items share.
const RUNS_PER_WORKER: usize = 2;

/// Maps every item through `work(dataset, item)` on the current rayon thread pool and returns
/// the results in item order.
///
/// One worker runs per thread; each opens `path` once (its dataset, or the error opening it, is
/// passed to every call it makes) and takes contiguous runs of `items` in turn, handling the
/// items of a run in order. Runs are handed out in order as workers become free.
pub(crate) fn map_in_runs<T, R, F>(path: &Path, items: &[T], work: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&Result<Dataset>, &T) -> R + Sync,
{
    if items.is_empty() {
        return Vec::new();
    }
    let workers = rayon::current_num_threads().clamp(1, items.len());
    let run_length = items.len().div_ceil(workers * RUNS_PER_WORKER).max(1);
    let next_run = AtomicUsize::new(0);
    let results = Mutex::new((0..items.len()).map(|_| None).collect::<Vec<Option<R>>>());
    let worker = || {
        let dataset = open_dataset(path);
        loop {
            let start = next_run.fetch_add(1, Ordering::Relaxed) * run_length;
            let Some(run) = items.get(start..(start + run_length).min(items.len())) else {
                break;
            };
            for (offset, item) in run.iter().enumerate() {
                let result = work(&dataset, item);
                let mut slots = results
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                slots[start + offset] = Some(result);
            }
        }
    };
    rayon::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|_| worker());
        }
    });
    let slots = results
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    slots
        .into_iter()
        .map(|slot| slot.expect("every run is taken by a worker"))
        .collect()
}
