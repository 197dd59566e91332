//! One-to-one greedy matching of leads to true objects, in a metric CRS.
//!
//! Leads are taken highest score first (equal scores: smaller id first). A polygon lead takes the
//! unmatched true object of its class with the highest IoU, if that is at least
//! [`MatchRules::min_iou`]; a lead of a point class (outlets) takes the nearest unmatched true
//! object of its class within [`MatchRules::point_radius_m`] of the lead's point. A lead of a
//! polygon class that is only a point cannot overlap anything and stays unmatched.

use geo::{Area, BooleanOps, BoundingRect, Distance, Euclidean, Geometry, MultiPolygon, Point};
use geoscout_core::{Class, GeometryKind};
use serde::Serialize;

/// The thresholds of `targets.md`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MatchRules {
    /// Smallest intersection over union for a polygon match (0.3).
    pub min_iou: f64,
    /// Largest distance in metres for a point match (20 m satellite, 2 m uav).
    pub point_radius_m: f64,
}

/// A lead or a true object, in the scene's metric CRS.
#[derive(Clone, Debug)]
pub(crate) struct Item {
    pub(crate) id: String,
    pub(crate) class: Class,
    /// The footprint or location.
    pub(crate) geometry: Geometry<f64>,
    /// The point compared for point classes: a lead's `lon`/`lat`, a true object's location.
    pub(crate) point: Point<f64>,
}

/// A lead matched to a true object.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Match {
    /// The class of both.
    pub class: Class,
    /// The lead's id.
    pub lead: String,
    /// The true object's id.
    pub truth: String,
    /// Their intersection over union (polygon classes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iou: Option<f64>,
    /// The distance between their points in metres (point classes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_m: Option<f64>,
}

/// What matching found in one scene.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Outcome {
    /// Matched pairs (true positives), in the order they were made.
    pub matches: Vec<Match>,
    /// Leads left unmatched (false positives): class and id.
    pub false_positives: Vec<(Class, String)>,
    /// True objects left unmatched (false negatives): class and id.
    pub false_negatives: Vec<(Class, String)>,
}

/// Matches `leads` (each with its score) to `truth` by the rules.
pub(crate) fn match_greedy(leads: &[(Item, f64)], truth: &[Item], rules: MatchRules) -> Outcome {
    let mut order: Vec<&(Item, f64)> = leads.iter().collect();
    order.sort_by(|(a, sa), (b, sb)| sb.total_cmp(sa).then_with(|| a.id.cmp(&b.id)));
    let mut taken = vec![false; truth.len()];
    let mut outcome = Outcome::default();
    for (lead, _) in order {
        let candidates = truth
            .iter()
            .enumerate()
            .filter(|(i, t)| !taken[*i] && t.class == lead.class);
        let best = match lead.class.geometry_kind() {
            GeometryKind::Polygon => candidates
                .map(|(i, t)| (i, iou(&lead.geometry, &t.geometry)))
                .filter(|(_, iou)| *iou >= rules.min_iou)
                .max_by(|(i, a), (j, b)| a.total_cmp(b).then(j.cmp(i)))
                .map(|(i, iou)| (i, Some(iou), None)),
            GeometryKind::Point => candidates
                .map(|(i, t)| (i, Euclidean.distance(lead.point, t.point)))
                .filter(|(_, d)| *d <= rules.point_radius_m)
                .min_by(|(i, a), (j, b)| a.total_cmp(b).then(i.cmp(j)))
                .map(|(i, d)| (i, None, Some(d))),
        };
        match best {
            Some((i, iou, distance_m)) => {
                taken[i] = true;
                outcome.matches.push(Match {
                    class: lead.class,
                    lead: lead.id.clone(),
                    truth: truth[i].id.clone(),
                    iou,
                    distance_m,
                });
            }
            None => outcome.false_positives.push((lead.class, lead.id.clone())),
        }
    }
    outcome.false_negatives = truth
        .iter()
        .zip(&taken)
        .filter(|(_, taken)| !**taken)
        .map(|(t, _)| (t.class, t.id.clone()))
        .collect();
    outcome
}

/// Intersection over union of two areal geometries; 0 when either is not areal.
pub(crate) fn iou(a: &Geometry<f64>, b: &Geometry<f64>) -> f64 {
    let (Some(a), Some(b)) = (areal(a), areal(b)) else {
        return 0.0;
    };
    let (Some(ra), Some(rb)) = (a.bounding_rect(), b.bounding_rect()) else {
        return 0.0;
    };
    let disjoint = ra.max().x < rb.min().x
        || rb.max().x < ra.min().x
        || ra.max().y < rb.min().y
        || rb.max().y < ra.min().y;
    if disjoint {
        return 0.0;
    }
    let intersection = a.intersection(&b).unsigned_area();
    let union = a.unsigned_area() + b.unsigned_area() - intersection;
    if union > 0.0 {
        intersection / union
    } else {
        0.0
    }
}

