//! Checking a raster against a model card before any work is done, and reading it as the card
//! says.

use std::fmt;

use geoscout_raster::{BandInfo, BandScale, Georeferencing, RasterInfo, ReadOptions};
use ndarray::{Array2, ArrayView3, Axis};

use crate::card::ModelCard;
use crate::error::{Error, Result};

/// Tolerance on the ground sample distance range, relative: a 2.05 m raster still fits a
/// 1 to 2 m model, a 2.2 m raster does not.
pub const GSD_TOLERANCE: f64 = 0.05;

/// One way in which a raster does not fit a model. Displayed as a phrase about the raster
/// ("has 3 bands (red, green, blue) but the model needs 4 (blue, green, red, nir)").
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Mismatch {
    /// Not as many image bands (alpha excluded) as the model takes.
    BandCount {
        /// The raster's band names (colour interpretation or description).
        found: Vec<String>,
        /// The model's band names.
        needed: Vec<String>,
    },
    /// A band is labelled as a colour the model expects elsewhere (e.g. a BGR file for an RGB model).
    BandOrder {
        /// The 1-based band number.
        band: usize,
        /// The raster's label for it.
        found: String,
        /// What the model expects there.
        needed: String,
    },
    /// The bands' data type is not the model's.
    DataType {
        /// The raster's GDAL data type name(s).
        found: String,
        /// The model's.
        needed: String,
    },
    /// The ground sample distance is outside the model's range, and the raster is not one that
    /// is read coarser at the model's scan GSD.
    Gsd {
        /// The raster's ground sample distance in metres.
        found: f64,
        /// The model's range in metres.
        range: [f64; 2],
        /// The model's scan GSD, where it has one: finer, north-up rasters are read at it.
        scan_gsd: Option<f64>,
    },
    /// The raster has no georeferencing (no geotransform or no CRS), so no ground sample
    /// distance and no map position.
    NotGeoreferenced,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::BandCount { found, needed } => write!(
                f,
                "it has {} band{} ({}) but the model needs {} ({})",
                found.len(),
                if found.len() == 1 { "" } else { "s" },
                found.join(", "),
                needed.len(),
                needed.join(", ")
            ),
            Mismatch::BandOrder { band, found, needed } => {
                write!(f, "its band {band} is {found} but the model needs {needed} there")
            }
            Mismatch::DataType { found, needed } => {
                write!(f, "its data type is {found} but the model needs {needed}")
            }
            Mismatch::Gsd {
                found,
                range,
                scan_gsd,
            } => {
                write!(
                    f,
                    "its ground sample distance is {} m but the model takes {} to {} m",
                    round3(*found),
                    range[0],
                    range[1]
                )?;
                match scan_gsd {
                    Some(scan) if found < scan => {
                        write!(f, " (or finer rasters, read at {scan} m, when north-up)")
                    }
                    _ => Ok(()),
                }
            }
            Mismatch::NotGeoreferenced => {
                f.write_str("it has no georeferencing (geotransform and CRS), so its ground sample distance is unknown")
            }
        }
    }
}

impl ModelCard {
    /// Every way in which `raster` does not fit this model (none when it fits): band count
    /// (alpha bands aside), band colours where the file names them, data type, ground sample
    /// distance as the model sees it (within [`GSD_TOLERANCE`]; see
    /// [`ModelCard::coarsening`]) and georeferencing.
    pub fn mismatches(&self, raster: &RasterInfo) -> Vec<Mismatch> {
        let bands = image_bands(raster);
        let mut found = Vec::new();
        if bands.len() != self.bands.len() {
            found.push(Mismatch::BandCount {
                found: bands.iter().map(|b| band_label(b)).collect(),
                needed: self.bands.clone(),
            });
        } else {
            found.extend(bands.iter().zip(&self.bands).filter_map(|(band, needed)| {
                let colour = band.color_interpretation.to_ascii_lowercase();
                let named = matches!(colour.as_str(), "red" | "green" | "blue");
                (named && colour != needed.to_ascii_lowercase()).then(|| Mismatch::BandOrder {
                    band: band.index,
                    found: colour,
                    needed: needed.clone(),
                })
            }));
        }
        let mut types: Vec<&str> = bands.iter().map(|b| b.data_type.as_str()).collect();
        types.dedup();
        if types.iter().any(|t| *t != self.data_type) {
            found.push(Mismatch::DataType {
                found: types.join(", "),
                needed: self.data_type.clone(),
            });
        }
        let georeferenced = raster.georeferencing != Georeferencing::None;
        match raster.gsd_m.filter(|_| georeferenced) {
            None => found.push(Mismatch::NotGeoreferenced),
            Some(gsd) => {
                let [low, high] = self.gsd_range_m;
                // Finer imagery read through a coarser view is seen at the scan GSD.
                let seen = self.coarsening(raster).map_or(gsd, |factor| gsd * factor);
                if seen < low * (1.0 - GSD_TOLERANCE) || seen > high * (1.0 + GSD_TOLERANCE) {
                    found.push(Mismatch::Gsd {
                        found: gsd,
                        range: self.gsd_range_m,
                        scan_gsd: self.scan_gsd_m,
                    });
                }
            }
        }
        found
    }

