//! Leads shared by the integration tests.

use geo::{MultiPolygon, Point, Polygon, polygon};
use geoscout_core::Class;
use geoscout_leads::Lead;

/// Two polygon leads (one with a hole, one MultiPolygon) and one outlet near Datong, with
/// extras of several types, some missing on some leads.
pub fn sample_leads() -> Vec<Lead> {
    let hole = polygon![
        (x: 113.304, y: 40.004), (x: 113.306, y: 40.004), (x: 113.306, y: 40.006), (x: 113.304, y: 40.006),
    ];
    let pile_shape = Polygon::new(
        polygon![
            (x: 113.3, y: 40.0), (x: 113.31, y: 40.0), (x: 113.31, y: 40.01), (x: 113.3, y: 40.01),
        ]
        .exterior()
        .clone(),
        vec![hole.exterior().clone()],
    );
    let mut pile = Lead::new("pile-1", Class::CoalGanguePile, 0.93, pile_shape.into());
    pile.source = Some("scene_a.tif".into());
    pile.gsd_m = Some(2.0);
    pile.seam_merged = true;
    pile.chip = Some("chips/pile-1.png".into());
    pile.extra.insert("grid_id".into(), "140202-003".into());
    pile.extra.insert("in_grid".into(), true.into());

    let dust_shape = MultiPolygon(vec![
        polygon![(x: 113.32, y: 40.02), (x: 113.321, y: 40.02), (x: 113.321, y: 40.0212345678), (x: 113.32, y: 40.021)],
        polygon![(x: 113.33, y: 40.02), (x: 113.331, y: 40.02), (x: 113.331, y: 40.021)],
    ]);
    let mut dust = Lead::new("dust-1", Class::DustSource, 0.61, dust_shape.into());
    dust.extra.insert("in_grid".into(), false.into());
    dust.extra.insert("chainage_m".into(), 1250.into());

    let mut outlet = Lead::new(
        "outlet-1",
        Class::DischargeOutlet,
        0.77,
        Point::new(113.5123456789, 40.1).into(),
    );
    outlet.extra.insert("chainage_m".into(), 310.5.into());
    vec![pile, dust, outlet]
}
