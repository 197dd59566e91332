//! Writing outputs so that no reader ever sees a half-written file: each file is written under a
//! temporary name beside it, then renamed into place.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A failed file-system operation and the file or folder it concerned.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct IoError {
    /// The file or folder.
    pub path: PathBuf,
    /// What the operating system said.
    #[source]
    pub source: std::io::Error,
}

impl IoError {
    /// An error about `path`.
    pub fn new(path: impl Into<PathBuf>, source: std::io::Error) -> IoError {
        IoError {
            path: path.into(),
            source,
        }
    }
}

/// Calls `write` with a temporary path, then renames what it wrote to `path`.
///
/// The temporary path lies in a fresh hidden folder beside `path` (`.NAME.partial-PID-N/NAME`):
/// on the same file system, so the rename is atomic, and with the same file name, so GDAL picks
/// its driver by the extension. The folder is removed afterwards with anything else written
/// into it (GDAL's side files), and on failure `path` is left as it was. Errors of `write` are
/// returned as they are; failing to stage or rename becomes an [`IoError`] naming `path`.
pub fn write_atomically<E, F>(path: &Path, write: F) -> Result<(), E>
where
    F: FnOnce(&Path) -> Result<(), E>,
    E: From<IoError>,
{
    let staging = Staging::beside(path)?;
    let temporary = staging.dir.join(staging.name);
    write(&temporary)?;
    std::fs::rename(&temporary, path).map_err(|e| IoError::new(path, e).into())
}

/// Writes `bytes` to `path` through [`write_atomically`], flushed to disk before the rename.
/// Errors name `path`, never the temporary file.
pub fn write_bytes_atomically(path: &Path, bytes: &[u8]) -> Result<(), IoError> {
    write_atomically(path, |temporary| {
        std::fs::File::create(temporary)
            .and_then(|mut file| {
                file.write_all(bytes)?;
                file.sync_all()
            })
            .map_err(|e| IoError::new(path, e))
    })
}

/// A hidden folder beside an output, removed with its content when dropped.
struct Staging<'a> {
    dir: PathBuf,
    name: &'a std::ffi::OsStr,
}

impl<'a> Staging<'a> {
    /// Creates `.NAME.partial-PID-N` in `path`'s folder, N counting up within this process
    /// (and past any folder a crashed run left).
    fn beside(path: &'a Path) -> Result<Staging<'a>, IoError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            let problem = std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file path");
            return Err(IoError::new(path, problem));
        };
        let prefix = format!(".{}.partial-{}", name.to_string_lossy(), std::process::id());
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let dir = parent.join(format!("{prefix}-{n}"));
            match std::fs::create_dir(&dir) {
                Ok(()) => return Ok(Staging { dir, name }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(IoError::new(path, e)),
            }
        }
    }
}

impl Drop for Staging<'_> {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_successful_write_replaces_the_output_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.gpkg");
        std::fs::write(&path, "old").unwrap();
        write_atomically(&path, |tmp| {
            assert_eq!(tmp.file_name(), path.file_name(), "GDAL sees the extension");
            assert_eq!(tmp.parent().unwrap().parent(), Some(dir.path()));
            let staging = tmp.parent().unwrap().file_name().unwrap().to_string_lossy();
            assert!(
                staging.starts_with(".out.gpkg.partial-"),
                "hidden: {staging}"
            );
            std::fs::write(tmp.with_extension("gpkg-journal"), "side file")
                .and_then(|()| std::fs::write(tmp, "new"))
                .map_err(|e| IoError::new(tmp, e))
        })
        .unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(entries(dir.path()), ["out.gpkg"]);
    }

    #[test]
    fn a_failed_write_leaves_the_output_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old").unwrap();
        let result = write_atomically(&path, |tmp| {
            std::fs::write(tmp, "half").unwrap();
            Err(IoError::new(tmp, std::io::Error::other("disk full")))
        });
        assert!(result.unwrap_err().to_string().ends_with("disk full"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(entries(dir.path()), ["out.csv"]);
    }

    #[test]
    fn the_caller_keeps_its_own_error_type() {
        #[derive(Debug)]
        enum Caller {
            Io(IoError),
            Refused,
        }
        impl From<IoError> for Caller {
            fn from(e: IoError) -> Caller {
                Caller::Io(e)
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        let refused = write_atomically(&path, |_| Err(Caller::Refused));
        assert!(matches!(refused, Err(Caller::Refused)));
        let missing = dir.path().join("no/such/folder/out.txt");
        let Err(Caller::Io(e)) = write_atomically(&missing, |_| Ok::<(), Caller>(())) else {
            panic!("staging in a missing folder fails");
        };
        assert_eq!(e.path, missing);
        assert_eq!(entries(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn writes_to_one_path_at_once_do_not_meet() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        std::thread::scope(|scope| {
            for i in 0..8 {
                let path = &path;
                scope.spawn(move || write_bytes_atomically(path, format!("{i}").as_bytes()));
            }
        });
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.parse::<u32>().is_ok_and(|i| i < 8), "{text}");
        assert_eq!(entries(dir.path()), ["out.txt"]);
    }

    #[test]
    fn byte_writes_name_the_output_and_refuse_a_folder_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        write_bytes_atomically(&path, b"bytes").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"bytes");
        let err = write_bytes_atomically(Path::new("/"), b"x").unwrap_err();
        assert_eq!(err.to_string(), "/: not a file path");
        let into_a_file = path.join("b.txt");
        let err = write_bytes_atomically(&into_a_file, b"x").unwrap_err();
        assert_eq!(err.path, into_a_file);
    }
}
