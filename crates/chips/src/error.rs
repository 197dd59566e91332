//! The error type of the chips crate.

use std::path::PathBuf;

use geoscout_core::fs::IoError;

/// What can go wrong while reading labels, cutting chips or scoring predictions.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// GDAL could not open or read a raster or vector file.
    #[error("{}: {source}", path.display())]
    Gdal {
        /// The file GDAL was working on.
        path: PathBuf,
        /// GDAL's own message.
        source: gdal::errors::GdalError,
    },
    /// The raster stage could not open, describe or read a raster (its message names the file).
    #[error(transparent)]
    Raster(#[from] geoscout_raster::Error),
    /// A file could not be read or written (the message names it).
    #[error(transparent)]
    Io(#[from] IoError),
    /// A file holds something the chips stage cannot use.
    #[error("{}: {problem}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong with it and, where possible, what to do.
        problem: String,
    },
    /// A class mapping (`--map` or a mapping file) is malformed.
    #[error("class mapping: {0}")]
    Mapping(String),
    /// The options contradict each other or are out of range.
    #[error("{0}")]
    Options(String),
}

impl Error {
    /// An [`Error::Invalid`] for `path` with the given problem.
    pub(crate) fn invalid(path: impl Into<PathBuf>, problem: impl Into<String>) -> Error {
        Error::Invalid {
            path: path.into(),
            problem: problem.into(),
        }
    }

    /// A closure that wraps a GDAL error with the file it concerns.
    pub(crate) fn gdal(path: &std::path::Path) -> impl FnOnce(gdal::errors::GdalError) -> Error {
        let path = path.to_path_buf();
        move |source| Error::Gdal { path, source }
    }

    /// A closure that wraps an I/O error with the file it concerns.
    pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.to_path_buf();
        move |source| Error::Io(IoError::new(path, source))
    }
}

/// The result type of the chips crate.
pub type Result<T> = std::result::Result<T, Error>;
