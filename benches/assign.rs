//! Assignment throughput: 1,000,000 point leads placed in the cells of a grid of at least
//! 50,000 cells by `Grid::assign` (R-tree over the cell envelopes, then the exact test), against
//! a brute-force pass (the exact test against every cell) on a sample of the same leads, in the
//! same run.
//!
//! `cargo bench --bench assign` builds the Datong grid at 500 m from
//! `../shared/data/real/vector/china_admin/DERIVED_datong_districts_cnmaps.geojson` (58,777
//! cells: squares, and cells clipped to the district borders), or, when `../shared` is absent,
//! a generated grid of 250 x 250 squares of 500 m near Datong. The leads are uniformly random
//! (fixed seed) over the grid's extent in WGS 84, so some fall outside every cell. Both passes
//! include reprojecting the leads from WGS 84 to the grid's metric CRS; `Grid::assign` also
//! writes the five grid properties into each lead. The brute-force results are checked against
//! the indexed ones. Each figure is the best of three runs.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use geo::{Coord, Intersects, MultiPolygon, Point, Rect, coord};
use geoscout_core::Class;
use geoscout_grid::{
    BoundaryFields, Cell, Grid, GridSpec, MetricCrs, Reprojector, WGS84, build_grid,
    spatial_ref_from_epsg,
};
use geoscout_leads::Lead;

const LEADS: usize = 1_000_000;
const SAMPLE: usize = 1_000;
const RUNS: usize = 3;

fn main() {
    let (grid, name) = grid();
    assert!(grid.cells().len() >= 50_000, "{} cells", grid.cells().len());
    println!(
        "grid: {name}, {} cells ({})",
        grid.cells().len(),
        grid.metric_crs()
    );
    let bounds = lon_lat_bounds(&grid);
    let leads = random_points(bounds, LEADS);
    println!("leads: {LEADS} random points over {bounds:?}");

    let mut located = Duration::MAX;
    for _ in 0..RUNS {
        let started = Instant::now();
        std::hint::black_box(grid.locate_leads(&leads).expect("locating works"));
        located = located.min(started.elapsed());
    }
    let located_rate = LEADS as f64 / located.as_secs_f64();
    println!(
        "indexed locate (reproject, R-tree, exact test): {LEADS} leads in {:.3} s: {located_rate:.0} leads/s",
        located.as_secs_f64()
    );
    let mut indexed = Duration::MAX;
    let mut assigned = Vec::new();
    for _ in 0..RUNS {
        let mut run = leads.clone();
        let started = Instant::now();
        std::hint::black_box(grid.assign(&mut run).expect("assignment works"));
        indexed = indexed.min(started.elapsed());
        assigned = run;
    }
    let inside = assigned
        .iter()
        .filter(|l| l.extra["in_grid"] == true)
        .count();
    let indexed_rate = LEADS as f64 / indexed.as_secs_f64();
    println!(
        "indexed assign (locate, then 5 properties per lead): {LEADS} leads in {:.3} s: {indexed_rate:.0} leads/s ({inside} in a cell)",
        indexed.as_secs_f64()
    );

    let step = LEADS / SAMPLE;
    let sample: Vec<&Lead> = leads.iter().step_by(step).take(SAMPLE).collect();
    let mut brute = Duration::MAX;
    let mut found = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        found = brute_force(&grid, &sample);
        brute = brute.min(started.elapsed());
    }
    for (i, cell) in found.iter().enumerate() {
        let expected = &assigned[i * step].extra["grid_id"];
        let got = cell.map(|c| c.id.as_str());
        assert_eq!(expected.as_str(), got, "lead {} differs", i * step);
    }
    let brute_rate = SAMPLE as f64 / brute.as_secs_f64();
    println!(
        "brute force: {SAMPLE} sampled leads in {:.3} s: {:.0} leads/s (same cells as indexed)",
        brute.as_secs_f64(),
        brute_rate
    );
    println!(
        "ratio indexed / brute force: {:.0}x for locate, {:.0}x for assign",
        located_rate / brute_rate,
        indexed_rate / brute_rate
    );
}

