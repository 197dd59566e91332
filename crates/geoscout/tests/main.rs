//! geoscout's integration tests: one module per stage, each running the real binary.

mod chips;
mod eval;
mod raster;
mod util;
