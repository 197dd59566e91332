//! `geoscout diff`: the ledger of two campaigns. A campaign against itself is all persisting
//! with the same ids; against a campaign with leads added, removed and moved a little, it
//! finds exactly the added (new) and removed (resolved) ones and keeps the earlier ids of the
//! others; the ledger carries over to the next month.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gdal::vector::LayerAccess;
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};
use geo::{Geometry, Rect, coord};
use geoscout_core::Class;
use geoscout_leads::{Lead, write_geojson};
use serde_json::Value;

use crate::reference::{Random, sql};
use crate::scan::scan_ok;
use crate::util::{geoscout_ok, path_str, properties_by_id, synth, tempdir};

/// A lead of `class` at (`x`, `y`): a point for outlets, a square of `side` degrees otherwise.
fn lead(id: &str, class: Class, x: f64, y: f64, side: f64) -> Lead {
    let geometry: Geometry<f64> = match class {
        Class::DischargeOutlet => geo::point!(x: x, y: y).into(),
        _ => Rect::new(coord! { x: x, y: y }, coord! { x: x + side, y: y + side })
            .to_polygon()
            .into(),
    };
    let mut lead = Lead::new(id, class, 0.8, geometry);
    lead.chip = Some(format!("chips/{id}.png"));
    lead
}

/// A scan-like output folder: leads.geojson and a run.json that started at `started`.
fn campaign(dir: &Path, name: &str, leads: &[Lead], started: &str) -> PathBuf {
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder).unwrap();
    write_geojson(&folder.join("leads.geojson"), leads).unwrap();
    std::fs::write(
        folder.join("run.json"),
        format!(r#"{{"started": "{started}"}}"#),
    )
    .unwrap();
    folder
}

/// 60 leads of all classes spread over 0.3 x 0.3 degrees, at least 1 km apart.
fn april() -> Vec<Lead> {
    let mut random = Random::new(11);
    (0..60)
        .map(|i| {
            let (col, row) = ((i % 10) as f64, (i / 10) as f64);
            let x = 113.4 + col * 0.03 + random.range(0.0, 0.01);
            let y = 39.9 + row * 0.03 + random.range(0.0, 0.01);
            let class = Class::ALL[i % 3];
            lead(
                &format!("2024-04-{i:02}"),
                class,
                x,
                y,
                random.range(0.0005, 0.003),
            )
        })
        .collect()
}

/// The ledger a diff wrote: properties by id.
fn read_ledger(out: &Path) -> BTreeMap<String, Value> {
    properties_by_id(&out.join("leads.geojson"))
}

/// Runs `geoscout diff`, checks that it succeeded and returns what it printed.
fn diff(previous: &Path, current: &Path, out: &Path) -> String {
    geoscout_ok([
        "diff",
        "--previous",
        path_str(previous),
        "--current",
        path_str(current),
        "--out",
        path_str(out),
    ])
}

#[test]
fn a_campaign_against_itself_is_all_persisting_with_unchanged_ids() {
    let dir = tempdir();
    let leads = april();
    let run = campaign(dir.path(), "april", &leads, "2024-04-02T06:00:00Z");
    let out = dir.path().join("ledger");
    let stdout = diff(&run, &run, &out);
    assert!(
        stdout.starts_with("0 new, 60 persisting, 0 resolved"),
        "{stdout}"
    );
    let ledger = read_ledger(&out);
    assert_eq!(
        ledger.keys().cloned().collect::<Vec<_>>(),
        leads.iter().map(|l| l.id.clone()).collect::<Vec<_>>()
    );
    for p in ledger.values() {
        assert_eq!(p["status"], "persisting");
        assert_eq!(
            (p["first_seen"].as_str(), p["last_seen"].as_str()),
            (Some("2024-04-02"), Some("2024-04-02"))
        );
        assert_eq!(
            p["chip"].as_str().unwrap(),
            format!("../april/chips/{}.png", p["id"].as_str().unwrap())
        );
    }
}

