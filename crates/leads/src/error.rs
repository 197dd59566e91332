//! The error type of this crate.

use std::path::PathBuf;

use geoscout_core::fs::IoError;

/// Everything that can go wrong reading or writing leads.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error(transparent)]
    Io(#[from] IoError),
    /// The file is not a GeoJSON FeatureCollection.
    #[error("{}: not a GeoJSON FeatureCollection: {problem}", path.display())]
    NotFeatureCollection {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// One feature of a leads file cannot be a lead.
    #[error("{}: {feature}: {problem}", path.display())]
    BadFeature {
        /// The file.
        path: PathBuf,
        /// Which feature: its position and, when it has one, its id.
        feature: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A lead cannot be written as it is.
    #[error("{}: lead '{id}': {problem}", path.display())]
    InvalidLead {
        /// The file being written.
        path: PathBuf,
        /// The lead's id.
        id: String,
        /// What is wrong with it.
        problem: String,
    },
    /// GDAL failed to write or read a file.
    #[error("{}: {what}: {source}", path.display())]
    Gdal {
        /// The file.
        path: PathBuf,
        /// What was being done.
        what: String,
        /// GDAL's error.
        source: gdal::errors::GdalError,
    },
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_can_cross_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Error>();
    }
}
