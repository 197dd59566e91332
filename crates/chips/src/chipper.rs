//! Cutting labelled rasters into training chips: image and target `.npy` files, an index and a
//! manifest.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use geoscout_core::fs::write_bytes_atomically;
use geoscout_core::{Class, GeometryKind};
use serde::{Deserialize, Serialize};

use crate::grid::{Window, window_starts};
use crate::labels::{LabelOptions, Labels};
use crate::npy::npy_bytes;
use crate::source::{BandLayout, SourceRaster};
use crate::targets::{TARGET_FULL, TargetRenderer};
use crate::{Error, Result};

/// The manifest file of a chip folder.
pub const MANIFEST_FILE: &str = "chips.json";
/// The index file of a chip folder: one JSON object per chip and line.
pub const INDEX_FILE: &str = "index.jsonl";
/// The outlet heat map's standard deviation in pixels when no size in metres is given.
pub const DEFAULT_OUTLET_SIGMA_PX: f64 = 3.0;

/// Where a raster's labels come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabelSource {
    /// `NAME.truth.geojson` beside each `NAME.tif` (what `geoscout synth` writes).
    Beside,
    /// One vector file for every raster (features outside a raster are simply not on it).
    File(PathBuf),
}

impl LabelSource {
    /// The label file of a raster.
    pub fn for_raster(&self, raster: &Path) -> PathBuf {
        match self {
            LabelSource::Beside => Labels::beside(raster),
            LabelSource::File(path) => path.clone(),
        }
    }
}

/// How to cut chips.
#[derive(Clone, Debug)]
pub struct ChipOptions {
    /// Chip width and height in pixels.
    pub size: usize,
    /// Distance between neighbouring chips in pixels (smaller than `size` for overlap).
    pub stride: usize,
    /// Standard deviation of the outlet heat map in metres; `None` for
    /// [`DEFAULT_OUTLET_SIGMA_PX`] pixels of each raster.
    pub outlet_sigma_m: Option<f64>,
    /// Share (0..=1) of training chips without targets but with a negative (confuser) label
    /// that are kept.
    pub negative_share: f64,
    /// Share (0..=1) of training chips without targets or negatives that are kept.
    pub empty_share: f64,
    /// Share (0..=1) of rasters set aside whole as the validation split.
    pub val_share: f64,
    /// Chips with a larger share of pixels without data are skipped.
    pub max_nodata_share: f64,
    /// Seed of the split and of the choice of empty chips.
    pub seed: u64,
    /// Where the labels come from.
    pub labels: LabelSource,
    /// How to read the labels' classes.
    pub label_options: LabelOptions,
    /// Scale of the stored values (`None`: the data type's default, see
    /// [`BandLayout::default_scale`]).
    pub scale: Option<f64>,
}

impl Default for ChipOptions {
    fn default() -> ChipOptions {
        ChipOptions {
            size: 256,
            stride: 256,
            outlet_sigma_m: None,
            negative_share: 1.0,
            empty_share: 0.25,
            val_share: 0.1,
            max_nodata_share: 0.5,
            seed: 0,
            labels: LabelSource::Beside,
            label_options: LabelOptions::default(),
            scale: None,
        }
    }
}

/// Which part of training a chip serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    /// Fitting the weights.
    Train,
    /// Choosing thresholds and checking progress; never trained on.
    Val,
}

impl Split {
    /// The split's name in the index (`train`, `val`).
    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Val => "val",
        }
    }
}

/// A class as the manifest describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassEntry {
    /// Class name; its position in the list is its target channel.
    pub class: String,
    /// `polygon` (a mask) or `point` (a heat map).
    pub output: GeometryKind,
}

/// One line of the index: a chip.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndexEntry {
    /// Image file (`float32 [bands, size, size]`), relative to the chip folder.
    pub image: String,
    /// Target file (`uint8 [classes, size, size]`, probability x 255), relative to the folder.
    pub target: String,
    /// The source raster.
    pub raster: PathBuf,
    /// The window in the raster: column, row, width, height.
    pub window: [usize; 4],
    /// Training or validation.
    pub split: Split,
    /// Pixels per class whose target is at least one half.
    pub pixels: BTreeMap<String, u64>,
    /// Negative (confuser) labels overlapping the chip.
    pub negatives: usize,
    /// Pixels without data (zero in every band of the image).
    pub nodata_pixels: u64,
}

