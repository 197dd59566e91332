//! Roads across the scene: asphalt highways, concrete country roads and earth tracks.

use rand::Rng as _;

use crate::canvas::{Canvas, Cover};
use crate::grain::Grain;

use crate::geom::Corridor;
use crate::layout::Layout;
use crate::setting::Setting;
use crate::spectra::{self, Reflectance};

/// What a road is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RoadKind {
    /// Asphalt, 7-16 m, with markings.
    Highway,
    /// Concrete or asphalt, 4-7 m.
    Country,
    /// Compacted loess, 3-5 m.
    Track,
}

/// A road of the scene.
pub(crate) struct Road {
    pub line: Corridor,
    pub kind: RoadKind,
}

/// Paints a few roads; they stop at water (bridges are painted with the river's confusers).
pub(crate) fn paint(setting: &Setting, canvas: &mut Canvas, layout: &mut Layout) -> Vec<Road> {
    let mut rng = setting.rng("roads");
    let side = setting.short_side_m();
    let count = if setting.is_uav() {
        usize::from(rng.random_bool(0.5))
    } else {
        (1.0 + side / 900.0 + rng.random_range(0.0..1.5)) as usize
    };
    let mut roads = Vec::new();
    for i in 0..count {
        let kind = match (i, rng.random_range(0..3)) {
            (0, _) if !setting.is_uav() => RoadKind::Highway,
            (_, 0) => RoadKind::Country,
            _ => RoadKind::Track,
        };
        let (width_m, surface): (f64, Reflectance) = match kind {
            RoadKind::Highway => (
                rng.random_range(7.0..16.0),
                spectra::ASPHALT.sample(&mut rng),
            ),
            RoadKind::Country => {
                let concrete = spectra::scale(spectra::CONCRETE.sample(&mut rng), 0.8);
                (
                    rng.random_range(4.0..7.0),
                    if rng.random_bool(0.5) {
                        concrete
                    } else {
                        spectra::ASPHALT.sample(&mut rng)
                    },
                )
            }
            RoadKind::Track => (rng.random_range(3.0..5.0), spectra::DIRT.sample(&mut rng)),
        };
        let through = setting.random_point(&mut rng, 0.0);
        let meander = if kind == RoadKind::Track { 0.08 } else { 0.03 }
            * setting.width.min(setting.height) as f64;
        let line = Corridor::across(
            through,
            rng.random_range(0.0..std::f64::consts::TAU),
            setting.px(width_m / 2.0),
            meander,
            setting.width.max(setting.height) as f64 * 1.5,
            0.0,
            &mut rng,
        );
        paint_road(setting, canvas, &line, kind, surface);
        layout.take_line(&line, setting.px(3.0));
        roads.push(Road { line, kind });
    }
    roads
}

/// Paints a road surface with shoulders and, on highways, lane markings.
pub(crate) fn paint_road(
    setting: &Setting,
    canvas: &mut Canvas,
    line: &Corridor,
    kind: RoadKind,
    surface: Reflectance,
) {
    let shoulder = setting.px(1.0);
    let wear = setting.noise("road-wear");
    let gsd = setting.gsd;
    let dirt = spectra::DIRT.pick(0x5151);
    let marking = [0.45, 0.46, 0.46, 0.42];
    let dash = setting.px(6.0);
    canvas.paint_corridor(line, shoulder + 1.0, |x, y, px| {
        if px.cover == Cover::Water {
            return;
        }
        let p = [x as f64 + 0.5, y as f64 + 0.5];
        let (u, d) = line.locate(p);
        let hw = line.half_width_at(u);
        if !line.covers(u) || d.abs() > hw + shoulder {
            return;
        }
        let (mx, my) = setting.metres(x, y);
        let n = wear.fbm_to(mx, my, 20.0, gsd * 1.5);
        let mut refl = if d.abs() > hw { dirt } else { surface };
        if kind == RoadKind::Highway {
            // Edge lines and a dashed centre line, 15 cm wide.
            let line_px = setting.px(0.15).max(0.35);
            let edge = (d.abs() - (hw - setting.px(0.5))).abs() < line_px;
            let centre = d.abs() < line_px && (u / dash).rem_euclid(2.0) < 1.0;
            if edge || centre {
                // Thin lines cover only part of a coarse pixel.
                let share = (0.15 / gsd).min(1.0) as f32;
                refl = spectra::mix(refl, marking, share);
            }
        }
        px.refl = spectra::scale(refl, 1.0 + 0.08 * n);
        let unpaved = kind == RoadKind::Track || d.abs() > hw;
        px.cover = if unpaved { Cover::Ground } else { Cover::Paved };
        px.grain = if unpaved { Grain::Soil } else { Grain::Paved };
    });
}
