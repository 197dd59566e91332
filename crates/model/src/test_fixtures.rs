//! The tiny test models written by `scripts/make-test-model.py`, for this crate's unit tests.

use std::path::{Path, PathBuf};

use tempfile::TempDir;

/// `crates/model/tests/fixtures/models`, laid out like `models/`.
pub fn fixture_models_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models")
}

/// The card of a tiny test model (`tiny-satellite` or `tiny-uav`).
pub fn card_path(name: &str) -> PathBuf {
    fixture_models_dir().join(name).join("card.json")
}

/// A copy of a tiny model's folder in a temporary folder.
pub fn copied_model(name: &str) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join(name);
    std::fs::create_dir(&folder).unwrap();
    for entry in std::fs::read_dir(fixture_models_dir().join(name)).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), folder.join(entry.file_name())).unwrap();
    }
    (dir, folder.join("card.json"))
}

/// A copy of a tiny model whose card JSON was changed by `edit`.
pub fn edited_card(name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> (TempDir, PathBuf) {
    let (dir, card) = copied_model(name);
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&card).unwrap()).unwrap();
    edit(&mut json);
    std::fs::write(&card, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    (dir, card)
}
