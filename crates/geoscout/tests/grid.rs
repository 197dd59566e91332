//! `geoscout grid build` and `geoscout assign`: cells checked against GDAL/SpatiaLite areas, and
//! the assignment of every lead checked against SpatiaLite's spatial SQL (an independent
//! implementation: GEOS predicates and overlays on coordinates reprojected by `ogr2ogr`), on a
//! generated grid and on the real Datong grid, with grids in EPSG:4547, 4326 and 3857 and leads
//! exactly on cell borders. Also the roll-ups, and user grids with their own field names.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use geo::{Geometry, Rect, coord};
use geoscout_core::Class;
use geoscout_leads::{Lead, write_geojson};
use serde_json::Value;

use crate::reference::{Random, require_spatialite, spatialite_db, sql};
use crate::util::{
    gdal_tool, geoscout, geoscout_ok, ogrinfo_summary, path_str, read_json, shared_data, tempdir,
};

/// Datong's ten county-level districts (cnmaps), under `../shared/data/real`.
const DATONG_DISTRICTS: &str = "vector/china_admin/DERIVED_datong_districts_cnmaps.geojson";

/// Runs `geoscout grid build` with cells of `cell_size_m` metres; returns what it printed.
fn grid_build(boundaries: &Path, cell_size_m: u32, out: &Path) -> String {
    geoscout_ok([
        "grid",
        "build",
        "--boundaries",
        path_str(boundaries),
        "--cell-size",
        &cell_size_m.to_string(),
        "--out",
        path_str(out),
    ])
}

/// Runs `geoscout assign --grid GRID --leads LEADS --out OUT EXTRA...`; returns what it printed.
fn assign(grid: &Path, leads: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "assign",
        "--grid",
        path_str(grid),
        "--leads",
        path_str(leads),
        "--out",
        path_str(out),
    ];
    args.extend_from_slice(extra);
    geoscout_ok(&args)
}

/// Two made-up counties near Datong (EPSG:4326) sharing a jagged border, in the layout of the
/// cnmaps district file.
fn generated_counties(dir: &Path) -> PathBuf {
    let west = "[[113.40,39.90],[113.5012,39.90],[113.4987,39.93],[113.5033,39.96],[113.4991,40.00],[113.40,40.00],[113.40,39.90]]";
    let east = "[[113.5012,39.90],[113.62,39.90],[113.62,40.00],[113.4991,40.00],[113.5033,39.96],[113.4987,39.93],[113.5012,39.90]]";
    let feature = |code: &str, name: &str, ring: &str| {
        format!(
            r#"{{"type":"Feature","properties":{{"adcode":"{code}","province":"山西省","city":"测试市","district":"{name}","level":"district"}},"geometry":{{"type":"Polygon","coordinates":[{ring}]}}}}"#
        )
    };
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{},{}]}}"#,
        feature("149901", "西区", west),
        feature("149902", "东区", east)
    );
    let path = dir.join("counties.geojson");
    std::fs::write(&path, text).unwrap();
    path
}

/// `grid.gpkg` in `dir`: cells of `cell_size_m` metres over [`generated_counties`].
fn generated_grid(dir: &Path, cell_size_m: u32) -> PathBuf {
    let grid = dir.join("grid.gpkg");
    grid_build(&generated_counties(dir), cell_size_m, &grid);
    grid
}

