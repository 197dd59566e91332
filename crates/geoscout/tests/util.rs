//! Helpers any stage's integration tests may use: the binary under test, temporary folders and
//! the real data in `../shared`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `geoscout` binary built for these tests.
pub fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_geoscout"))
}

/// Runs `geoscout` with `args` and returns what it printed and its exit status.
pub fn geoscout<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Command::new(bin())
        .args(args)
        .output()
        .expect("the geoscout binary runs")
}

/// A fresh temporary folder, deleted when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary folder")
}

/// `../shared/data/real` beside the repository, or `None` after printing that the calling test
/// is skipped.
pub fn shared_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/real");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/data/real not found");
        None
    }
}
