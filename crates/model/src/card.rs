//! The model card: a STAC Item with the MLM extension plus geoscout's own `geoscout:*` fields
//! (models/MODEL_CARD.md is the contract with `scripts/train.py`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use geoscout_core::fs::IoError;
use geoscout_core::{Class, GeometryKind, Profile};
use geoscout_raster::RasterInfo;
use serde::Deserialize;

use crate::error::{Error, Result};

/// What a model card says about a model: how to feed it, what it returns and which file holds it.
///
/// Built by [`ModelCard::from_path`], which checks that the card is coherent.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelCard {
    /// The model's name (the STAC Item id, e.g. `satellite`).
    pub name: String,
    /// The imagery profile the model was trained for.
    pub profile: Profile,
    /// The default tile (core) size in pixels.
    pub tile_size: usize,
    /// Pixels of context read on each side of a tile's core, so that cores do not depend on tiling.
    pub halo: usize,
    /// Height and width given to the network must be multiples of this (its total stride).
    pub size_multiple: usize,
    /// The ground sample distances the model accepts, in metres, smallest first.
    pub gsd_range_m: [f64; 2],
    /// Rasters with finer pixels are read with their pixels averaged to this ground sample
    /// distance, in metres (`geoscout:scan_gsd_m`); `None` reads every raster at its own.
    pub scan_gsd_m: Option<f64>,
    /// The GDAL data type name the raster's bands must have (`UInt16`, `Byte`, ...).
    pub data_type: String,
    /// Band names in the order the network expects them (the raster's band order).
    pub bands: Vec<String>,
    /// Per band: the network sees `stored value * scale + offset`.
    pub band_scale: Vec<f64>,
    /// Per band: see [`ModelCard::band_scale`].
    pub band_offset: Vec<f64>,
    /// The stored value that means "no data", where the imagery has one.
    pub nodata: Option<f64>,
    /// The output channels, channel `k` being `classes[k]`.
    pub classes: Vec<ClassSpec>,
    /// The hex sha256 of the weights file.
    pub weights_sha256: String,
    /// The network's architecture (`mlm:architecture`).
    pub architecture: String,
    /// The framework and its version (`mlm:framework`, `mlm:framework_version`).
    pub framework: String,
    /// How the weights file was made (`mlm:artifact_type`, e.g. `torch.jit.script`).
    pub artifact_type: String,
    /// How the model was trained (`geoscout:training`), as the card states it.
    pub training: serde_json::Value,
    /// Held-out quality figures (`geoscout:metrics`), as the card states them.
    pub metrics: serde_json::Value,
    path: PathBuf,
    weights: PathBuf,
}

/// One output channel of a model.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ClassSpec {
    /// The class the channel scores.
    pub class: Class,
    /// The channel index in the network's output.
    pub channel: usize,
    /// Whether the channel is a mask (polygon) or a heat map peaking at points.
    pub output: GeometryKind,
    /// The probability above which a pixel counts as the class.
    pub threshold: f32,
    /// An object is reported only when its highest probability reaches this (hysteresis: the
    /// outline follows `threshold`, confidence comes from the peak). `None` keeps every object.
    #[serde(default)]
    pub peak_threshold: Option<f32>,
    /// An object is reported only when its score, the mean probability of its pixels, reaches
    /// this. `None` keeps every object.
    #[serde(default)]
    pub min_score: Option<f32>,
    /// Smallest object worth reporting, for polygon classes.
    #[serde(default)]
    pub min_area_m2: Option<f64>,
}

impl ModelCard {
    /// Reads and checks a `card.json`. The weights path is resolved against the card's folder.
    pub fn from_path(path: &Path) -> Result<ModelCard> {
        let text = std::fs::read_to_string(path).map_err(|e| IoError::new(path, e))?;
        let document: CardDocument =
            serde_json::from_str(&text).map_err(|source| Error::CardJson {
                path: path.to_path_buf(),
                source,
            })?;
        let card = document.into_card(path)?;
        card.validate().map_err(|problem| Error::InvalidCard {
            path: path.to_path_buf(),
            problem,
        })?;
        Ok(card)
    }

    /// The card file this was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The TorchScript weights file (the card's `weights` asset).
    pub fn weights_path(&self) -> &Path {
        &self.weights
    }

