//! The probability GeoTIFF: one Byte band per class (probability x 255) on the input's grid,
//! tiled 256 x 256 and DEFLATE-compressed, written under a temporary name and renamed when done.

use std::path::{Path, PathBuf};

use anyhow::Context;
use gdal::raster::{Buffer, RasterCreationOptions};
use gdal::{Dataset, DriverManager, Metadata};
use geoscout_model::ModelCard;
use geoscout_raster::PixelRect;
use ndarray::{ArrayView2, ArrayView3, Zip};

/// Side of the GeoTIFF's internal tiles.
const BLOCK: usize = 256;

/// A probability GeoTIFF being written.
pub struct ProbabilityWriter {
    dataset: Option<Dataset>,
    partial: PathBuf,
    out: PathBuf,
    scratch: Vec<u8>,
}

impl ProbabilityWriter {
    /// Starts `out` (as a hidden temporary file beside it) with the size and georeferencing of the
    /// raster at `grid` (the one read), one band per class of `card`, described by the class
    /// names, and `source` (the input file) named as its source.
    pub fn create(
        out: &Path,
        grid: &Path,
        source: &Path,
        card: &ModelCard,
    ) -> anyhow::Result<Self> {
        let grid_set =
            Dataset::open(grid).with_context(|| format!("cannot open {}", grid.display()))?;
        let (width, height) = grid_set.raster_size();
        let partial = partial_path(out);
        let options = RasterCreationOptions::from_iter([
            "TILED=YES",
            &format!("BLOCKXSIZE={BLOCK}"),
            &format!("BLOCKYSIZE={BLOCK}"),
            "COMPRESS=DEFLATE",
            "PREDICTOR=2",
            "INTERLEAVE=BAND",
            "BIGTIFF=IF_SAFER",
            "PHOTOMETRIC=MINISBLACK",
        ]);
        let dataset = DriverManager::get_driver_by_name("GTiff")?
            .create_with_band_type_with_options::<u8, _>(
                &partial,
                width,
                height,
                card.classes.len(),
                &options,
            )
            .with_context(|| format!("cannot create {}", out.display()))?;
        // From here on, dropping the writer removes the partial file.
        let mut writer = ProbabilityWriter {
            dataset: Some(dataset),
            partial,
            out: out.to_path_buf(),
            scratch: Vec::new(),
        };
        let dataset = writer.dataset.as_mut().expect("just created");
        copy_georeferencing(&grid_set, dataset)
            .and_then(|()| describe(dataset, source, card))
            .with_context(|| format!("cannot write {}", out.display()))?;
        Ok(writer)
    }

    /// Writes the probabilities of one tile core, `(class, row, column)`, at `core`; pixels
    /// without data get 0 in every band.
    pub fn write_core(
        &mut self,
        core: PixelRect,
        probabilities: ArrayView3<'_, f32>,
        valid: ArrayView2<'_, bool>,
    ) -> anyhow::Result<()> {
        let dataset = self.dataset.as_ref().expect("written before finish");
        for (index, plane) in probabilities.outer_iter().enumerate() {
            self.scratch.clear();
            self.scratch.reserve(core.area());
            Zip::from(&plane).and(&valid).for_each(|&p, &ok| {
                self.scratch.push(if ok { to_byte(p) } else { 0 });
            });
            let mut buffer =
                Buffer::new((core.width, core.height), std::mem::take(&mut self.scratch));
            dataset
                .rasterband(index + 1)?
                .write(
                    (core.x as isize, core.y as isize),
                    (core.width, core.height),
                    &mut buffer,
                )
                .with_context(|| format!("cannot write {} at {core}", self.out.display()))?;
            self.scratch = buffer.into_shape_and_vec().1;
        }
        Ok(())
    }

