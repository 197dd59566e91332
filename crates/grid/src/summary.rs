//! Roll-ups for the monthly report: lead counts per cell and per county.
//!
//! A lead counts in the cell named by its `grid_id` (set by [`Grid::assign`]). `leads` and the
//! per-class columns count open leads: every lead except those with `status` `resolved`; the
//! `new`, `persisting` and `resolved` columns count by status (leads without a status, from a
//! plain scan, count in neither). Densities are per square kilometre for cells (the choropleth
//! variable: border cells are smaller) and per 100 km² for counties.

use std::collections::BTreeMap;
use std::path::Path;

use geoscout_core::Class;
use geoscout_core::fs::IoError;
use geoscout_leads::Lead;
use serde_json::Value;

use crate::builder::round_to;
use crate::grid::{Cell, Grid};
use crate::table::{ColumnKind, CsvOptions, Table, write_csv};
use crate::vector::write_polygons;
use crate::{Error, Result};

/// The lifecycle statuses `geoscout diff` gives, in column order.
pub(crate) const STATUSES: [&str; 3] = ["new", "persisting", "resolved"];

/// Lead counts of one cell or county.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Counts {
    open: usize,
    per_class: [usize; 3],
    per_status: [usize; 3],
}

impl Counts {
    fn add(&mut self, lead: &Lead) {
        let status = lead.extra.get("status").and_then(Value::as_str);
        if let Some(i) = STATUSES.iter().position(|s| Some(*s) == status) {
            self.per_status[i] += 1;
        }
        if status != Some("resolved") {
            self.open += 1;
            self.per_class[Class::ALL
                .iter()
                .position(|c| *c == lead.class)
                .unwrap_or(0)] += 1;
        }
    }

    fn merge(&mut self, other: &Counts) {
        self.open += other.open;
        for i in 0..3 {
            self.per_class[i] += other.per_class[i];
            self.per_status[i] += other.per_status[i];
        }
    }

    fn values(&self) -> impl Iterator<Item = Value> + '_ {
        std::iter::once(self.open)
            .chain(self.per_class)
            .chain(self.per_status)
            .map(Value::from)
    }
}

/// The count columns, after the identifying ones.
fn count_columns() -> impl Iterator<Item = (String, ColumnKind)> {
    std::iter::once("leads")
        .chain(Class::ALL.iter().map(|c| c.name()))
        .chain(STATUSES)
        .map(|name| (name.to_string(), ColumnKind::Integer))
}

/// An empty roll-up table: the `identity` columns, the count columns, then the `density` one.
fn counts_table(identity: &[(&str, ColumnKind)], density: &str) -> Table {
    Table::new(
        identity
            .iter()
            .map(|&(name, kind)| (name.to_string(), kind))
            .chain(count_columns())
            .chain([(density.to_string(), ColumnKind::Real)]),
    )
}

/// How many leads are outside the grid (no `grid_id` of this grid).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SummaryCounts {
    /// Leads counted in a cell.
    pub in_grid: usize,
    /// Leads not in any cell of this grid.
    pub outside: usize,
}

/// Writes `grid_summary.csv`, `grid_summary.geojson` (the cells, RFC 7946, with the same
/// columns) and `county_ranking.csv` to `dir`, each under a temporary name first.
///
/// `grid_summary` has one row per cell: `grid_id`, `grid_name`, `county`, `city`,
/// `responsible_unit`, `area_m2`, `leads`, one column per class, `new`, `persisting`,
/// `resolved`, `leads_per_km2`. `county_ranking` has one row per county (cells grouped by
/// county name, else parent code), ranked by open leads per 100 km², then by open leads, then
/// by name: `rank`, `county`, `parent`, `city`, `cells`, `area_km2`, the counts,
/// `leads_per_100km2`.
pub fn write_summaries(
    dir: &Path,
    grid: &Grid,
    leads: &[Lead],
    csv: CsvOptions,
) -> Result<SummaryCounts> {
    std::fs::create_dir_all(dir).map_err(|e| IoError::new(dir, e))?;
    let mut per_cell = vec![Counts::default(); grid.cells().len()];
    let mut summary = SummaryCounts::default();
    for lead in leads {
        let id = lead.extra.get("grid_id").and_then(Value::as_str);
        let cell = id.and_then(|id| {
            grid.cells()
                .binary_search_by(|c| c.id.as_str().cmp(id))
                .ok()
        });
        match cell {
            Some(index) => {
                per_cell[index].add(lead);
                summary.in_grid += 1;
            }
            None => summary.outside += 1,
        }
    }

    let cells = cell_table(grid.cells(), &per_cell);
    write_csv(&dir.join("grid_summary.csv"), &cells, csv)?;
    let srs = grid
        .metric_crs()
        .spatial_ref()
        .map_err(|e| Error::bad_input(grid.source(), e))?;
    let polygons: Vec<_> = grid.cells().iter().map(|c| c.geometry.clone()).collect();
    let geojson = dir.join("grid_summary.geojson");
    write_polygons(&geojson, "grid_summary", &srs, &cells, &polygons)?;
    write_csv(
        &dir.join("county_ranking.csv"),
        &county_table(grid.cells(), &per_cell),
        csv,
    )?;
    Ok(summary)
}

