//! The tiny test models written by `scripts/make-test-model.py`, for this crate's unit tests.

use std::path::{Path, PathBuf};

use gdal::raster::{Buffer, ColorInterpretation, GdalType, RasterCreationOptions};
use gdal::spatial_ref::SpatialRef;
use gdal::{Dataset, DriverManager};
use geoscout_raster::{Raster, RasterInfo};
use tempfile::TempDir;

/// `crates/model/tests/fixtures/models`, laid out like `models/`.
pub fn fixture_models_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models")
}

/// The card of a tiny test model (`tiny-satellite` or `tiny-uav`).
pub fn card_path(name: &str) -> PathBuf {
    fixture_models_dir().join(name).join("card.json")
}

/// A copy of a tiny model's folder in a temporary folder.
pub fn copied_model(name: &str) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join(name);
    std::fs::create_dir(&folder).unwrap();
    for entry in std::fs::read_dir(fixture_models_dir().join(name)).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), folder.join(entry.file_name())).unwrap();
    }
    (dir, folder.join("card.json"))
}

/// A copy of a tiny model whose card JSON was changed by `edit`.
pub fn edited_card(name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> (TempDir, PathBuf) {
    let (dir, card) = copied_model(name);
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&card).unwrap()).unwrap();
    edit(&mut json);
    std::fs::write(&card, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    (dir, card)
}

/// A small GeoTIFF (`scene.tif`, EPSG:32649) with the given band colours, data type and ground
/// sample distance (`None`: no georeferencing at all): 32 x 32 zeros, or a textured scene with
/// [`TestRaster::textured`].
pub struct TestRaster {
    colours: &'static [&'static str],
    data_type: &'static str,
    gsd: Option<f64>,
    size: (usize, usize),
    textured: bool,
}

impl TestRaster {
    pub fn new(
        colours: &'static [&'static str],
        data_type: &'static str,
        gsd: Option<f64>,
    ) -> Self {
        TestRaster {
            colours,
            data_type,
            gsd,
            size: (32, 32),
            textured: false,
        }
    }

    /// The same raster at `width` x `height`, filled with a texture (stored values 100 to 2980),
    /// except for a 10 x 10 block of zeros in the top-left corner.
    pub fn textured(self, width: usize, height: usize) -> Self {
        TestRaster {
            size: (width, height),
            textured: true,
            ..self
        }
    }

    /// Writes the raster into a new temporary folder and returns the folder (which must outlive
    /// any use of the file) and what GDAL reads of it.
    pub fn info(&self) -> (TempDir, RasterInfo) {
        let dir = tempfile::tempdir().unwrap();
        let path = self.write(dir.path());
        let info = Raster::open(&path).unwrap().info().clone();
        (dir, info)
    }

    /// Writes the raster into `dir` and returns its path.
    pub fn write(&self, dir: &Path) -> PathBuf {
        let path = dir.join("scene.tif");
        let mut dataset = match self.data_type {
            "Byte" => self.create::<u8>(&path),
            "UInt16" => self.create::<u16>(&path),
            other => panic!("no test raster of {other}"),
        };
        if let Some(gsd) = self.gsd {
            dataset
                .set_geo_transform(&[500_000.0, gsd, 0.0, 4_430_000.0, 0.0, -gsd])
                .unwrap();
            dataset
                .set_spatial_ref(&SpatialRef::from_epsg(32649).unwrap())
                .unwrap();
        }
        let (width, height) = self.size;
        for (index, colour) in self.colours.iter().enumerate() {
            let mut band = dataset.rasterband(index + 1).unwrap();
            band.set_color_interpretation(ColorInterpretation::from_name(colour).unwrap())
                .unwrap();
            if self.textured {
                let values = (0..width * height)
                    .map(|i| texture(i % width, i / width, index))
                    .collect();
                band.write((0, 0), self.size, &mut Buffer::new(self.size, values))
                    .unwrap();
            }
        }
        dataset.flush_cache().unwrap();
        path
    }

    fn create<T: GdalType>(&self, path: &Path) -> Dataset {
        let driver = DriverManager::get_driver_by_name("GTiff").unwrap();
        let photometric = RasterCreationOptions::from_iter(["PHOTOMETRIC=MINISBLACK"]);
        let (width, height) = self.size;
        driver
            .create_with_band_type_with_options::<T, _>(
                path,
                width,
                height,
                self.colours.len(),
                &photometric,
            )
            .unwrap()
    }
}

/// Stored value of band `band` at column `x`, row `y` of a textured test raster.
fn texture(x: usize, y: usize, band: usize) -> f64 {
    if x < 10 && y < 10 {
        return 0.0;
    }
    (((x * 7 + y * 13 + band * 29) % 97) * 30 + 100) as f64
}
