//! Finding model cards: by name in the models folder, or by path.

use std::path::{Path, PathBuf};

use geoscout_core::fs::IoError;
use geoscout_raster::RasterInfo;

use crate::card::ModelCard;
use crate::error::{Error, Result};

/// The environment variable that overrides the models folder.
pub const MODELS_ENV: &str = "GEOSCOUT_MODELS";

/// The models folder: `$GEOSCOUT_MODELS` if set, else the repository's `models/`.
pub fn models_dir() -> PathBuf {
    match std::env::var_os(MODELS_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        // This crate lives in `crates/model` of the repository.
        _ => Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .nth(2)
            .expect("crates/model lies two folders below the repository")
            .join("models"),
    }
}

/// Finds the card that `--model` names: a model name in [`models_dir`], or the path of a
/// `card.json` or of a folder holding one.
pub fn resolve(name_or_path: &str) -> Result<PathBuf> {
    let dir = models_dir();
    let is_plain_name = !name_or_path.is_empty()
        && Path::new(name_or_path).components().count() == 1
        && !name_or_path.ends_with(".json");
    if is_plain_name {
        let card = dir.join(name_or_path).join("card.json");
        if card.is_file() {
            return Ok(card);
        }
    }
    let path = Path::new(name_or_path);
    if path.is_dir() {
        let card = path.join("card.json");
        return match card.is_file() {
            true => Ok(card),
            false => Err(IoError::new(
                card,
                std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no card.json in this model folder",
                ),
            )
            .into()),
        };
    }
    if path.is_file() {
        return Ok(path.to_path_buf());
    }
    Err(Error::UnknownModel {
        name: name_or_path.to_string(),
        available: model_names(&dir),
        dir,
    })
}

/// Every model in [`models_dir`] (each `<name>/card.json`), by name. A folder holding no card is
/// skipped; a card that cannot be read is an error.
pub fn shipped_models() -> Result<Vec<ModelCard>> {
    let dir = models_dir();
    model_names(&dir)
        .iter()
        .map(|name| ModelCard::from_path(&dir.join(name).join("card.json")))
        .collect()
}

/// The first model in [`models_dir`] (by name) that `raster` fits; when none does, an error that
/// says why for each of them.
pub fn fitting_model(raster: &RasterInfo) -> Result<ModelCard> {
    fitting_model_in(&models_dir(), raster)
}

fn fitting_model_in(dir: &Path, raster: &RasterInfo) -> Result<ModelCard> {
    let mut rejected = Vec::new();
    for name in model_names(dir) {
        let card = ModelCard::from_path(&dir.join(&name).join("card.json"))?;
        let mismatches = card.mismatches(raster);
        if mismatches.is_empty() {
            return Ok(card);
        }
        rejected.push((name, mismatches));
    }
    Err(Error::NoFittingModel {
        raster: raster.path.display().to_string(),
        dir: dir.to_path_buf(),
        rejected,
    })
}

fn model_names(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().join("card.json").is_file())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::{TestRaster, card_path, fixture_models_dir};
    use geoscout_raster::Raster;

    // Each test passes a full path or reads the fixture folder directly, so none of them needs
    // to set GEOSCOUT_MODELS (tests run in parallel threads of one process).

    #[test]
    fn a_folder_or_a_card_path_resolves_to_the_card() {
        let card = card_path("tiny-uav");
        let folder = card.parent().unwrap();
        assert_eq!(resolve(folder.to_str().unwrap()).unwrap(), card);
        assert_eq!(resolve(card.to_str().unwrap()).unwrap(), card);
    }

    #[test]
    fn a_folder_without_a_card_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = resolve(dir.path().to_str().unwrap())
            .unwrap_err()
            .to_string();
        assert!(err.contains("card.json"), "{err}");
        assert!(err.contains("no card.json in this model folder"), "{err}");
    }

    #[test]
    fn an_unknown_name_lists_the_models_folder() {
        let err = resolve("no-such-model").unwrap_err().to_string();
        assert!(err.contains("no model named 'no-such-model'"), "{err}");
        assert!(err.contains("models"), "{err}");
    }

    #[test]
    fn the_fitting_model_is_chosen_by_the_raster() {
        let dir = tempfile::tempdir().unwrap();
        let drone = TestRaster::new(&["Red", "Green", "Blue"], "Byte", Some(0.1)).write(dir.path());
        let info = Raster::open(&drone).unwrap().info().clone();
        assert_eq!(
            fitting_model_in(&fixture_models_dir(), &info).unwrap().name,
            "tiny-uav"
        );
    }

    #[test]
    fn when_no_model_fits_each_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let landsat = TestRaster::new(&["Gray"; 6], "UInt16", Some(30.0)).write(dir.path());
        let info = Raster::open(&landsat).unwrap().info().clone();
        let err = fitting_model_in(&fixture_models_dir(), &info)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("scene.tif fits none of the models in"),
            "{err}"
        );
        assert!(err.contains("tiny-satellite: it has 6 bands"), "{err}");
        assert!(err.contains("tiny-uav: it has 6 bands"), "{err}");
        assert!(err.contains("--model"), "{err}");
        let empty = tempfile::tempdir().unwrap();
        let err = fitting_model_in(empty.path(), &info)
            .unwrap_err()
            .to_string();
        assert!(err.contains("there are no models in"), "{err}");
    }

    #[test]
    fn names_are_the_folders_that_hold_a_card() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("empty")).unwrap();
        assert!(model_names(dir.path()).is_empty());
        assert_eq!(
            model_names(&fixture_models_dir()),
            ["tiny-satellite", "tiny-uav"]
        );
    }
}
