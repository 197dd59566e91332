//! Expanding the command line's INPUT arguments into a list of raster files.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// File extensions taken as rasters when a folder is searched.
pub const RASTER_EXTENSIONS: [&str; 6] = ["tif", "tiff", "vrt", "img", "jp2", "ntf"];

/// Extensions of text files that list one input per line.
const LIST_EXTENSIONS: [&str; 2] = ["txt", "lst"];

/// Expands inputs (raster files, folders searched recursively for rasters, or text files that
/// list one path per line, relative to the list's folder) into raster paths, in a stable order
/// and without duplicates. A path that does not exist is an error that names it.
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for input in inputs {
        expand_one(input, &mut found)?;
    }
    let mut seen = BTreeSet::new();
    found.retain(|p| seen.insert(p.clone()));
    Ok(found)
}

fn expand_one(input: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    let meta = fs::metadata(input).map_err(|source| Error::Input {
        path: input.to_path_buf(),
        source,
    })?;
    if meta.is_dir() {
        let mut rasters = Vec::new();
        search_folder(input, &mut rasters)?;
        rasters.sort();
        found.extend(rasters);
    } else if has_extension(input, &LIST_EXTENSIONS) {
        let text = fs::read_to_string(input).map_err(|source| Error::Input {
            path: input.to_path_buf(),
            source,
        })?;
        let base = input.parent().unwrap_or(Path::new("."));
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            expand_one(&base.join(line), found)?;
        }
    } else {
        found.push(input.to_path_buf());
    }
    Ok(())
}

fn search_folder(dir: &Path, rasters: &mut Vec<PathBuf>) -> Result<()> {
    let entries = fs::read_dir(dir).map_err(|source| Error::Input {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| Error::Input {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        if path.is_dir() {
            search_folder(&path, rasters)?;
        } else if has_extension(&path, &RASTER_EXTENSIONS) {
            rasters.push(path);
        }
    }
    Ok(())
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, b"").unwrap();
    }

    #[test]
    fn folders_lists_and_files_expand_in_order_without_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(&root.join("a/2.tif"));
        touch(&root.join("a/1.TIF"));
        touch(&root.join("a/notes.md"));
        touch(&root.join("a/deeper/3.vrt"));
        touch(&root.join("b.tif"));
        fs::write(root.join("list.txt"), "# campaign\nb.tif\n\na/2.tif\n").unwrap();

        let got = expand_inputs(&[root.join("a"), root.join("list.txt")]).unwrap();
        let names: Vec<_> = got
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a/1.TIF", "a/2.tif", "a/deeper/3.vrt", "b.tif"]);
    }

    #[test]
    fn a_missing_input_is_named_in_the_error() {
        let err = expand_inputs(&[PathBuf::from("/no/such/scene.tif")]).unwrap_err();
        assert!(err.to_string().contains("/no/such/scene.tif"), "{err}");
    }
}
