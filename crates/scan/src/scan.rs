//! The scan of many rasters: each through the pipeline, failures recorded and skipped, the
//! leads and the run record staged until the caller publishes them.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use geoscout_core::{Class, GeometryKind};
use geoscout_leads::Lead;
use geoscout_model::{ClassSpec, Device, Model, ModelCard};
use geoscout_raster::Raster;
use geoscout_vectorize::{ClassRule, MergeOptions, Object};
use rayon::prelude::*;

use crate::chip::ChipRenderer;
use crate::enrich::{Provenance, lead_of};
use crate::fingerprint::fingerprint;
use crate::mouths::{WIDEST_MOUTH_M, one_per_mouth};
use crate::pipeline::{self, PipelineSettings};
use crate::progress::Progress;
use crate::record::{Failure, InputRecord, ModelRecord, Parameters, RunRecord};
use crate::staging::Staging;
use crate::{Error, Result};

/// Holes of polygon leads up to this many pixels are filled (speckle inside a pile).
const MAX_HOLE_PIXELS: u64 = 16;
/// Outline simplification (Visvalingam-Whyatt, square pixels): removes one-pixel stair steps.
const SIMPLIFY_TOLERANCE: f64 = 0.5;

/// The settings of a scan.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// A model name or card path; `None` picks, per raster, the shipped model that fits it.
    pub model: Option<String>,
    /// Where the model runs.
    pub device: Device,
    /// Tiles per forward pass.
    pub batch: usize,
    /// Threads for reading and for the model.
    pub threads: usize,
    /// Tile (core) size; `None` takes the model card's.
    pub tile_size: Option<usize>,
    /// Thresholds that replace the model card's, by class.
    pub thresholds: BTreeMap<Class, f32>,
    /// Peak thresholds that replace the model card's, by class: an object is kept only when
    /// its highest probability reaches its class's.
    pub peak_thresholds: BTreeMap<Class, f32>,
    /// Smallest scores that replace the model card's, by class: an object is kept only when
    /// its mean probability reaches its class's.
    pub min_scores: BTreeMap<Class, f32>,
    /// Smallest polygon lead kept, in square metres; `None` takes the model card's per class.
    pub min_area_m2: Option<f64>,
    /// Whether to hide progress bars.
    pub quiet: bool,
    /// The command line, for the run record.
    pub command_line: Vec<String>,
}

/// A finished scan whose outputs wait in a staging folder: the caller may add to the leads
/// (grid cells, rivers) and to the folder, then [`ScanRun::publish`] writes the lead files and
/// the run record and moves everything into the output folder at once.
#[derive(Debug)]
pub struct ScanRun {
    /// The leads, in input order, then class, then position.
    pub leads: Vec<Lead>,
    /// The run record, as written to `run.json`.
    pub record: RunRecord,
    /// EPSG code of the first input's projected CRS, for the GeoPackage.
    pub projected_epsg: Option<u32>,
    staging: Staging,
    started: Instant,
}

/// Scans every raster in `inputs` and stages the outputs for `out`. A raster that cannot be
/// scanned is reported (stderr and the run record) and skipped; the others still finish.
pub fn scan(inputs: &[PathBuf], out: &Path, options: &ScanOptions) -> Result<ScanRun> {
    let started = Instant::now();
    let staging = Staging::create(out)?;
    std::fs::create_dir_all(staging.path("chips")).map_err(|source| Error::Output {
        path: staging.path("chips"),
        source,
    })?;
    let progress = Progress::new(inputs.len(), options.quiet);
    let mut models = Models::new(options);
    let mut record = RunRecord {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        command_line: options.command_line.clone(),
        started: timestamp(SystemTime::now()),
        parameters: Parameters {
            model: options.model.clone(),
            device: options.device.to_string(),
            batch: options.batch,
            threads: options.threads,
            tile_size: options.tile_size,
            thresholds: by_name(&options.thresholds),
            peak_thresholds: by_name(&options.peak_thresholds),
            min_scores: by_name(&options.min_scores),
            min_area_m2: options.min_area_m2,
            gpkg_epsg: None,
        },
        ..RunRecord::default()
    };
    let mut leads = Vec::new();
    let mut projected_epsg = None;
    for path in inputs {
        let mut input = InputRecord {
            path: path.clone(),
            bytes: std::fs::metadata(path).ok().map(|m| m.len()),
            ..InputRecord::default()
        };
        match scan_one(path, &mut models, &staging, &progress, &mut input) {
            Ok(found) => {
                input.status = "ok".into();
                for lead in &found.leads {
                    *input.counts.entry(lead.class.name().into()).or_default() += 1;
                }
                projected_epsg = projected_epsg.or(found.projected_epsg);
                leads.extend(found.leads);
            }
            Err(err) => {
                let reason = one_line(&err, path);
                progress.println(&format!("geoscout: skipped {reason}"));
                input.status = "failed".into();
                input.error = Some(reason.clone());
                record.failures.push(Failure {
                    path: path.clone(),
                    reason,
                });
            }
        }
        record.tiles.add(input.tiles);
        for (stage, seconds) in &input.seconds {
            *record.seconds.entry(stage.clone()).or_default() += seconds;
        }
        for (class, n) in &input.counts {
            *record.counts.entry(class.clone()).or_default() += n;
        }
        record.inputs.push(input);
    }
    progress.finish();
    record.models = models.records;
    Ok(ScanRun {
        leads,
        record,
        projected_epsg,
        staging,
        started,
    })
}

