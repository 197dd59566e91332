//! Keeping leads' relative chip paths right when leads are written to another folder.

use std::path::{Component, Path, PathBuf};

use geoscout_leads::Lead;

/// Rewrites each lead's relative `chip` path, which was relative to `from`, to be relative to
/// `to` (both folders must exist). Absolute paths are left as they are.
pub fn rebase_chip_paths(leads: &mut [Lead], from: &Path, to: &Path) -> std::io::Result<()> {
    let (from, to) = (from.canonicalize()?, to.canonicalize()?);
    if from == to {
        return Ok(());
    }
    for lead in leads {
        if let Some(chip) = lead.chip.as_deref().filter(|c| Path::new(c).is_relative()) {
            let rebased = relative_path(&lexically_normal(&from.join(chip)), &to);
            lead.chip = Some(rebased.to_string_lossy().into_owned());
        }
    }
    Ok(())
}

/// `path` with `.` dropped and each `..` taking away the component before it.
fn lexically_normal(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

/// The path of `target` relative to the folder `base` (both absolute, without `..`).
fn relative_path(target: &Path, base: &Path) -> PathBuf {
    let target: Vec<Component> = target.components().collect();
    let base: Vec<Component> = base.components().collect();
    let common = target.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut path = PathBuf::new();
    for _ in common..base.len() {
        path.push("..");
    }
    for component in &target[common..] {
        path.push(component);
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use geoscout_core::Class;

    #[test]
    fn relative_paths_climb_to_the_common_folder() {
        let p = relative_path(
            Path::new("/runs/2024-05/chips/a.png"),
            Path::new("/runs/ledger"),
        );
        assert_eq!(p, Path::new("../2024-05/chips/a.png"));
        let p = relative_path(Path::new("/runs/chips/a.png"), Path::new("/runs"));
        assert_eq!(p, Path::new("chips/a.png"));
    }

    #[test]
    fn chips_are_rebased_and_absolute_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (scan, out) = (dir.path().join("scan"), dir.path().join("out"));
        std::fs::create_dir_all(&scan).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        let point = geo::point!(x: 113.5, y: 39.9);
        let mut leads = vec![
            Lead::new("a", Class::DischargeOutlet, 0.5, point.into()),
            Lead::new("b", Class::DischargeOutlet, 0.5, point.into()),
        ];
        leads[0].chip = Some("./chips/../chips/a.png".into());
        leads[1].chip = Some("/data/b.png".into());
        rebase_chip_paths(&mut leads, &scan, &out).unwrap();
        assert_eq!(leads[0].chip.as_deref(), Some("../scan/chips/a.png"));
        assert_eq!(leads[1].chip.as_deref(), Some("/data/b.png"));
    }
}
