//! Errors of the scan stage.

use std::path::PathBuf;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can stop a scan, or one input of it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input path could not be read or listed.
    #[error("cannot read input {}: {source}", path.display())]
    Input {
        /// The input.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// An output could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Output {
        /// The output.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A raster could not be opened, read or georeferenced.
    #[error(transparent)]
    Raster(#[from] geoscout_raster::Error),
    /// The model could not be found, loaded, matched to a raster or run.
    #[error(transparent)]
    Model(#[from] geoscout_model::Error),
    /// Probabilities could not be turned into objects.
    #[error("{}: {source}", path.display())]
    Vectorize {
        /// The raster being scanned.
        path: PathBuf,
        /// Why.
        source: geoscout_vectorize::Error,
    },
    /// The leads could not be written.
    #[error(transparent)]
    Leads(#[from] geoscout_leads::Error),
    /// A lead picture could not be rendered.
    #[error("cannot write the picture {}: {message}", path.display())]
    Chip {
        /// The picture's path.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A stage of the pipeline stopped without finishing its work (a thread panicked).
    #[error("{}: the {stage} stage stopped unexpectedly; this is a bug in geoscout", path.display())]
    StageFailed {
        /// The raster being scanned.
        path: PathBuf,
        /// The stage.
        stage: &'static str,
    },
}

#[cfg(test)]
mod tests {
    #[test]
    fn errors_cross_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<super::Error>();
    }
}