fn cell_table(cells: &[Cell], counts: &[Counts]) -> Table {
    let identity = [
        ("grid_id", ColumnKind::Text),
        ("grid_name", ColumnKind::Text),
        ("county", ColumnKind::Text),
        ("city", ColumnKind::Text),
        ("responsible_unit", ColumnKind::Text),
        ("area_m2", ColumnKind::Real),
    ];
    let mut table = counts_table(&identity, "leads_per_km2");
    let text = |v: &Option<String>| v.clone().map_or(Value::Null, Value::from);
    for (cell, counts) in cells.iter().zip(counts) {
        let mut row = vec![
            cell.id.clone().into(),
            cell.name.clone().into(),
            text(&cell.county),
            text(&cell.city),
            text(&cell.responsible_unit),
            round_to(cell.area_m2, 2).into(),
        ];
        row.extend(counts.values());
        row.push(density(counts.open, cell.area_m2 / 1e6).into());
        table.push(row);
    }
    table
}

/// A county's cells and counts.
#[derive(Default)]
struct County<'a> {
    parent: Option<&'a str>,
    city: Option<&'a str>,
    cells: usize,
    area_m2: f64,
    counts: Counts,
}

fn county_table(cells: &[Cell], counts: &[Counts]) -> Table {
    let mut counties: BTreeMap<&str, County> = BTreeMap::new();
    for (cell, counts) in cells.iter().zip(counts) {
        let county = counties.entry(cell.county_key().unwrap_or("")).or_default();
        county.parent = county.parent.or(cell.parent.as_deref());
        county.city = county.city.or(cell.city.as_deref());
        county.cells += 1;
        county.area_m2 += cell.area_m2;
        county.counts.merge(counts);
    }
    let per_100km2 = |c: &County| density(c.counts.open, c.area_m2 / 1e8);
    let mut ranked: Vec<(&str, County)> = counties.into_iter().collect();
    ranked.sort_by(|(a_name, a), (b_name, b)| {
        per_100km2(b)
            .total_cmp(&per_100km2(a))
            .then(b.counts.open.cmp(&a.counts.open))
            .then(a_name.cmp(b_name))
    });
    let identity = [
        ("rank", ColumnKind::Integer),
        ("county", ColumnKind::Text),
        ("parent", ColumnKind::Text),
        ("city", ColumnKind::Text),
        ("cells", ColumnKind::Integer),
        ("area_km2", ColumnKind::Real),
    ];
    let mut table = counts_table(&identity, "leads_per_100km2");
    let text = |v: Option<&str>| v.map_or(Value::Null, Value::from);
    for (rank, (name, county)) in (1..).zip(&ranked) {
        let mut row = vec![
            Value::from(rank),
            Value::from(*name),
            text(county.parent),
            text(county.city),
            county.cells.into(),
            round_to(county.area_m2 / 1e6, 3).into(),
        ];
        row.extend(county.counts.values());
        row.push(per_100km2(county).into());
        table.push(row);
    }
    table
}

/// `count / area`, rounded to 4 decimals; 0 for an empty area.
fn density(count: usize, area: f64) -> f64 {
    if area > 0.0 {
        round_to(count as f64 / area, 4)
    } else {
        0.0
    }
}
