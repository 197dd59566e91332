//! Objects in pixel coordinates become leads: WGS 84 geometry, area, score, a stable id and
//! the provenance that lets an inspector trace a lead back in a dispute.

use geo::{Coord, Geometry, LineString, MapCoords, Point, Polygon};
use geoscout_leads::Lead;
use geoscout_raster::Georef;
use geoscout_vectorize::Object;
use sha2::{Digest, Sha256};

use crate::Result;

/// Where the leads of one raster come from.
#[derive(Clone, Debug)]
pub struct Provenance {
    /// The raster's file name.
    pub source: String,
    /// The raster's content fingerprint: ids depend on the content, not on the file's name.
    pub fingerprint: String,
    /// Acquisition date, when the raster says.
    pub acquired: Option<String>,
    /// Ground sample distance in metres.
    pub gsd_m: Option<f64>,
    /// The model's name.
    pub model: String,
    /// SHA-256 of the model's weights.
    pub model_sha256: String,
    /// geoscout's version.
    pub tool_version: String,
}

/// The lead of an object found in the raster described by `georef`.
pub fn lead_of(object: &Object, georef: &Georef, provenance: &Provenance) -> Result<Lead> {
    let geometry = to_lonlat(&object.geometry, georef)?;
    let mut lead = Lead::new(
        lead_id(object, provenance),
        object.class,
        object.score,
        geometry,
    );
    lead.source = Some(provenance.source.clone());
    lead.acquired = provenance.acquired.clone();
    lead.gsd_m = provenance.gsd_m;
    lead.model = Some(provenance.model.clone());
    lead.model_sha256 = Some(provenance.model_sha256.clone());
    lead.tool_version = Some(provenance.tool_version.clone());
    lead.seam_merged = object.seam_merged;
    Ok(lead)
}

/// A stable id: the same raster content, class and object give the same id, whatever the
/// tiling or thread count (the anchor is the object's first pixel in row-major order).
pub fn lead_id(object: &Object, provenance: &Provenance) -> String {
    let mut hasher = Sha256::new();
    hasher.update(provenance.fingerprint.as_bytes());
    hasher.update(object.class.name().as_bytes());
    hasher.update(object.anchor.x.to_le_bytes());
    hasher.update(object.anchor.y.to_le_bytes());
    let digest = format!("{:x}", hasher.finalize());
    format!("GS-{}", &digest[..12])
}

/// Pixel coordinates to WGS 84 longitude/latitude, ring by ring in one GDAL call each.
fn to_lonlat(geometry: &Geometry<f64>, georef: &Georef) -> Result<Geometry<f64>> {
    let ring = |line: &LineString<f64>| -> Result<LineString<f64>> {
        Ok(LineString::new(georef.pixels_to_lonlat(&line.0)?))
    };
    let polygon = |p: &Polygon<f64>| -> Result<Polygon<f64>> {
        Ok(Polygon::new(
            ring(p.exterior())?,
            p.interiors().iter().map(ring).collect::<Result<_>>()?,
        ))
    };
    Ok(match geometry {
        Geometry::Point(p) => Geometry::Point(Point::from(georef.pixel_to_lonlat(p.0)?)),
        Geometry::Polygon(p) => Geometry::Polygon(polygon(p)?),
        Geometry::MultiPolygon(mp) => {
            Geometry::MultiPolygon(mp.iter().map(polygon).collect::<Result<Vec<_>>>()?.into())
        }
        other => other.try_map_coords(|c: Coord| georef.pixel_to_lonlat(c))?,
    })
}
