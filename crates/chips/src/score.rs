//! Pixel-level quality of a model on labelled scenes: the probability raster of
//! `geoscout predict` against the labels, with the model card's thresholds.
//!
//! Polygon classes: pixel counts of the thresholded mask against the rasterised labels (pixel
//! centres inside a polygon), giving intersection over union, precision, recall and F1. Point
//! classes: peaks of the heat map (local maxima at or above the threshold, at least the match
//! radius apart) matched one-to-one, highest first, to the labelled points within the match
//! radius.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gdal::Dataset;
use geoscout_core::{Class, GeometryKind, Profile};
use serde::{Deserialize, Serialize};

use crate::grid::PixelGrid;
use crate::labels::{LabelOptions, Labels};
use crate::source::SourceRaster;
use crate::targets::{TARGET_FULL, TargetRenderer, channel};
use crate::{Error, Result};

/// A class of a model card: its output channel and threshold.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct CardClass {
    /// The class.
    pub class: Class,
    /// Its channel in the model's output (and band - 1 in the probability raster).
    pub channel: usize,
    /// The probability at or above which a pixel belongs to the class.
    pub threshold: f64,
}

/// What scoring needs of a model card: its profile and classes.
#[derive(Clone, Debug, PartialEq)]
pub struct CardSummary {
    /// `properties."geoscout:profile"`, where the card names one.
    pub profile: Option<Profile>,
    /// `properties."geoscout:classes"`.
    pub classes: Vec<CardClass>,
}

/// Reads the profile and classes of a model card (`card.json`).
pub fn read_card_summary(card: &Path) -> Result<CardSummary> {
    let text = std::fs::read_to_string(card).map_err(Error::io(card))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|err| Error::invalid(card, format!("not JSON: {err}")))?;
    let field = |name: &str| json.pointer(&format!("/properties/{name}")).cloned();
    let classes = field("geoscout:classes").ok_or_else(|| {
        Error::invalid(
            card,
            "no properties.\"geoscout:classes\"; is it a geoscout model card?",
        )
    })?;
    let classes = serde_json::from_value(classes)
        .map_err(|err| Error::invalid(card, format!("properties.\"geoscout:classes\": {err}")))?;
    let profile = field("geoscout:profile")
        .map(serde_json::from_value)
        .transpose()
        .map_err(|err| Error::invalid(card, format!("properties.\"geoscout:profile\": {err}")))?;
    Ok(CardSummary { profile, classes })
}

/// Pixel counts of one polygon class.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PixelCounts {
    /// Pixels labelled as the class.
    pub truth: u64,
    /// Pixels predicted as the class.
    pub predicted: u64,
    /// Pixels both labelled and predicted.
    pub both: u64,
}

impl PixelCounts {
    /// Intersection over union (1 when both are empty).
    pub fn iou(&self) -> f64 {
        ratio(self.both, self.truth + self.predicted - self.both)
    }
    /// Share of predicted pixels that are labelled.
    pub fn precision(&self) -> f64 {
        ratio(self.both, self.predicted)
    }
    /// Share of labelled pixels that are predicted.
    pub fn recall(&self) -> f64 {
        ratio(self.both, self.truth)
    }
    /// Harmonic mean of precision and recall (the Dice coefficient).
    pub fn f1(&self) -> f64 {
        ratio(2 * self.both, self.truth + self.predicted)
    }
    fn add(&mut self, other: PixelCounts) {
        self.truth += other.truth;
        self.predicted += other.predicted;
        self.both += other.both;
    }
}

/// Peak matching of one point class.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeakCounts {
    /// Labelled points.
    pub truth: u64,
    /// Heat-map peaks.
    pub peaks: u64,
    /// Labelled points with a peak within the match radius.
    pub found: u64,
}

impl PeakCounts {
    /// Share of labelled points found.
    pub fn recall(&self) -> f64 {
        ratio(self.found, self.truth)
    }
    /// Share of peaks that found a labelled point.
    pub fn precision(&self) -> f64 {
        ratio(self.found, self.peaks)
    }
    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        ratio(2 * self.found, self.truth + self.peaks)
    }
    fn add(&mut self, other: PeakCounts) {
        self.truth += other.truth;
        self.peaks += other.peaks;
        self.found += other.found;
    }
}

fn ratio(numerator: u64, denominator: u64) -> f64 {
    if denominator == 0 {
        1.0
    } else {
        numerator as f64 / denominator as f64
    }
}

/// The quality figures of one or more scenes (counts summed over scenes).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Quality {
    /// Scenes scored.
    pub scenes: usize,
    /// Pixel counts per polygon class.
    pub pixels: BTreeMap<Class, PixelCounts>,
    /// Peak counts per point class.
    pub peaks: BTreeMap<Class, PeakCounts>,
    /// The radius within which a peak matches a labelled point, in CRS units.
    pub point_radius: f64,
}