    /// Adds overviews (for quick display in QGIS), closes the file and renames it to its name.
    pub fn finish(mut self) -> anyhow::Result<()> {
        let mut dataset = self.dataset.take().expect("finished once");
        let context = || format!("cannot write {}", self.out.display());
        let levels = overview_levels(dataset.raster_size());
        if !levels.is_empty() {
            dataset
                .build_overviews("AVERAGE", &levels, &[])
                .with_context(context)?;
        }
        dataset.close().with_context(context)?;
        std::fs::rename(&self.partial, &self.out).with_context(context)?;
        Ok(())
    }
}

impl Drop for ProbabilityWriter {
    /// A run that did not finish leaves nothing behind.
    fn drop(&mut self) {
        if let Some(dataset) = self.dataset.take() {
            drop(dataset);
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

/// `dir/.name.partial-PID`, beside `out` so that the final rename stays on one file system.
fn partial_path(out: &Path) -> PathBuf {
    let name = out.file_name().map_or_else(
        || "probabilities".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    out.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

fn copy_georeferencing(source: &Dataset, target: &mut Dataset) -> gdal::errors::Result<()> {
    if let Ok(transform) = source.geo_transform() {
        target.set_geo_transform(&transform)?;
        if let Ok(srs) = source.spatial_ref() {
            target.set_spatial_ref(&srs)?;
        }
    } else if let Some(srs) = source.gcp_spatial_ref() {
        target.set_gcps(source.gcps().iter().map(Into::into).collect(), &srs)?;
    }
    Ok(())
}

/// Band descriptions (class names) and provenance in the dataset's metadata.
fn describe(dataset: &mut Dataset, source: &Path, card: &ModelCard) -> gdal::errors::Result<()> {
    for (index, spec) in card.classes.iter().enumerate() {
        dataset
            .rasterband(index + 1)?
            .set_description(spec.class.name())?;
    }
    let software = format!("geoscout {}", env!("CARGO_PKG_VERSION"));
    let source = std::fs::canonicalize(source).unwrap_or_else(|_| source.to_path_buf());
    for (key, value) in [
        ("GEOSCOUT_VALUES", "probability x 255, one band per class"),
        ("GEOSCOUT_SOURCE", &source.display().to_string()),
        ("GEOSCOUT_MODEL", &card.name),
        ("GEOSCOUT_MODEL_SHA256", &card.weights_sha256),
        ("TIFFTAG_SOFTWARE", &software),
    ] {
        dataset.set_metadata_item(key, value, "")?;
    }
    Ok(())
}

/// A probability as a byte: 0..1 -> 0..255, rounded.
fn to_byte(p: f32) -> u8 {
    (p.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// Overview factors 2, 4, 8, ... while the overview is still larger than one block.
fn overview_levels((width, height): (usize, usize)) -> Vec<i32> {
    let largest = width.max(height);
    (1..)
        .map(|power| 1i32 << power)
        .take_while(|&factor| largest / factor as usize >= BLOCK)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_round_to_bytes() {
        assert_eq!(to_byte(0.0), 0);
        assert_eq!(to_byte(1.0), 255);
        assert_eq!(to_byte(0.5), 128);
        assert_eq!(to_byte(0.499 / 255.0), 0);
        assert_eq!(to_byte(-0.1), 0);
        assert_eq!(to_byte(1.5), 255);
        assert_eq!(to_byte(f32::NAN), 0);
    }

    #[test]
    fn overviews_stop_at_one_block() {
        assert!(overview_levels((300, 200)).is_empty());
        assert_eq!(overview_levels((512, 100)), [2]);
        assert_eq!(overview_levels((1300, 1100)), [2, 4]);
        assert_eq!(overview_levels((20_000, 50)), [2, 4, 8, 16, 32, 64]);
    }

    #[test]
    fn the_partial_file_is_hidden_beside_the_output() {
        let partial = partial_path(Path::new("/data/out/probs.tif"));
        assert_eq!(partial.parent(), Some(Path::new("/data/out")));
        assert!(
            partial
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".probs.tif.partial-")
        );
    }
}
