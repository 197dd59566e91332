//! The lead: geoscout's finding, its properties and its file formats (GeoJSON, FlatGeobuf, GeoPackage, QGIS style).