/// What became of one raster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RasterReport {
    /// The raster.
    pub raster: PathBuf,
    /// Its labels.
    pub labels: PathBuf,
    /// Its split.
    pub split: Split,
    /// Its ground sample distance in CRS units (metres for projected CRSs).
    pub gsd: f64,
    /// Windows looked at.
    pub windows: usize,
    /// Chips written.
    pub chips: usize,
    /// Target pixels per class in the written chips.
    pub pixels: BTreeMap<String, u64>,
}

/// The manifest (`chips.json`) of a chip folder: everything `scripts/train.py` needs to know.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format name and version: `geoscout-chips/1`.
    pub format: String,
    /// Bands and their scaling (the same for every raster).
    #[serde(flatten)]
    pub layout: BandLayout,
    /// Target channels.
    pub classes: Vec<ClassEntry>,
    /// Chip size in pixels.
    pub chip_size: usize,
    /// Chip stride in pixels.
    pub stride: usize,
    /// Outlet heat-map standard deviation in metres, or `null` for `outlet_sigma_px` pixels.
    pub outlet_sigma_m: Option<f64>,
    /// Outlet heat-map standard deviation in pixels when no size in metres is given.
    pub outlet_sigma_px: f64,
    /// Share of training chips with confusers but no targets kept.
    pub negative_share: f64,
    /// Share of empty training chips kept.
    pub empty_share: f64,
    /// Seed of the split and of the empty chips.
    pub seed: u64,
    /// Smallest and largest ground sample distance of the rasters.
    pub gsd_range: [f64; 2],
    /// Chips per split.
    pub chips: BTreeMap<String, usize>,
    /// Per-raster reports.
    pub rasters: Vec<RasterReport>,
}

/// Cuts `rasters` into chips under `out` (`images/`, `targets/`, [`INDEX_FILE`],
/// [`MANIFEST_FILE`]), calling `progress` after each raster.
///
/// All rasters must have the same bands, data type and scaling. Whole rasters go to the
/// validation split (`val_share` of them, chosen by the seed; at least one when there are two
/// or more rasters and `val_share` > 0), so that no scene is in both splits. In the training
/// split every chip with a target pixel is kept, `negative_share` of those with only negative
/// (confuser) labels and `empty_share` of the rest; the validation split keeps every chip, so that thresholds are tuned on whole scenes.
/// The index and manifest are written last, through temporary names.
pub fn write_chips(
    rasters: &[PathBuf],
    out: &Path,
    options: &ChipOptions,
    mut progress: impl FnMut(&RasterReport),
) -> Result<Manifest> {
    check_options(options)?;
    if rasters.is_empty() {
        return Err(Error::Options("no rasters given".to_string()));
    }
    let stems = unique_stems(rasters)?;
    let val = validation_set(&stems, options);
    for folder in ["images", "targets"] {
        let path = out.join(folder);
        std::fs::create_dir_all(&path).map_err(Error::io(&path))?;
    }

    let mut layout: Option<BandLayout> = None;
    let mut index = String::new();
    let mut reports = Vec::with_capacity(rasters.len());
    for (raster, stem) in rasters.iter().zip(&stems) {
        let source = SourceRaster::open(raster, options.scale)?;
        match &layout {
            None => layout = Some(source.layout.clone()),
            Some(first) => check_same_layout(first, &source)?,
        }
        let split = if val.contains(stem.as_str()) {
            Split::Val
        } else {
            Split::Train
        };
        let report = chip_raster(&source, stem, split, out, options, &mut index)?;
        progress(&report);
        reports.push(report);
    }

    let mut chips = BTreeMap::new();
    for report in &reports {
        *chips.entry(report.split.name().to_string()).or_insert(0) += report.chips;
    }
    let gsds = reports.iter().map(|r| r.gsd);
    let manifest = Manifest {
        format: "geoscout-chips/1".to_string(),
        layout: layout.expect("at least one raster"),
        classes: Class::ALL
            .into_iter()
            .map(|class| ClassEntry {
                class: class.name().to_string(),
                output: class.geometry_kind(),
            })
            .collect(),
        chip_size: options.size,
        stride: options.stride,
        outlet_sigma_m: options.outlet_sigma_m,
        outlet_sigma_px: DEFAULT_OUTLET_SIGMA_PX,
        negative_share: options.negative_share,
        empty_share: options.empty_share,
        seed: options.seed,
        gsd_range: [
            gsds.clone().fold(f64::MAX, f64::min),
            gsds.fold(f64::MIN, f64::max),
        ],
        chips,
        rasters: reports,
    };
    write_bytes_atomically(&out.join(INDEX_FILE), index.as_bytes())?;
    let json = serde_json::to_vec_pretty(&manifest).expect("the manifest serialises");
    write_bytes_atomically(&out.join(MANIFEST_FILE), &json)?;
    Ok(manifest)
}