impl Quality {
    /// Adds the figures of another scene.
    pub fn add(&mut self, other: &Quality) {
        self.scenes += other.scenes;
        for (class, counts) in &other.pixels {
            self.pixels.entry(*class).or_default().add(*counts);
        }
        for (class, counts) in &other.peaks {
            self.peaks.entry(*class).or_default().add(*counts);
        }
        self.point_radius = other.point_radius;
    }
}

/// How to score a scene.
#[derive(Clone, Debug)]
pub struct ScoreOptions {
    /// The model card's classes.
    pub classes: Vec<CardClass>,
    /// How to read the labels.
    pub label_options: LabelOptions,
    /// The match radius of point classes, in the raster's CRS units (metres).
    pub point_radius: f64,
}

/// Scores the probability raster `probs` (Byte bands, probability x 255, band = channel + 1, on
/// the grid of `raster`) against the labels in `labels`.
pub fn score_scene(
    raster: &Path,
    labels: &Path,
    probs: &Path,
    options: &ScoreOptions,
) -> Result<Quality> {
    let source = SourceRaster::open(raster, None)?;
    let labels = Labels::read(labels, &options.label_options, &source.crs)?;
    let prob_set = Dataset::open(probs).map_err(Error::gdal(probs))?;
    let grid = &probability_grid(&prob_set, probs, &source.grid, raster)?;
    let whole = grid.whole();
    let radius_px = options.point_radius / grid.gsd();
    let renderer = TargetRenderer::new(&labels, grid.clone(), 1.0);
    let truth = renderer.render(whole)?;
    let mut quality = Quality {
        scenes: 1,
        point_radius: options.point_radius,
        ..Quality::default()
    };
    for card_class in &options.classes {
        let probability = read_probability_band(&prob_set, probs, card_class.channel, grid)?;
        let threshold = (card_class.threshold * 255.0).ceil().max(1.0) as u8;
        match card_class.class.geometry_kind() {
            GeometryKind::Polygon => {
                let labelled = truth.index_axis(ndarray::Axis(0), channel(card_class.class));
                let mut counts = PixelCounts::default();
                for (&t, &p) in labelled.iter().zip(&probability) {
                    let (t, p) = (t == TARGET_FULL, p >= threshold);
                    counts.truth += u64::from(t);
                    counts.predicted += u64::from(p);
                    counts.both += u64::from(t && p);
                }
                quality.pixels.insert(card_class.class, counts);
            }
            GeometryKind::Point => {
                let peaks = find_peaks(&probability, grid.width, threshold, radius_px);
                let found = match_peaks(&peaks, renderer.outlets(), radius_px);
                quality.peaks.insert(
                    card_class.class,
                    PeakCounts {
                        truth: renderer.outlets().len() as u64,
                        peaks: peaks.len() as u64,
                        found,
                    },
                );
            }
        }
    }
    Ok(quality)
}

/// The grid of a probability raster: the raster's own, or a coarser one over the same ground
/// (`geoscout predict` reads imagery finer than the model's scan GSD through a coarser view).
fn probability_grid(
    prob_set: &Dataset,
    probs: &Path,
    source: &PixelGrid,
    raster: &Path,
) -> Result<PixelGrid> {
    let (width, height) = prob_set.raster_size();
    if (width, height) == (source.width, source.height) {
        return Ok(source.clone());
    }
    let mismatch = || {
        Error::invalid(
            probs,
            format!(
                "is {width} x {height} pixels and does not cover the ground of {} ({} x {} pixels)",
                raster.display(),
                source.width,
                source.height
            ),
        )
    };
    let grid = prob_set
        .geo_transform()
        .ok()
        .and_then(|transform| PixelGrid::new(width, height, transform))
        .ok_or_else(mismatch)?;
    let (ours, theirs) = (
        grid.window_bounds(grid.whole()),
        source.window_bounds(source.whole()),
    );
    let same_ground = ours
        .iter()
        .zip(theirs)
        .all(|(a, b)| (a - b).abs() <= grid.gsd());
    if same_ground {
        Ok(grid)
    } else {
        Err(mismatch())
    }
}

/// Reads one band of a probability raster as bytes.
fn read_probability_band(
    dataset: &Dataset,
    path: &Path,
    channel: usize,
    grid: &PixelGrid,
) -> Result<Vec<u8>> {
    let band = dataset.rasterband(channel + 1).map_err(|_| {
        Error::invalid(
            path,
            format!("has no band {} for output channel {channel}", channel + 1),
        )
    })?;
    if band.band_type().name() != "Byte" {
        return Err(Error::invalid(
            path,
            "is not a Byte probability raster (probability x 255) as geoscout predict writes",
        ));
    }
    let size = (grid.width, grid.height);
    let buffer = band
        .read_as::<u8>((0, 0), size, size, None)
        .map_err(Error::gdal(path))?;
    Ok(buffer.into_shape_and_vec().1)
}

