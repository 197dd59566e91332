//! The vocabulary every geoscout stage shares: the three target classes and the two imagery
//! profiles described in `targets.md`, and the one way every stage writes its outputs
//! ([`fs::write_atomically`]).
#![deny(missing_docs)]

mod class;
pub mod fs;
mod profile;

pub use class::{Class, GeometryKind, UnknownClass};
pub use profile::{Profile, UnknownProfile};
