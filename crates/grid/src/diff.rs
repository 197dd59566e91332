//! The lead ledger: matching the leads of two campaigns so that a problem keeps one id from
//! the month it is first seen until it is closed.
//!
//! Leads match only within a class. Polygons match when their intersection over union reaches
//! [`MatchOptions::min_iou`], or when the intersection covers [`MatchOptions::min_overlap`] of
//! the smaller one (a pile that grew or shrank); points match within
//! [`MatchOptions::max_distance_m`]. Distances and areas are measured in one metric CRS picked
//! from the leads' centre. Matching is one to one: the best pairs are taken first (highest IoU,
//! then overlap; nearest points), ties by the leads' ids.
//!
//! The result: every current lead, `persisting` (with the earlier lead's id and `first_seen`)
//! or `new`, then every earlier lead not found now, `resolved`, then the earlier ledger's
//! `resolved` leads as they were (closed problems stay in the ledger; a problem that comes
//! back at the same place is a new lead).
//!
//! Dates (`first_seen`, `last_seen`) are a lead's `acquired` date when it has one, else its
//! campaign's date: the local date of `started` in the `run.json` beside the leads file, else
//! the local date of the leads file's modification time.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Local, NaiveDate};
use geo::{Area, BooleanOps, BoundingRect, Centroid, Distance, Euclidean, Geometry, MultiPolygon};
use geoscout_core::fs::IoError;
use geoscout_leads::{Lead, read_geojson};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};
use serde_json::Value;

use crate::crs::{MetricCrs, Reprojector, WGS84, spatial_ref_from_epsg};
use crate::table::{ColumnKind, CsvOptions, Table, write_csv};
use crate::{Error, Result};

/// When two leads of two campaigns are the same problem.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MatchOptions {
    /// Polygons match at this intersection over union or more.
    pub min_iou: f64,
    /// Polygons also match when the intersection covers this fraction of the smaller one.
    pub min_overlap: f64,
    /// Points match at this distance or less, in metres.
    pub max_distance_m: f64,
}

impl Default for MatchOptions {
    /// IoU 0.3, overlap 0.5, 20 m (the satellite match radius of `targets.md`).
    fn default() -> MatchOptions {
        MatchOptions {
            min_iou: 0.3,
            min_overlap: 0.5,
            max_distance_m: 20.0,
        }
    }
}

/// The leads of one campaign and its date.
#[derive(Clone, Debug)]
pub struct Campaign {
    /// Where the leads came from.
    pub path: PathBuf,
    /// The leads.
    pub leads: Vec<Lead>,
    /// The campaign's date (`run.json`'s `started`, else the file's modification time).
    pub date: NaiveDate,
}

impl Campaign {
    /// Reads a campaign: a scan output folder (its `leads.geojson`) or a leads file.
    pub fn open(path: &Path) -> Result<Campaign> {
        let file = if path.is_dir() {
            path.join("leads.geojson")
        } else {
            path.to_path_buf()
        };
        let leads = read_geojson(&file)?;
        let folder = file.parent().unwrap_or(Path::new("."));
        let date = match run_date(&folder.join("run.json"))? {
            Some(date) => date,
            None => {
                let modified = std::fs::metadata(&file)
                    .and_then(|m| m.modified())
                    .map_err(|e| IoError::new(&file, e))?;
                DateTime::<Local>::from(modified).date_naive()
            }
        };
        Ok(Campaign {
            path: file,
            leads,
            date,
        })
    }

    /// The folder the leads file is in (chip paths are relative to it).
    pub fn folder(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// The date a lead was seen in this campaign: its `acquired` date, else the campaign's.
    fn seen(&self, lead: &Lead) -> NaiveDate {
        lead.acquired
            .as_deref()
            .and_then(iso_date)
            .unwrap_or(self.date)
    }
}

/// The local date of `started` in a run record, `None` when there is no such file.
fn run_date(path: &Path) -> Result<Option<NaiveDate>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(IoError::new(path, e).into()),
    };
    let record: Value = serde_json::from_str(&text)
        .map_err(|e| Error::bad_input(path, format!("not JSON: {e}")))?;
    let started = record
        .get("started")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::bad_input(path, "no 'started' date (RFC 3339) in this run record"))?;
    let started = DateTime::parse_from_rfc3339(started)
        .map_err(|e| Error::bad_input(path, format!("'started' is not RFC 3339: {e}")))?;
    Ok(Some(started.with_timezone(&Local).date_naive()))
}

