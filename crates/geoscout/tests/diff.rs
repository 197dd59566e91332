//! `geoscout diff`: the ledger of two campaigns. A campaign against itself is all persisting
//! with the same ids; against a campaign with leads added, removed and moved a little, it
//! finds exactly the added (new) and removed (resolved) ones and keeps the earlier ids of the
//! others; the ledger carries over to the next month.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use geo::{Geometry, Rect, coord};
use geoscout_core::Class;
use geoscout_leads::{Lead, write_geojson};
use serde_json::Value;

use crate::reference::{Random, sql};
use crate::util::{geoscout_ok, path_str, properties_by_id, tempdir};

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
