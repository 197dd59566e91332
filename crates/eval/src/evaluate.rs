//! Scoring whole scenes: finding the truth files, giving each scene its leads, its metric CRS
//! and its point tolerance, and adding up the results.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use geo::{Geometry, InteriorPoint, Point};
use geoscout_core::fs::IoError;
use geoscout_core::{Class, GeometryKind, Profile};
use geoscout_leads::{Lead, read_geojson};
use serde::Serialize;

use crate::local_crs::{CrsOrigin, LocalCrs};
use crate::matching::{Item, MatchRules, Outcome, match_greedy};
use crate::scores::{Scores, Tally, tally_by_class};
use crate::truth::{TruthObject, read_truth};
use crate::{Error, Result};

/// The suffix of truth files: `NAME.truth.geojson` holds the truth of `NAME.tif`.
pub const TRUTH_SUFFIX: &str = ".truth.geojson";

/// The smallest IoU at which a polygon lead matches a true polygon (targets.md).
pub const MIN_IOU: f64 = 0.3;

/// Ground sample distances below this many metres are drone (`uav`) imagery, others satellite.
pub const UAV_MAX_GSD_M: f64 = 0.5;

/// How point leads are matched when the scene does not say.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EvalOptions {
    /// Treat every scene as this profile (its radius: 20 m satellite, 2 m uav).
    pub profile: Option<Profile>,
    /// Use this point-match radius in metres for every scene (overrides `profile`).
    pub point_radius_m: Option<f64>,
}

/// The result of one scene.
#[derive(Clone, Debug, Serialize)]
pub struct SceneEvaluation {
    /// The scene's name (`NAME` of `NAME.truth.geojson`).
    pub name: String,
    /// The truth file.
    pub truth_file: PathBuf,
    /// The metric CRS the scene was compared in (`None`: nothing to compare).
    pub crs: Option<String>,
    /// Where that CRS came from.
    pub crs_from: Option<CrsOrigin>,
    /// The imagery profile, when known.
    pub profile: Option<Profile>,
    /// The point-match radius in metres, when known.
    pub point_radius_m: Option<f64>,
    /// Where the radius came from (a flag, the raster's pixel size, the leads' `gsd_m`).
    pub point_radius_from: Option<String>,
    /// Number of leads of the scene.
    pub leads: usize,
    /// Number of true target objects.
    pub truth_objects: usize,
    /// Number of confusers listed in the truth (never counted).
    pub confusers: usize,
    /// Scores per class.
    pub classes: BTreeMap<Class, Scores>,
    /// Scores of all classes together.
    pub total: Scores,
    /// The matches and the unmatched leads and objects.
    pub outcome: Outcome,
}

/// The result of all scenes.
#[derive(Clone, Debug, Serialize)]
pub struct Evaluation {
    /// Each scene, by name.
    pub scenes: Vec<SceneEvaluation>,
    /// Scores per class over all scenes.
    pub classes: BTreeMap<Class, Scores>,
    /// Scores of all classes over all scenes.
    pub total: Scores,
    /// Leads whose `source` has no truth file, by source: not scored.
    pub leads_without_truth: BTreeMap<String, usize>,
}

/// Scores the leads in `leads` (a leads GeoJSON file, or a scan output folder holding
/// `leads.geojson`) against the truth in `truth` (a `NAME.truth.geojson` file, or a folder of
/// them).
///
/// Each scene gets the leads whose `source` is its raster (`NAME.tif` for
/// `NAME.truth.geojson`, compared by file stem); leads without a `source` are accepted when
/// there is only one scene. Scenes are compared in the projected CRS of the raster beside the
/// truth file (`NAME.tif`, `.tiff` or `.vrt`) when there is one, else in the UTM zone of the
/// scene's centre. The point radius comes from `options`, else from the raster's pixel size,
/// else from the median `gsd_m` of the scene's leads (below [`UAV_MAX_GSD_M`]: uav, 2 m; else
/// satellite, 20 m).
pub fn evaluate(truth: &Path, leads: &Path, options: &EvalOptions) -> Result<Evaluation> {
    let truth_files = truth_files(truth)?;
    let leads_file = leads_file(leads)?;
    let mut by_scene = group_by_source(&leads_file, read_geojson(&leads_file)?, &truth_files)?;
    let mut scenes = Vec::new();
    for (name, file) in &truth_files {
        let leads = by_scene.remove(name).unwrap_or_default();
        scenes.push(evaluate_scene(name, file, &leads, options)?);
    }
    let leads_without_truth = by_scene
        .into_iter()
        .map(|(source, leads)| (source, leads.len()))
        .collect();
    let mut tallies: BTreeMap<Class, Tally> = BTreeMap::new();
    for scene in &scenes {
        for (class, tally) in tally_by_class(&scene.outcome) {
            tallies.entry(class).or_default().add(&tally);
        }
    }
    Ok(Evaluation {
        scenes,
        classes: scores_by_class(&tallies),
        total: total(&tallies),
        leads_without_truth,
    })
}

