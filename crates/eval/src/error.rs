//! The error type of this crate.

use std::path::PathBuf;

use geoscout_core::fs::IoError;

/// Everything that can go wrong scoring leads.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading a file or folder failed.
    #[error(transparent)]
    Io(#[from] IoError),
    /// A truth file is not what `targets.md` describes.
    #[error("{}: {problem}", path.display())]
    BadTruth {
        /// The truth file.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// The leads file could not be read.
    #[error(transparent)]
    Leads(#[from] geoscout_leads::Error),
    /// GDAL failed (opening the scene's raster, or reprojecting).
    #[error("{}: {what}: {source}", path.display())]
    Gdal {
        /// The file concerned.
        path: PathBuf,
        /// What was being done.
        what: String,
        /// GDAL's error.
        source: gdal::errors::GdalError,
    },
    /// The inputs do not make a set of scenes to score.
    #[error("{}: {problem}", path.display())]
    Scenes {
        /// The path given.
        path: PathBuf,
        /// What is wrong, and what to do.
        problem: String,
    },
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    #[test]
    fn errors_can_cross_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<super::Error>();
    }
}
