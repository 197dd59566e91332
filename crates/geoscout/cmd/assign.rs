//! `geoscout assign`: gives leads their grid cell (and outlets their river) and writes the
//! roll-ups. [`SupervisionFlags`] are the grid and river flags `scan` shares.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, ensure};
use geoscout_grid::{
    CsvOptions, FieldMap, Grid, MetricCrs, RiverOptions, Rivers, Supervision, SupervisionReport,
    rebase_chip_paths,
};
use geoscout_leads::{Lead, read_geojson, write_geojson, write_geopackage, write_qml};

use crate::cmd::common::Epsg;

/// The grid and river flags of `assign`, `scan` and `diff`.
#[derive(Debug, Default, clap::Args)]
pub struct SupervisionFlags {
    /// Grid layer (GeoPackage, GeoJSON, Shapefile, ...; any CRS): each lead gets grid_id,
    /// grid_name, grid_path, responsible_unit and in_grid, and the roll-ups grid_summary.csv,
    /// grid_summary.geojson and county_ranking.csv are written.
    #[arg(long, value_name = "FILE")]
    pub grid: Option<PathBuf>,
    /// A TOML file naming the grid's fields (keys id, name, level, parent, county, city,
    /// responsible_unit); the --grid-*-field flags override it.
    #[arg(long, value_name = "FILE")]
    pub grid_fields: Option<PathBuf>,
    /// The grid's cell code field [default: grid_id].
    #[arg(long, value_name = "NAME")]
    pub grid_id_field: Option<String>,
    /// The grid's cell name field [default: grid_name, if present].
    #[arg(long, value_name = "NAME")]
    pub grid_name_field: Option<String>,
    /// The grid's level field [default: level, if present].
    #[arg(long, value_name = "NAME")]
    pub grid_level_field: Option<String>,
    /// The grid's parent code field [default: parent, if present].
    #[arg(long, value_name = "NAME")]
    pub grid_parent_field: Option<String>,
    /// The grid's county name field [default: county, if present].
    #[arg(long, value_name = "NAME")]
    pub grid_county_field: Option<String>,
    /// The grid's city name field [default: city, if present].
    #[arg(long, value_name = "NAME")]
    pub grid_city_field: Option<String>,
    /// The grid's responsible unit field [default: responsible_unit, if present].
    #[arg(long, value_name = "NAME")]
    pub grid_unit_field: Option<String>,
    /// The projected CRS in which leads are placed in cells [default: the CGCS2000 3-degree
    /// Gauss-Kruger zone of the grid's centre, or the UTM zone outside China].
    #[arg(long, value_name = "EPSG:N")]
    pub grid_crs: Option<Epsg>,
    /// River centre lines (any CRS): each discharge_outlet lead gets river,
    /// distance_to_river_m, bank and chainage_m, and outfall_checklist.csv is written.
    #[arg(long, value_name = "FILE")]
    pub rivers: Option<PathBuf>,
    /// The rivers' name field; lines with the same name are one river.
    #[arg(long, value_name = "NAME", default_value = "NAME")]
    pub river_field: String,
    /// Outlets farther than this from every river get no river.
    #[arg(long, value_name = "METRES", default_value_t = 500.0)]
    pub river_max_distance: f64,
    /// River line ends closer than this are joined.
    #[arg(long, value_name = "METRES", default_value_t = 1.0)]
    pub river_join_tolerance: f64,
    /// Rivers flow against their digitised direction (all of them).
    #[arg(long)]
    pub reverse_flow: bool,
    /// This river flows against its digitised direction (repeat for several).
    #[arg(long, value_name = "NAME")]
    pub reverse_river: Vec<String>,
    /// Write CSV files without the UTF-8 byte order mark (which Excel needs to read Chinese
    /// names, and some other readers show as a stray character).
    #[arg(long)]
    pub no_bom: bool,
}

