//! `geoscout info`: what GDAL knows about rasters.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use geoscout_raster::{Georeferencing, MaskKind, Raster, RasterInfo};

/// Flags of `geoscout info`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rasters to describe (any format GDAL reads: GeoTIFF, COG, VRT, ...).
    #[arg(required = true, value_name = "RASTER")]
    rasters: Vec<PathBuf>,
    /// Print one JSON object per raster, one per line, instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs `geoscout info`: describes each raster; a raster that cannot be read is reported on
/// stderr and the others are still described (the exit status is then 2).
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut out = io::stdout().lock();
    let mut failed = false;
    for path in &args.rasters {
        match Raster::open(path) {
            Ok(raster) if args.json => {
                serde_json::to_writer(&mut out, raster.info())?;
                writeln!(out)?;
            }
            Ok(raster) => write_text(&mut out, raster.info())?,
            Err(err) => {
                out.flush()?;
                eprintln!("geoscout: {err}");
                failed = true;
            }
        }
    }
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_text(out: &mut impl Write, info: &RasterInfo) -> io::Result<()> {
    writeln!(out, "{}", info.path.display())?;
    writeln!(out, "  driver          {}", info.driver)?;
    writeln!(
        out,
        "  size            {} x {} pixels, {} band{}",
        info.width,
        info.height,
        info.bands.len(),
        if info.bands.len() == 1 { "" } else { "s" }
    )?;
    for band in &info.bands {
        write!(
            out,
            "  band {:<10} {:<8} {:<10} block {}x{}",
            band.index,
            band.data_type,
            band.color_interpretation,
            band.block_size[0],
            band.block_size[1]
        )?;
        if let Some(nodata) = band.nodata {
            write!(out, "  nodata {nodata}")?;
        }
        if let Some(description) = &band.description {
            write!(out, "  \"{description}\"")?;
        }
        writeln!(out)?;
    }
    writeln!(out, "  mask            {}", mask_text(info.mask))?;
    match &info.crs {
        Some(crs) => {
            let code = crs
                .epsg
                .map_or("no EPSG code".to_string(), |c| format!("EPSG:{c}"));
            let name = crs.name.as_deref().unwrap_or("unnamed");
            writeln!(out, "  crs             {code} ({name})")?;
        }
        None => writeln!(out, "  crs             none")?,
    }
    match &info.georeferencing {
        Georeferencing::Geotransform => {
            let gt = info.geotransform.unwrap_or_default().map(|v| v.to_string());
            writeln!(out, "  georeferencing  geotransform [{}]", gt.join(", "))?;
        }
        Georeferencing::Gcps {
            count,
            fit_order,
            rms_residual_px,
        } => writeln!(
            out,
            "  georeferencing  {count} GCPs, polynomial of order {fit_order} fitted (RMS residual {rms_residual_px:.2} px)"
        )?,
        Georeferencing::None => writeln!(out, "  georeferencing  none")?,
    }
    match info.gsd_m {
        Some(gsd) => writeln!(out, "  gsd             {} m", significant(gsd))?,
        None => writeln!(out, "  gsd             unknown")?,
    }
    match (info.footprint_bbox(), &info.footprint) {
        (Some([west, south, east, north]), Some(footprint)) => {
            let parts = match footprint.0.len() {
                1 => String::new(),
                n => format!(" ({n} parts, split at the antimeridian)"),
            };
            writeln!(
                out,
                "  footprint       lon {west:.6} to {east:.6}, lat {south:.6} to {north:.6}{parts}"
            )?;
        }
        _ => writeln!(out, "  footprint       unknown")?,
    }
    match (&info.acquired, &info.acquired_from) {
        (Some(when), Some(from)) => writeln!(out, "  acquired        {when} (from {from})")?,
        (Some(when), None) => writeln!(out, "  acquired        {when}")?,
        _ => writeln!(out, "  acquired        unknown")?,
    }
    Ok(())
}

fn mask_text(mask: MaskKind) -> String {
    match mask {
        MaskKind::None => "none (every pixel holds data)".into(),
        MaskKind::Nodata => "nodata values".into(),
        MaskKind::Alpha { band: Some(band) } => format!("alpha band {band}"),
        MaskKind::Alpha { band: None } => "alpha band".into(),
        MaskKind::PerDataset => "mask shared by all bands".into(),
        MaskKind::PerBand => "a mask per band".into(),
    }
}

/// `value` with four significant digits, without trailing zeros.
fn significant(value: f64) -> String {
    let digits = (3.0 - value.abs().log10().floor()).clamp(0.0, 12.0) as usize;
    let text = format!("{value:.digits$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::significant;

    #[test]
    fn ground_distances_keep_four_significant_digits() {
        assert_eq!(significant(30.011_466), "30.01");
        assert_eq!(significant(20_055.016), "20055");
        assert_eq!(significant(0.066_592_77), "0.06659");
        assert_eq!(significant(2.0), "2");
        assert_eq!(significant(0.0), "0");
    }
}
