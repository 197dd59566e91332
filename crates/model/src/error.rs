//! The error type of the model stage.

use std::path::PathBuf;

use geoscout_core::fs::IoError;

use crate::check::Mismatch;

/// Everything that can go wrong between a model card on disk and a probability tile.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read (the message names it).
    #[error(transparent)]
    Io(#[from] IoError),
    /// A card is not valid JSON or lacks a field.
    #[error("{}: not a geoscout model card: {source}", path.display())]
    CardJson {
        /// The card.
        path: PathBuf,
        /// What the JSON parser said.
        source: serde_json::Error,
    },
    /// A card parses but contradicts itself or the model contract (models/MODEL_CARD.md).
    #[error("{}: {problem}", path.display())]
    InvalidCard {
        /// The card.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// The weights file is not the one the card describes.
    #[error(
        "{}: sha256 {actual} does not match the card ({expected}): the weights file was changed or corrupted",
        path.display()
    )]
    WeightsMismatch {
        /// The weights file.
        path: PathBuf,
        /// Its sha256.
        actual: String,
        /// The sha256 the card records.
        expected: String,
    },
    /// `--model NAME` named no model in the models folder, and no such file or folder exists.
    #[error(
        "no model named '{name}' in {} (available: {}) and no file or folder of that name",
        dir.display(),
        if available.is_empty() { "none".to_string() } else { available.join(", ") }
    )]
    UnknownModel {
        /// The name asked for.
        name: String,
        /// The models folder searched.
        dir: PathBuf,
        /// The names it holds.
        available: Vec<String>,
    },
    /// No model in the models folder fits a raster.
    #[error("{}", no_fitting_model(raster, dir, rejected))]
    NoFittingModel {
        /// The raster's path.
        raster: String,
        /// The models folder searched.
        dir: PathBuf,
        /// Each model's name and why the raster does not fit it.
        rejected: Vec<(String, Vec<Mismatch>)>,
    },
    /// A raster does not fit a model.
    #[error("{raster} does not fit model '{model}': {}", list(mismatches))]
    RasterMismatch {
        /// The raster's file name.
        raster: String,
        /// The model's name.
        model: String,
        /// Every way in which it does not fit.
        mismatches: Vec<Mismatch>,
    },
    /// A device name is not `cpu`, `cuda` or `cuda:N`.
    #[error("unknown device '{0}' (expected cpu, cuda or cuda:N)")]
    UnknownDevice(String),
    /// CUDA was asked for but libtorch cannot use it.
    #[error(
        "CUDA device {index} was asked for but {}; use --device cpu, or build geoscout against a CUDA \
         PyTorch (LIBTORCH_USE_PYTORCH=1, see the README)",
        if *visible == 0 { "this libtorch has no CUDA support or sees no GPU".to_string() }
        else { format!("only {visible} CUDA device(s) are visible") }
    )]
    CudaUnavailable {
        /// The device index asked for.
        index: usize,
        /// How many CUDA devices libtorch sees.
        visible: i64,
    },
    /// libtorch could not load a TorchScript file.
    #[error("{}: libtorch cannot load it as TorchScript: {message}", path.display())]
    Load {
        /// The weights file.
        path: PathBuf,
        /// libtorch's message (first lines, without the C++ stack).
        message: String,
    },
    /// A batch does not have the shape the model needs.
    #[error("model '{model}': {problem}")]
    BadInput {
        /// The model's name.
        model: String,
        /// What is wrong with the batch.
        problem: String,
    },
    /// The network returned something other than the card promises.
    #[error("model '{model}' broke its card's contract: {problem}")]
    BadOutput {
        /// The model's name.
        model: String,
        /// What came back.
        problem: String,
    },
    /// A raster could not be read.
    #[error(transparent)]
    Raster(#[from] geoscout_raster::Error),
    /// libtorch failed while running the network.
    #[error("model '{model}': libtorch failed: {message}")]
    Torch {
        /// The model's name.
        model: String,
        /// libtorch's message (first lines, without the C++ stack).
        message: String,
    },
}

/// The result type of the model stage.
pub type Result<T> = std::result::Result<T, Error>;

fn list(mismatches: &[Mismatch]) -> String {
    mismatches
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn no_fitting_model(
    raster: &str,
    dir: &std::path::Path,
    rejected: &[(String, Vec<Mismatch>)],
) -> String {
    if rejected.is_empty() {
        return format!(
            "there are no models in {} to run on {raster}: pass --model PATH, or set GEOSCOUT_MODELS",
            dir.display()
        );
    }
    let reasons: Vec<String> = rejected
        .iter()
        .map(|(name, mismatches)| format!("  {name}: {}", list(mismatches)))
        .collect();
    format!(
        "{raster} fits none of the models in {}:\n{}\n(pass --model NAME|PATH for another model)",
        dir.display(),
        reasons.join("\n")
    )
}

/// libtorch's message without the C++ stack trace that follows it.
pub(crate) fn torch_message(err: &tch::TchError) -> String {
    let text = err.to_string();
    let end = text.find("\nException raised from").unwrap_or(text.len());
    text[..end].trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_can_cross_threads() {
        fn is_send_sync<T: Send + Sync>() {}
        is_send_sync::<Error>();
    }

    #[test]
    fn torch_message_drops_the_cpp_stack() {
        let err = tch::TchError::Torch(
            "shape mismatch\nException raised from foo at bar.cpp:1\nframe #0: ...".into(),
        );
        assert_eq!(torch_message(&err), "Internal torch error: shape mismatch");
    }
}