/// A heat-map peak: pixel centre coordinates and value.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Peak {
    col: f64,
    row: f64,
    value: u8,
}

/// The peaks of a heat map, strongest first: pixels at or above `threshold` that are the
/// largest within the square of half-width `floor(radius_px)` (at least 1) around them, ties going
/// to the earlier pixel in raster order. scripts/geoscout_ml/tuning.py finds peaks the same way.
fn find_peaks(image: &[u8], width: usize, threshold: u8, radius_px: f64) -> Vec<Peak> {
    let height = image.len() / width;
    let count = image.len() as u64;
    // Unique keys: the value first, then earlier pixels before later ones.
    let keys: Vec<u64> = image
        .iter()
        .enumerate()
        .map(|(i, &v)| u64::from(v) * count + (count - 1 - i as u64))
        .collect();
    let reach = (radius_px as usize).max(1);
    let rows_max = sliding_max(&keys, width, height, reach, 1, width);
    let window_max = sliding_max(&rows_max, height, width, reach, width, 1);
    let mut peaks: Vec<(u8, usize)> = (0..image.len())
        .filter(|&i| image[i] >= threshold && keys[i] == window_max[i])
        .map(|i| (image[i], i))
        .collect();
    peaks.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    peaks
        .into_iter()
        .map(|(value, i)| Peak {
            col: (i % width) as f64 + 0.5,
            row: (i / width) as f64 + 0.5,
            value,
        })
        .collect()
}

/// The maximum over `reach` elements either side along one axis of a 2-D array: `lines` lines of
/// `length` elements, elements `step` apart within a line and lines `line_step` apart.
fn sliding_max(
    values: &[u64],
    length: usize,
    lines: usize,
    reach: usize,
    step: usize,
    line_step: usize,
) -> Vec<u64> {
    let mut out = vec![0; values.len()];
    for line in 0..lines {
        let at = |k: usize| line * line_step + k * step;
        for k in 0..length {
            let (lo, hi) = (k.saturating_sub(reach), (k + reach).min(length - 1));
            out[at(k)] = (lo..=hi).map(|j| values[at(j)]).max().unwrap_or(0);
        }
    }
    out
}

/// Matches peaks (strongest first) one-to-one to the nearest unmatched point within
/// `radius_px`; returns how many points were matched.
fn match_peaks(peaks: &[Peak], points: &[(f64, f64)], radius_px: f64) -> u64 {
    let mut taken = vec![false; points.len()];
    let mut found = 0;
    for peak in peaks {
        let nearest = points
            .iter()
            .enumerate()
            .filter(|(i, _)| !taken[*i])
            .map(|(i, &(c, r))| (i, distance(c, r, peak.col, peak.row)))
            .filter(|&(_, d)| d <= radius_px)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((i, _)) = nearest {
            taken[i] = true;
            found += 1;
        }
    }
    found
}

fn distance(x0: f64, y0: f64, x1: f64, y1: f64) -> f64 {
    (x0 - x1).hypot(y0 - y1)
}

/// The probability raster of a scene in a folder of them: `DIR/NAME.tif` for `NAME.tif`.
pub fn probs_for(raster: &Path, dir: &Path) -> PathBuf {
    dir.join(raster.file_name().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_give_iou_and_f1() {
        let counts = PixelCounts {
            truth: 100,
            predicted: 80,
            both: 60,
        };
        assert!((counts.iou() - 0.5).abs() < 1e-12);
        assert!((counts.f1() - 120.0 / 180.0).abs() < 1e-12);
        assert_eq!(PixelCounts::default().iou(), 1.0);
    }

    #[test]
    fn peaks_are_local_maxima_kept_apart_and_matched_once() {
        let width = 40;
        let mut image = vec![0u8; width * 20];
        image[5 * width + 5] = 200;
        image[5 * width + 7] = 150; // within 5 px of the stronger peak: suppressed
        image[8 * width + 8] = 200; // as strong, but later in raster order: suppressed
        image[5 * width + 30] = 120;
        image[15 * width + 30] = 90; // below the threshold
        let peaks = find_peaks(&image, width, 100, 5.0);
        assert_eq!(peaks.len(), 2);
        assert_eq!(
            (peaks[0].col, peaks[0].row, peaks[0].value),
            (5.5, 5.5, 200)
        );
        let points = [(5.0, 5.0), (6.0, 6.0), (30.5, 15.5)];
        assert_eq!(match_peaks(&peaks, &points, 5.0), 1);
        assert_eq!(match_peaks(&peaks, &[(30.0, 8.0)], 5.0), 1);
    }
}