#[test]
fn added_and_removed_leads_are_found_exactly_and_the_ledger_carries_over() {
    let dir = tempdir();
    let april = april();
    let april_dir = campaign(dir.path(), "april", &april, "2024-04-02T06:00:00Z");

    // May: every 7th lead gone; the others seen again with new ids, moved about 5 m and,
    // for polygons, reshaped a little; eight new leads, two of them next to removed ones but
    // of another class.
    let removed: Vec<&Lead> = april.iter().step_by(7).collect();
    let mut may: Vec<Lead> = Vec::new();
    let mut again: BTreeMap<String, String> = BTreeMap::new();
    for (i, earlier) in april.iter().enumerate().filter(|(i, _)| i % 7 != 0) {
        let shift = 0.00006; // about 5 m east
        let moved = match &earlier.geometry {
            Geometry::Point(p) => lead(
                &format!("2024-05-{i:02}"),
                earlier.class,
                p.x() + shift,
                p.y(),
                0.0,
            ),
            Geometry::Polygon(p) => {
                let r = geo::BoundingRect::bounding_rect(p).unwrap();
                lead(
                    &format!("2024-05-{i:02}"),
                    earlier.class,
                    r.min().x + shift,
                    r.min().y,
                    r.width() * 1.1,
                )
            }
            other => panic!("{other:?}"),
        };
        again.insert(moved.id.clone(), earlier.id.clone());
        may.push(moved);
    }
    let mut added = Vec::new();
    for k in 0..6 {
        added.push(lead(
            &format!("new-{k}"),
            Class::ALL[k % 3],
            113.8 + k as f64 * 0.02,
            40.3,
            0.002,
        ));
    }
    for (k, gone) in removed.iter().take(2).enumerate() {
        let other = if gone.class == Class::DustSource {
            Class::CoalGanguePile
        } else {
            Class::DustSource
        };
        added.push(lead(
            &format!("new-other-{k}"),
            other,
            gone.lon,
            gone.lat,
            0.001,
        ));
    }
    may.extend(added.iter().cloned());
    may[0].acquired = Some("2024-05-01T03:00:00Z".into());
    let may_dir = campaign(dir.path(), "may", &may, "2024-05-06T06:00:00Z");

    let out = dir.path().join("ledger-may");
    let stdout = diff(&april_dir, &may_dir, &out);
    assert!(
        stdout.starts_with(&format!(
            "{} new, {} persisting, {} resolved",
            added.len(),
            again.len(),
            removed.len()
        )),
        "{stdout}"
    );
    let ledger = read_ledger(&out);
    assert_eq!(ledger.len(), may.len() + removed.len());
    for (new_id, old_id) in &again {
        let p = &ledger[old_id];
        assert_eq!(
            p["status"], "persisting",
            "{new_id} should keep {old_id}: {p}"
        );
        assert_eq!(p["first_seen"], "2024-04-02");
        assert_eq!(
            p["chip"].as_str().unwrap(),
            format!("../may/chips/{new_id}.png")
        );
        assert!(!ledger.contains_key(new_id));
    }
    assert_eq!(
        ledger[&again.values().next().unwrap().clone()]["last_seen"],
        "2024-05-01",
        "from acquired"
    );
    for lead in &added {
        let p = &ledger[&lead.id];
        assert_eq!(
            (
                p["status"].as_str(),
                p["first_seen"].as_str(),
                p["last_seen"].as_str()
            ),
            (Some("new"), Some("2024-05-06"), Some("2024-05-06"))
        );
    }
    for lead in &removed {
        let p = &ledger[&lead.id];
        assert_eq!(
            (p["status"].as_str(), p["last_seen"].as_str()),
            (Some("resolved"), Some("2024-04-02"))
        );
        assert_eq!(
            p["chip"].as_str().unwrap(),
            format!("../april/chips/{}.png", lead.id)
        );
    }
    let csv = sql(
        &out.join("ledger.csv"),
        "SELECT status, COUNT(*) AS n FROM ledger GROUP BY status ORDER BY status",
    );
    let counts: Vec<(String, String)> = csv
        .iter()
        .map(|r| (r["status"].clone(), r["n"].clone()))
        .collect();
    assert_eq!(
        counts,
        [
            ("new".into(), added.len().to_string()),
            ("persisting".into(), again.len().to_string()),
            ("resolved".into(), removed.len().to_string())
        ]
    );

    // June sees May's leads again: the ledger is the previous campaign; resolved leads are
    // carried as they were and April's first_seen survives.
    let june_dir = campaign(dir.path(), "june", &may, "2024-06-04T06:00:00Z");
    let june = dir.path().join("ledger-june");
    let stdout = diff(&out, &june_dir, &june);
    assert!(
        stdout.starts_with(&format!(
            "0 new, {} persisting, 0 resolved ({} resolved earlier, carried)",
            may.len(),
            removed.len()
        )),
        "{stdout}"
    );
    let ledger = read_ledger(&june);
    let kept = again.values().nth(1).unwrap();
    assert_eq!(
        (
            ledger[kept]["first_seen"].as_str(),
            ledger[kept]["last_seen"].as_str()
        ),
        (Some("2024-04-02"), Some("2024-06-04"))
    );
    assert_eq!(ledger[&removed[1].id]["status"], "resolved");
    assert_eq!(
        ledger[&removed[1].id]["chip"].as_str().unwrap(),
        format!("../april/chips/{}.png", removed[1].id)
    );
}

