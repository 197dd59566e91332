//! The error type of this crate.

use std::path::PathBuf;

use geoscout_core::fs::IoError;

/// Everything that can go wrong building grids, assigning leads, reading rivers or diffing
/// campaigns. Each variant names the file it is about.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error(transparent)]
    Io(#[from] IoError),
    /// GDAL failed to open, read, reproject or write a file.
    #[error("{}: {what}: {source}", path.display())]
    Gdal {
        /// The file.
        path: PathBuf,
        /// What was being done.
        what: String,
        /// GDAL's error.
        source: gdal::errors::GdalError,
    },
    /// A file opened but its content cannot be used as it is.
    #[error("{}: {problem}", path.display())]
    BadInput {
        /// The file.
        path: PathBuf,
        /// What is wrong with it and, where possible, what to do.
        problem: String,
    },
    /// Reading or writing leads failed.
    #[error(transparent)]
    Leads(#[from] geoscout_leads::Error),
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn gdal(
        path: impl Into<PathBuf>,
        what: impl Into<String>,
        source: gdal::errors::GdalError,
    ) -> Error {
        Error::Gdal {
            path: path.into(),
            what: what.into(),
            source,
        }
    }

    pub(crate) fn bad_input(path: impl Into<PathBuf>, problem: impl Into<String>) -> Error {
        Error::BadInput {
            path: path.into(),
            problem: problem.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_can_cross_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Error>();
    }

    #[test]
    fn messages_name_the_file() {
        let err = Error::bad_input("/data/grid.gpkg", "no field 'grid_id'");
        assert_eq!(err.to_string(), "/data/grid.gpkg: no field 'grid_id'");
    }
}
