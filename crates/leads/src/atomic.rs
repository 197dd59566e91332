//! Writing a file under a temporary name in the same folder, then renaming it, so that no reader
//! ever sees a half-written output.

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Calls `write` with a temporary path beside `path` (same folder, same extension, hidden name),
/// then renames the temporary file to `path`. On failure the temporary file is removed and
/// `path` is left as it was.
pub(crate) fn write_atomically<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&Path) -> Result<()>,
{
    let temporary = temporary_path(path)?;
    let _ = std::fs::remove_file(&temporary);
    let result = write(&temporary)
        .and_then(|()| std::fs::rename(&temporary, path).map_err(|e| Error::io(path, e)));
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// `DIR/.NAME.partial-PID.EXT` for `DIR/NAME.EXT`: GDAL drivers choose by extension, so it is kept.
fn temporary_path(path: &Path) -> Result<PathBuf> {
    let (Some(stem), Some(parent)) = (path.file_stem(), path.parent()) else {
        return Err(Error::io(
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file path"),
        ));
    };
    let mut name = format!(".{}.partial-{}", stem.to_string_lossy(), std::process::id());
    if let Some(ext) = path.extension() {
        name.push('.');
        name.push_str(&ext.to_string_lossy());
    }
    Ok(parent.join(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_neither_the_output_nor_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        let err = write_atomically(&path, |tmp| {
            std::fs::write(tmp, "partial").unwrap();
            Err(Error::io(tmp, std::io::Error::other("disk full")))
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_successful_write_replaces_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "old").unwrap();
        write_atomically(&path, |tmp| {
            assert_eq!(tmp.extension().unwrap(), "txt");
            std::fs::write(tmp, "new").map_err(|e| Error::io(tmp, e))
        })
        .unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