/// Every vertex of a WGS 84 GeoJSON grid (coordinates as written, 7 decimals).
fn vertices(grid_geojson: &Path) -> Vec<(f64, f64)> {
    let collection = read_json(grid_geojson);
    let mut out = Vec::new();
    fn walk(v: &Value, out: &mut Vec<(f64, f64)>) {
        match v.as_array() {
            Some(a) if a.len() == 2 && a[0].is_f64() => {
                out.push((a[0].as_f64().unwrap(), a[1].as_f64().unwrap()))
            }
            Some(a) => a.iter().for_each(|x| walk(x, out)),
            None => {}
        }
    }
    for feature in collection["features"].as_array().unwrap() {
        walk(&feature["geometry"]["coordinates"], &mut out);
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    out.dedup();
    out
}

/// Leads over `bounds` (lon/lat): random outlets, outlets at every `step`-th grid vertex, and
/// random square piles and dust sources from about 10 m to 1 km.
fn leads_file(
    dir: &Path,
    bounds: Rect<f64>,
    corners: &[(f64, f64)],
    step: usize,
    seed: u64,
) -> PathBuf {
    let mut random = Random::new(seed);
    let (min, max) = (bounds.min(), bounds.max());
    let mut leads = Vec::new();
    let point = |x: f64, y: f64, leads: &mut Vec<Lead>| {
        let id = format!("p{:05}", leads.len());
        leads.push(Lead::new(
            id,
            Class::DischargeOutlet,
            0.8,
            geo::point!(x: x, y: y).into(),
        ));
    };
    for _ in 0..1500 {
        let (x, y) = (random.range(min.x, max.x), random.range(min.y, max.y));
        point(x, y, &mut leads);
    }
    for &(x, y) in corners.iter().step_by(step) {
        point(x, y, &mut leads);
    }
    for i in 0..300 {
        let (x, y) = (random.range(min.x, max.x), random.range(min.y, max.y));
        let side = random.range(0.0001, 0.012);
        let rect = Rect::new(
            coord! { x: x, y: y },
            coord! { x: x + side, y: y + side * 0.8 },
        );
        let class = if i % 2 == 0 {
            Class::CoalGanguePile
        } else {
            Class::DustSource
        };
        leads.push(Lead::new(
            format!("q{i:04}"),
            class,
            0.7,
            Geometry::from(rect.to_polygon()),
        ));
    }
    let path = dir.join("leads.geojson");
    write_geojson(&path, &leads).unwrap();
    path
}

/// `grid_id` of each lead in a leads.geojson written by `geoscout assign` (`None`: outside).
fn assigned(leads_geojson: &Path) -> BTreeMap<String, Option<String>> {
    read_json(leads_geojson)["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            assert_eq!(
                p["in_grid"].as_bool().unwrap(),
                !p["grid_id"].is_null(),
                "{p}"
            );
            (
                p["id"].as_str().unwrap().to_string(),
                p["grid_id"].as_str().map(str::to_string),
            )
        })
        .collect()
}

/// The reference assignment from SpatiaLite: a point goes to the smallest `grid_id` among the
/// cells it intersects; a polygon to the cell with the largest intersection area (shares
/// within 1e-6 of the lead's area tie, and the smallest id wins). Also returns how many point
/// leads lie on a border shared by two or more cells.
fn reference(db: &Path) -> (BTreeMap<String, Option<String>>, usize) {
    let candidates = "c.ROWID IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'cells' \
                      AND search_frame = l.geom) AND ST_Intersects(c.geom, l.geom)";
    let points = sql(
        db,
        &format!(
            "SELECT l.id AS id, (SELECT MIN(c.grid_id) FROM cells c WHERE {candidates}) AS grid_id, \
             (SELECT COUNT(*) FROM cells c WHERE {candidates}) AS n FROM leads l \
             WHERE GeometryType(l.geom) LIKE '%POINT%'"
        ),
    );
    let mut expected = BTreeMap::new();
    let mut on_border = 0;
    for row in points {
        on_border += usize::from(row["n"].parse::<usize>().unwrap() > 1);
        expected.insert(
            row["id"].clone(),
            Some(row["grid_id"].clone()).filter(|g| !g.is_empty()),
        );
    }
    let shares = sql(
        db,
        &format!(
            "SELECT l.id AS id, c.grid_id AS grid_id, ST_Area(ST_Intersection(c.geom, l.geom)) AS shared, \
             ST_Area(l.geom) AS area FROM leads l, cells c \
             WHERE GeometryType(l.geom) LIKE '%POLYGON%' AND {candidates}"
        ),
    );
    let all_polygons = sql(
        db,
        "SELECT id FROM leads WHERE GeometryType(geom) LIKE '%POLYGON%'",
    );
    let mut by_lead: HashMap<String, Vec<(f64, f64, String)>> = HashMap::new();
    for row in shares {
        let share: f64 = row["shared"].parse().unwrap_or(0.0);
        by_lead.entry(row["id"].clone()).or_default().push((
            share,
            row["area"].parse().unwrap(),
            row["grid_id"].clone(),
        ));
    }
    for row in all_polygons {
        let rows = by_lead.remove(&row["id"]).unwrap_or_default();
        let top = rows.iter().map(|r| r.0).fold(0.0, f64::max);
        let winner = rows
            .into_iter()
            .filter(|(share, area, _)| top > 0.0 && *share >= top - 1e-6 * area)
            .map(|(_, _, id)| id)
            .min();
        expected.insert(row["id"].clone(), winner);
    }
    (expected, on_border)
}

