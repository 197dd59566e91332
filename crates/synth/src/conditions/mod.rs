//! What varies between acquisitions and is never a target: snow, thin cloud and its shadow,
//! haze and brightness, and the sensor's blur and noise.

pub(crate) mod cloud;
pub(crate) mod sensor;
pub(crate) mod snow;

/// The conditions a scene was generated under.
#[derive(Clone, Debug, PartialEq)]
pub struct Conditions {
    /// Share of the land under snow patches (0 when none).
    pub snow_cover: f32,
    /// Whether thin cloud (and its shadow) cover part of the scene.
    pub cloud: bool,
    /// Haze: share of path radiance in the signal, 0..0.25.
    pub haze: f32,
    /// Overall brightness factor.
    pub gain: f32,
    /// Share of sky light in shadows.
    pub ambient: f32,
    /// Blur of the sensor (Gaussian sigma in pixels).
    pub blur_px: f32,
    /// Noise of the sensor (reflectance, standard deviation at zero signal).
    pub noise: f32,
}
