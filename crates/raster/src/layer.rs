//! Tile plans as map layers.

use geojson::{Feature, FeatureCollection, JsonObject, feature::Id};
use serde_json::json;

use crate::footprint::geojson_geometry;
use crate::{Georef, TilePlan};

/// The tile cores of `plan` as an RFC 7946 FeatureCollection in WGS 84: one feature per tile with
/// properties `id`, `core` and `window` (`[x, y, width, height]` in pixels) and the core's outline
/// as geometry (see [`Georef::outline`]: counter-clockwise, split at the antimeridian; null for a
/// core off the Earth's disc).
pub fn tile_layer(plan: &TilePlan, georef: &Georef) -> FeatureCollection {
    let features = plan
        .tiles
        .iter()
        .map(|tile| {
            let mut properties = JsonObject::new();
            properties.insert("id".into(), json!(tile.id));
            properties.insert("core".into(), json!(tile.core));
            properties.insert("window".into(), json!(tile.window));
            Feature {
                bbox: None,
                geometry: georef.outline(tile.core).as_ref().map(geojson_geometry),
                id: Some(Id::Number(tile.id.into())),
                properties: Some(properties),
                foreign_members: None,
            }
        })
        .collect();
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    }
}
