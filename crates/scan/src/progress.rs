//! Progress bars on a terminal; nothing in batch logs.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Shows one bar per raster (tiles done, rate, time left) under a bar for the inputs, when
/// standard error is a terminal and the user did not ask for quiet.
#[derive(Debug)]
pub struct Progress {
    bars: MultiProgress,
    inputs: ProgressBar,
}

impl Progress {
    /// Bars for `inputs` rasters, hidden when `quiet` or when stderr is not a terminal.
    pub fn new(inputs: usize, quiet: bool) -> Progress {
        let target = if quiet || !std::io::stderr().is_terminal() {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let bars = MultiProgress::with_draw_target(target);
        let inputs = bars.add(ProgressBar::new(inputs as u64));
        inputs.set_style(
            ProgressStyle::with_template("{prefix:>9} [{bar:30}] {pos}/{len} rasters  {msg}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        inputs.set_prefix("scan");
        Progress { bars, inputs }
    }

    /// A bar for the tiles of one raster.
    pub fn raster(&self, name: &str, tiles: usize) -> ProgressBar {
        let bar = self.bars.add(ProgressBar::new(tiles as u64));
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix:>9} [{bar:30}] {pos}/{len} tiles  {per_sec}  ETA {eta}  {msg}",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        bar.set_prefix("tiles");
        bar.set_message(name.to_string());
        bar.enable_steady_tick(Duration::from_millis(250));
        bar
    }

    /// Marks one raster done.
    pub fn raster_done(&self, bar: ProgressBar) {
        bar.finish_and_clear();
        self.bars.remove(&bar);
        self.inputs.inc(1);
    }

    /// Prints a line above the bars (or plainly, when there are none).
    pub fn println(&self, line: &str) {
        if self.bars.is_hidden() {
            eprintln!("{line}");
        } else {
            let _ = self.bars.println(line);
        }
    }

    /// Removes the bars.
    pub fn finish(&self) {
        self.inputs.finish_and_clear();
    }
}
