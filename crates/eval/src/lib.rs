//! Scores leads against ground truth by the rules of `targets.md`.
//!
//! A polygon lead matches a true polygon of its class when their intersection over union is at
//! least 0.3; a point lead (or the point of a lead) matches a true outlet within 20 m on
//! satellite imagery and 2 m on drone imagery. Matching is one-to-one and greedy, highest score
//! first; confusers in the truth are never targets. Geometry is compared in a metric CRS (the
//! scene raster's projected CRS, else the UTM zone of the scene), never in degrees.
//!
//! [`evaluate`] scores one scene or folders of scenes and returns an [`Evaluation`]: true and
//! false positives, false negatives, precision, recall, F1 and mean IoU per class.
#![deny(missing_docs)]

mod error;
mod evaluate;
mod local_crs;
mod matching;
mod scores;
mod truth;

pub use error::{Error, Result};
pub use evaluate::{
    EvalOptions, Evaluation, MIN_IOU, SceneEvaluation, TRUTH_SUFFIX, UAV_MAX_GSD_M, evaluate,
};
pub use local_crs::CrsOrigin;
pub use matching::{Match, MatchRules, Outcome};
pub use scores::Scores;
pub use truth::{Truth, TruthObject, read_truth};