impl SupervisionFlags {
    /// Opens the grid and rivers the flags name.
    pub fn open(&self) -> anyhow::Result<Supervision> {
        let grid = match &self.grid {
            Some(path) => Some(self.open_grid(path)?),
            None => None,
        };
        let rivers = match &self.rivers {
            Some(path) => {
                ensure!(
                    self.river_max_distance > 0.0 && self.river_join_tolerance >= 0.0,
                    "--river-max-distance must be positive and --river-join-tolerance not negative"
                );
                let options = RiverOptions {
                    name_field: self.river_field.clone(),
                    max_distance_m: self.river_max_distance,
                    join_tolerance_m: self.river_join_tolerance,
                    reverse_all: self.reverse_flow,
                    reversed: self.reverse_river.clone(),
                    metric: None,
                };
                Some(Rivers::open(path, &options)?)
            }
            None => None,
        };
        Ok(Supervision {
            grid,
            rivers,
            csv: CsvOptions { bom: !self.no_bom },
        })
    }

    fn open_grid(&self, path: &Path) -> anyhow::Result<Grid> {
        let from_file = match &self.grid_fields {
            Some(toml) => FieldMap::from_toml_file(toml)?,
            None => FieldMap::default(),
        };
        let fields = from_file.merged_with(&FieldMap {
            id: self.grid_id_field.clone(),
            name: self.grid_name_field.clone(),
            level: self.grid_level_field.clone(),
            parent: self.grid_parent_field.clone(),
            county: self.grid_county_field.clone(),
            city: self.grid_city_field.clone(),
            responsible_unit: self.grid_unit_field.clone(),
        });
        let metric = self.grid_crs.map(|Epsg(code)| MetricCrs::from_epsg(code));
        Ok(Grid::open_in(path, &fields, metric)?)
    }
}

/// The EPSG code for a GeoPackage of the leads: the grid's metric CRS, else the rivers'.
fn metric_epsg(supervision: &Supervision) -> Option<u32> {
    let grid = supervision.grid.as_ref().map(|g| g.metric_crs());
    grid.or(supervision.rivers.as_ref().map(|r| r.metric_crs()))
        .map(|m| m.epsg())
}

/// Flags of `geoscout assign`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Leads: a leads GeoJSON file, or a `scan` output folder holding leads.geojson.
    #[arg(long, value_name = "PATH")]
    leads: PathBuf,
    /// Output folder: leads.geojson, leads.gpkg and leads.qml with the new fields, and the
    /// roll-ups and checklist.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    supervision: SupervisionFlags,
}

/// Runs `geoscout assign`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    ensure!(
        args.supervision.grid.is_some() || args.supervision.rivers.is_some(),
        "nothing to assign to: give --grid FILE, --rivers FILE or both"
    );
    let leads_file = if args.leads.is_dir() {
        args.leads.join("leads.geojson")
    } else {
        args.leads.clone()
    };
    let mut leads = read_geojson(&leads_file)?;
    let supervision = args.supervision.open()?;
    let report = supervision.apply(&mut leads)?;
    write_leads_folder(&args.out, &leads_file, &mut leads, &supervision)?;
    print_report(&report, &supervision, leads.len(), &args.out);
    Ok(ExitCode::SUCCESS)
}

/// Writes `leads` (read from `leads_file`) to `out`: chip paths rebased, leads.geojson,
/// leads.gpkg (when a metric CRS is known), leads.qml, then the supervision reports.
pub fn write_leads_folder(
    out: &Path,
    leads_file: &Path,
    leads: &mut [Lead],
    supervision: &Supervision,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let source_folder = leads_file.parent().unwrap_or(Path::new("."));
    let source_folder = if source_folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        source_folder
    };
    rebase_chip_paths(leads, source_folder, out)
        .with_context(|| format!("relating chip paths to {}", out.display()))?;
    write_geojson(&out.join("leads.geojson"), leads)?;
    if let Some(epsg) = metric_epsg(supervision) {
        write_geopackage(&out.join("leads.gpkg"), leads, epsg)?;
    }
    write_qml(&out.join("leads.qml"))?;
    supervision.write_reports(out, leads)?;
    Ok(())
}

fn print_report(report: &SupervisionReport, supervision: &Supervision, leads: usize, out: &Path) {
    if supervision.grid.is_some() {
        println!(
            "{leads} leads: {} in the grid, {} outside every cell (kept, in_grid false)",
            report.grid.in_grid, report.grid.outside
        );
    }
    if let Some(rivers) = &supervision.rivers {
        println!(
            "{} outlets within reach of {} river(s)",
            report.outlets_on_rivers,
            rivers.rivers().len()
        );
    }
    println!("written to {}", out.display());
}