    /// Fails, naming the raster, the model and every mismatch, unless `raster` fits this model.
    pub fn check_raster(&self, raster: &RasterInfo) -> Result<()> {
        let mismatches = self.mismatches(raster);
        if mismatches.is_empty() {
            return Ok(());
        }
        Err(Error::RasterMismatch {
            raster: raster.path.display().to_string(),
            model: self.name.clone(),
            mismatches,
        })
    }

    /// How to read `raster` for this model: its image bands (alpha bands aside) in file order,
    /// each scaled as the card says. Meant for a raster that passed [`ModelCard::check_raster`].
    pub fn read_options(&self, raster: &RasterInfo) -> ReadOptions {
        let bands = image_bands(raster).iter().map(|b| b.index).collect();
        let scale = self
            .band_scale
            .iter()
            .zip(&self.band_offset)
            .map(|(&scale, &offset)| BandScale {
                scale: scale as f32,
                offset: offset as f32,
            })
            .collect();
        ReadOptions::bands(bands).with_scale(scale)
    }

    /// Marks as invalid the pixels whose every band holds the card's nodata value, so that
    /// rasters that do not declare it are masked too. `pixels` are scaled as by
    /// [`ModelCard::read_options`], `(band, row, column)`; `valid` is `(row, column)`.
    pub fn mask_nodata(&self, pixels: ArrayView3<'_, f32>, valid: &mut Array2<bool>) {
        let Some(nodata) = self.nodata else {
            return;
        };
        let mut all_nodata = Array2::from_elem(valid.dim(), true);
        for ((band, &scale), &offset) in pixels
            .axis_iter(Axis(0))
            .zip(&self.band_scale)
            .zip(&self.band_offset)
        {
            // The same f32 arithmetic as the reader's, so that equality is exact.
            let value = nodata as f32 * scale as f32 + offset as f32;
            all_nodata.zip_mut_with(&band, |all, &v| *all &= v == value);
        }
        valid.zip_mut_with(&all_nodata, |ok, &nodata| *ok &= !nodata);
    }
}

/// The bands that carry the image: all but alpha bands.
fn image_bands(raster: &RasterInfo) -> Vec<&BandInfo> {
    raster
        .bands
        .iter()
        .filter(|b| !b.color_interpretation.eq_ignore_ascii_case("alpha"))
        .collect()
}

