//! Synthetic georeferenced scenes with ground truth for training and testing geoscout's models.
//!
//! A scene is painted in surface reflectance from seeded components (terrain and farmland, a
//! river, roads, villages and towns, mine yards with coal gangue piles, construction sites
//! with dust sources, discharge outlets on the banks, and every confuser of `targets.md`),
//! lit by a sun that follows the date, touched by snow, thin cloud, haze and the sensor, and
//! stored in the bands, data type and scaling of its [`Profile`](geoscout_core::Profile).
//!
//! ```no_run
//! # fn main() -> geoscout_synth::Result<()> {
//! use geoscout_core::Profile;
//! use geoscout_synth::{SceneSpec, WriteOptions, generate, write_scene};
//!
//! let scene = generate(&SceneSpec::new(Profile::Satellite, 1024, 7))?;
//! write_scene(&scene, std::path::Path::new("/tmp"), "scene-7", WriteOptions::default())?;
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

mod buildings;
mod canvas;
mod conditions;
mod confusers;
mod error;
mod geom;
mod grain;
mod landcover;
mod layout;
mod lighting;
mod noise;
mod plume;
mod river;
mod rng;
mod roads;
mod scene;
mod setting;
mod settlement;
mod spectra;
mod targets;
mod trees;
mod truth;
mod writer;

pub use conditions::Conditions;
pub use conditions::sensor::Pixels;
pub use error::{Error, Result};
pub use scene::{EPSG_UTM_49N, Scene, generate};
pub use setting::{Acquired, SceneSpec, Season, Sun};
pub use spectra::{Reflectance, SpectralRange};
pub use truth::{TruthClass, TruthGeometry, TruthObject};
pub use writer::{
    WriteOptions, WrittenScene, outlet_disc_radius_m, rasterise_labels, truth_geojson, write_scene,
};
