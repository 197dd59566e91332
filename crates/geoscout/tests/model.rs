//! `geoscout predict` as users run it: the real binary, the tiny TorchScript test models of
//! `crates/model/tests/fixtures/models` (through `GEOSCOUT_MODELS`), real GeoTIFFs written with
//! GDAL here or taken from `../shared/data/real`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use gdal::raster::{Buffer, RasterCreationOptions};
use gdal::spatial_ref::SpatialRef;
use gdal::{Dataset, DriverManager, Metadata};

use crate::util::{self, gdalinfo_json, path_str};

const CLASSES: [&str; 3] = ["coal_gangue_pile", "discharge_outlet", "dust_source"];

fn tiny_models() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/model/tests/fixtures/models")
}

/// `geoscout ARGS` with the tiny test models as the models folder.
fn geoscout(args: &[&str]) -> Output {
    Command::new(util::bin())
        .args(args)
        .env("GEOSCOUT_MODELS", tiny_models())
        .output()
        .expect("the geoscout binary runs")
}

/// Runs `geoscout predict RASTER --out OUT EXTRA...` and checks that it succeeded.
fn predict(raster: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "predict",
        path_str(raster),
        "--out",
        path_str(out),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let output = geoscout(&args);
    assert!(
        output.status.success(),
        "geoscout {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `geoscout predict` expecting a refusal; returns its message after checking that nothing
/// was written.
fn refused(raster: &Path, extra: &[&str]) -> String {
    let dir = util::tempdir();
    let out = dir.path().join("probs.tif");
    let mut args = vec!["predict", path_str(raster), "--out", path_str(&out)];
    args.extend_from_slice(extra);
    let output = geoscout(&args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "geoscout {args:?}: {stderr}");
    assert!(stderr.starts_with("geoscout: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "a refused run left {left:?}");
    stderr
}

/// A file under `../shared/data/real/raster`, or `None` (after saying that the test is skipped)
/// when `../shared/data/real` is absent.
fn shared_raster(relative: &str) -> Option<PathBuf> {
    let path = util::shared_data()?.join("raster").join(relative);
    assert!(
        path.is_file(),
        "{} is missing from ../shared/data/real",
        path.display()
    );
    Some(path)
}

/// A GeoTIFF of `bands` bands of `T` in EPSG:32649 at `gsd` metres, `width` x `height`, whose
/// stored values come from `value(band, column, row)`; `nodata` is declared on every band.
fn write_raster<T: gdal::raster::GdalType + Copy>(
    path: &Path,
    (width, height): (usize, usize),
    bands: usize,
    gsd: f64,
    nodata: Option<f64>,
    value: impl Fn(usize, usize, usize) -> T,
) {
    let options = RasterCreationOptions::from_iter([
        "TILED=YES",
        "COMPRESS=DEFLATE",
        "PHOTOMETRIC=MINISBLACK",
    ]);
    let mut dataset = DriverManager::get_driver_by_name("GTiff")
        .unwrap()
        .create_with_band_type_with_options::<T, _>(path, width, height, bands, &options)
        .unwrap();
    dataset
        .set_geo_transform(&[600_000.0, gsd, 0.0, 4_430_000.0, 0.0, -gsd])
        .unwrap();
    dataset
        .set_spatial_ref(&SpatialRef::from_epsg(32649).unwrap())
        .unwrap();
    for band in 0..bands {
        let values = (0..width * height)
            .map(|i| value(band, i % width, i / width))
            .collect();
        let mut raster_band = dataset.rasterband(band + 1).unwrap();
        raster_band.set_no_data_value(nodata).unwrap();
        raster_band
            .write(
                (0, 0),
                (width, height),
                &mut Buffer::new((width, height), values),
            )
            .unwrap();
    }
}

/// Columns of a satellite test scene that hold no data.
const NODATA_COLUMNS: usize = 40;

/// A 1300 x 1100 four-band UInt16 scene at 2 m with texture at several scales (so that the tiny
/// model's probabilities vary) and a strip of nodata (0) down its left side.
fn satellite_scene(dir: &Path) -> PathBuf {
    let path = dir.join("scene.tif");
    write_raster::<u16>(&path, (1300, 1100), 4, 2.0, Some(0.0), |band, x, y| {
        if x < NODATA_COLUMNS {
            return 0;
        }
        let hash = (x as u64 * 73_856_093) ^ (y as u64 * 19_349_663) ^ (band as u64 * 83_492_791);
        let noise = (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as f64; // 0..1023
        let fields = ((x as f64 / 37.0).sin() + (y as f64 / 53.0).cos()) * 900.0;
        let block = if (x / 150 + y / 110 + band) % 3 == 0 {
            1500.0
        } else {
            0.0
        };
        (1200.0 + fields + block + noise) as u16
    });
    path
}

/// Every band of a raster as bytes.
fn read_bands(path: &Path) -> Vec<Vec<u8>> {
    let dataset = Dataset::open(path).unwrap();
    let (width, height) = dataset.raster_size();
    (1..=dataset.raster_count())
        .map(|band| {
            let buffer = dataset.rasterband(band).unwrap().read_as::<u8>(
                (0, 0),
                (width, height),
                (width, height),
                None,
            );
            buffer.unwrap().into_shape_and_vec().1
        })
        .collect()
}

#[test]
fn predict_gives_the_same_probabilities_whatever_the_tile_size_and_threads() {
    let dir = util::tempdir();
    let scene = satellite_scene(dir.path());
    let runs = [
        ("256", "1", "4"),
        ("512", "2", "3"),
        ("1024", "1", "1"),
        ("1024", "2", "2"),
    ];
    let mut outputs = Vec::new();
    for (tile_size, threads, batch) in runs {
        let out = dir.path().join(format!("probs-{tile_size}-{threads}.tif"));
        predict(
            &scene,
            &out,
            &[
                "--model",
                "tiny-satellite",
                "--tile-size",
                tile_size,
                "--threads",
                threads,
                "--batch",
                batch,
            ],
        );
        outputs.push(read_bands(&out));
    }
    let reference = &outputs[0];
    assert_eq!(reference.len(), 3);
    let distinct: std::collections::BTreeSet<u8> = reference[0].iter().copied().collect();
    assert!(
        distinct.len() > 50,
        "probabilities barely vary: {} values",
        distinct.len()
    );
    for band in reference {
        for (i, &p) in band.iter().enumerate() {
            if i % 1300 < NODATA_COLUMNS {
                assert_eq!(p, 0, "a pixel without data is not 0");
            }
        }
    }
    for ((tile_size, threads, _), output) in runs.iter().zip(&outputs).skip(1) {
        for (band, (a, b)) in reference.iter().zip(output).enumerate() {
            let worst = a.iter().zip(b).map(|(&x, &y)| x.abs_diff(y)).max().unwrap();
            assert!(
                worst <= 1,
                "band {} differs by {worst}/255 between tile size 256 (1 thread) and {tile_size} ({threads} threads)",
                band + 1
            );
        }
    }
}

#[test]
fn the_probability_geotiff_opens_in_gdalinfo_on_the_input_grid() {
    let dir = util::tempdir();
    let scene = satellite_scene(dir.path());
    let out = dir.path().join("probs.tif");
    predict(&scene, &out, &["--model", "tiny-satellite"]);
    let (input, output) = (gdalinfo_json(&scene), gdalinfo_json(&out));
    assert_eq!(output["size"], input["size"]);
    assert_eq!(output["geoTransform"], input["geoTransform"]);
    assert_eq!(
        output["coordinateSystem"]["wkt"],
        input["coordinateSystem"]["wkt"]
    );
    assert_eq!(output["stac"]["proj:epsg"], 32649);
    assert_eq!(
        output["metadata"]["IMAGE_STRUCTURE"]["COMPRESSION"],
        "DEFLATE"
    );
    let bands = output["bands"].as_array().unwrap();
    assert_eq!(bands.len(), CLASSES.len());
    for (band, class) in bands.iter().zip(CLASSES) {
        assert_eq!(band["type"], "Byte");
        assert_eq!(band["description"], class);
        assert_eq!(band["block"], serde_json::json!([256, 256]));
        assert!(
            band["noDataValue"].is_null(),
            "0 is a probability, not nodata"
        );
        assert_eq!(band["overviews"].as_array().map(Vec::len), Some(2));
    }
    assert_eq!(output["metadata"][""]["GEOSCOUT_MODEL"], "tiny-satellite");
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn three_band_drone_files_are_refused_by_a_four_band_model() {
    for name in [
        "201404_13SED190110_201404_0x1500m_CL_1.tif",
        "rasterio_cogeo.tif",
        "riotiler_cog_rgb.tif",
    ] {
        let Some(raster) = shared_raster(&format!("aerial_drone/{name}")) else {
            return;
        };
        let message = refused(&raster, &["--model", "tiny-satellite"]);
        assert!(
            message.contains(&format!("{name} does not fit model 'tiny-satellite'")),
            "{message}"
        );
        assert!(
            message.contains(
                "it has 3 bands (red, green, blue) but the model needs 4 (blue, green, red, nir)"
            ),
            "{message}"
        );
        assert!(
            message.contains("its data type is Byte but the model needs UInt16"),
            "{message}"
        );
    }
}

#[test]
fn a_wrong_data_type_is_refused() {
    let dir = util::tempdir();
    let raster = dir.path().join("rgb16.tif");
    write_raster::<u16>(&raster, (64, 64), 3, 0.1, None, |band, x, y| {
        (band * 100 + x + y) as u16
    });
    let message = refused(&raster, &["--model", "tiny-uav"]);
    assert!(
        message.contains("rgb16.tif does not fit model 'tiny-uav'"),
        "{message}"
    );
    assert!(
        message.contains("its data type is UInt16 but the model needs Byte"),
        "{message}"
    );
    assert!(
        !message.contains("bands"),
        "only the data type is wrong: {message}"
    );
}

#[test]
fn a_ground_sample_distance_out_of_range_is_refused() {
    let dir = util::tempdir();
    let landsat_like = dir.path().join("thirty-metres.tif");
    write_raster::<u16>(&landsat_like, (64, 64), 4, 30.0, Some(0.0), |band, x, y| {
        (500 + band * 100 + x + y) as u16
    });
    let message = refused(&landsat_like, &["--model", "tiny-satellite"]);
    // 30 m on the grid is 30.008 m on the ground at this point of the UTM zone.
    assert!(
        message.contains("its ground sample distance is 30.0"),
        "{message}"
    );
    assert!(
        message.contains(" m but the model takes 1 to 2 m"),
        "{message}"
    );
    if let Some(cogeo) = shared_raster("aerial_drone/rasterio_cogeo.tif") {
        let message = refused(&cogeo, &["--model", "tiny-uav"]);
        assert!(
            message.contains("its ground sample distance is 0.4"),
            "{message}"
        );
        assert!(
            message.contains(" m but the model takes 0.05 to 0.2 m"),
            "{message}"
        );
    }
}

#[test]
fn tampered_weights_are_refused() {
    let dir = util::tempdir();
    let model = dir.path().join("tampered");
    std::fs::create_dir(&model).unwrap();
    for file in ["card.json", "model.pt"] {
        std::fs::copy(
            tiny_models().join("tiny-satellite").join(file),
            model.join(file),
        )
        .unwrap();
    }
    let weights = model.join("model.pt");
    let mut bytes = std::fs::read(&weights).unwrap();
    let last = bytes.len() - 100;
    bytes[last] ^= 0x40;
    std::fs::write(&weights, bytes).unwrap();
    let scene = satellite_scene(dir.path());
    let message = refused(&scene, &["--model", path_str(&model)]);
    assert!(message.contains("model.pt: sha256 "), "{message}");
    assert!(
        message.contains("does not match the card")
            && message.contains("the weights file was changed or corrupted"),
        "{message}"
    );
}

#[test]
fn the_model_that_fits_is_chosen_and_transparent_pixels_stay_zero() {
    let Some(raster) = shared_raster("aerial_drone/riotiler_cog_rgba.tif") else {
        return;
    };
    let dir = util::tempdir();
    let out = dir.path().join("probs.tif");
    let output = geoscout(&["predict", path_str(&raster), "--out", path_str(&out)]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("model 'tiny-uav' fits"), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("383 x 232 pixels, 3 classes; model 'tiny-uav' on cpu"),
        "{stdout}"
    );
    let alpha = read_bands(&raster).pop().unwrap();
    let probabilities = read_bands(&out);
    assert!(
        alpha.contains(&0) && alpha.contains(&255),
        "the file has a transparent corner"
    );
    for band in &probabilities {
        for (&a, &p) in alpha.iter().zip(band) {
            if a == 0 {
                assert_eq!(p, 0, "a transparent pixel has a probability");
            }
        }
    }
    assert!(
        probabilities[0].iter().any(|&p| p > 0),
        "the opaque pixels were run"
    );
}

#[test]
fn when_no_model_fits_each_model_says_why() {
    let dir = util::tempdir();
    let raster = dir.path().join("six-bands.tif");
    write_raster::<u16>(&raster, (64, 64), 6, 30.0, None, |band, x, y| {
        (500 + band * 100 + x + y) as u16
    });
    let message = refused(&raster, &[]);
    assert!(
        message.contains("six-bands.tif fits none of the models in"),
        "{message}"
    );
    assert!(
        message.contains("tiny-satellite: it has 6 bands"),
        "{message}"
    );
    assert!(message.contains("tiny-uav: it has 6 bands"), "{message}");
}

#[test]
fn a_tile_size_that_breaks_the_stride_is_refused() {
    let dir = util::tempdir();
    let scene = satellite_scene(dir.path());
    let message = refused(&scene, &["--model", "tiny-satellite", "--tile-size", "301"]);
    assert!(
        message.contains("tile size 301 is not a positive multiple"),
        "{message}"
    );
}

#[test]
fn cuda_is_used_or_refused_clearly() {
    let dir = util::tempdir();
    let raster = dir.path().join("small.tif");
    write_raster::<u16>(&raster, (64, 64), 4, 2.0, None, |band, x, y| {
        (500 + band * 100 + x + y) as u16
    });
    let out = dir.path().join("probs.tif");
    let output = geoscout(&[
        "predict",
        path_str(&raster),
        "--out",
        path_str(&out),
        "--model",
        "tiny-satellite",
        "--device",
        "cuda",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        eprintln!("CUDA is available: --device cuda ran");
        assert!(out.is_file());
    } else {
        assert!(stderr.contains("CUDA device 0 was asked for"), "{stderr}");
        assert!(stderr.contains("use --device cpu"), "{stderr}");
        assert!(!out.exists());
    }
}

#[test]
fn the_output_keeps_the_provenance() {
    let dir = util::tempdir();
    let raster = dir.path().join("small.tif");
    write_raster::<u16>(&raster, (64, 64), 4, 2.0, None, |band, x, y| {
        (500 + band * 100 + x + y) as u16
    });
    let out = dir.path().join("probs.tif");
    predict(&raster, &out, &["--model", "tiny-satellite"]);
    let dataset = Dataset::open(&out).unwrap();
    let card: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tiny_models().join("tiny-satellite/card.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        dataset
            .metadata_item("GEOSCOUT_MODEL_SHA256", "")
            .as_deref(),
        card["properties"]["geoscout:weights_sha256"].as_str()
    );
    assert_eq!(
        dataset.metadata_item("GEOSCOUT_SOURCE", "").as_deref(),
        raster.to_str()
    );
}
