//! The attribute table of a set of leads: one typed field per property, fixed properties first,
//! then extras in the order they first appear.

use serde_json::Value;

use crate::Lead;

/// The type of one field in a FlatGeobuf or GeoPackage layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FieldKind {
    /// 64-bit integer.
    Integer,
    /// Double.
    Real,
    /// Text; also holds arrays, objects and properties whose values have mixed types (as JSON).
    Text,
    /// True or false.
    Boolean,
}

impl FieldKind {
    /// The GeoPackage column type (GeoPackage 1.3, table 1).
    pub(crate) fn gpkg_type(self) -> &'static str {
        match self {
            FieldKind::Integer => "INTEGER",
            FieldKind::Real => "REAL",
            FieldKind::Text => "TEXT",
            FieldKind::Boolean => "BOOLEAN",
        }
    }

    fn of(value: &Value) -> Option<FieldKind> {
        match value {
            Value::Null => None,
            Value::Bool(_) => Some(FieldKind::Boolean),
            Value::Number(n) if n.is_i64() => Some(FieldKind::Integer),
            Value::Number(_) => Some(FieldKind::Real),
            _ => Some(FieldKind::Text),
        }
    }

    fn merge(self, other: FieldKind) -> FieldKind {
        use FieldKind::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Integer, Real) | (Real, Integer) => Real,
            _ => Text,
        }
    }
}

/// The fixed properties' kinds, so that they are typed even when every value is null.
const FIXED_KINDS: [(&str, FieldKind); 15] = [
    ("id", FieldKind::Text),
    ("class", FieldKind::Text),
    ("class_zh", FieldKind::Text),
    ("score", FieldKind::Real),
    ("area_m2", FieldKind::Real),
    ("lon", FieldKind::Real),
    ("lat", FieldKind::Real),
    ("source", FieldKind::Text),
    ("acquired", FieldKind::Text),
    ("gsd_m", FieldKind::Real),
    ("model", FieldKind::Text),
    ("model_sha256", FieldKind::Text),
    ("tool_version", FieldKind::Text),
    ("seam_merged", FieldKind::Boolean),
    ("chip", FieldKind::Text),
];

/// The fields for `leads`: the fixed properties with their kinds, then every extra property
/// with the narrowest kind that holds all its values (integers and reals make a real; anything
/// else mixed, or only nulls, makes text).
pub(crate) fn fields(leads: &[Lead]) -> Vec<(String, FieldKind)> {
    let mut fields: Vec<(String, Option<FieldKind>)> = FIXED_KINDS
        .iter()
        .map(|(name, kind)| (name.to_string(), Some(*kind)))
        .collect();
    for lead in leads {
        for (key, value) in &lead.extra {
            let kind = FieldKind::of(value);
            match fields.iter_mut().find(|(name, _)| name == key) {
                Some((_, existing)) => {
                    *existing = match (*existing, kind) {
                        (Some(a), Some(b)) => Some(a.merge(b)),
                        (a, b) => a.or(b),
                    }
                }
                None => fields.push((key.clone(), kind)),
            }
        }
    }
    fields
        .into_iter()
        .map(|(name, kind)| (name, kind.unwrap_or(FieldKind::Text)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Point;
    use geoscout_core::Class;

    #[test]
    fn extras_get_the_narrowest_kind_that_holds_all_their_values() {
        let mut a = Lead::new(
            "a",
            Class::DischargeOutlet,
            0.5,
            Point::new(113.0, 40.0).into(),
        );
        let mut b = a.clone();
        a.extra.insert("chainage_m".into(), 120.into());
        b.extra.insert("chainage_m".into(), 80.5.into());
        a.extra.insert("in_grid".into(), true.into());
        b.extra.insert("in_grid".into(), Value::Null);
        a.extra.insert("odd".into(), 1.into());
        b.extra.insert("odd".into(), "one".into());
        b.extra.insert("note".into(), Value::Null);
        let fields = fields(&[a, b]);
        assert_eq!(fields.len(), 15 + 4);
        assert_eq!(fields[13], ("seam_merged".into(), FieldKind::Boolean));
        assert_eq!(
            fields[15..],
            [
                ("chainage_m".into(), FieldKind::Real),
                ("in_grid".into(), FieldKind::Boolean),
                ("odd".into(), FieldKind::Text),
                ("note".into(), FieldKind::Text),
            ]
        );
    }
}
