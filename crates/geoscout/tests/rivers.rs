//! `geoscout assign --rivers`: river, distance, bank and chainage of outlets on the real
//! Sanggan River, checked against a main line put together by hand from SpatiaLite's own
//! reprojection of the river's pieces, on both banks, with the flow reversed, and the
//! outfall checklist in walking order.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use geoscout_core::Class;
use geoscout_leads::{Lead, write_geojson};
use serde_json::Value;

use crate::reference::{require_spatialite, sql};
use crate::util::{geoscout, geoscout_ok, path_str, properties_by_id, shared_data, tempdir};

const SANGGAN: &str = "永定河(桑干河、永定新河)";

type Xy = (f64, f64);

/// The vertices of every part of every piece of the river in EPSG:4547 (reprojected by
/// SpatiaLite), by (FNODE_, TNODE_, part number).
fn pieces(rivers: &Path) -> HashMap<(String, String, usize), Vec<Xy>> {
    let rows = sql(
        rivers,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) \
         SELECT r.FNODE_ AS f, r.TNODE_ AS t, p.i AS part, v.i AS vertex, \
         ST_X(ST_PointN(ST_Transform(ST_GeometryN(r.geometry, p.i), 4547), v.i)) AS x, \
         ST_Y(ST_PointN(ST_Transform(ST_GeometryN(r.geometry, p.i), 4547), v.i)) AS y \
         FROM datong_rivers_hyd2_4l r, n p, n v \
         WHERE p.i <= ST_NumGeometries(r.geometry) AND v.i <= ST_NumPoints(ST_GeometryN(r.geometry, p.i)) \
         ORDER BY f, t, part, vertex",
    );
    let mut pieces: HashMap<(String, String, usize), Vec<Xy>> = HashMap::new();
    for row in rows {
        let key = (
            row["f"].clone(),
            row["t"].clone(),
            row["part"].parse().unwrap(),
        );
        pieces
            .entry(key)
            .or_default()
            .push((row["x"].parse().unwrap(), row["y"].parse().unwrap()));
    }
    pieces
}

/// The main line by hand, from the map: the river flows east. It enters Datong at the west
/// end of the piece 870->878 (digitised upstream, cut into four parts by the clip), runs
/// through 870 and 868 (piece 868->870, digitised upstream), along the reservoir's shorter
/// side (868->865, 27.3 km against 27.6 km for 865->866->868) and through 865 to the east end
/// (865->859, two parts). Gaps left by the clip are bridged by straight lines.
fn main_line(pieces: &HashMap<(String, String, usize), Vec<Xy>>) -> Vec<Segment> {
    let piece = |f: &str, t: &str, part: usize, upstream: bool| {
        let mut v = pieces[&(f.to_string(), t.to_string(), part)].clone();
        if upstream {
            v.reverse();
        }
        v
    };
    let order = [
        piece("870", "878", 4, true),
        piece("870", "878", 3, true),
        piece("870", "878", 2, true),
        piece("870", "878", 1, true),
        piece("868", "870", 1, true),
        piece("868", "865", 1, false),
        piece("865", "859", 1, false),
        piece("865", "859", 2, false),
    ];
    let mut segments: Vec<Segment> = Vec::new();
    for part in order {
        if let Some(last) = segments.last() {
            if last.end != part[0] {
                segments.push(Segment {
                    start: last.end,
                    end: part[0],
                    bridge: true,
                });
            }
        }
        segments.extend(part.windows(2).map(|p| Segment {
            start: p[0],
            end: p[1],
            bridge: false,
        }));
    }
    segments
}

/// A straight piece of the main line; bridges span the gaps the clip left.
struct Segment {
    start: Xy,
    end: Xy,
    bridge: bool,
}

fn distance(a: Xy, b: Xy) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

/// A test outlet: where it is (EPSG:4547) and what geoscout should say.
struct Expected {
    at: Xy,
    chainage: f64,
    distance: f64,
    bank: Option<&'static str>,
}

