//! geoscout's integration tests: one module per stage, each running the real binary.

mod chips;
mod diff;
mod eval;
mod grid;
mod model;
mod raster;
mod reference;
mod rivers;
mod scan;
mod synth;
mod util;