/// Assigns `leads` to `grid` with geoscout and with SpatiaLite (both in EPSG:4547) and checks
/// that they agree lead for lead. Returns (leads in a cell, point leads on shared borders).
fn check_against_spatialite(dir: &Path, grid: &Path, leads: &Path) -> (usize, usize) {
    let out = dir.join(format!(
        "assigned-{}",
        grid.file_name().unwrap().to_string_lossy()
    ));
    assign(grid, leads, &out, &[]);
    let ours = assigned(&out.join("leads.geojson"));
    let db = dir.join(format!(
        "reference-{}.sqlite",
        grid.file_name().unwrap().to_string_lossy()
    ));
    spatialite_db(
        &db,
        4547,
        &[
            (grid, "cells", "PROMOTE_TO_MULTI"),
            (leads, "leads", "GEOMETRY"),
        ],
    );
    let (expected, on_border) = reference(&db);
    assert_eq!(ours.len(), expected.len());
    let disagreements: Vec<_> = expected
        .iter()
        .filter(|(id, cell)| ours.get(*id) != Some(cell))
        .map(|(id, cell)| format!("{id}: spatialite {cell:?}, geoscout {:?}", ours.get(id)))
        .collect();
    assert!(
        disagreements.is_empty(),
        "{} of {} leads differ with {}:\n{}",
        disagreements.len(),
        expected.len(),
        grid.display(),
        disagreements.join("\n")
    );
    (ours.values().filter(|c| c.is_some()).count(), on_border)
}

/// The grid in other CRSs, written by ogr2ogr: WGS 84 GeoJSON with 7 decimals (its vertices
/// are then exactly representable as lead coordinates) and Web Mercator GeoPackage.
fn reprojected_grids(dir: &Path, grid: &Path) -> (PathBuf, PathBuf) {
    let wgs84 = dir.join("grid-4326.geojson");
    gdal_tool(
        "ogr2ogr",
        &[
            "-f",
            "GeoJSON",
            "-t_srs",
            "EPSG:4326",
            "-lco",
            "COORDINATE_PRECISION=7",
            path_str(&wgs84),
            path_str(grid),
        ],
    );
    let mercator = dir.join("grid-3857.gpkg");
    gdal_tool(
        "ogr2ogr",
        &[
            "-f",
            "GPKG",
            "-t_srs",
            "EPSG:3857",
            path_str(&mercator),
            path_str(grid),
        ],
    );
    (wgs84, mercator)
}

