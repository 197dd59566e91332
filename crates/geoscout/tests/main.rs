//! geoscout's integration tests: one module per stage, each running the real binary.

mod eval;
mod raster;
mod util;