/// Cuts one raster, appending its chips' index lines to `index`.
fn chip_raster(
    source: &SourceRaster,
    stem: &str,
    split: Split,
    out: &Path,
    options: &ChipOptions,
    index: &mut String,
) -> Result<RasterReport> {
    let label_path = options.labels.for_raster(&source.path);
    let labels = Labels::read(&label_path, &options.label_options, &source.crs)?;
    let gsd = source.grid.gsd();
    let sigma_px = options
        .outlet_sigma_m
        .map_or(DEFAULT_OUTLET_SIGMA_PX, |metres| metres / gsd);
    let renderer = TargetRenderer::new(&labels, source.grid.clone(), sigma_px);

    let rows = window_starts(
        source.grid.height,
        options.size,
        options.size.min(options.stride),
    );
    let cols = window_starts(
        source.grid.width,
        options.size,
        options.size.min(options.stride),
    );
    if rows.is_empty() || cols.is_empty() {
        return Err(Error::invalid(
            &source.path,
            format!(
                "the raster ({} x {} pixels) is smaller than one chip ({} pixels); use a smaller --size",
                source.grid.width, source.grid.height, options.size
            ),
        ));
    }
    let mut report = RasterReport {
        raster: source.path.clone(),
        labels: label_path,
        split,
        gsd,
        windows: rows.len() * cols.len(),
        chips: 0,
        pixels: BTreeMap::new(),
    };
    let max_nodata = (options.max_nodata_share * (options.size * options.size) as f64) as u64;
    for &row in &rows {
        for &col in &cols {
            let window = Window {
                col,
                row,
                width: options.size,
                height: options.size,
            };
            let (image, nodata) = source.read(window)?;
            let nodata_pixels = nodata.iter().filter(|&&n| n).count() as u64;
            if nodata_pixels > max_nodata {
                continue;
            }
            let targets = renderer.render(window)?;
            let pixels: BTreeMap<String, u64> = Class::ALL
                .into_iter()
                .enumerate()
                .map(|(k, class)| {
                    let channel = targets.index_axis(ndarray::Axis(0), k);
                    let count = channel.iter().filter(|&&v| v > TARGET_FULL / 2).count();
                    (class.name().to_string(), count as u64)
                })
                .collect();
            let negatives = renderer.negatives_in(window);
            let has_target = pixels.values().any(|&n| n > 0);
            let share = if negatives > 0 {
                options.negative_share
            } else {
                options.empty_share
            };
            let keep = split == Split::Val
                || has_target
                || unit_hash(options.seed, stem, row, col) < share;
            if !keep {
                continue;
            }
            let name = format!("{stem}_r{row}_c{col}.npy");
            let entry = IndexEntry {
                image: format!("images/{name}"),
                target: format!("targets/{name}"),
                raster: source.path.clone(),
                window: [col, row, window.width, window.height],
                split,
                pixels,
                negatives,
                nodata_pixels,
            };
            write_bytes_atomically(&out.join(&entry.image), &npy_bytes(&image))?;
            write_bytes_atomically(&out.join(&entry.target), &npy_bytes(&targets))?;
            for (class, count) in &entry.pixels {
                *report.pixels.entry(class.clone()).or_insert(0) += count;
            }
            index.push_str(&serde_json::to_string(&entry).expect("an index entry serialises"));
            index.push('\n');
            report.chips += 1;
        }
    }
    Ok(report)
}