#[test]
fn grid_build_makes_cells_whose_areas_add_up_to_each_county() {
    require_spatialite();
    let dir = tempdir();
    let counties = generated_counties(dir.path());
    let grid = dir.path().join("grid.gpkg");
    let stdout = grid_build(&counties, 500, &grid);
    assert!(stdout.contains("in 2 counties (EPSG:4547)"), "{stdout}");

    let info = gdal_tool("ogrinfo", &["-so", path_str(&grid), "grid"]);
    assert!(
        info.contains("CGCS2000 / 3-degree Gauss-Kruger CM 114E"),
        "{info}"
    );
    for field in [
        "grid_id",
        "grid_name",
        "level",
        "parent",
        "county",
        "city",
        "responsible_unit",
        "area_m2",
    ] {
        assert!(
            info.contains(&format!("{field}: ")),
            "no field {field}: {info}"
        );
    }
    let index = sql(
        &grid,
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'rtree_grid_geom'",
    );
    assert_eq!(index[0]["n"], "1", "no spatial index in the GeoPackage");

    // Per county: the cells' areas add up to the county's area computed by SpatiaLite in
    // EPSG:4547, and codes are the county code and a 4-digit number, unique.
    let db = dir.path().join("check.sqlite");
    spatialite_db(
        &db,
        4547,
        &[
            (&counties, "counties", "PROMOTE_TO_MULTI"),
            (&grid, "cells", "PROMOTE_TO_MULTI"),
        ],
    );
    let rows = sql(
        &db,
        "SELECT k.adcode AS code, ST_Area(k.geom) AS county, \
         (SELECT SUM(ST_Area(c.geom)) FROM cells c WHERE c.parent = k.adcode) AS cells, \
         (SELECT SUM(c.area_m2) FROM cells c WHERE c.parent = k.adcode) AS written, \
         (SELECT COUNT(DISTINCT c.grid_id) FROM cells c WHERE c.parent = k.adcode) AS ids, \
         (SELECT COUNT(*) FROM cells c WHERE c.parent = k.adcode AND c.grid_id LIKE k.adcode || '-____') AS coded, \
         (SELECT COUNT(*) FROM cells c WHERE c.parent = k.adcode) AS n FROM counties k",
    );
    assert_eq!(rows.len(), 2);
    for row in rows {
        let f = |k: &str| row[k].parse::<f64>().unwrap();
        assert!(
            (f("cells") - f("county")).abs() < 1e-6 * f("county"),
            "{row:?}"
        );
        assert!(
            (f("written") - f("county")).abs() < 0.01 * f("n"),
            "{row:?}"
        );
        assert_eq!(row["ids"], row["n"]);
        assert_eq!(row["coded"], row["n"]);
        // About 8.6 x 11.1 km each side of the border: well over 100 cells of 0.25 km².
        assert!(f("n") > 150.0, "{row:?}");
    }

    // The same grid as GeoJSON is RFC 7946: WGS 84 longitude/latitude.
    let geojson = dir.path().join("grid.geojson");
    grid_build(&counties, 500, &geojson);
    let text = std::fs::read_to_string(&geojson).unwrap();
    assert!(
        !text.contains("\"crs\""),
        "RFC 7946 GeoJSON has no crs member"
    );
    let lonlat = vertices(&geojson);
    assert!(
        lonlat
            .iter()
            .all(|&(x, y)| (113.39..113.63).contains(&x) && (39.89..40.01).contains(&y))
    );
}

