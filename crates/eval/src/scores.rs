//! Per-class counts and the figures derived from them.

use std::collections::BTreeMap;

use geoscout_core::Class;
use serde::Serialize;

use crate::matching::Outcome;

/// Counts and scores for one class (or all classes together).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Scores {
    /// Leads matched to a true object.
    pub true_positives: usize,
    /// Leads matched to nothing.
    pub false_positives: usize,
    /// True objects no lead matched.
    pub false_negatives: usize,
    /// TP / (TP + FP); `None` when there are no leads.
    pub precision: Option<f64>,
    /// TP / (TP + FN); `None` when there are no true objects.
    pub recall: Option<f64>,
    /// 2 TP / (2 TP + FP + FN); `None` when there are neither leads nor true objects.
    pub f1: Option<f64>,
    /// Mean IoU of the matched polygons; `None` when none matched.
    pub mean_iou: Option<f64>,
    /// Mean distance in metres of the matched points; `None` when none matched.
    pub mean_distance_m: Option<f64>,
}

/// Running totals from which [`Scores`] are computed.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Tally {
    tp: usize,
    fp: usize,
    fn_: usize,
    iou_sum: f64,
    ious: usize,
    distance_sum: f64,
    distances: usize,
}

impl Tally {
    pub(crate) fn add(&mut self, other: &Tally) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
        self.iou_sum += other.iou_sum;
        self.ious += other.ious;
        self.distance_sum += other.distance_sum;
        self.distances += other.distances;
    }

    pub(crate) fn scores(&self) -> Scores {
        let ratio = |num: usize, den: usize| (den > 0).then(|| num as f64 / den as f64);
        let mean = |sum: f64, n: usize| (n > 0).then(|| sum / n as f64);
        Scores {
            true_positives: self.tp,
            false_positives: self.fp,
            false_negatives: self.fn_,
            precision: ratio(self.tp, self.tp + self.fp),
            recall: ratio(self.tp, self.tp + self.fn_),
            f1: ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_),
            mean_iou: mean(self.iou_sum, self.ious),
            mean_distance_m: mean(self.distance_sum, self.distances),
        }
    }
}

/// One tally per class (every class present, even with nothing in it).
pub(crate) fn tally_by_class(outcome: &Outcome) -> BTreeMap<Class, Tally> {
    let mut tallies: BTreeMap<Class, Tally> =
        Class::ALL.iter().map(|c| (*c, Tally::default())).collect();
    for m in &outcome.matches {
        let tally = tallies.entry(m.class).or_default();
        tally.tp += 1;
        if let Some(iou) = m.iou {
            tally.iou_sum += iou;
            tally.ious += 1;
        }
        if let Some(d) = m.distance_m {
            tally.distance_sum += d;
            tally.distances += 1;
        }
    }
    for (class, _) in &outcome.false_positives {
        tallies.entry(*class).or_default().fp += 1;
    }
    for (class, _) in &outcome.false_negatives {
        tallies.entry(*class).or_default().fn_ += 1;
    }
    tallies
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::Match;

    #[test]
    fn scores_from_counts() {
        let outcome = Outcome {
            matches: vec![
                Match {
                    class: Class::DustSource,
                    lead: "a".into(),
                    truth: "t".into(),
                    iou: Some(0.5),
                    distance_m: None,
                },
                Match {
                    class: Class::DustSource,
                    lead: "b".into(),
                    truth: "u".into(),
                    iou: Some(0.7),
                    distance_m: None,
                },
            ],
            false_positives: vec![(Class::DustSource, "c".into())],
            false_negatives: vec![
                (Class::DustSource, "v".into()),
                (Class::DustSource, "w".into()),
            ],
        };
        let tallies = tally_by_class(&outcome);
        let dust = tallies[&Class::DustSource].scores();
        assert_eq!(
            (
                dust.true_positives,
                dust.false_positives,
                dust.false_negatives
            ),
            (2, 1, 2)
        );
        assert_eq!(dust.precision, Some(2.0 / 3.0));
        assert_eq!(dust.recall, Some(0.5));
        assert_eq!(dust.f1, Some(4.0 / 7.0));
        assert!((dust.mean_iou.unwrap() - 0.6).abs() < 1e-12);
        let piles = tallies[&Class::CoalGanguePile].scores();
        assert_eq!(
            (piles.precision, piles.recall, piles.f1, piles.mean_iou),
            (None, None, None, None)
        );
    }
}