/// A band's name for messages: its description, else its colour interpretation.
fn band_label(band: &BandInfo) -> String {
    band.description
        .clone()
        .unwrap_or_else(|| band.color_interpretation.to_ascii_lowercase())
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::{TestRaster, card_path, edited_card};
    use ndarray::Array3;

    fn card(name: &str) -> ModelCard {
        ModelCard::from_path(&card_path(name)).unwrap()
    }

    /// The message with which `card` refuses `info`.
    fn refusal(card: &ModelCard, info: &RasterInfo) -> String {
        card.check_raster(info).unwrap_err().to_string()
    }

    const RGB: &[&str] = &["Red", "Green", "Blue"];
    const SATELLITE: &[&str] = &["Gray", "Undefined", "Undefined", "Undefined"];

    #[test]
    fn a_drone_orthophoto_fits_the_uav_model() {
        let (_dir, info) = TestRaster::new(RGB, "Byte", Some(0.1)).info();
        assert_eq!(card("tiny-uav").mismatches(&info), []);
        assert!(card("tiny-uav").check_raster(&info).is_ok());
    }

    #[test]
    fn a_drone_orthophoto_does_not_fit_the_satellite_model() {
        let (_dir, info) = TestRaster::new(RGB, "Byte", Some(0.1)).info();
        let err = refusal(&card("tiny-satellite"), &info);
        for part in [
            "scene.tif does not fit model 'tiny-satellite'",
            "it has 3 bands (red, green, blue) but the model needs 4 (blue, green, red, nir)",
            "its data type is Byte but the model needs UInt16",
            "its ground sample distance is 0.1 m but the model takes 1 to 2 m",
        ] {
            assert!(err.contains(part), "{part:?} not in {err}");
        }
    }

    #[test]
    fn an_alpha_band_is_a_mask_not_an_image_band() {
        let (_dir, info) =
            TestRaster::new(&["Red", "Green", "Blue", "Alpha"], "Byte", Some(0.15)).info();
        let card = card("tiny-uav");
        assert_eq!(card.mismatches(&info), []);
        assert_eq!(card.read_options(&info).bands, [1, 2, 3]);
    }

    #[test]
    fn bands_labelled_in_another_order_are_refused() {
        let (_dir, info) = TestRaster::new(&["Blue", "Green", "Red"], "Byte", Some(0.1)).info();
        let err = refusal(&card("tiny-uav"), &info);
        assert!(
            err.contains("its band 1 is blue but the model needs red there"),
            "{err}"
        );
        assert!(
            err.contains("its band 3 is red but the model needs blue there"),
            "{err}"
        );
        assert!(!err.contains("band 2"), "{err}");
    }

    #[test]
    fn the_data_type_must_match() {
        let (_dir, info) = TestRaster::new(RGB, "UInt16", Some(0.1)).info();
        let mismatches = card("tiny-uav").mismatches(&info);
        assert_eq!(
            mismatches,
            [Mismatch::DataType {
                found: "UInt16".into(),
                needed: "Byte".into()
            }]
        );
    }

    #[test]
    fn the_ground_sample_distance_has_a_small_tolerance() {
        let card = card("tiny-satellite");
        for (gsd, fits) in [
            (2.0, true),
            (2.05, true),
            (0.96, true),
            (2.2, false),
            (0.9, false),
            (30.0, false),
        ] {
            let (_dir, info) = TestRaster::new(SATELLITE, "UInt16", Some(gsd)).info();
            assert_eq!(
                card.mismatches(&info).is_empty(),
                fits,
                "{gsd} m: {:?}",
                card.mismatches(&info)
            );
        }
    }

    #[test]
    fn finer_imagery_fits_a_model_that_reads_it_at_its_scan_gsd() {
        let (_card_dir, path) = edited_card("tiny-uav", |card| {
            card["properties"]["geoscout:scan_gsd_m"] = 0.1.into();
        });
        let reads_coarser = ModelCard::from_path(&path).unwrap();
        let (_dir, mut info) = TestRaster::new(RGB, "Byte", Some(0.02)).info();
        assert_eq!(reads_coarser.mismatches(&info), []);
        let err = refusal(&card("tiny-uav"), &info);
        assert!(
            err.contains("its ground sample distance is 0.02 m but the model takes 0.05 to 0.2 m"),
            "{err}"
        );
        assert!(!err.contains("north-up"), "{err}");
        // A rotated raster has no coarser view, so it is refused, and told why.
        info.geotransform.as_mut().unwrap()[4] = 0.001;
        let err = refusal(&reads_coarser, &info);
        assert!(
            err.contains("0.05 to 0.2 m (or finer rasters, read at 0.1 m, when north-up)"),
            "{err}"
        );
    }

    #[test]
    fn a_raster_without_georeferencing_is_refused() {
        let (_dir, info) = TestRaster::new(SATELLITE, "UInt16", None).info();
        let err = refusal(&card("tiny-satellite"), &info);
        assert!(err.contains("it has no georeferencing"), "{err}");
    }

    #[test]
    fn read_options_scale_the_bands_as_the_card_says() {
        let (_dir, info) = TestRaster::new(SATELLITE, "UInt16", Some(2.0)).info();
        let options = card("tiny-satellite").read_options(&info);
        assert_eq!(options.bands, [1, 2, 3, 4]);
        assert_eq!(
            options.scale,
            [BandScale {
                scale: 1e-4,
                offset: 0.0
            }; 4]
        );
    }

    #[test]
    fn pixels_that_are_nodata_in_every_band_are_masked() {
        let card = card("tiny-satellite");
        let mut pixels = Array3::<f32>::from_elem((4, 1, 3), 0.05);
        pixels.index_axis_mut(Axis(2), 0).fill(0.0); // nodata everywhere
        pixels[[0, 0, 1]] = 0.0; // one band at zero: still data
        let mut valid = Array2::from_elem((1, 3), true);
        card.mask_nodata(pixels.view(), &mut valid);
        assert_eq!(valid.as_slice().unwrap(), [false, true, true]);
        let mut valid = Array2::from_elem((1, 3), true);
        self::card("tiny-uav").mask_nodata(Array3::zeros((3, 1, 3)).view(), &mut valid);
        assert!(valid.iter().all(|&v| v), "the uav card has no nodata value");
    }
}