#[test]
fn grid_build_reports_bad_input_naming_the_file() {
    let dir = tempdir();
    let counties = generated_counties(dir.path());
    let out = dir.path().join("grid.gpkg");
    let output = geoscout([
        "grid",
        "build",
        "--boundaries",
        path_str(&counties),
        "--cell-size",
        "500",
        "--out",
        path_str(&out),
        "--code-field",
        "code",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("counties.geojson: no field 'code'") && stderr.contains("adcode"),
        "{stderr}"
    );
    let output = geoscout([
        "grid",
        "build",
        "--boundaries",
        path_str(&counties),
        "--cell-size",
        "0",
        "--out",
        path_str(&out),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("positive number of metres"), "{stderr}");
    assert!(!out.exists(), "nothing is written on error");
}

#[test]
fn assignment_agrees_with_spatialite_on_a_generated_grid_in_three_crs() {
    require_spatialite();
    let dir = tempdir();
    let grid = generated_grid(dir.path(), 500);
    let (wgs84, mercator) = reprojected_grids(dir.path(), &grid);
    let corners = vertices(&wgs84);
    let bounds = Rect::new(
        coord! { x: 113.38, y: 39.88 },
        coord! { x: 113.64, y: 40.02 },
    );
    let leads = leads_file(dir.path(), bounds, &corners, 3, 42);

    let (inside, _) = check_against_spatialite(dir.path(), &grid, &leads);
    // Leads at the WGS 84 grid's vertices are exactly on its borders, in every CRS.
    let (_, on_border) = check_against_spatialite(dir.path(), &wgs84, &leads);
    check_against_spatialite(dir.path(), &mercator, &leads);
    assert!(on_border > 200, "only {on_border} leads on shared borders");
    // Some leads fall outside both counties and are kept, flagged.
    let total = 1500 + corners.len().div_ceil(3) + 300;
    assert!(
        inside > total / 2 && inside < total,
        "{inside} of {total} inside"
    );
}

/// Datong's district boundaries from the shared data and the grid `grid build` makes of them
/// at `cell_size_m` in `dir`, with its stdout; `None` (said on stderr) without the shared data.
fn datong_grid(dir: &Path, cell_size_m: u32) -> Option<(PathBuf, PathBuf, String)> {
    let districts = shared_data()?.join(DATONG_DISTRICTS);
    require_spatialite();
    let grid = dir.join(format!("datong-{cell_size_m}m.gpkg"));
    let stdout = grid_build(&districts, cell_size_m, &grid);
    Some((districts, grid, stdout))
}

#[test]
fn assignment_agrees_with_spatialite_on_the_datong_grid() {
    let dir = tempdir();
    let Some((_, grid, stdout)) = datong_grid(dir.path(), 1000) else {
        return;
    };
    assert!(stdout.contains("in 10 counties (EPSG:4547)"), "{stdout}");
    let (wgs84, _) = reprojected_grids(dir.path(), &grid);
    let corners = vertices(&wgs84);
    let bounds = Rect::new(
        coord! { x: 112.55, y: 39.03 },
        coord! { x: 114.6, y: 40.76 },
    );
    let leads = leads_file(dir.path(), bounds, &corners, corners.len() / 800, 7);
    check_against_spatialite(dir.path(), &grid, &leads);
    let (_, on_border) = check_against_spatialite(dir.path(), &wgs84, &leads);
    assert!(on_border > 300, "only {on_border} leads on shared borders");
}

#[test]
fn the_datong_grid_at_500_m_has_over_50000_cells_covering_each_district() {
    let dir = tempdir();
    let Some((districts, grid, _)) = datong_grid(dir.path(), 500) else {
        return;
    };
    let db = dir.path().join("check.sqlite");
    spatialite_db(&db, 4547, &[(&districts, "districts", "PROMOTE_TO_MULTI")]);
    let districts = sql(
        &db,
        "SELECT adcode, district, ST_Area(geom) AS area FROM districts",
    );
    let cells = sql(
        &grid,
        "SELECT parent, county, city, COUNT(*) AS n, SUM(area_m2) AS area FROM grid GROUP BY parent",
    );
    assert_eq!(cells.len(), 10);
    let total: usize = cells.iter().map(|c| c["n"].parse::<usize>().unwrap()).sum();
    assert!(total > 50_000, "{total} cells");
    for district in districts {
        let row = cells
            .iter()
            .find(|c| c["parent"] == district["adcode"])
            .unwrap();
        assert_eq!(row["county"], district["district"]);
        assert_eq!(row["city"], "大同市");
        let (ours, theirs) = (
            row["area"].parse::<f64>().unwrap(),
            district["area"].parse::<f64>().unwrap(),
        );
        assert!(
            (ours - theirs).abs() < 1e-6 * theirs,
            "{row:?} vs {district:?}"
        );
    }
}

#[test]
fn a_user_grid_in_a_shapefile_with_its_own_field_names() {
    let dir = tempdir();
    let grid = generated_grid(dir.path(), 2000);
    // The bureau's layer: Shapefile in WGS 84 with Chinese-pinyin field names.
    let shapefile = dir.path().join("wg.shp");
    gdal_tool(
        "ogr2ogr",
        &[
            "-f",
            "ESRI Shapefile",
            "-t_srs",
            "EPSG:4326",
            "-lco",
            "ENCODING=UTF-8",
            path_str(&shapefile),
            path_str(&grid),
            "-sql",
            "SELECT grid_id AS WGBM, grid_name AS WGMC, parent AS SJDM, county AS QX, city AS SJ, \
         '网格员' || grid_id AS ZRDW, geom FROM grid",
        ],
    );
    let fields = dir.path().join("fields.toml");
    std::fs::write(
        &fields,
        "id = \"WGBM\"\nname = \"WGMC\"\nparent = \"SJDM\"\ncounty = \"QX\"\ncity = \"SJ\"\n",
    )
    .unwrap();
    let lead = Lead::new(
        "o1",
        Class::DischargeOutlet,
        0.9,
        geo::point!(x: 113.45, y: 39.95).into(),
    );
    let leads = dir.path().join("leads.geojson");
    write_geojson(&leads, &[lead]).unwrap();
    let out = dir.path().join("out");
    assign(
        &shapefile,
        &leads,
        &out,
        &[
            "--grid-fields",
            path_str(&fields),
            "--grid-unit-field",
            "ZRDW",
        ],
    );
    let collection = read_json(&out.join("leads.geojson"));
    let p = &collection["features"][0]["properties"];
    let id = p["grid_id"].as_str().unwrap();
    assert!(id.starts_with("149901-"), "{p}");
    assert_eq!(
        p["grid_name"].as_str().unwrap(),
        format!("西区第{}号网格", &id[7..])
    );
    assert_eq!(
        p["grid_path"].as_str().unwrap(),
        format!("测试市 / 西区 / {id}")
    );
    assert_eq!(
        p["responsible_unit"].as_str().unwrap(),
        format!("网格员{id}")
    );

    // A field named but not in the layer is an error that lists the fields there are.
    let output = geoscout([
        "assign",
        "--grid",
        path_str(&shapefile),
        "--grid-id-field",
        "CODE",
        "--leads",
        path_str(&leads),
        "--out",
        path_str(&out),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("wg.shp: no field 'CODE' for the cell id") && stderr.contains("WGBM"),
        "{stderr}"
    );
}

#[test]
fn roll_ups_count_every_lead_in_its_cell_and_county() {
    let dir = tempdir();
    let grid = generated_grid(dir.path(), 1000);
    let bounds = Rect::new(
        coord! { x: 113.38, y: 39.88 },
        coord! { x: 113.64, y: 40.02 },
    );
    let leads = leads_file(dir.path(), bounds, &[], 1, 3);
    let out = dir.path().join("out");
    let stdout = assign(&grid, &leads, &out, &[]);
    let ours = assigned(&out.join("leads.geojson"));
    let inside = ours.values().filter(|c| c.is_some()).count();
    assert!(
        stdout.contains(&format!(
            "{} leads: {inside} in the grid, {} outside",
            ours.len(),
            ours.len() - inside
        )),
        "{stdout}"
    );

    // Excel reads the BOM; GDAL's CSV driver skips it.
    let summary = out.join("grid_summary.csv");
    assert_eq!(&std::fs::read(&summary).unwrap()[..3], b"\xEF\xBB\xBF");
    let cells = sql(&summary, "SELECT * FROM grid_summary");
    let mut per_cell: HashMap<&str, usize> = HashMap::new();
    for cell in ours.values().flatten() {
        *per_cell.entry(cell.as_str()).or_default() += 1;
    }
    for row in &cells {
        let n: usize = row["leads"].parse().unwrap();
        assert_eq!(
            n,
            per_cell.get(row["grid_id"].as_str()).copied().unwrap_or(0),
            "{row:?}"
        );
        let by_class: usize = ["coal_gangue_pile", "discharge_outlet", "dust_source"]
            .iter()
            .map(|c| row[*c].parse::<usize>().unwrap())
            .sum();
        assert_eq!(by_class, n);
        let density = n as f64 / (row["area_m2"].parse::<f64>().unwrap() / 1e6);
        assert!(
            (row["leads_per_km2"].parse::<f64>().unwrap() - density).abs() < 1e-4,
            "{row:?}"
        );
    }
    let cell_county: HashMap<String, String> = cells
        .iter()
        .map(|r| (r["grid_id"].clone(), r["county"].clone()))
        .collect();

    let ranking = sql(
        &out.join("county_ranking.csv"),
        "SELECT * FROM county_ranking",
    );
    assert_eq!(ranking.len(), 2);
    let mut previous = f64::INFINITY;
    for (i, row) in ranking.iter().enumerate() {
        assert_eq!(row["rank"], (i + 1).to_string());
        let n = ours
            .values()
            .flatten()
            .filter(|c| cell_county[*c] == row["county"])
            .count();
        assert_eq!(row["leads"], n.to_string(), "{row:?}");
        let density: f64 = row["leads_per_100km2"].parse().unwrap();
        let expected = n as f64 / (row["area_km2"].parse::<f64>().unwrap() / 100.0);
        assert!((density - expected).abs() < 1e-5 * expected, "{row:?}");
        assert!(density <= previous, "ranked by density");
        previous = density;
    }

    // The choropleth layer: one feature per cell, WGS 84, the same columns.
    let info = ogrinfo_summary(&out.join("grid_summary.geojson"));
    assert!(
        info.contains(&format!("Feature Count: {}", cells.len())),
        "{info}"
    );
    assert!(
        info.contains("ID[\"EPSG\",4326]") && info.contains("leads_per_km2: Real"),
        "{info}"
    );
}
