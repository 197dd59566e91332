//! When the picture was taken, from what the file (or a Landsat MTL beside it) says.

use std::fs;
use std::path::{Path, PathBuf};

use gdal::{Dataset, Metadata};

/// An acquisition date or date-time and where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Acquired {
    /// ISO 8601 date (`2015-08-04`) or date-time (`2015-08-04T16:19:21Z`).
    pub(crate) when: String,
    /// Where it came from, for a reader to judge it.
    pub(crate) source: String,
}

/// Looks for the acquisition date, most trustworthy source first: GDAL's `IMAGERY` metadata
/// (`ACQUISITIONDATETIME`), a Landsat `*_MTL.txt` beside the file whose scene id starts the file's
/// name, then the TIFF date stamp (`TIFFTAG_DATETIME`, which some producers set to the processing
/// time instead).
pub(crate) fn acquired(path: &Path, dataset: &Dataset) -> Option<Acquired> {
    let from_metadata =
        |key: &str, domain: &str, source: &str, parse: fn(&str) -> Option<String>| {
            let value = dataset.metadata_item(key, domain)?;
            Some(Acquired {
                when: parse(value.trim())?,
                source: source.to_string(),
            })
        };
    from_metadata(
        "ACQUISITIONDATETIME",
        "IMAGERY",
        "IMAGERY metadata ACQUISITIONDATETIME",
        iso_date_time,
    )
    .or_else(|| landsat_mtl(path))
    .or_else(|| {
        from_metadata(
            "TIFFTAG_DATETIME",
            "",
            "TIFFTAG_DATETIME, the file's date stamp",
            tiff_date_time,
        )
    })
}

/// `YYYY:MM:DD HH:MM:SS` (the TIFF tag's format) as ISO 8601.
fn tiff_date_time(value: &str) -> Option<String> {
    let (date, time) = value.split_once(' ')?;
    iso_date_time(&format!("{} {time}", date.replace(':', "-")))
}

/// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS[.fff][Z]` or the same with `T`, as ISO 8601 (fractions of a
/// second dropped); `None` for anything else.
fn iso_date_time(value: &str) -> Option<String> {
    let date = value.get(..10)?;
    if !is_date(date) {
        return None;
    }
    let rest = &value[10..];
    if rest.is_empty() {
        return Some(date.to_string());
    }
    let time = rest.strip_prefix([' ', 'T'])?;
    let clock = time.get(..8)?;
    if !is_time(clock) {
        return None;
    }
    let zone = if time.ends_with('Z') { "Z" } else { "" };
    Some(format!("{date}T{clock}{zone}"))
}

fn is_date(s: &str) -> bool {
    pattern_matches(s, "dddd-dd-dd")
}

fn is_time(s: &str) -> bool {
    pattern_matches(s, "dd:dd:dd")
}

/// Whether `s` has the shape of `pattern`, where `d` stands for a digit.
fn pattern_matches(s: &str, pattern: &str) -> bool {
    s.len() == pattern.len()
        && s.bytes().zip(pattern.bytes()).all(|(c, p)| {
            if p == b'd' {
                c.is_ascii_digit()
            } else {
                c == p
            }
        })
}

/// `DATE_ACQUIRED` and `SCENE_CENTER_TIME` from the Landsat MTL file that belongs to `path`.
fn landsat_mtl(path: &Path) -> Option<Acquired> {
    let mtl = find_mtl(path)?;
    let text = fs::read_to_string(&mtl).ok()?;
    let field = |name: &str| {
        text.lines().find_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim() == name).then(|| value.trim().trim_matches('"').to_string())
        })
    };
    let date = field("DATE_ACQUIRED")?;
    let when = match field("SCENE_CENTER_TIME") {
        Some(time) => iso_date_time(&format!("{date}T{time}")),
        None => iso_date_time(&date),
    }?;
    Some(Acquired {
        when,
        source: format!(
            "Landsat MTL {}",
            mtl.file_name().unwrap_or_default().to_string_lossy()
        ),
    })
}

/// The `*_MTL.txt` beside `path` whose scene id (its name without `_MTL.txt`) starts the raster's
/// file name; the longest such id wins.
fn find_mtl(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    fs::read_dir(dir)
        .ok()?
        .filter_map(|entry| {
            let file = entry.ok()?.file_name().into_string().ok()?;
            let scene = file.strip_suffix("_MTL.txt")?;
            name.starts_with(scene)
                .then(|| (scene.len(), dir.join(&file)))
        })
        .max()
        .map(|(_, mtl)| mtl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiff_stamps_become_iso_8601() {
        assert_eq!(
            tiff_date_time("2018:07:16 06:06:23").as_deref(),
            Some("2018-07-16T06:06:23")
        );
        assert_eq!(tiff_date_time("yesterday"), None);
        assert_eq!(tiff_date_time("2018:07:16"), None);
    }

    #[test]
    fn iso_values_are_checked_and_normalised() {
        assert_eq!(iso_date_time("2015-08-04").as_deref(), Some("2015-08-04"));
        assert_eq!(
            iso_date_time("2015-08-04T16:19:21.7917421Z").as_deref(),
            Some("2015-08-04T16:19:21Z")
        );
        assert_eq!(
            iso_date_time("2010-04-01 12:00:00").as_deref(),
            Some("2010-04-01T12:00:00")
        );
        assert_eq!(iso_date_time("2015-8-4"), None);
        assert_eq!(iso_date_time("2015-08-04 noon"), None);
    }

    #[test]
    fn an_mtl_beside_the_raster_gives_the_scene_time() {
        let dir = tempfile::tempdir().unwrap();
        let mtl = dir.path().join("LC08_L1TP_123032_20200101_MTL.txt");
        fs::write(
            &mtl,
            "GROUP = PRODUCT_METADATA\n    DATE_ACQUIRED = 2020-01-01\n    SCENE_CENTER_TIME = \"03:04:05.123Z\"\nEND\n",
        )
        .unwrap();
        fs::write(
            dir.path().join("LC08_MTL.txt"),
            "DATE_ACQUIRED = 1999-01-01\n",
        )
        .unwrap();
        let found = landsat_mtl(&dir.path().join("LC08_L1TP_123032_20200101_B4.TIF")).unwrap();
        assert_eq!(found.when, "2020-01-01T03:04:05Z");
        assert_eq!(
            found.source,
            "Landsat MTL LC08_L1TP_123032_20200101_MTL.txt"
        );
        assert!(landsat_mtl(&dir.path().join("other.tif")).is_none());
    }
}