/// `(NAME, path)` of every truth file: `path` itself, or the `*.truth.geojson` in the folder.
fn truth_files(path: &Path) -> Result<Vec<(String, PathBuf)>> {
    if !path.is_dir() {
        let file_name = path.file_name().unwrap_or_default().to_string_lossy();
        let name = file_name.strip_suffix(TRUTH_SUFFIX).map(str::to_string);
        let name = name.unwrap_or_else(|| {
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            stem.into_owned()
        });
        return Ok(vec![(name, path.to_path_buf())]);
    }
    let entries = std::fs::read_dir(path).map_err(|e| IoError::new(path, e))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| IoError::new(path, e))?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if let Some(name) = file_name.strip_suffix(TRUTH_SUFFIX) {
            files.push((name.to_string(), entry.path()));
        }
    }
    if files.is_empty() {
        return Err(Error::Scenes {
            path: path.to_path_buf(),
            problem: format!("no *{TRUTH_SUFFIX} files in this folder"),
        });
    }
    files.sort();
    Ok(files)
}

/// The leads file: `path`, or `path/leads.geojson` for a scan output folder.
fn leads_file(path: &Path) -> Result<PathBuf> {
    if !path.is_dir() {
        return Ok(path.to_path_buf());
    }
    let file = path.join("leads.geojson");
    if file.is_file() {
        Ok(file)
    } else {
        Err(Error::Scenes {
            path: path.to_path_buf(),
            problem: "no leads.geojson in this folder (expected a scan output folder)".into(),
        })
    }
}

/// Leads by scene name (the file stem of their `source`).
fn group_by_source(
    leads_file: &Path,
    leads: Vec<Lead>,
    scenes: &[(String, PathBuf)],
) -> Result<BTreeMap<String, Vec<Lead>>> {
    let mut groups: BTreeMap<String, Vec<Lead>> = BTreeMap::new();
    for lead in leads {
        let scene = match (&lead.source, scenes) {
            (Some(source), _) => {
                let stem = Path::new(source).file_stem().unwrap_or_default();
                stem.to_string_lossy().into_owned()
            }
            (None, [(only, _)]) => only.clone(),
            (None, _) => {
                return Err(Error::Scenes {
                    path: leads_file.to_path_buf(),
                    problem: format!(
                        "lead '{}' has no 'source': with several truth files every lead must \
                         name its raster",
                        lead.id
                    ),
                });
            }
        };
        groups.entry(scene).or_default().push(lead);
    }
    Ok(groups)
}

fn evaluate_scene(
    name: &str,
    truth_file: &Path,
    leads: &[Lead],
    options: &EvalOptions,
) -> Result<SceneEvaluation> {
    let truth = read_truth(truth_file)?;
    let raster = beside(truth_file, name);
    let facts = raster.as_deref().map(LocalCrs::from_raster).transpose()?;
    let (raster_crs, raster_gsd) = match facts {
        Some(f) => (f.crs, f.gsd_m),
        None => (None, None),
    };
    let crs = match raster_crs {
        Some(crs) => Some(crs),
        None => {
            let geometries = truth.objects.iter().map(|o| &o.geometry);
            LocalCrs::utm_for(geometries.chain(leads.iter().map(|l| &l.geometry)))
                .transpose()
                .map_err(|source| Error::Gdal {
                    path: truth_file.to_path_buf(),
                    what: "choose a UTM zone".into(),
                    source,
                })?
        }
    };
    let tolerance = tolerance(options, raster.as_deref(), raster_gsd, leads);
    let has_points = truth
        .objects
        .iter()
        .map(|o| o.class)
        .chain(leads.iter().map(|l| l.class));
    let needs_radius = has_points
        .into_iter()
        .any(|c| c.geometry_kind() == GeometryKind::Point);
    let outcome = match &crs {
        None => Outcome::default(),
        Some(crs) => {
            let point_radius_m = match (&tolerance, needs_radius) {
                (Some(t), _) => t.radius_m,
                (None, false) => f64::NAN, // no point class in this scene
                (None, true) => {
                    return Err(Error::Scenes {
                        path: truth_file.to_path_buf(),
                        problem: format!(
                            "cannot tell whether scene '{name}' is satellite or uav imagery \
                             (no raster {name}.tif beside the truth, no gsd_m in its leads): \
                             pass --profile or --radius"
                        ),
                    });
                }
            };
            let rules = MatchRules {
                min_iou: MIN_IOU,
                point_radius_m,
            };
            let project = |g: &Geometry<f64>| {
                crs.project(g).map_err(|source| Error::Gdal {
                    path: truth_file.to_path_buf(),
                    what: format!("reproject to {}", crs.name),
                    source,
                })
            };
            let lead_items = leads
                .iter()
                .map(|l| Ok((lead_item(l, &project)?, l.score)))
                .collect::<Result<Vec<_>>>()?;
            let truth_items = truth
                .objects
                .iter()
                .map(|o| truth_item(o, &project))
                .collect::<Result<Vec<_>>>()?;
            match_greedy(&lead_items, &truth_items, rules)
        }
    };
    let tallies = tally_by_class(&outcome);
    Ok(SceneEvaluation {
        name: name.to_string(),
        truth_file: truth_file.to_path_buf(),
        crs: crs.as_ref().map(|c| c.name.clone()),
        crs_from: crs.as_ref().map(|c| c.origin),
        profile: tolerance.as_ref().and_then(|t| t.profile),
        point_radius_m: tolerance.as_ref().map(|t| t.radius_m),
        point_radius_from: tolerance.map(|t| t.from),
        leads: leads.len(),
        truth_objects: truth.objects.len(),
        confusers: truth.confusers,
        classes: scores_by_class(&tallies),
        total: total(&tallies),
        outcome,
    })
}