/// The date at the start of an ISO 8601 date or date-time.
fn iso_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

/// How many leads of each status [`diff`] gave.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DiffSummary {
    /// Current leads not seen before.
    pub new: usize,
    /// Current leads matched to an earlier one (they keep its id).
    pub persisting: usize,
    /// Earlier leads not found now.
    pub resolved: usize,
    /// Leads already resolved in the earlier ledger, carried over.
    pub carried: usize,
}

/// Matches `current` against `previous` and returns the ledger's leads with `status`,
/// `first_seen` and `last_seen` (see the module docs), and the counts.
pub fn diff(
    previous: &Campaign,
    current: &Campaign,
    options: &MatchOptions,
) -> Result<(Vec<Lead>, DiffSummary)> {
    let is_resolved = |l: &Lead| l.extra.get("status").and_then(Value::as_str) == Some("resolved");
    let open: Vec<&Lead> = previous.leads.iter().filter(|l| !is_resolved(l)).collect();
    let pairs = match_leads(&open, &current.leads, options, &current.path)?;

    let mut summary = DiffSummary::default();
    let mut matched_previous = vec![false; open.len()];
    let mut ledger = Vec::with_capacity(current.leads.len() + open.len());
    let mut used: HashSet<String> = previous.leads.iter().map(|l| l.id.clone()).collect();
    for (index, lead) in current.leads.iter().enumerate() {
        let mut lead = lead.clone();
        let seen = current.seen(&lead).to_string();
        match pairs[index] {
            Some(p) => {
                matched_previous[p] = true;
                let earlier = open[p];
                let first = date_field(earlier, "first_seen")
                    .unwrap_or_else(|| previous.seen(earlier).to_string());
                lead.id = earlier.id.clone();
                set_status(&mut lead, "persisting", first, seen);
                summary.persisting += 1;
            }
            None => {
                lead.id = unique_id(&lead.id, &mut used);
                set_status(&mut lead, "new", seen.clone(), seen);
                summary.new += 1;
            }
        }
        ledger.push(lead);
    }
    for (earlier, _) in open.iter().zip(&matched_previous).filter(|(_, m)| !**m) {
        let mut lead = (*earlier).clone();
        let seen = previous.seen(earlier).to_string();
        let first = date_field(earlier, "first_seen").unwrap_or_else(|| seen.clone());
        let last = date_field(earlier, "last_seen").unwrap_or(seen);
        set_status(&mut lead, "resolved", first, last);
        ledger.push(lead);
        summary.resolved += 1;
    }
    for lead in previous.leads.iter().filter(|l| is_resolved(l)) {
        ledger.push(lead.clone());
        summary.carried += 1;
    }
    Ok((ledger, summary))
}