impl ScanRun {
    /// The folder where extra outputs go to be published with the rest.
    pub fn staging_dir(&self) -> &Path {
        self.staging.dir()
    }

    /// Whether any input failed.
    pub fn has_failures(&self) -> bool {
        !self.record.failures.is_empty()
    }

    /// Writes `leads.geojson`, `leads.fgb`, `leads.gpkg` (in `gpkg_epsg`, or the inputs'
    /// projected CRS, or WGS 84), `leads.qml` and `run.json`, then moves all outputs into the
    /// output folder, replacing those of an earlier run.
    pub fn publish(mut self, gpkg_epsg: Option<u32>) -> Result<RunRecord> {
        let epsg = gpkg_epsg.or(self.projected_epsg).unwrap_or(4326);
        geoscout_leads::write_geojson(&self.staging.path("leads.geojson"), &self.leads)?;
        geoscout_leads::write_flatgeobuf(&self.staging.path("leads.fgb"), &self.leads)?;
        geoscout_leads::write_geopackage(&self.staging.path("leads.gpkg"), &self.leads, epsg)?;
        geoscout_leads::write_qml(&self.staging.path("leads.qml"))?;
        self.record.parameters.gpkg_epsg = Some(epsg);
        self.record.finished = timestamp(SystemTime::now());
        self.record.seconds_total = self.started.elapsed().as_secs_f64();
        let run_json = self.staging.path("run.json");
        let text = serde_json::to_string_pretty(&self.record).expect("the run record serializes");
        std::fs::write(&run_json, text + "\n").map_err(|source| Error::Output {
            path: run_json,
            source,
        })?;
        self.staging.publish()?;
        Ok(self.record)
    }
}

/// Draws each lead's picture from the raster at `read_path` into the staging folder's
/// `chips/`, in parallel, and names it in the lead's `chip`.
fn draw_chips(
    read_path: &Path,
    card: &ModelCard,
    objects: &[&Object],
    leads: &mut [Lead],
    staging: &Staging,
) -> Result<()> {
    let renderer = ChipRenderer::new(&card.bands);
    let chips: Vec<Result<String>> = objects
        .par_iter()
        .zip(leads.par_iter())
        .map_init(
            || Raster::open(read_path),
            |raster, (object, lead)| {
                let raster = raster.as_ref().map_err(|e| Error::Raster(e.clone()))?;
                let relative = format!("chips/{}.png", lead.id);
                renderer.render(
                    raster,
                    object.class,
                    &object.geometry,
                    &staging.path(&relative),
                )?;
                Ok(relative)
            },
        )
        .collect();
    for (lead, chip) in leads.iter_mut().zip(chips) {
        lead.chip = Some(chip?);
    }
    Ok(())
}

/// The leads of one raster.
struct Found {
    leads: Vec<Lead>,
    projected_epsg: Option<u32>,
}