fn areal(geometry: &Geometry<f64>) -> Option<MultiPolygon<f64>> {
    match geometry {
        Geometry::Polygon(p) => Some(MultiPolygon(vec![p.clone()])),
        Geometry::MultiPolygon(mp) => Some(mp.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Centroid, Rect, coord};

    const RULES: MatchRules = MatchRules {
        min_iou: 0.3,
        point_radius_m: 20.0,
    };

    /// A 100 m square with its lower left corner at (x, y), in metres.
    fn square(id: &str, class: Class, x: f64, y: f64) -> Item {
        let geometry: Geometry<f64> =
            Rect::new(coord! { x: x, y: y }, coord! { x: x + 100.0, y: y + 100.0 })
                .to_polygon()
                .into();
        let point = geometry.centroid().unwrap();
        Item {
            id: id.into(),
            class,
            geometry,
            point,
        }
    }

    fn point(id: &str, x: f64, y: f64) -> Item {
        Item {
            id: id.into(),
            class: Class::DischargeOutlet,
            geometry: Point::new(x, y).into(),
            point: Point::new(x, y),
        }
    }

    #[test]
    fn iou_of_offset_squares() {
        let a = square("a", Class::DustSource, 0.0, 0.0).geometry;
        // Offset by 50 m: 5000 m² shared, 15000 m² in all.
        let b = square("b", Class::DustSource, 50.0, 0.0).geometry;
        assert!((iou(&a, &b) - 1.0 / 3.0).abs() < 1e-9);
        // Offset by 60 m: 4000 / 16000.
        let c = square("c", Class::DustSource, 60.0, 0.0).geometry;
        assert!((iou(&a, &c) - 0.25).abs() < 1e-9);
        assert_eq!(
            iou(&a, &square("d", Class::DustSource, 500.0, 0.0).geometry),
            0.0
        );
        assert_eq!(iou(&a, &a), 1.0);
    }

    #[test]
    fn polygons_match_from_an_iou_of_0_3() {
        let truth = [
            square("t1", Class::CoalGanguePile, 0.0, 0.0),
            square("t2", Class::CoalGanguePile, 1000.0, 0.0),
        ];
        let leads = [
            (square("l1", Class::CoalGanguePile, 50.0, 0.0), 0.9), // IoU 1/3: match
            (square("l2", Class::CoalGanguePile, 1060.0, 0.0), 0.8), // IoU 0.25: no match
        ];
        let outcome = match_greedy(&leads, &truth, RULES);
        assert_eq!(outcome.matches.len(), 1);
        assert_eq!(
            (
                outcome.matches[0].lead.as_str(),
                outcome.matches[0].truth.as_str()
            ),
            ("l1", "t1")
        );
        assert!((outcome.matches[0].iou.unwrap() - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(
            outcome.false_positives,
            [(Class::CoalGanguePile, "l2".to_string())]
        );
        assert_eq!(
            outcome.false_negatives,
            [(Class::CoalGanguePile, "t2".to_string())]
        );
    }

    #[test]
    fn the_highest_score_chooses_first_and_each_truth_is_taken_once() {
        let truth = [square("t", Class::DustSource, 0.0, 0.0)];
        // The better-overlapping lead has the lower score: it loses the truth to the other.
        let leads = [
            (square("close", Class::DustSource, 10.0, 0.0), 0.5),
            (square("far", Class::DustSource, 40.0, 0.0), 0.9),
        ];
        let outcome = match_greedy(&leads, &truth, RULES);
        assert_eq!(outcome.matches[0].lead, "far");
        assert_eq!(
            outcome.false_positives,
            [(Class::DustSource, "close".to_string())]
        );
        assert!(outcome.false_negatives.is_empty());
    }

    #[test]
    fn a_lead_takes_the_truth_it_overlaps_most() {
        let truth = [
            square("t1", Class::DustSource, 0.0, 0.0),
            square("t2", Class::DustSource, 100.0, 0.0),
        ];
        let leads = [(square("l", Class::DustSource, 70.0, 0.0), 0.9)];
        let outcome = match_greedy(&leads, &truth, RULES);
        assert_eq!(outcome.matches[0].truth, "t2");
    }

    #[test]
    fn classes_never_match_each_other() {
        let truth = [square("t", Class::DustSource, 0.0, 0.0)];
        let leads = [(square("l", Class::CoalGanguePile, 0.0, 0.0), 0.9)];
        let outcome = match_greedy(&leads, &truth, RULES);
        assert!(outcome.matches.is_empty());
        assert_eq!(outcome.false_positives.len(), 1);
        assert_eq!(outcome.false_negatives.len(), 1);
    }

    #[test]
    fn points_match_the_nearest_truth_within_the_radius() {
        let truth = [
            point("t1", 0.0, 0.0),
            point("t2", 30.0, 0.0),
            point("t3", 200.0, 0.0),
        ];
        let leads = [
            (point("a", 18.0, 0.0), 0.9),  // t2 is 12 m away, t1 18 m: takes t2
            (point("b", 5.0, 0.0), 0.8),   // takes t1
            (point("c", 221.0, 0.0), 0.7), // 21 m from t3: too far
        ];
        let outcome = match_greedy(&leads, &truth, RULES);
        let pairs: Vec<_> = outcome
            .matches
            .iter()
            .map(|m| (m.lead.as_str(), m.truth.as_str(), m.distance_m.unwrap()))
            .collect();
        assert_eq!(pairs, [("a", "t2", 12.0), ("b", "t1", 5.0)]);
        assert_eq!(
            outcome.false_positives,
            [(Class::DischargeOutlet, "c".to_string())]
        );
        assert_eq!(
            outcome.false_negatives,
            [(Class::DischargeOutlet, "t3".to_string())]
        );

        let uav = MatchRules {
            point_radius_m: 2.0,
            ..RULES
        };
        let outcome = match_greedy(&[(point("d", 2.5, 0.0), 0.9)], &truth[..1], uav);
        assert!(outcome.matches.is_empty());
    }
}