fn date_field(lead: &Lead, key: &str) -> Option<String> {
    lead.extra
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn set_status(lead: &mut Lead, status: &str, first_seen: String, last_seen: String) {
    lead.extra.insert("status".into(), status.into());
    lead.extra.insert("first_seen".into(), first_seen.into());
    lead.extra.insert("last_seen".into(), last_seen.into());
}

/// `id`, or `id-2`, `id-3`, ... when an earlier lead already has it; the result is recorded
/// in `used`.
fn unique_id(id: &str, used: &mut HashSet<String>) -> String {
    let mut candidate = id.to_string();
    let mut n = 1;
    while used.contains(&candidate) {
        n += 1;
        candidate = format!("{id}-{n}");
    }
    used.insert(candidate.clone());
    candidate
}

/// For each current lead, the index of the earlier lead it matches.
fn match_leads(
    previous: &[&Lead],
    current: &[Lead],
    options: &MatchOptions,
    path: &Path,
) -> Result<Vec<Option<usize>>> {
    let mut geometries: Vec<Geometry<f64>> = previous
        .iter()
        .copied()
        .chain(current)
        .map(|l| l.geometry.clone())
        .collect();
    let Some(centre) = geo::GeometryCollection(geometries.clone()).centroid() else {
        return Ok(vec![None; current.len()]);
    };
    let metric = MetricCrs::for_longitude(centre.x(), centre.y());
    let metric_srs = metric
        .spatial_ref()
        .map_err(|e| Error::bad_input(path, e))?;
    spatial_ref_from_epsg(WGS84)
        .and_then(|wgs84| Reprojector::new(&wgs84, &metric_srs))
        .and_then(|r| r.geometries(&mut geometries))
        .map_err(|e| Error::gdal(path, format!("reprojecting leads to {metric}"), e))?;
    let (earlier, now) = geometries.split_at(previous.len());

    let envelopes = earlier
        .iter()
        .enumerate()
        .filter_map(|(i, g)| {
            let r = g.bounding_rect()?;
            Some(GeomWithData::new(
                Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                i,
            ))
        })
        .collect();
    let tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>> = RTree::bulk_load(envelopes);
    // (quality, earlier index, current index); higher quality first.
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    for (c, geometry) in now.iter().enumerate() {
        let Some(rect) = geometry.bounding_rect() else {
            continue;
        };
        let reach = options.max_distance_m;
        let search = AABB::from_corners(
            [rect.min().x - reach, rect.min().y - reach],
            [rect.max().x + reach, rect.max().y + reach],
        );
        for envelope in tree.locate_in_envelope_intersecting(&search) {
            let p = envelope.data;
            if previous[p].class != current[c].class {
                continue;
            }
            if let Some(quality) = match_quality(&earlier[p], geometry, options) {
                candidates.push((quality, p, c));
            }
        }
    }
    candidates.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| previous[a.1].id.cmp(&previous[b.1].id))
            .then_with(|| current[a.2].id.cmp(&current[b.2].id))
    });
    let mut taken = vec![false; previous.len()];
    let mut matches = vec![None; current.len()];
    for (_, p, c) in candidates {
        if !taken[p] && matches[c].is_none() {
            taken[p] = true;
            matches[c] = Some(p);
        }
    }
    Ok(matches)
}

/// How well two geometries (metric CRS) match, higher is better; `None` when they do not.
/// Polygons: IoU plus a small share of the overlap for ordering; points (or a point and a
/// polygon): minus the distance.
fn match_quality(a: &Geometry<f64>, b: &Geometry<f64>, options: &MatchOptions) -> Option<f64> {
    match (polygons(a), polygons(b)) {
        (Some(pa), Some(pb)) => {
            let (area_a, area_b) = (pa.unsigned_area(), pb.unsigned_area());
            let shared = pa.intersection(&pb).unsigned_area();
            let union = area_a + area_b - shared;
            let iou = if union > 0.0 { shared / union } else { 0.0 };
            let smaller = area_a.min(area_b);
            let overlap = if smaller > 0.0 { shared / smaller } else { 0.0 };
            (shared > 0.0 && (iou >= options.min_iou || overlap >= options.min_overlap))
                .then_some(iou + overlap * 1e-3)
        }
        _ => {
            let distance = Euclidean.distance(a, b);
            (distance <= options.max_distance_m).then_some(-distance)
        }
    }
}

fn polygons(geometry: &Geometry<f64>) -> Option<MultiPolygon<f64>> {
    match geometry {
        Geometry::Polygon(p) => Some(MultiPolygon(vec![p.clone()])),
        Geometry::MultiPolygon(mp) => Some(mp.clone()),
        _ => None,
    }
}

