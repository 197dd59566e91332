//! The errors of the raster stage: each names the file and says what went wrong.

use std::path::{Path, PathBuf};

use crate::PixelRect;

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Something that went wrong while opening, describing, planning or reading a raster.
///
/// Every variant that concerns a file names it, so that the message can be shown to a user as is.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The path does not exist.
    #[error("cannot open {}: no such file", path.display())]
    NotFound {
        /// The raster's path.
        path: PathBuf,
    },
    /// GDAL could not open the file as a raster.
    #[error("cannot open {}: not a raster GDAL can read ({message})", path.display())]
    NotRaster {
        /// The raster's path.
        path: PathBuf,
        /// GDAL's reason.
        message: String,
    },
    /// The file opened but holds no raster bands (a vector file or a container of subdatasets).
    #[error("cannot open {}: it has no raster bands{hint}", path.display())]
    NoBands {
        /// The raster's path.
        path: PathBuf,
        /// What to open instead, when GDAL lists subdatasets (starts with "; ").
        hint: String,
    },
    /// The raster has neither a geotransform nor ground control points.
    #[error("{} has no georeferencing (no geotransform and no GCPs)", path.display())]
    NoGeoreferencing {
        /// The raster's path.
        path: PathBuf,
    },
    /// The raster has no coordinate reference system, so it cannot be placed on the map.
    #[error("{} has no coordinate reference system", path.display())]
    NoCrs {
        /// The raster's path.
        path: PathBuf,
    },
    /// The ground control points cannot be turned into a pixel-to-map transform.
    #[error("{}: cannot use its ground control points: {message}", path.display())]
    BadGcps {
        /// The raster's path.
        path: PathBuf,
        /// What is wrong with them.
        message: String,
    },
    /// A coordinate could not be transformed between the raster's CRS and WGS 84.
    #[error("{}: cannot transform ({x}, {y}) {direction}: {message}", path.display())]
    Transform {
        /// The raster's path.
        path: PathBuf,
        /// The coordinate's first component.
        x: f64,
        /// The coordinate's second component.
        y: f64,
        /// "to WGS 84" or "from WGS 84".
        direction: &'static str,
        /// PROJ's reason.
        message: String,
    },
    /// A GDAL call failed while describing the raster.
    #[error("{}: {what}: {message}", path.display())]
    Gdal {
        /// The raster's path.
        path: PathBuf,
        /// What was being done.
        what: &'static str,
        /// GDAL's reason.
        message: String,
    },
    /// Pixels or a validity mask could not be read.
    #[error("{}: cannot read pixels {window}: {message}", path.display())]
    Read {
        /// The raster's path.
        path: PathBuf,
        /// The window being read.
        window: PixelRect,
        /// GDAL's reason.
        message: String,
    },
    /// The caller asked for something the raster does not have (a band, a window).
    #[error("{}: {message}", path.display())]
    BadRequest {
        /// The raster's path.
        path: PathBuf,
        /// What is wrong with the request.
        message: String,
    },
    /// A tile specification that cannot cut a raster (a tile size of 0).
    #[error("invalid tile specification: {message}")]
    BadTileSpec {
        /// What is wrong with it.
        message: String,
    },
}

impl Error {
    /// Builds [`Error::Gdal`] from a failed GDAL call.
    pub(crate) fn gdal(path: &Path, what: &'static str, err: &gdal::errors::GdalError) -> Self {
        Error::Gdal {
            path: path.to_path_buf(),
            what,
            message: gdal_message(err),
        }
    }

    /// Builds [`Error::Read`] from a failed GDAL read.
    pub(crate) fn read(path: &Path, window: PixelRect, err: &gdal::errors::GdalError) -> Self {
        Error::Read {
            path: path.to_path_buf(),
            window,
            message: gdal_message(err),
        }
    }

    /// Builds [`Error::BadRequest`].
    pub(crate) fn bad_request(path: &Path, message: impl Into<String>) -> Self {
        Error::BadRequest {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }
}

/// GDAL's own words for a failure, on one line.
pub(crate) fn gdal_message(err: &gdal::errors::GdalError) -> String {
    use gdal::errors::GdalError;
    let message = match err {
        GdalError::CplError { msg, .. } | GdalError::NullPointer { msg, .. } => msg.clone(),
        GdalError::InvalidCoordinateRange { msg: Some(msg), .. } => msg.clone(),
        other => other.to_string(),
    };
    let one_line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        "GDAL gave no reason".to_string()
    } else {
        one_line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_cross_threads() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
    }

    #[test]
    fn messages_name_the_file() {
        let err = Error::NotRaster {
            path: PathBuf::from("foo.tif"),
            message: "`foo.tif' not recognized as a supported file format.".into(),
        };
        assert_eq!(
            err.to_string(),
            "cannot open foo.tif: not a raster GDAL can read (`foo.tif' not recognized as a supported file format.)"
        );
        let err = Error::NoGeoreferencing {
            path: PathBuf::from("foo.tif"),
        };
        assert_eq!(
            err.to_string(),
            "foo.tif has no georeferencing (no geotransform and no GCPs)"
        );
    }
}