fn scan_one(
    path: &Path,
    models: &mut Models,
    staging: &Staging,
    progress: &Progress,
    input: &mut InputRecord,
) -> Result<Found> {
    let file = Raster::open(path)?;
    let file_info = file.info().clone();
    input.width = Some(file_info.width);
    input.height = Some(file_info.height);
    // A raster that cannot be placed on the map is refused before a model is chosen for it.
    file.georef()?;
    let key = models.prepare(&file_info)?;
    let model = models.get(&key);
    let card = model.card();
    input.model = Some(card.name.clone());
    input.fingerprint = Some(fingerprint(path).map_err(|source| Error::Input {
        path: path.to_path_buf(),
        source,
    })?);
    // Finer imagery than the model's scan GSD is read through a coarser view of the file; every
    // pixel coordinate below is the view's. The view lives until the lead pictures are drawn.
    let (view, raster) = file.coarsened(card.coarsening(&file_info))?;
    let info = raster.info().clone();
    let georef = raster.georef()?;
    let read_path = raster.path().to_path_buf();
    drop(raster);
    if view.is_some() {
        input.scan_gsd_m = info.gsd_m;
    }
    let settings = models.settings(card);
    let name = file_name(path);
    let bar = progress.raster(&name, 0);
    let output = pipeline::run(
        &read_path,
        (info.width, info.height),
        model,
        &card.read_options(&info),
        &settings,
        &bar,
    );
    progress.raster_done(bar);
    let output = output?;
    input.tiles = output.tiles;
    input.seconds = output.seconds;

    let enriching = Instant::now();
    let objects = models.kept(card, &output.objects, info.gsd_m);
    let provenance = Provenance {
        source: name,
        fingerprint: input.fingerprint.clone().unwrap_or_default(),
        acquired: file_info.acquired.clone(),
        gsd_m: file_info.gsd_m,
        model: card.name.clone(),
        model_sha256: card.weights_sha256.clone(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let mut leads = objects
        .iter()
        .map(|o| lead_of(o, &georef, &provenance))
        .collect::<Result<Vec<_>>>()?;
    input
        .seconds
        .insert("enrich".into(), enriching.elapsed().as_secs_f64());

    let chipping = Instant::now();
    draw_chips(&read_path, card, &objects, &mut leads, staging)?;
    input
        .seconds
        .insert("chips".into(), chipping.elapsed().as_secs_f64());
    let projected_epsg = info
        .crs
        .as_ref()
        .filter(|crs| !crs.geographic)
        .and_then(|crs| crs.epsg);
    Ok(Found {
        leads,
        projected_epsg,
    })
}

/// The models of a run, loaded once each, and their records.
struct Models<'a> {
    options: &'a ScanOptions,
    loaded: HashMap<PathBuf, Model>,
    records: BTreeMap<String, ModelRecord>,
}

impl<'a> Models<'a> {
    fn new(options: &'a ScanOptions) -> Models<'a> {
        Models {
            options,
            loaded: HashMap::new(),
            records: BTreeMap::new(),
        }
    }

    /// Loads (once) the model for a raster: the one asked for, checked against the raster, or
    /// the first shipped model that fits it. Returns its key for [`Models::get`].
    fn prepare(&mut self, info: &geoscout_raster::RasterInfo) -> Result<PathBuf> {
        let card = match &self.options.model {
            Some(name) => {
                let card = ModelCard::from_path(&geoscout_model::resolve(name)?)?;
                card.check_raster(info)?;
                card
            }
            None => geoscout_model::fitting_model(info)?,
        };
        if let Some(tile_size) = self.options.tile_size {
            card.check_tile_size(tile_size).map_err(|problem| {
                geoscout_model::Error::InvalidCard {
                    path: card.path().to_path_buf(),
                    problem,
                }
            })?;
        }
        let key = card.path().to_path_buf();
        if !self.loaded.contains_key(&key) {
            let record = self.record_of(&card);
            self.records.insert(card.name.clone(), record);
            let model = Model::load(card, self.options.device, Some(self.options.threads))?;
            self.loaded.insert(key.clone(), model);
        }
        Ok(key)
    }

    fn get(&self, key: &Path) -> &Model {
        &self.loaded[key]
    }

    fn settings(&self, card: &ModelCard) -> PipelineSettings {
        PipelineSettings {
            tile_size: self.options.tile_size.unwrap_or(card.tile_size),
            batch: self.options.batch.max(1),
            rules: card
                .classes
                .iter()
                .map(|spec| ClassRule {
                    class: spec.class,
                    channel: spec.channel,
                    threshold: self.threshold(card, spec.class),
                })
                .collect(),
            merge: MergeOptions {
                min_pixels: 1,
                max_hole_pixels: MAX_HOLE_PIXELS,
                simplify_tolerance: SIMPLIFY_TOLERANCE,
            },
        }
    }

    fn threshold(&self, card: &ModelCard, class: Class) -> f32 {
        self.options
            .thresholds
            .get(&class)
            .copied()
            .unwrap_or_else(|| {
                card.classes
                    .iter()
                    .find(|c| c.class == class)
                    .map_or(0.5, |c| c.threshold)
            })
    }

    /// The peak threshold per class, where the command line or the card sets one.
    fn peak_thresholds(&self, card: &ModelCard) -> BTreeMap<Class, f32> {
        given_or_card(card, &self.options.peak_thresholds, |c| c.peak_threshold)
    }

    /// The smallest score per class, where the command line or the card sets one.
    fn min_scores(&self, card: &ModelCard) -> BTreeMap<Class, f32> {
        given_or_card(card, &self.options.min_scores, |c| c.min_score)
    }

    fn min_area_m2(&self, card: &ModelCard) -> BTreeMap<Class, f64> {
        card.classes
            .iter()
            .filter(|c| c.output == GeometryKind::Polygon)
            .filter_map(|c| Some((c.class, self.options.min_area_m2.or(c.min_area_m2)?)))
            .collect()
    }

    /// The smallest object kept per class, in pixels, at ground sample distance `gsd`.
    fn min_area_pixels(&self, card: &ModelCard, gsd: Option<f64>) -> BTreeMap<Class, u64> {
        let pixel_area = gsd.map_or(1.0, |g| g * g);
        self.min_area_m2(card)
            .into_iter()
            .map(|(class, m2)| (class, (m2 / pixel_area).ceil().max(1.0) as u64))
            .collect()
    }

    /// The objects that become leads: those at least the class's smallest area, whose peak and
    /// mean probability reach the class's limits, and one per outlet mouth.
    fn kept<'o>(
        &self,
        card: &ModelCard,
        objects: &'o [Object],
        gsd: Option<f64>,
    ) -> Vec<&'o Object> {
        let min_pixels = self.min_area_pixels(card, gsd);
        let peak_thresholds = self.peak_thresholds(card);
        let min_scores = self.min_scores(card);
        let reaches = |limits: &BTreeMap<Class, f32>, class: Class, value: f64| {
            limits
                .get(&class)
                .is_none_or(|&limit| value >= f64::from(limit))
        };
        let objects = objects
            .iter()
            .filter(|o| o.pixels >= min_pixels.get(&o.class).copied().unwrap_or(1))
            .filter(|o| reaches(&peak_thresholds, o.class, o.max_score))
            .filter(|o| reaches(&min_scores, o.class, o.score))
            .collect();
        one_per_mouth(objects, WIDEST_MOUTH_M / gsd.unwrap_or(1.0))
    }

    fn record_of(&self, card: &ModelCard) -> ModelRecord {
        ModelRecord {
            card: card.path().to_path_buf(),
            sha256: card.weights_sha256.clone(),
            profile: card.profile.to_string(),
            tile_size: self.options.tile_size.unwrap_or(card.tile_size),
            halo: card.halo,
            thresholds: card
                .classes
                .iter()
                .map(|c| (c.class.name().to_string(), self.threshold(card, c.class)))
                .collect(),
            peak_thresholds: by_name(&self.peak_thresholds(card)),
            min_scores: by_name(&self.min_scores(card)),
            min_area_m2: by_name(&self.min_area_m2(card)),
        }
    }
}

/// A per-class setting of the card's classes: the command line's value where given, else the
/// card's, where it has one.
fn given_or_card(
    card: &ModelCard,
    given: &BTreeMap<Class, f32>,
    from_card: impl Fn(&ClassSpec) -> Option<f32>,
) -> BTreeMap<Class, f32> {
    card.classes
        .iter()
        .filter_map(|c| Some((c.class, given.get(&c.class).copied().or(from_card(c))?)))
        .collect()
}

/// A per-class map keyed by class name, for the run record.
fn by_name<T: Copy>(values: &BTreeMap<Class, T>) -> BTreeMap<String, T> {
    values
        .iter()
        .map(|(class, value)| (class.name().to_string(), *value))
        .collect()
}

/// The error on one line, starting with the input's path (errors mostly name it themselves).
fn one_line(err: &Error, path: &Path) -> String {
    let mut text = String::new();
    for line in err
        .to_string()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        if !text.is_empty() {
            text.push_str(if text.ends_with(':') { " " } else { "; " });
        }
        text.push_str(line);
    }
    let shown = path.display().to_string();
    if text.starts_with(&shown) {
        text
    } else {
        format!("{shown}: {text}")
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn timestamp(time: SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
}