/// A box in a raster's pixels: `[x0, y0, x1, y1]`.
type PixelBox = [f64; 4];

/// The leads of a scan (both layers of its `leads.gpkg`, written in the raster's CRS) by id, as
/// boxes in the pixels of `raster`, which has a north-up geotransform.
fn pixel_boxes(out: &Path, raster: &Path) -> BTreeMap<String, PixelBox> {
    let gt = Dataset::open(raster).unwrap().geo_transform().unwrap();
    let leads = Dataset::open(out.join("leads.gpkg")).unwrap();
    let mut boxes = BTreeMap::new();
    for mut layer in leads.layers() {
        for feature in layer.features() {
            let id = feature.field_as_string(0).unwrap().unwrap();
            let e = feature.geometry().unwrap().envelope();
            let (x0, x1) = ((e.MinX - gt[0]) / gt[1], (e.MaxX - gt[0]) / gt[1]);
            let (y0, y1) = ((e.MaxY - gt[3]) / gt[5], (e.MinY - gt[3]) / gt[5]);
            boxes.insert(id, [x0, y0, x1, y1]);
        }
    }
    boxes
}

/// Pixels of unchanged ground kept between a swapped window's edge and any lead, so that the
/// model's view of the leads that stay (and of those swapped in) does not change: more than the
/// satellite model's halo.
const CLEARANCE: f64 = 40.0;

/// Where lead box `b` lies against `window`: `Some(true)` well inside, `Some(false)` well
/// outside, `None` too near its edge.
fn placement(b: &PixelBox, window: &PixelBox) -> Option<bool> {
    let inside = b[0] >= window[0] + CLEARANCE
        && b[1] >= window[1] + CLEARANCE
        && b[2] <= window[2] - CLEARANCE
        && b[3] <= window[3] - CLEARANCE;
    let outside = b[2] <= window[0] - CLEARANCE
        || b[3] <= window[1] - CLEARANCE
        || b[0] >= window[2] + CLEARANCE
        || b[1] >= window[3] + CLEARANCE;
    match (inside, outside) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}

/// The ids of `boxes` well inside `window`, or `None` when one lies too near its edge.
fn inside(boxes: &BTreeMap<String, PixelBox>, window: &PixelBox) -> Option<Vec<String>> {
    let mut ids = Vec::new();
    for (id, b) in boxes {
        if placement(b, window)? {
            ids.push(id.clone());
        }
    }
    Some(ids)
}

/// A window to swap between two scenes of `size` pixels: every lead's box grown by
/// `CLEARANCE + 8` pixels, kept when the leads of both scenes are each well inside it or well
/// outside it. Each comes with the ids of the leads of `before` and of `donor` inside it.
fn swap_windows(
    before: &BTreeMap<String, PixelBox>,
    donor: &BTreeMap<String, PixelBox>,
    size: f64,
) -> Vec<(PixelBox, Vec<String>, Vec<String>)> {
    let margin = CLEARANCE + 8.0;
    before
        .values()
        .chain(donor.values())
        .filter_map(|b| {
            let window = [
                (b[0] - margin).floor().max(0.0),
                (b[1] - margin).floor().max(0.0),
                (b[2] + margin).ceil().min(size),
                (b[3] + margin).ceil().min(size),
            ];
            Some((window, inside(before, &window)?, inside(donor, &window)?))
        })
        .collect()
}

/// Copies `window` of every band of `from` into the same pixels of `into`.
fn paste_window(from: &Path, into: &Path, window: &PixelBox) {
    let from = Dataset::open(from).unwrap();
    let options = DatasetOptions {
        open_flags: GdalOpenFlags::GDAL_OF_RASTER | GdalOpenFlags::GDAL_OF_UPDATE,
        ..Default::default()
    };
    let into = Dataset::open_ex(into, options).unwrap();
    let offset = (window[0] as isize, window[1] as isize);
    let size = (
        (window[2] - window[0]) as usize,
        (window[3] - window[1]) as usize,
    );
    for band in 1..=from.raster_count() {
        let mut pixels = from
            .rasterband(band)
            .unwrap()
            .read_as::<u16>(offset, size, size, None)
            .unwrap();
        into.rasterband(band)
            .unwrap()
            .write(offset, size, &mut pixels)
            .unwrap();
    }
}

