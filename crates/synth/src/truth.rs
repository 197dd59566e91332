//! What is where in a scene: target objects and confusers, in pixel coordinates, clipped to the
//! scene.

use geo::{Area, BooleanOps, Coord, LineString, Polygon, Rect};
use geoscout_core::Class;

use crate::geom::{Pt, Ring};
use crate::spectra::Reflectance;

/// Whether a truth object is a target or a look-alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TruthClass {
    /// One of the three target classes.
    Target(Class),
    /// Something that resembles a target but is not one; the `kind` names it
    /// (`coal_shed`, `bridge_pier`, ...).
    Confuser(&'static str),
}

impl TruthClass {
    /// The value of the `class` property: the class name, or `confuser`.
    pub fn name(self) -> &'static str {
        match self {
            TruthClass::Target(class) => class.name(),
            TruthClass::Confuser(_) => "confuser",
        }
    }
}

/// Where a truth object is, in pixel coordinates (x right, y down, from the upper-left corner).
#[derive(Clone, Debug, PartialEq)]
pub enum TruthGeometry {
    /// One or more outer rings (a footprint clipped by the scene edge may fall apart).
    Polygons(Vec<Vec<[f64; 2]>>),
    /// A location (an outlet's mouth).
    Point([f64; 2]),
}

/// One object of the scene's truth.
#[derive(Clone, Debug, PartialEq)]
pub struct TruthObject {
    /// Its class.
    pub class: TruthClass,
    /// Its footprint or location.
    pub geometry: TruthGeometry,
    /// How it looks, for analysis (`cone`, `burning`, `dark_plume`, ...).
    pub variant: Option<&'static str>,
    /// The reflectance it was painted with, before texture, lighting and sensor effects.
    pub reflectance: Option<Reflectance>,
    /// Whether the scene edge cuts it.
    pub partial: bool,
}

impl TruthObject {
    /// The area in square pixels (0 for points).
    pub fn area_px(&self) -> f64 {
        match &self.geometry {
            TruthGeometry::Polygons(rings) => rings.iter().map(|r| crate::geom::area(r)).sum(),
            TruthGeometry::Point(_) => 0.0,
        }
    }
}

/// Collects truth objects and clips them to the scene.
pub(crate) struct Truth {
    width: f64,
    height: f64,
    pub objects: Vec<TruthObject>,
}

impl Truth {
    /// An empty collection for a `width` x `height` scene.
    pub(crate) fn new(width: usize, height: usize) -> Truth {
        Truth {
            width: width as f64,
            height: height as f64,
            objects: Vec::new(),
        }
    }

    /// Records a footprint; the part outside the scene is cut off, and nothing is recorded
    /// when less than `min_area` square pixels remain.
    pub(crate) fn polygon(
        &mut self,
        class: TruthClass,
        ring: &[Pt],
        variant: Option<&'static str>,
        reflectance: Option<Reflectance>,
    ) {
        let polygon = Polygon::new(
            LineString::from(
                ring.iter()
                    .map(|p| Coord { x: p[0], y: p[1] })
                    .collect::<Vec<_>>(),
            ),
            vec![],
        );
        let full_area = polygon.unsigned_area();
        let frame = Rect::new(
            Coord { x: 0.0, y: 0.0 },
            Coord {
                x: self.width,
                y: self.height,
            },
        )
        .to_polygon();
        let clipped = polygon.intersection(&frame);
        let rings: Vec<Vec<[f64; 2]>> = clipped
            .0
            .iter()
            .filter(|p| p.unsigned_area() >= 1.0)
            .map(|p| {
                // The clipper snaps to a fixed grid: keep its output exactly within the frame.
                let mut pts: Vec<[f64; 2]> = p
                    .exterior()
                    .0
                    .iter()
                    .map(|c| [c.x.clamp(0.0, self.width), c.y.clamp(0.0, self.height)])
                    .collect();
                pts.pop();
                pts
            })
            .collect();
        let kept: f64 = rings.iter().map(|r| crate::geom::area(r)).sum();
        if rings.is_empty() || kept < 2.0 {
            return;
        }
        self.objects.push(TruthObject {
            class,
            geometry: TruthGeometry::Polygons(rings),
            variant,
            reflectance,
            partial: kept < full_area * 0.999,
        });
    }

    /// Records a location; nothing is recorded outside the scene.
    pub(crate) fn point(
        &mut self,
        class: TruthClass,
        p: Pt,
        variant: Option<&'static str>,
        reflectance: Option<Reflectance>,
    ) {
        if p[0] >= 0.0 && p[1] >= 0.0 && p[0] <= self.width && p[1] <= self.height {
            self.objects.push(TruthObject {
                class,
                geometry: TruthGeometry::Point(p),
                variant,
                reflectance,
                partial: false,
            });
        }
    }

    /// Records a confuser footprint.
    pub(crate) fn confuser(&mut self, kind: &'static str, ring: &Ring) {
        self.polygon(TruthClass::Confuser(kind), ring, None, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::rect;

    #[test]
    fn footprints_are_clipped_to_the_scene() {
        let mut truth = Truth::new(100, 100);
        truth.polygon(
            TruthClass::Target(Class::DustSource),
            &rect([100.0, 50.0], 20.0, 20.0, 0.0),
            None,
            None,
        );
        truth.polygon(
            TruthClass::Target(Class::DustSource),
            &rect([300.0, 50.0], 20.0, 20.0, 0.0),
            None,
            None,
        );
        truth.point(
            TruthClass::Target(Class::DischargeOutlet),
            [-1.0, 3.0],
            None,
            None,
        );
        assert_eq!(truth.objects.len(), 1);
        let object = &truth.objects[0];
        assert!(object.partial);
        assert!((object.area_px() - 200.0).abs() < 1e-6);
    }
}
