//! Grid supervision: grid layers, lead assignment, roll-ups, river outfall surveys and the lead
//! ledger.
//!
//! - [`build_grid`] / [`write_grid`]: square cells clipped to county polygons (`geoscout grid
//!   build`).
//! - [`Grid`]: a grid layer from any vector file, in one [`MetricCrs`], with an R-tree over the
//!   cells; [`Grid::assign`] gives leads their cell.
//! - [`write_summaries`]: `grid_summary.csv`, `grid_summary.geojson`, `county_ranking.csv`.
//! - [`Rivers`]: river centre lines; [`Rivers::annotate`] gives outlets their river, distance,
//!   bank and chainage; [`write_outfall_checklist`] lists them for the bank walk.
//! - [`Supervision`]: a grid and rivers together, applied to leads in one call and reported in
//!   another: the code path `scan --grid --rivers` and `assign` share.
//! - [`diff`]: matches two campaigns' leads into a ledger (new, persisting, resolved).
//!
//! Conventions, documented in full on the items:
//! - Geometry is compared in one metric CRS ([`MetricCrs`]): by default the CGCS2000 3-degree
//!   Gauss-Kruger zone of the data's centre (EPSG:4547 for Datong), else the UTM zone. Grids,
//!   rivers and leads in other CRSs are reprojected with GDAL in the traditional GIS axis order.
//! - A point on a border shared by cells goes to the cell with the smallest id; a polygon to the
//!   cell holding most of its area; leads in no cell are kept with `in_grid: false`.
//! - CSV files are UTF-8 with a header and, by default, a byte order mark for Excel
//!   ([`CsvOptions`]).
#![deny(missing_docs)]

mod assign;
mod builder;
mod crs;
mod diff;
mod error;
mod grid;
mod network;
mod outfall;
mod paths;
mod rivers;
mod summary;
mod supervision;
mod table;
mod vector;

pub use assign::AssignSummary;
pub use builder::{BoundaryFields, GridSpec, build_grid, write_grid};
pub use crs::{MetricCrs, Reprojector, WGS84, spatial_ref_from_epsg};
pub use diff::{Campaign, DiffSummary, MatchOptions, diff, write_ledger};
pub use error::{Error, Result};
pub use grid::{Cell, FieldMap, Grid};
pub use outfall::{dms, write_outfall_checklist};
pub use paths::rebase_chip_paths;
pub use rivers::{Bank, River, RiverOptions, RiverPosition, Rivers};
pub use summary::{SummaryCounts, write_summaries};
pub use supervision::{Supervision, SupervisionReport};
pub use table::CsvOptions;
