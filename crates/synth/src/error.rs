//! The errors of scene generation and writing.

use std::path::PathBuf;

use geoscout_core::fs::IoError;

/// What can go wrong while making or writing a synthetic scene.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The scene specification cannot be generated (size, ground sample distance, ...).
    #[error("invalid scene specification: {0}")]
    InvalidSpec(String),
    /// GDAL failed while writing or georeferencing a file.
    #[error("{path}: {source}")]
    Gdal {
        /// The file being written.
        path: PathBuf,
        /// What GDAL reported.
        source: gdal::errors::GdalError,
    },
    /// A file could not be written, renamed or serialised.
    #[error(transparent)]
    Io(#[from] IoError),
}

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Wraps a GDAL error with the path it concerns.
    pub(crate) fn gdal(path: impl Into<PathBuf>) -> impl FnOnce(gdal::errors::GdalError) -> Error {
        let path = path.into();
        move |source| Error::Gdal { path, source }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_cross_threads_and_name_the_file() {
        fn is_send<T: Send + Sync>() {}
        is_send::<Error>();
        let err = Error::from(IoError::new(
            "/x/scene.tif",
            std::io::Error::other("disk full"),
        ));
        assert_eq!(err.to_string(), "/x/scene.tif: disk full");
    }
}
