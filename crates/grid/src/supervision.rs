//! One code path for `geoscout scan --grid --rivers` and `geoscout assign`: give leads their
//! cell and river, then write the roll-ups and the outfall checklist.

use std::path::Path;

use geoscout_leads::Lead;

use crate::assign::AssignSummary;
use crate::outfall::write_outfall_checklist;
use crate::summary::write_summaries;
use crate::{CsvOptions, Grid, Result, Rivers};

/// The grid and the rivers a run assigns leads to; either may be absent.
#[derive(Debug, Default)]
pub struct Supervision {
    /// The grid layer.
    pub grid: Option<Grid>,
    /// The river centre lines.
    pub rivers: Option<Rivers>,
    /// How the CSV reports are written.
    pub csv: CsvOptions,
}

/// What [`Supervision::apply`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SupervisionReport {
    /// Leads in a cell and outside every cell (zero without a grid).
    pub grid: AssignSummary,
    /// Outlets that got a river (zero without rivers).
    pub outlets_on_rivers: usize,
}

impl Supervision {
    /// Gives the leads their grid fields ([`Grid::assign`]) and the outlets their river fields
    /// ([`Rivers::annotate`]).
    pub fn apply(&self, leads: &mut [Lead]) -> Result<SupervisionReport> {
        let mut report = SupervisionReport::default();
        if let Some(grid) = &self.grid {
            report.grid = grid.assign(leads)?;
        }
        if let Some(rivers) = &self.rivers {
            report.outlets_on_rivers = rivers.annotate(leads)?;
        }
        Ok(report)
    }

    /// Writes the reports to `dir`: with a grid, `grid_summary.csv`, `grid_summary.geojson`
    /// and `county_ranking.csv` ([`write_summaries`]); with rivers, `outfall_checklist.csv`
    /// ([`write_outfall_checklist`]). The leads should have been through [`Supervision::apply`].
    pub fn write_reports(&self, dir: &Path, leads: &[Lead]) -> Result<()> {
        if let Some(grid) = &self.grid {
            write_summaries(dir, grid, leads, self.csv)?;
        }
        if self.rivers.is_some() {
            write_outfall_checklist(&dir.join("outfall_checklist.csv"), leads, self.csv)?;
        }
        Ok(())
    }
}