/// Refuses options that make no sense.
fn check_options(options: &ChipOptions) -> Result<()> {
    let share_ok = |share: f64| (0.0..=1.0).contains(&share);
    if options.size == 0 || options.stride == 0 {
        return Err(Error::Options(
            "chip size and stride must be at least 1 pixel".to_string(),
        ));
    }
    if !share_ok(options.empty_share)
        || !share_ok(options.val_share)
        || !share_ok(options.max_nodata_share)
    {
        return Err(Error::Options(
            "shares must lie between 0 and 1".to_string(),
        ));
    }
    if options
        .outlet_sigma_m
        .is_some_and(|s| s.is_nan() || s <= 0.0)
    {
        return Err(Error::Options(
            "the outlet heat map's sigma must be positive".to_string(),
        ));
    }
    Ok(())
}

/// The file stems of the rasters, which name their chips; two rasters with one stem are refused.
fn unique_stems(rasters: &[PathBuf]) -> Result<Vec<String>> {
    let mut seen = BTreeSet::new();
    rasters
        .iter()
        .map(|raster| {
            let stem = raster
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .ok_or_else(|| Error::invalid(raster, "not a file name"))?;
            if !seen.insert(stem.clone()) {
                return Err(Error::invalid(
                    raster,
                    format!("another raster is also named '{stem}'; chips are named after rasters, so rename one"),
                ));
            }
            Ok(stem)
        })
        .collect()
}

/// The stems of the rasters that form the validation split.
fn validation_set<'a>(stems: &'a [String], options: &ChipOptions) -> BTreeSet<&'a str> {
    let mut count = (stems.len() as f64 * options.val_share).round() as usize;
    // A share between 0 and 1 leaves at least one raster in each split where it can.
    if stems.len() >= 2 && options.val_share > 0.0 && options.val_share < 1.0 {
        count = count.clamp(1, stems.len() - 1);
    }
    let mut ranked: Vec<&str> = stems.iter().map(String::as_str).collect();
    ranked.sort_by(|a, b| {
        unit_hash(options.seed, a, 0, 0)
            .total_cmp(&unit_hash(options.seed, b, 0, 0))
            .then(a.cmp(b))
    });
    ranked.into_iter().take(count).collect()
}

/// A number in 0..1 that depends only on its inputs (FNV-1a, then a SplitMix64 finish).
fn unit_hash(seed: u64, text: &str, row: usize, col: usize) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = seed
        .to_le_bytes()
        .into_iter()
        .chain(text.bytes())
        .chain((row as u64).to_le_bytes())
        .chain((col as u64).to_le_bytes());
    for byte in bytes {
        h = (h ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// Refuses a raster whose bands differ from the first raster's.
fn check_same_layout(first: &BandLayout, source: &SourceRaster) -> Result<()> {
    let layout = &source.layout;
    if layout.bands.len() != first.bands.len()
        || layout.data_type != first.data_type
        || layout.band_scale != first.band_scale
    {
        return Err(Error::invalid(
            &source.path,
            format!(
                "has {} {} bands, but the first raster has {} {} bands; chips of one set must share bands",
                layout.bands.len(),
                layout.data_type,
                first.bands.len(),
                first.data_type
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_split_is_seeded_and_never_takes_every_raster() {
        let stems: Vec<String> = (0..20).map(|i| format!("scene_{i}")).collect();
        let options = ChipOptions {
            val_share: 0.2,
            ..ChipOptions::default()
        };
        let val = validation_set(&stems, &options);
        assert_eq!(val.len(), 4);
        assert_eq!(val, validation_set(&stems, &options));
        let other = validation_set(
            &stems,
            &ChipOptions {
                seed: 7,
                ..options.clone()
            },
        );
        assert_ne!(val, other);
        assert_eq!(validation_set(&stems[..2], &options).len(), 1);
        assert_eq!(validation_set(&stems[..1], &options).len(), 0);
        let all = ChipOptions {
            val_share: 1.0,
            ..options
        };
        assert_eq!(validation_set(&stems, &all).len(), 20);
    }

    #[test]
    fn unit_hash_spreads_over_the_unit_interval() {
        let values: Vec<f64> = (0..1000).map(|i| unit_hash(1, "a", i, 0)).collect();
        assert!(values.iter().all(|v| (0.0..1.0).contains(v)));
        let below = values.iter().filter(|&&v| v < 0.25).count();
        assert!((200..300).contains(&below), "{below}");
    }
}