    /// How many times larger, on each side, the pixels of `raster` are read (see
    /// [`ModelCard::scan_gsd_m`]); `None` when it is read as it is: no scan GSD, an unknown
    /// GSD, a raster that is not north-up (no coarser view of it is made), or pixels at least
    /// as coarse, within 1 %.
    pub fn coarsening(&self, raster: &RasterInfo) -> Option<f64> {
        let gsd_m = raster.gsd_m.filter(|g| *g > 0.0 && raster.north_up())?;
        let factor = self.scan_gsd_m? / gsd_m;
        (factor > 1.01).then_some(factor)
    }

    /// Height and width of the network input for a tile core of `tile_size` pixels.
    pub fn window_size(&self, tile_size: usize) -> usize {
        tile_size + 2 * self.halo
    }

    /// Whether `tile_size` can be given to this model (a positive multiple of its size multiple).
    pub fn check_tile_size(&self, tile_size: usize) -> std::result::Result<(), String> {
        if tile_size == 0 || tile_size % self.size_multiple != 0 {
            return Err(format!(
                "tile size {tile_size} is not a positive multiple of model '{}''s size multiple {}",
                self.name, self.size_multiple
            ));
        }
        Ok(())
    }

    fn validate(&self) -> std::result::Result<(), String> {
        let n = self.bands.len();
        if n == 0 {
            return Err("geoscout:bands is empty".into());
        }
        if self.band_scale.len() != n || self.band_offset.len() != n {
            return Err(format!(
                "geoscout:band_scale ({}) and geoscout:band_offset ({}) must have one value per band ({n})",
                self.band_scale.len(),
                self.band_offset.len()
            ));
        }
        if self.classes.is_empty() {
            return Err("geoscout:classes is empty".into());
        }
        for (k, spec) in self.classes.iter().enumerate() {
            if spec.channel != k {
                return Err(format!(
                    "geoscout:classes[{k}] ({}) has channel {}: classes must be listed in channel order",
                    spec.class, spec.channel
                ));
            }
            for (name, value) in [
                ("threshold", Some(spec.threshold)),
                ("peak_threshold", spec.peak_threshold),
                ("min_score", spec.min_score),
            ] {
                if let Some(value) = value.filter(|v| !(0.0..=1.0).contains(v)) {
                    return Err(format!("{name} {value} of {} is outside 0..1", spec.class));
                }
            }
        }
        if self.size_multiple == 0 {
            return Err("geoscout:size_multiple must be at least 1".into());
        }
        self.check_tile_size(self.tile_size)?;
        if self.halo % self.size_multiple != 0 {
            // Tile windows start at core - halo; a network of stride s only gives the same output
            // for the same pixel when windows are shifted by multiples of s.
            return Err(format!(
                "geoscout:halo {} is not a multiple of geoscout:size_multiple {}",
                self.halo, self.size_multiple
            ));
        }
        let [low, high] = self.gsd_range_m;
        if !(low > 0.0 && low <= high) {
            return Err(format!(
                "geoscout:gsd_range_m [{low}, {high}] is not a range of positive sizes"
            ));
        }
        if let Some(scan) = self.scan_gsd_m.filter(|s| !(low..=high).contains(s)) {
            return Err(format!(
                "geoscout:scan_gsd_m {scan} is outside geoscout:gsd_range_m [{low}, {high}]"
            ));
        }
        if self.weights_sha256.len() != 64
            || !self.weights_sha256.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(format!(
                "geoscout:weights_sha256 '{}' is not a hex sha256",
                self.weights_sha256
            ));
        }
        Ok(())
    }
}

/// The parts of the STAC Item geoscout reads.
#[derive(Deserialize)]
struct CardDocument {
    id: String,
    properties: Properties,
    assets: BTreeMap<String, Asset>,
}

#[derive(Deserialize)]
struct Properties {
    #[serde(rename = "mlm:architecture")]
    architecture: String,
    #[serde(rename = "mlm:framework", default)]
    framework: Option<String>,
    #[serde(rename = "mlm:framework_version", default)]
    framework_version: Option<String>,
    #[serde(rename = "geoscout:profile")]
    profile: Profile,
    #[serde(rename = "geoscout:tile_size")]
    tile_size: usize,
    #[serde(rename = "geoscout:halo")]
    halo: usize,
    #[serde(rename = "geoscout:size_multiple")]
    size_multiple: usize,
    #[serde(rename = "geoscout:gsd_range_m")]
    gsd_range_m: [f64; 2],
    #[serde(rename = "geoscout:scan_gsd_m", default)]
    scan_gsd_m: Option<f64>,
    #[serde(rename = "geoscout:data_type")]
    data_type: String,
    #[serde(rename = "geoscout:bands")]
    bands: Vec<String>,
    #[serde(rename = "geoscout:band_scale")]
    band_scale: Vec<f64>,
    #[serde(rename = "geoscout:band_offset")]
    band_offset: Vec<f64>,
    #[serde(rename = "geoscout:nodata", default)]
    nodata: Option<f64>,
    #[serde(rename = "geoscout:classes")]
    classes: Vec<ClassSpec>,
    #[serde(rename = "geoscout:weights_sha256")]
    weights_sha256: String,
    #[serde(rename = "geoscout:training", default)]
    training: serde_json::Value,
    #[serde(rename = "geoscout:metrics", default)]
    metrics: serde_json::Value,
}

