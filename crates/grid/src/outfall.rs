//! The field checklist for the level-2 bank walk: outlets river by river in chainage order.

use std::path::Path;

use geoscout_core::Class;
use geoscout_leads::Lead;
use serde_json::Value;

use crate::Result;
use crate::table::{ColumnKind, CsvOptions, Table, write_csv};

/// The columns of `outfall_checklist.csv`, in order; all but `order` are lead properties.
const COLUMNS: [(&str, ColumnKind); 18] = [
    ("river", ColumnKind::Text),
    ("order", ColumnKind::Integer),
    ("chainage_m", ColumnKind::Real),
    ("bank", ColumnKind::Text),
    ("distance_to_river_m", ColumnKind::Real),
    ("id", ColumnKind::Text),
    ("score", ColumnKind::Real),
    ("lon", ColumnKind::Real),
    ("lat", ColumnKind::Real),
    ("lon_dms", ColumnKind::Text),
    ("lat_dms", ColumnKind::Text),
    ("grid_id", ColumnKind::Text),
    ("grid_path", ColumnKind::Text),
    ("responsible_unit", ColumnKind::Text),
    ("status", ColumnKind::Text),
    ("acquired", ColumnKind::Text),
    ("source", ColumnKind::Text),
    ("chip", ColumnKind::Text),
];

/// Writes the `discharge_outlet` leads to `path` as CSV: rivers in name order, each river's
/// outlets by chainage (upstream first; ties by id), numbered from 1 per river in `order`, then
/// the outlets near no river (empty `river`) by id. Coordinates in WGS 84 decimal degrees (7
/// decimals) and degrees-minutes-seconds (`113°47′50.78″E`, with prime and double prime
/// signs, which need no quoting in CSV; seconds to 2 decimals, about 6 cm), and the chip path as it is in the lead. Returns the number of rows.
pub fn write_outfall_checklist(path: &Path, leads: &[Lead], csv: CsvOptions) -> Result<usize> {
    let text = |lead: &Lead, key: &str| {
        lead.extra
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let number = |lead: &Lead, key: &str| lead.extra.get(key).and_then(Value::as_f64);
    let mut outlets: Vec<&Lead> = leads
        .iter()
        .filter(|l| l.class == Class::DischargeOutlet)
        .collect();
    outlets.sort_by(|a, b| {
        let (ra, rb) = (text(a, "river"), text(b, "river"));
        // Outlets with a river first.
        (ra.is_none().cmp(&rb.is_none()))
            .then(ra.cmp(&rb))
            .then(
                number(a, "chainage_m")
                    .unwrap_or(0.0)
                    .total_cmp(&number(b, "chainage_m").unwrap_or(0.0)),
            )
            .then(a.id.cmp(&b.id))
    });
    let mut table = Table::new(COLUMNS);
    let mut order = 0;
    let mut previous_river: Option<String> = None;
    for lead in outlets {
        let river = text(lead, "river");
        order = if river == previous_river {
            order + 1
        } else {
            1
        };
        previous_river.clone_from(&river);
        let property = |key: &str| lead.extra.get(key).cloned().unwrap_or(Value::Null);
        let optional = |v: &Option<String>| v.clone().map_or(Value::Null, Value::from);
        table.push(vec![
            optional(&river),
            if river.is_some() {
                order.into()
            } else {
                Value::Null
            },
            property("chainage_m"),
            property("bank"),
            property("distance_to_river_m"),
            lead.id.clone().into(),
            lead.score.into(),
            round7(lead.lon).into(),
            round7(lead.lat).into(),
            dms(lead.lon, 'E', 'W').into(),
            dms(lead.lat, 'N', 'S').into(),
            property("grid_id"),
            property("grid_path"),
            property("responsible_unit"),
            property("status"),
            optional(&lead.acquired),
            optional(&lead.source),
            optional(&lead.chip),
        ]);
    }
    let rows = table.rows.len();
    write_csv(path, &table, csv)?;
    Ok(rows)
}

fn round7(value: f64) -> f64 {
    (value * 1e7).round() / 1e7
}

/// `degrees` as degrees, minutes and seconds to 2 decimals with a hemisphere letter:
/// `dms(113.797439, 'E', 'W')` is `113°47′50.78″E`.
pub fn dms(degrees: f64, positive: char, negative: char) -> String {
    let hemisphere = if degrees < 0.0 { negative } else { positive };
    // Work in hundredths of a second so that rounding carries into minutes and degrees.
    let hundredths = (degrees.abs() * 360_000.0).round() as u64;
    let (d, rest) = (hundredths / 360_000, hundredths % 360_000);
    let (m, s) = (rest / 6_000, rest % 6_000);
    format!("{d}°{m:02}′{:02}.{:02}″{hemisphere}", s / 100, s % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dms_rounds_and_carries() {
        assert_eq!(dms(113.797439575195, 'E', 'W'), "113°47′50.78″E");
        assert_eq!(dms(39.9708480834961, 'N', 'S'), "39°58′15.05″N");
        // 59.9999″ rounds up into the next minute, and that into the next degree.
        assert_eq!(
            dms(39.0 + 59.0 / 60.0 + 59.9999 / 3600.0, 'N', 'S'),
            "40°00′00.00″N"
        );
        assert_eq!(dms(-8.5, 'N', 'S'), "8°30′00.00″S");
    }

    #[test]
    fn outlets_come_river_by_river_in_chainage_order() {
        let outlet = |id: &str, river: Option<&str>, chainage: f64| {
            let mut lead = Lead::new(
                id,
                Class::DischargeOutlet,
                0.9,
                geo::point!(x: 113.5, y: 39.9).into(),
            );
            lead.extra
                .insert("river".into(), river.map_or(Value::Null, Value::from));
            lead.extra.insert("chainage_m".into(), chainage.into());
            lead
        };
        let pile = Lead::new(
            "p",
            Class::CoalGanguePile,
            0.9,
            geo::point!(x: 113.5, y: 39.9).into(),
        );
        let leads = vec![
            outlet("c", Some("桑干河"), 300.0),
            outlet("a", None, 0.0),
            outlet("b", Some("桑干河"), 100.0),
            outlet("d", Some("御河"), 900.0),
            pile,
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outfall_checklist.csv");
        assert_eq!(
            write_outfall_checklist(&path, &leads, CsvOptions { bom: false }).unwrap(),
            4
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let rows: Vec<Vec<&str>> = text
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect())
            .collect();
        let order: Vec<(&str, &str, &str)> = rows.iter().map(|r| (r[0], r[1], r[5])).collect();
        // Rivers in name (code point) order: 御 U+5FA1 before 桑 U+6851.
        assert_eq!(
            order,
            [
                ("御河", "1", "d"),
                ("桑干河", "1", "b"),
                ("桑干河", "2", "c"),
                ("", "", "a")
            ]
        );
        assert_eq!(rows[0][9], "113°30′00.00″E");
    }
}
