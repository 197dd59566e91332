//! One module per subcommand: its flags (`Args`) and its `run`.

pub mod assign;
pub mod chips;
pub mod common;
pub mod diff;
pub mod eval;
pub mod grid;
pub mod info;
pub mod predict;
pub mod scan;
pub mod synth;
pub mod tiles;