#[derive(Deserialize)]
struct Asset {
    href: String,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(rename = "mlm:artifact_type", default)]
    artifact_type: Option<String>,
}

impl CardDocument {
    fn into_card(self, path: &Path) -> Result<ModelCard> {
        let invalid = |problem: String| Error::InvalidCard {
            path: path.to_path_buf(),
            problem,
        };
        let (_, weights) = self
            .assets
            .into_iter()
            .find(|(key, asset)| key == "weights" || asset.roles.iter().any(|r| r == "mlm:model"))
            .ok_or_else(|| invalid("no weights asset (assets.weights, role mlm:model)".into()))?;
        if weights.href.contains("://") {
            return Err(invalid(format!(
                "weights href '{}' is a URL; geoscout reads weights from a local file next to the card",
                weights.href
            )));
        }
        let folder = path.parent().unwrap_or(Path::new("."));
        let p = self.properties;
        let framework = match (p.framework, p.framework_version) {
            (Some(name), Some(version)) => format!("{name} {version}"),
            (Some(name), None) => name,
            (None, _) => String::new(),
        };
        Ok(ModelCard {
            name: self.id,
            profile: p.profile,
            tile_size: p.tile_size,
            halo: p.halo,
            size_multiple: p.size_multiple,
            gsd_range_m: p.gsd_range_m,
            scan_gsd_m: p.scan_gsd_m,
            data_type: p.data_type,
            bands: p.bands,
            band_scale: p.band_scale,
            band_offset: p.band_offset,
            nodata: p.nodata,
            classes: p.classes,
            weights_sha256: p.weights_sha256.to_ascii_lowercase(),
            architecture: p.architecture,
            framework,
            artifact_type: weights.artifact_type.unwrap_or_default(),
            training: p.training,
            metrics: p.metrics,
            path: path.to_path_buf(),
            weights: folder.join(weights.href),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::{TestRaster, card_path, edited_card};

    #[test]
    fn reads_the_tiny_satellite_card() {
        let card = ModelCard::from_path(&card_path("tiny-satellite")).unwrap();
        assert_eq!(card.name, "tiny-satellite");
        assert_eq!(card.profile, Profile::Satellite);
        assert_eq!(card.bands, ["blue", "green", "red", "nir"]);
        assert_eq!(card.data_type, "UInt16");
        assert_eq!(card.band_scale, [1e-4; 4]);
        assert_eq!(card.nodata, Some(0.0));
        assert_eq!((card.tile_size, card.halo, card.size_multiple), (256, 8, 2));
        assert_eq!(card.gsd_range_m, [1.0, 2.0]);
        let classes: Vec<Class> = card.classes.iter().map(|c| c.class).collect();
        assert_eq!(classes, Class::ALL);
        assert_eq!(card.classes[1].output, GeometryKind::Point);
        assert_eq!(card.artifact_type, "torch.jit.script");
        assert_eq!(card.framework, "pytorch 2.13.0");
        assert_eq!(
            card.weights_path(),
            card_path("tiny-satellite").with_file_name("model.pt")
        );
        assert_eq!(card.window_size(256), 272);
    }

    #[test]
    fn reads_the_tiny_uav_card() {
        let card = ModelCard::from_path(&card_path("tiny-uav")).unwrap();
        assert_eq!(card.profile, Profile::Uav);
        assert_eq!(card.bands, ["red", "green", "blue"]);
        assert_eq!(card.data_type, "Byte");
        assert_eq!(card.nodata, None);
    }

    #[test]
    fn refuses_classes_out_of_channel_order() {
        let (_dir, path) = edited_card("tiny-satellite", |card| {
            card["properties"]["geoscout:classes"][0]["channel"] = 2.into();
        });
        let err = ModelCard::from_path(&path).unwrap_err().to_string();
        assert!(err.contains("channel order"), "{err}");
        assert!(err.contains("card.json"), "{err}");
    }

    #[test]
    fn reads_and_checks_the_lead_filters() {
        type Field = fn(&ClassSpec) -> Option<f32>;
        let fields: [(&str, Field); 2] = [
            ("peak_threshold", |spec| spec.peak_threshold),
            ("min_score", |spec| spec.min_score),
        ];
        for (field, value_of) in fields {
            let (_dir, path) = edited_card("tiny-satellite", |card| {
                card["properties"]["geoscout:classes"][0][field] = 0.75.into();
            });
            let card = ModelCard::from_path(&path).unwrap();
            assert_eq!(value_of(&card.classes[0]), Some(0.75), "{field}");
            assert_eq!(value_of(&card.classes[1]), None, "{field}");

            let (_dir, path) = edited_card("tiny-satellite", |card| {
                card["properties"]["geoscout:classes"][2][field] = 1.5.into();
            });
            let err = ModelCard::from_path(&path).unwrap_err().to_string();
            assert!(
                err.contains(&format!("{field} 1.5 of dust_source is outside 0..1")),
                "{err}"
            );
        }
    }

    #[test]
    fn a_scan_gsd_coarsens_finer_north_up_rasters_only() {
        let (_dir, path) = edited_card("tiny-satellite", |card| {
            card["properties"]["geoscout:scan_gsd_m"] = 1.5.into();
        });
        let card = ModelCard::from_path(&path).unwrap();
        let raster = |gsd| TestRaster::new(&["Gray"], "UInt16", gsd).info();
        let (_fine_dir, mut fine) = raster(Some(1.0));
        // The raster's GSD is geodesic: within a scale factor of its 1 m grid.
        let factor = card.coarsening(&fine).unwrap();
        assert!((factor - 1.5).abs() < 0.005, "{factor}");
        for gsd in [Some(1.51), Some(1.49), Some(2.0), None] {
            let (_dir, info) = raster(gsd);
            assert_eq!(card.coarsening(&info), None, "{gsd:?}");
        }
        let plain = ModelCard::from_path(&card_path("tiny-satellite")).unwrap();
        assert_eq!(plain.coarsening(&fine), None);
        // No coarser view is made of a rotated raster.
        fine.geotransform.as_mut().unwrap()[2] = 0.1;
        assert_eq!(card.coarsening(&fine), None);
    }

    #[test]
    fn refuses_a_scan_gsd_outside_the_gsd_range() {
        let (_dir, path) = edited_card("tiny-satellite", |card| {
            card["properties"]["geoscout:scan_gsd_m"] = 3.0.into();
        });
        let err = ModelCard::from_path(&path).unwrap_err().to_string();
        assert!(err.contains("scan_gsd_m 3 is outside"), "{err}");
    }

    #[test]
    fn refuses_a_halo_that_breaks_the_stride() {
        let (_dir, path) = edited_card("tiny-satellite", |card| {
            card["properties"]["geoscout:halo"] = 7.into();
        });
        let err = ModelCard::from_path(&path).unwrap_err().to_string();
        assert!(err.contains("halo 7 is not a multiple"), "{err}");
    }

    #[test]
    fn refuses_scales_that_do_not_match_the_bands() {
        let (_dir, path) = edited_card("tiny-satellite", |card| {
            card["properties"]["geoscout:band_scale"] = serde_json::json!([0.0001]);
        });
        let err = ModelCard::from_path(&path).unwrap_err().to_string();
        assert!(err.contains("one value per band (4)"), "{err}");
    }

    #[test]
    fn a_missing_field_is_named() {
        let (_dir, path) = edited_card("tiny-satellite", |card| {
            card["properties"]
                .as_object_mut()
                .unwrap()
                .remove("geoscout:halo");
        });
        let err = ModelCard::from_path(&path).unwrap_err().to_string();
        assert!(err.contains("geoscout:halo"), "{err}");
        assert!(err.contains("not a geoscout model card"), "{err}");
    }

    #[test]
    fn tile_sizes_must_fit_the_stride() {
        let card = ModelCard::from_path(&card_path("tiny-satellite")).unwrap();
        assert!(card.check_tile_size(512).is_ok());
        assert!(card.check_tile_size(0).is_err());
        let err = card.check_tile_size(301).unwrap_err();
        assert!(err.contains("size multiple 2"), "{err}");
    }
}