/// The Datong grid at 500 m, or a generated grid of 62,500 squares when `../shared` is absent.
fn grid() -> (Grid, String) {
    let districts = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/real/vector/china_admin/DERIVED_datong_districts_cnmaps.geojson");
    if districts.is_file() {
        let spec = GridSpec {
            cell_size_m: 500.0,
            metric: None,
            fields: BoundaryFields::default(),
        };
        let grid = build_grid(&districts, &spec).expect("the Datong grid builds");
        return (grid, "Datong districts at 500 m".into());
    }
    println!("../shared/data/real not found: using a generated grid");
    let size = 500.0;
    let cells = (0..250)
        .flat_map(|i| (0..250).map(move |j| (i, j)))
        .map(|(i, j)| {
            let min = coord! { x: 400_000.0 + i as f64 * size, y: 4_400_000.0 + j as f64 * size };
            let square = Rect::new(min, coord! { x: min.x + size, y: min.y + size });
            Cell {
                id: format!("G-{i:03}-{j:03}"),
                name: format!("G-{i:03}-{j:03}"),
                level: None,
                parent: None,
                county: None,
                city: None,
                responsible_unit: None,
                area_m2: size * size,
                geometry: MultiPolygon(vec![square.to_polygon()]),
            }
        })
        .collect();
    let grid = Grid::new(
        &PathBuf::from("generated"),
        MetricCrs::from_epsg(4547),
        cells,
    )
    .unwrap();
    (grid, "generated 250 x 250 squares of 500 m".into())
}

/// The grid's extent in WGS 84.
fn lon_lat_bounds(grid: &Grid) -> Rect<f64> {
    let mut corners: Vec<Coord<f64>> = grid
        .cells()
        .iter()
        .flat_map(|c| geo::CoordsIter::coords_iter(&c.geometry))
        .collect();
    let metric = grid.metric_crs().spatial_ref().unwrap();
    let wgs84 = spatial_ref_from_epsg(WGS84).unwrap();
    Reprojector::new(&metric, &wgs84)
        .unwrap()
        .coords(&mut corners)
        .unwrap();
    let first = corners[0];
    corners.iter().fold(Rect::new(first, first), |r, c| {
        Rect::new(
            coord! { x: r.min().x.min(c.x), y: r.min().y.min(c.y) },
            coord! { x: r.max().x.max(c.x), y: r.max().y.max(c.y) },
        )
    })
}

/// `n` outlets uniformly over `bounds` (SplitMix64, fixed seed).
fn random_points(bounds: Rect<f64>, n: usize) -> Vec<Lead> {
    let mut state: u64 = 2024;
    let mut unit = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|i| {
            let x = bounds.min().x + unit() * bounds.width();
            let y = bounds.min().y + unit() * bounds.height();
            Lead::new(
                format!("o{i}"),
                Class::DischargeOutlet,
                0.5,
                Point::new(x, y).into(),
            )
        })
        .collect()
}

/// The reference: reproject, then test the point against every cell; the smallest id among
/// the cells containing it.
fn brute_force<'a>(grid: &'a Grid, leads: &[&Lead]) -> Vec<Option<&'a Cell>> {
    let mut points: Vec<Coord<f64>> = leads
        .iter()
        .map(|l| coord! { x: l.lon, y: l.lat })
        .collect();
    let metric = grid.metric_crs().spatial_ref().unwrap();
    let wgs84 = spatial_ref_from_epsg(WGS84).unwrap();
    Reprojector::new(&wgs84, &metric)
        .unwrap()
        .coords(&mut points)
        .unwrap();
    points
        .into_iter()
        .map(|p| {
            let point = Point::from(p);
            grid.cells()
                .iter()
                .filter(|cell| cell.geometry.intersects(&point))
                .min_by(|a, b| a.id.cmp(&b.id))
        })
        .collect()
}
