//! The vocabulary every geoscout stage shares: the three target classes and the two imagery
//! profiles described in `targets.md`.
#![deny(missing_docs)]

mod class;
mod profile;

pub use class::{Class, GeometryKind, UnknownClass};
pub use profile::{Profile, UnknownProfile};