/// The raster of scene `name` beside its truth file, if there is one.
fn beside(truth_file: &Path, name: &str) -> Option<PathBuf> {
    let folder = truth_file.parent().unwrap_or(Path::new("."));
    ["tif", "tiff", "vrt"]
        .iter()
        .map(|ext| folder.join(format!("{name}.{ext}")))
        .find(|p| p.is_file())
}

/// The point-match radius of a scene and where it came from.
struct Tolerance {
    profile: Option<Profile>,
    radius_m: f64,
    from: String,
}

fn tolerance(
    options: &EvalOptions,
    raster: Option<&Path>,
    raster_gsd: Option<f64>,
    leads: &[Lead],
) -> Option<Tolerance> {
    if let Some(radius_m) = options.point_radius_m {
        return Some(Tolerance {
            profile: options.profile,
            radius_m,
            from: "--radius".into(),
        });
    }
    if let Some(profile) = options.profile {
        return Some(Tolerance {
            profile: Some(profile),
            radius_m: profile.point_match_radius_m(),
            from: "--profile".into(),
        });
    }
    let (gsd, from) = match (raster_gsd, raster) {
        (Some(gsd), Some(raster)) => (gsd, format!("pixel size of {}", raster.display())),
        _ => (median_gsd(leads)?, "gsd_m of the leads".into()),
    };
    let profile = if gsd < UAV_MAX_GSD_M {
        Profile::Uav
    } else {
        Profile::Satellite
    };
    Some(Tolerance {
        profile: Some(profile),
        radius_m: profile.point_match_radius_m(),
        from: format!("{from} ({gsd:.2} m)"),
    })
}

fn median_gsd(leads: &[Lead]) -> Option<f64> {
    let mut gsds: Vec<f64> = leads.iter().filter_map(|l| l.gsd_m).collect();
    gsds.sort_by(f64::total_cmp);
    gsds.get(gsds.len() / 2).copied()
}

fn lead_item(
    lead: &Lead,
    project: &impl Fn(&Geometry<f64>) -> Result<Geometry<f64>>,
) -> Result<Item> {
    let point = point_of(&project(&lead.point().into())?);
    Ok(Item {
        id: lead.id.clone(),
        class: lead.class,
        geometry: project(&lead.geometry)?,
        point,
    })
}

fn truth_item(
    object: &TruthObject,
    project: &impl Fn(&Geometry<f64>) -> Result<Geometry<f64>>,
) -> Result<Item> {
    let geometry = project(&object.geometry)?;
    let point = geometry
        .interior_point()
        .unwrap_or(Point::new(f64::NAN, f64::NAN));
    Ok(Item {
        id: object.id.clone(),
        class: object.class,
        geometry,
        point,
    })
}

/// The point itself, or a point inside a polygon (NaN, matching nothing, for an empty one).
fn point_of(geometry: &Geometry<f64>) -> Point<f64> {
    geometry
        .interior_point()
        .unwrap_or(Point::new(f64::NAN, f64::NAN))
}

fn scores_by_class(tallies: &BTreeMap<Class, Tally>) -> BTreeMap<Class, Scores> {
    tallies.iter().map(|(c, t)| (*c, t.scores())).collect()
}

fn total(tallies: &BTreeMap<Class, Tally>) -> Scores {
    let mut sum = Tally::default();
    tallies.values().for_each(|t| sum.add(t));
    sum.scores()
}
