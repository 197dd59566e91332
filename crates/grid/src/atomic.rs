//! Writing an output under a temporary name beside it, then renaming it into place, so that no
//! reader ever sees a half-written file.

use std::path::Path;

use crate::{Error, Result};

/// Calls `write` with a path inside a fresh hidden folder beside `path` (same file name, so that
/// GDAL picks its driver by extension), then renames the file to `path`. On failure the
/// temporary folder is removed and `path` is left as it was.
pub(crate) fn write_atomically<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&Path) -> Result<()>,
{
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(Error::bad_input(path, "not a file path"));
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{}.partial-", name.to_string_lossy()))
        .tempdir_in(parent)
        .map_err(|e| Error::io(parent, e))?;
    let temporary = staging.path().join(name);
    write(&temporary)?;
    std::fs::rename(&temporary, path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let result = write_atomically(&path, |tmp| {
            std::fs::write(tmp, "half").unwrap();
            Err(Error::bad_input(tmp, "disk full"))
        });
        assert!(result.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_successful_write_replaces_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old").unwrap();
        write_atomically(&path, |tmp| {
            std::fs::write(tmp, "new").map_err(|e| Error::io(tmp, e))
        })
        .unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