/// Outlets at the middle of main-line segments longer than 200 m (not bridges), on the line
/// and 30 m to either side; with the chainage, distance and bank looking downstream (east).
fn outlets_along(line: &[Segment]) -> Vec<Expected> {
    let mut walked = 0.0;
    let mut out = Vec::new();
    for &Segment {
        start: a,
        end: b,
        bridge,
    } in line
    {
        let length = distance(a, b);
        if length > 200.0 && !bridge {
            let middle = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
            let left = (-(b.1 - a.1) / length, (b.0 - a.0) / length);
            for (offset, bank) in [(0.0, None), (30.0, Some("left")), (-30.0, Some("right"))] {
                out.push(Expected {
                    at: (middle.0 + offset * left.0, middle.1 + offset * left.1),
                    chainage: walked + length / 2.0,
                    distance: offset.abs(),
                    bank,
                });
            }
        }
        walked += length;
    }
    out
}

/// EPSG:4547 points to WGS 84 longitude/latitude, by SpatiaLite.
fn to_wgs84(datasource: &Path, points: &[Xy]) -> Vec<Xy> {
    let query = points
        .iter()
        .enumerate()
        .map(|(i, (x, y))| {
            format!(
                "SELECT {i} AS k, ST_X(ST_Transform(MakePoint({x}, {y}, 4547), 4326)) AS lon, \
                 ST_Y(ST_Transform(MakePoint({x}, {y}, 4547), 4326)) AS lat"
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let mut rows = sql(datasource, &query);
    rows.sort_by_key(|r| r["k"].parse::<usize>().unwrap());
    rows.iter()
        .map(|r| (r["lon"].parse().unwrap(), r["lat"].parse().unwrap()))
        .collect()
}

/// Runs `geoscout assign --rivers` with `extra` flags and returns each outlet's properties.
fn annotate(dir: &Path, rivers: &Path, leads: &Path, extra: &[&str]) -> BTreeMap<String, Value> {
    let out = dir.join(format!("out{}", extra.len()));
    let mut args = vec![
        "assign",
        "--rivers",
        path_str(rivers),
        "--leads",
        path_str(leads),
    ];
    args.extend(["--out", path_str(&out)]);
    args.extend(extra);
    geoscout_ok(&args);
    properties_by_id(&out.join("leads.geojson"))
}

fn check(p: &Value, chainage: f64, expected: &Expected, bank: Option<&str>) {
    assert_eq!(p["river"], SANGGAN, "{p}");
    let near = |key: &str, want: f64| {
        let got = p[key].as_f64().unwrap();
        assert!(
            (got - want).abs() < 0.05,
            "{key}: {got} against {want}: {p}"
        );
    };
    near("chainage_m", chainage);
    near("distance_to_river_m", expected.distance);
    // On the line (to the centimetre the file keeps), either bank or none.
    if expected.distance > 0.0 {
        assert_eq!(p["bank"].as_str(), bank, "{p}");
    }
}

#[test]
fn chainage_and_bank_on_the_sanggan_river_both_ways() {
    let Some(shared) = shared_data() else { return };
    require_spatialite();
    let dir = tempdir();
    let rivers = shared.join("vector/rivers/DERIVED_datong_clipped_rivers_hyd2_4l.geojson");
    let line = main_line(&pieces(&rivers));
    let length: f64 = line.iter().map(|s| distance(s.start, s.end)).sum();
    // 61.6 km of pieces plus about 11 km of gaps where the river leaves Datong.
    assert!((70_000.0..75_000.0).contains(&length), "{length}");

    let expected = outlets_along(&line);
    assert!(expected.len() > 60, "{} test outlets", expected.len());
    let mut points: Vec<Xy> = expected.iter().map(|e| e.at).collect();
    // One outlet 2 km north of the line's east end: no river within 500 m.
    let east = line[line.len() - 1].end;
    points.push((east.0 - 500.0, east.1 + 2000.0));
    let lonlat = to_wgs84(&rivers, &points);
    let leads: Vec<Lead> = lonlat
        .iter()
        .enumerate()
        .map(|(i, &(x, y))| {
            let mut lead = Lead::new(
                format!("o{i:03}"),
                Class::DischargeOutlet,
                0.9,
                geo::point!(x: x, y: y).into(),
            );
            lead.chip = Some(format!("chips/o{i:03}.png"));
            lead
        })
        .collect();
    let leads_path = dir.path().join("leads.geojson");
    write_geojson(&leads_path, &leads).unwrap();

    let downstream = annotate(dir.path(), &rivers, &leads_path, &[]);
    let reversed = annotate(dir.path(), &rivers, &leads_path, &["--reverse-flow"]);
    let per_river = annotate(
        dir.path(),
        &rivers,
        &leads_path,
        &["--reverse-river", SANGGAN],
    );
    let flip = |bank: Option<&str>| bank.map(|b| if b == "left" { "right" } else { "left" });
    for (i, e) in expected.iter().enumerate() {
        let id = format!("o{i:03}");
        check(&downstream[&id], e.chainage, e, e.bank);
        check(&reversed[&id], length - e.chainage, e, flip(e.bank));
        assert_eq!(per_river[&id], reversed[&id]);
    }
    let far = &downstream[&format!("o{:03}", expected.len())];
    assert!(
        far["river"].is_null() && far["chainage_m"].is_null(),
        "{far}"
    );

    // The checklist walks the river downstream: rows in chainage order, the far outlet last.
    let checklist = dir.path().join("out0/outfall_checklist.csv");
    let rows = sql(&checklist, "SELECT * FROM outfall_checklist");
    assert_eq!(rows.len(), leads.len());
    let chainages: Vec<f64> = rows[..expected.len()]
        .iter()
        .map(|r| r["chainage_m"].parse().unwrap())
        .collect();
    assert!(chainages.windows(2).all(|w| w[0] <= w[1]), "{chainages:?}");
    assert!(
        rows.iter()
            .take(expected.len())
            .enumerate()
            .all(|(i, r)| r["order"] == (i + 1).to_string() && r["river"] == SANGGAN)
    );
    assert_eq!(rows[expected.len()]["river"], "");
    for row in &rows {
        let lead = &downstream[&row["id"]];
        let lon: f64 = row["lon"].parse().unwrap();
        assert_eq!(lon, lead["lon"].as_f64().unwrap());
        assert!(
            (parse_dms(&row["lon_dms"]) - lon).abs() < 0.006 / 3600.0,
            "{row:?}"
        );
        assert!(
            (parse_dms(&row["lat_dms"]) - row["lat"].parse::<f64>().unwrap()).abs()
                < 0.006 / 3600.0
        );
        assert_eq!(row["chip"], format!("../chips/{}.png", row["id"]));
    }
}

/// `113°47′50.78″E` as decimal degrees.
fn parse_dms(text: &str) -> f64 {
    let (d, rest) = text.split_once('°').unwrap();
    let (m, rest) = rest.split_once('′').unwrap();
    let (s, hemisphere) = rest.split_once('″').unwrap();
    let value = d.parse::<f64>().unwrap()
        + m.parse::<f64>().unwrap() / 60.0
        + s.parse::<f64>().unwrap() / 3600.0;
    if hemisphere == "W" || hemisphere == "S" {
        -value
    } else {
        value
    }
}

#[test]
fn a_river_that_is_not_in_the_file_cannot_be_reversed() {
    let Some(shared) = shared_data() else { return };
    let dir = tempdir();
    let rivers = shared.join("vector/rivers/DERIVED_datong_clipped_rivers_hyd2_4l.geojson");
    let leads = dir.path().join("leads.geojson");
    write_geojson(&leads, &[]).unwrap();
    let output = geoscout([
        "assign",
        "--rivers",
        path_str(&rivers),
        "--leads",
        path_str(&leads),
        "--out",
        path_str(&dir.path().join("out")),
        "--reverse-river",
        "御河",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no river named '御河' to reverse") && stderr.contains(SANGGAN),
        "{stderr}"
    );
}