/// Writes the ledger as CSV: one row per lead with `id`, `status`, `class`, `class_zh`,
/// `first_seen`, `last_seen`, `score`, `lon`, `lat`, `grid_id`, `grid_path`,
/// `responsible_unit`, `river`, `chainage_m`, `source`, `chip`.
pub fn write_ledger(path: &Path, leads: &[Lead], csv: CsvOptions) -> Result<()> {
    let columns = [
        "id",
        "status",
        "class",
        "class_zh",
        "first_seen",
        "last_seen",
        "score",
        "lon",
        "lat",
        "grid_id",
        "grid_path",
        "responsible_unit",
        "river",
        "chainage_m",
        "source",
        "chip",
    ];
    let mut table = Table::new(columns.map(|c| (c, ColumnKind::Text)));
    for lead in leads {
        let properties = lead.properties();
        let value = |key: &str| properties.get(key).cloned().unwrap_or(Value::Null);
        table.push(columns.iter().map(|c| value(c)).collect());
    }
    write_csv(path, &table, csv)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Rect, coord};
    use geoscout_core::Class;

    fn square(id: &str, x: f64, y: f64, side_deg: f64) -> Lead {
        let rect = Rect::new(
            coord! { x: x, y: y },
            coord! { x: x + side_deg, y: y + side_deg },
        );
        Lead::new(id, Class::CoalGanguePile, 0.9, rect.to_polygon().into())
    }

    fn outlet(id: &str, x: f64, y: f64) -> Lead {
        Lead::new(
            id,
            Class::DischargeOutlet,
            0.9,
            geo::point!(x: x, y: y).into(),
        )
    }

    fn campaign(leads: Vec<Lead>, date: &str) -> Campaign {
        Campaign {
            path: PathBuf::from("leads.geojson"),
            leads,
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
        }
    }

    fn statuses(ledger: &[Lead]) -> Vec<(String, String)> {
        ledger
            .iter()
            .map(|l| {
                (
                    l.id.clone(),
                    l.extra["status"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn a_campaign_against_itself_is_all_persisting_with_the_same_ids() {
        let leads = vec![square("a", 113.5, 39.9, 0.001), outlet("b", 113.6, 39.9)];
        let run = campaign(leads, "2024-05-01");
        let (ledger, summary) = diff(&run, &run, &MatchOptions::default()).unwrap();
        assert_eq!(
            statuses(&ledger),
            [
                ("a".into(), "persisting".into()),
                ("b".into(), "persisting".into())
            ]
        );
        assert_eq!(
            summary,
            DiffSummary {
                persisting: 2,
                ..DiffSummary::default()
            }
        );
    }

    #[test]
    fn moved_and_changed_leads_keep_the_earlier_id_and_first_seen() {
        let mut earlier = square("old-pile", 113.5, 39.9, 0.001);
        earlier
            .extra
            .insert("first_seen".into(), "2024-01-10".into());
        let previous = campaign(
            vec![earlier, outlet("old-outlet", 113.6, 39.9)],
            "2024-04-01",
        );
        // The pile shifted by a tenth of its side, the outlet by about 8.5 m (1e-4 deg east).
        let mut later = square("new-pile", 113.5001, 39.9, 0.001);
        later.acquired = Some("2024-05-03T02:10:00Z".into());
        let current = campaign(
            vec![later, outlet("new-outlet", 113.6001, 39.9)],
            "2024-05-01",
        );
        let (ledger, _) = diff(&previous, &current, &MatchOptions::default()).unwrap();
        assert_eq!(
            statuses(&ledger)[0],
            ("old-pile".into(), "persisting".into())
        );
        assert_eq!(ledger[0].extra["first_seen"], "2024-01-10");
        assert_eq!(ledger[0].extra["last_seen"], "2024-05-03");
        assert_eq!(
            statuses(&ledger)[1],
            ("old-outlet".into(), "persisting".into())
        );
        assert_eq!(ledger[1].extra["first_seen"], "2024-04-01");
    }

    #[test]
    fn added_and_removed_leads_are_new_and_resolved() {
        let previous = campaign(
            vec![
                square("kept", 113.5, 39.9, 0.001),
                outlet("gone", 113.6, 39.9),
            ],
            "2024-04-01",
        );
        let current = campaign(
            vec![
                square("kept-again", 113.5, 39.9, 0.001),
                // Too far (about 26 m) to be the same outlet.
                outlet("elsewhere", 113.6003, 39.9),
                // Same place as "gone" but another class: not a match.
                square("other-class", 113.6, 39.9, 0.0001),
            ],
            "2024-05-01",
        );
        let (ledger, summary) = diff(&previous, &current, &MatchOptions::default()).unwrap();
        assert_eq!(
            statuses(&ledger),
            [
                ("kept".into(), "persisting".into()),
                ("elsewhere".into(), "new".into()),
                ("other-class".into(), "new".into()),
                ("gone".into(), "resolved".into()),
            ]
        );
        assert_eq!(ledger[3].extra["last_seen"], "2024-04-01");
        assert_eq!(
            summary,
            DiffSummary {
                new: 2,
                persisting: 1,
                resolved: 1,
                carried: 0
            }
        );

        // The ledger as the next month's previous: the resolved lead is carried, not matched.
        let next = Campaign {
            leads: ledger,
            ..campaign(vec![], "2024-05-01")
        };
        let (again, summary) = diff(&next, &current, &MatchOptions::default()).unwrap();
        assert_eq!(
            summary,
            DiffSummary {
                new: 0,
                persisting: 3,
                resolved: 0,
                carried: 1
            }
        );
        assert_eq!(again[3].extra["last_seen"], "2024-04-01");
    }

    #[test]
    fn one_earlier_lead_matches_at_most_one_current_lead() {
        let previous = campaign(vec![outlet("p", 113.6, 39.9)], "2024-04-01");
        let current = campaign(
            vec![
                outlet("far", 113.6002, 39.9),
                outlet("near", 113.6001, 39.9),
            ],
            "2024-05-01",
        );
        let (ledger, _) = diff(&previous, &current, &MatchOptions::default()).unwrap();
        assert_eq!(
            statuses(&ledger),
            [
                ("far".into(), "new".into()),
                ("p".into(), "persisting".into())
            ]
        );
    }

    #[test]
    fn a_new_lead_whose_id_an_earlier_lead_has_gets_a_suffix() {
        let previous = campaign(vec![outlet("x", 113.6, 39.9)], "2024-04-01");
        let current = campaign(vec![outlet("x", 113.7, 39.9)], "2024-05-01");
        let (ledger, _) = diff(&previous, &current, &MatchOptions::default()).unwrap();
        assert_eq!(
            statuses(&ledger),
            [
                ("x-2".into(), "new".into()),
                ("x".into(), "resolved".into())
            ]
        );
    }

    #[test]
    fn the_campaign_date_comes_from_run_json_else_from_the_file_time() {
        let dir = tempfile::tempdir().unwrap();
        let leads = dir.path().join("leads.geojson");
        geoscout_leads::write_geojson(&leads, &[outlet("a", 113.6, 39.9)]).unwrap();
        // No run.json: the file's modification time (noon UTC: the same date from UTC-11 to +11).
        let noon = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_709_640_000);
        std::fs::File::options()
            .write(true)
            .open(&leads)
            .unwrap()
            .set_modified(noon)
            .unwrap();
        assert_eq!(
            Campaign::open(&leads).unwrap().date.to_string(),
            "2024-03-05"
        );
        std::fs::write(
            dir.path().join("run.json"),
            r#"{"started": "2024-05-06T04:00:00Z"}"#,
        )
        .unwrap();
        let campaign = Campaign::open(dir.path()).unwrap();
        assert_eq!(
            (campaign.date.to_string(), campaign.leads.len()),
            ("2024-05-06".into(), 1)
        );
        std::fs::write(dir.path().join("run.json"), r#"{"started": "May 6"}"#).unwrap();
        let err = Campaign::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("run.json: 'started' is not RFC 3339"), "{err}");
    }
}
