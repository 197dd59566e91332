//! Vectorize stage of geoscout: per-class probability tiles become polygons and points, joined across tile seams.