/// A real rescan: a held-out scene, then the same scene with two windows showing another
/// scene's ground instead (same ground sample distance): one that held leads and now holds
/// none, one that held none and now holds leads. Against the first scan, `diff` finds exactly
/// the leads that left (resolved) and the objects that came (new), and every other lead
/// persists under its earlier id.
#[test]
fn a_rescan_with_objects_added_and_removed_finds_exactly_those() {
    let dir = tempdir();
    let scenes = dir.path().join("scenes");
    let size = 1536;
    synth(
        &scenes,
        &[
            "--profile",
            "satellite",
            "--scenes",
            "2",
            "--size",
            &size.to_string(),
            "--seed",
            "9301",
            "--gsd",
            "1.5",
        ],
    );
    let (before, donor) = (
        scenes.join("satellite-09301.tif"),
        scenes.join("satellite-09302.tif"),
    );
    let (before_out, donor_out) = (dir.path().join("before"), dir.path().join("donor"));
    scan_ok(&[&before], &before_out, &[]);
    scan_ok(&[&donor], &donor_out, &[]);
    let (before_leads, donor_leads) = (
        pixel_boxes(&before_out, &before),
        pixel_boxes(&donor_out, &donor),
    );

    let windows = swap_windows(&before_leads, &donor_leads, size as f64);
    let apart = |a: &PixelBox, b: &PixelBox| {
        a[2] + 2.0 * CLEARANCE <= b[0]
            || b[2] + 2.0 * CLEARANCE <= a[0]
            || a[3] + 2.0 * CLEARANCE <= b[1]
            || b[3] + 2.0 * CLEARANCE <= a[1]
    };
    let removal = windows
        .iter()
        .find(|(_, removed, added)| !removed.is_empty() && added.is_empty());
    let addition = removal.and_then(|(taken, _, _)| {
        windows.iter().find(|(window, removed, added)| {
            removed.is_empty() && !added.is_empty() && apart(window, taken)
        })
    });
    let (Some((removal, removed, _)), Some((addition, _, added))) = (removal, addition) else {
        panic!(
            "no pair of windows to swap in scenes 9301 and 9302 ({} and {} leads)",
            before_leads.len(),
            donor_leads.len()
        );
    };

    let after = dir.path().join("rescan/satellite-09301.tif");
    std::fs::create_dir_all(after.parent().unwrap()).unwrap();
    std::fs::copy(&before, &after).unwrap();
    paste_window(&donor, &after, removal);
    paste_window(&donor, &after, addition);
    let after_out = dir.path().join("after");
    scan_ok(&[&after], &after_out, &[]);
    let after_leads = pixel_boxes(&after_out, &after);

    let ledger_out = dir.path().join("ledger");
    let stdout = diff(&before_out, &after_out, &ledger_out);
    let ledger = read_ledger(&ledger_out);
    let with_status = |status: &str| -> Vec<String> {
        let ids = ledger.iter().filter(|(_, p)| p["status"] == status);
        ids.map(|(id, _)| id.clone()).collect()
    };
    let (new, persisting, resolved) = (
        with_status("new"),
        with_status("persisting"),
        with_status("resolved"),
    );
    assert!(
        stdout.starts_with(&format!(
            "{} new, {} persisting, {} resolved",
            new.len(),
            persisting.len(),
            resolved.len()
        )),
        "{stdout}"
    );
    // The leads that were in the removal window are resolved, and only they; every other lead
    // of the first scan is seen again under its id.
    assert_eq!(&resolved, removed, "windows {removal:?} and {addition:?}");
    let kept: Vec<String> = before_leads
        .keys()
        .filter(|id| !removed.contains(id))
        .cloned()
        .collect();
    assert_eq!(persisting, kept);
    // Each object swapped in is a new lead, well inside the addition window. The pasted ground
    // meets the scene along seams the model has never seen, where it may find something too:
    // such leads are new as well, and must lie on a seam, never in unchanged ground.
    let inside_addition = new
        .iter()
        .filter(|id| placement(&after_leads[*id], addition) == Some(true))
        .count();
    assert_eq!(inside_addition, added.len(), "{new:?}");
    for id in &new {
        let b = &after_leads[id];
        assert!(
            placement(b, removal) != Some(false) || placement(b, addition) != Some(false),
            "{id} {b:?} is new in unchanged ground (windows {removal:?} and {addition:?})"
        );
    }
}
