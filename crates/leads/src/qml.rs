//! The QGIS style for leads layers (`leads.qml`).
//!
//! QGIS loads a style file whose base name matches the data file (`leads.qml` beside
//! `leads.geojson`, `leads.fgb` and `leads.gpkg`) when the layer is added. The style is a
//! categorized renderer on `class` (coal gangue piles: dark grey fill with a red outline; dust
//! sources: pale yellow fill with orange hatching; discharge outlets: blue circle with a red
//! ring) and labels `class_zh` and `score`. QGIS opens each of the three files as one sub-layer
//! per geometry type; each category's symbol has its class's geometry type, and the style names
//! no layer geometry type, so both sub-layers take the same style (checked with QGIS 3.22 by
//! `tests/qgis_style.py`).

use std::path::Path;

use geoscout_core::fs::write_bytes_atomically;

use crate::Result;

/// The style's text (QGIS 3 QML).
const LEADS_QML: &str = include_str!("leads.qml");

/// Writes the QGIS style for leads layers to `path` (name it after the layer files:
/// `leads.qml`). Written under a temporary name and renamed when complete.
pub fn write_qml(path: &Path) -> Result<()> {
    Ok(write_bytes_atomically(path, LEADS_QML.as_bytes())?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geoscout_core::{Class, GeometryKind};

    /// The `<symbol type=...>` that category `class` points to.
    fn symbol_type_of(class: Class) -> &'static str {
        let category = LEADS_QML
            .lines()
            .find(|l| l.contains(&format!("<category value=\"{}\"", class.name())))
            .unwrap_or_else(|| panic!("no category for {class}"));
        let symbol = category
            .split("symbol=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let line = LEADS_QML
            .lines()
            .find(|l| {
                l.trim_start().starts_with("<symbol ") && l.contains(&format!("name=\"{symbol}\""))
            })
            .unwrap();
        line.split("type=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
    }

    #[test]
    fn every_class_has_a_symbol_of_its_geometry_type() {
        for class in Class::ALL {
            let expected = match class.geometry_kind() {
                GeometryKind::Polygon => "fill",
                GeometryKind::Point => "marker",
            };
            assert_eq!(symbol_type_of(class), expected, "{class}");
            assert!(
                LEADS_QML.contains(class.name_zh()),
                "{class}: no Chinese legend label"
            );
        }
    }

    #[test]
    fn the_style_does_not_bind_itself_to_one_geometry_type() {
        assert!(!LEADS_QML.contains("<layerGeometryType>"));
        assert!(LEADS_QML.contains("attr=\"class\""));
        assert!(LEADS_QML.contains("labelsEnabled=\"1\""));
    }

    #[test]
    fn write_qml_writes_the_style() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.qml");
        write_qml(&path).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), LEADS_QML);
    }
}
