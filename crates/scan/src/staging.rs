//! Publishing a run's outputs all at once: everything is written to a staging folder inside the
//! output folder, then moved into place when the run is complete.

use std::fs;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// A folder that collects a run's outputs until [`Staging::publish`] moves them into the output
/// folder. Dropped without publishing, it removes itself and leaves earlier outputs untouched.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    published: bool,
}

impl Staging {
    /// Creates the output folder (if needed) and a fresh staging folder inside it.
    pub fn create(out: &Path) -> Result<Staging> {
        let io = |source| Error::Output {
            path: out.to_path_buf(),
            source,
        };
        fs::create_dir_all(out).map_err(io)?;
        let dir = out.join(format!(".geoscout-partial-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(io)?;
        }
        fs::create_dir(&dir).map_err(io)?;
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            published: false,
        })
    }

    /// The staging folder itself.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where an output named `name` is written before publishing.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Moves every staged file and folder into the output folder, replacing outputs of an earlier
    /// run of the same name, and removes the staging folder. Files are renamed over their old
    /// versions atomically; a folder (chips/) replaces the old one by a remove then a rename.
    pub fn publish(mut self) -> Result<()> {
        let entries = fs::read_dir(&self.dir).map_err(|source| Error::Output {
            path: self.dir.clone(),
            source,
        })?;
        let mut names: Vec<_> = entries
            .map(|e| e.map(|e| e.file_name()))
            .collect::<std::io::Result<_>>()
            .map_err(|source| Error::Output {
                path: self.dir.clone(),
                source,
            })?;
        // run.json last: its presence says the run's outputs are all in place.
        names.sort_by_key(|n| (n == "run.json", n.clone()));
        for name in names {
            let from = self.dir.join(&name);
            let to = self.out.join(&name);
            let io = |source| Error::Output {
                path: to.clone(),
                source,
            };
            if from.is_dir() && to.is_dir() {
                fs::remove_dir_all(&to).map_err(io)?;
            }
            fs::rename(&from, &to).map_err(io)?;
        }
        fs::remove_dir(&self.dir).map_err(|source| Error::Output {
            path: self.dir.clone(),
            source,
        })?;
        self.published = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_replaces_earlier_outputs_and_drop_keeps_them() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir_all(out.join("chips")).unwrap();
        fs::write(out.join("leads.geojson"), "old").unwrap();
        fs::write(out.join("chips/old.png"), "old").unwrap();

        let abandoned = Staging::create(&out).unwrap();
        fs::write(abandoned.path("leads.geojson"), "half").unwrap();
        drop(abandoned);
        assert_eq!(
            fs::read_to_string(out.join("leads.geojson")).unwrap(),
            "old"
        );
        assert_eq!(
            fs::read_dir(&out).unwrap().count(),
            2,
            "staging folder left behind"
        );

        let staging = Staging::create(&out).unwrap();
        fs::write(staging.path("leads.geojson"), "new").unwrap();
        fs::create_dir(staging.path("chips")).unwrap();
        fs::write(staging.path("chips/new.png"), "new").unwrap();
        fs::write(staging.path("run.json"), "{}").unwrap();
        staging.publish().unwrap();
        assert_eq!(
            fs::read_to_string(out.join("leads.geojson")).unwrap(),
            "new"
        );
        assert!(out.join("chips/new.png").exists());
        assert!(!out.join("chips/old.png").exists());
        assert_eq!(fs::read_dir(&out).unwrap().count(), 3);
    }
}
