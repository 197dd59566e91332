//! Tests across modules: tiles merged in any order against whole-raster labelling, and both
//! against an independent flood-fill reference.

use std::collections::VecDeque;

use geo::{Area, Contains, Geometry, Point, Polygon, Validation};
use geoscout_core::Class;
use ndarray::{Array2, Array3, ArrayView2, ArrayView3, ArrayViewMut2, Axis, Slice};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::stats::quantise;
use crate::*;

const PILE: ClassRule = ClassRule {
    class: Class::CoalGanguePile,
    channel: 0,
    threshold: 0.5,
};
const OUTLET: ClassRule = ClassRule {
    class: Class::DischargeOutlet,
    channel: 1,
    threshold: 0.5,
};
const DUST: ClassRule = ClassRule {
    class: Class::DustSource,
    channel: 2,
    threshold: 0.5,
};
const RULES: [ClassRule; 3] = [PILE, OUTLET, DUST];

/// The pixels `rows` x `cols` of every channel.
fn window(
    probs: ArrayView3<f32>,
    rows: std::ops::Range<usize>,
    cols: std::ops::Range<usize>,
) -> ArrayView3<f32> {
    probs
        .slice_axis_move(Axis(1), Slice::from(rows))
        .slice_axis_move(Axis(2), Slice::from(cols))
}

/// Channel `c`.
fn channel(probs: &Array3<f32>, c: usize) -> ArrayView2<'_, f32> {
    probs.index_axis(Axis(0), c)
}

/// The pixels `rows` x `cols` of channel `c`, to write.
fn area_mut(
    probs: &mut Array3<f32>,
    c: usize,
    rows: std::ops::Range<usize>,
    cols: std::ops::Range<usize>,
) -> ArrayViewMut2<'_, f32> {
    probs
        .index_axis_mut(Axis(0), c)
        .slice_axis_move(Axis(0), Slice::from(rows))
        .slice_axis_move(Axis(1), Slice::from(cols))
}

/// One channel from a picture: `#` is 0.9, `+` is 0.6, anything else 0.1.
fn picture(rows: &[&str]) -> Array3<f32> {
    let (h, w) = (rows.len(), rows[0].len());
    Array3::from_shape_fn((1, h, w), |(_, y, x)| match rows[y].as_bytes()[x] {
        b'#' => 0.9,
        b'+' => 0.6,
        _ => 0.1,
    })
}

/// Cuts `probs` into cores of `size` x `size` from pixel (0, 0), vectorizes them and adds
/// them to a merger in an order shuffled by `seed`.
fn tiled(
    probs: ArrayView3<f32>,
    rules: &[ClassRule],
    size: usize,
    seed: u64,
    options: &MergeOptions,
) -> Vec<Object> {
    let (_, h, w) = probs.dim();
    let mut cores = Vec::new();
    for y0 in (0..h).step_by(size) {
        for x0 in (0..w).step_by(size) {
            cores.push(TileCore {
                id: cores.len(),
                x0,
                y0,
            });
        }
    }
    cores.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let mut merger = Merger::new();
    for core in cores {
        let core_probs = window(
            probs,
            core.y0..(core.y0 + size).min(h),
            core.x0..(core.x0 + size).min(w),
        );
        merger
            .add(vectorize_tile(core, core_probs, rules).unwrap())
            .unwrap();
    }
    merger.finish(options).unwrap()
}

fn whole(probs: ArrayView3<f32>, rules: &[ClassRule]) -> Vec<Object> {
    vectorize_whole(probs, rules, &MergeOptions::default()).unwrap()
}

fn polygon(object: &Object) -> &Polygon<f64> {
    match &object.geometry {
        Geometry::Polygon(polygon) => polygon,
        other => panic!("expected a polygon, got {other:?}"),
    }
}

/// Objects without the fields that say how they were cut.
fn uncut(objects: &[Object]) -> Vec<Object> {
    objects
        .iter()
        .map(|object| Object {
            seam_merged: false,
            tiles: Vec::new(),
            ..object.clone()
        })
        .collect()
}

/// Asserts that every tiling and order gives the objects of whole-raster labelling.
fn assert_tiling_independent(probs: ArrayView3<f32>, rules: &[ClassRule], sizes: &[usize]) {
    for options in [
        MergeOptions::default(),
        MergeOptions {
            min_pixels: 3,
            max_hole_pixels: 4,
            simplify_tolerance: 1.0,
        },
    ] {
        let reference = vectorize_whole(probs, rules, &options).unwrap();
        for object in reference
            .iter()
            .filter(|object| object.class != Class::DischargeOutlet)
        {
            let outline = polygon(object);
            assert!(
                outline.is_valid(),
                "{:?} {options:?}",
                outline.validation_errors()
            );
        }
        for &size in sizes {
            for seed in 0..2 {
                let objects = tiled(probs, rules, size, seed, &options);
                assert_eq!(
                    uncut(&objects),
                    uncut(&reference),
                    "tile size {size}, order {seed}, {options:?}"
                );
            }
        }
    }
}

/// The 4-connected components of `mask` by flood fill, each as its pixels in the order found
/// (the first is the component's first pixel in row-major order).
fn flood_fill(mask: &Array2<bool>) -> (Array2<usize>, Vec<Vec<(usize, usize)>>) {
    let (h, w) = mask.dim();
    let mut label = Array2::from_elem((h, w), usize::MAX);
    let mut components = Vec::new();
    for y in 0..h {
        for x in 0..w {
            if !mask[[y, x]] || label[[y, x]] != usize::MAX {
                continue;
            }
            let id = components.len();
            let mut pixels = Vec::new();
            let mut queue = VecDeque::from([(y, x)]);
            label[[y, x]] = id;
            while let Some((y, x)) = queue.pop_front() {
                pixels.push((y, x));
                let neighbours = [
                    (y.wrapping_sub(1), x),
                    (y + 1, x),
                    (y, x.wrapping_sub(1)),
                    (y, x + 1),
                ];
                for (ny, nx) in neighbours {
                    if ny < h && nx < w && mask[[ny, nx]] && label[[ny, nx]] == usize::MAX {
                        label[[ny, nx]] = id;
                        queue.push_back((ny, nx));
                    }
                }
            }
            components.push(pixels);
        }
    }
    (label, components)
}

/// Checks the objects of one class against flood fill: the same components with the same
/// statistics; polygons valid, of area equal to the pixel count, containing exactly the
/// centres of their pixels.
fn assert_matches_flood_fill(probs: ArrayView2<f32>, threshold: f32, objects: &[Object]) {
    let mask = probs.mapv(|p| p >= threshold);
    let (label, components) = flood_fill(&mask);
    assert_eq!(objects.len(), components.len());
    for (object, pixels) in objects.iter().zip(&components) {
        let (y, x) = pixels[0];
        assert_eq!(
            object.anchor,
            Pixel {
                x: x as u32,
                y: y as u32
            }
        );
        assert_eq!(object.pixels, pixels.len() as u64);
        let sum_q: u64 = pixels.iter().map(|&p| u64::from(quantise(probs[p]))).sum();
        assert_eq!(object.score, sum_q as f64 / (255.0 * pixels.len() as f64));
        let peak = pixels.iter().map(|&p| probs[p]).fold(f32::MIN, f32::max);
        assert_eq!(object.max_score, f64::from(peak));
        let (peak_y, peak_x) = *pixels.iter().filter(|&&p| probs[p] == peak).min().unwrap();
        assert_eq!(
            object.peak,
            Pixel {
                x: peak_x as u32,
                y: peak_y as u32
            }
        );
        if let Geometry::Polygon(polygon) = &object.geometry {
            assert_valid_outline(polygon, object.pixels);
            let id = label[[y, x]];
            let (y0, y1) = pixels
                .iter()
                .fold((y, y), |(a, b), p| (a.min(p.0), b.max(p.0)));
            let (x0, x1) = pixels
                .iter()
                .fold((x, x), |(a, b), p| (a.min(p.1), b.max(p.1)));
            for py in y0.saturating_sub(1)..=(y1 + 1).min(label.nrows() - 1) {
                for px in x0.saturating_sub(1)..=(x1 + 1).min(label.ncols() - 1) {
                    let centre = Point::new(px as f64 + 0.5, py as f64 + 0.5);
                    assert_eq!(
                        polygon.contains(&centre),
                        label[[py, px]] == id,
                        "pixel ({px}, {py}) of the object at ({x}, {y})"
                    );
                }
            }
        }
    }
}

/// A valid polygon on pixel corners, exterior counter-clockwise on the image (negative
/// shoelace area in raw numbers), holes the other way, area equal to `pixels`.
fn assert_valid_outline(polygon: &Polygon<f64>, pixels: u64) {
    assert!(
        polygon.is_valid(),
        "{:?}: {polygon:?}",
        polygon.validation_errors()
    );
    assert!(Polygon::new(polygon.exterior().clone(), vec![]).signed_area() < 0.0);
    for hole in polygon.interiors() {
        assert!(Polygon::new(hole.clone(), vec![]).signed_area() > 0.0);
    }
    assert_eq!(polygon.unsigned_area(), pixels as f64);
    for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
        assert!(
            ring.coords()
                .all(|c| c.x.fract() == 0.0 && c.y.fract() == 0.0)
        );
        // No collinear vertices: edges alternate between horizontal and vertical.
        let lines: Vec<_> = ring.lines().collect();
        for pair in lines.windows(2) {
            assert_ne!(
                pair[0].dx() == 0.0,
                pair[1].dx() == 0.0,
                "collinear vertex in {ring:?}"
            );
        }
    }
}

/// Random probabilities: a low background, rectangles and discs of high values, and a share
/// of scattered high pixels.
fn random_probs(seed: u64, channels: usize, h: usize, w: usize, scatter: f64) -> Array3<f32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut probs = Array3::from_shape_fn((channels, h, w), |_| rng.random_range(0.0..0.45f32));
    for c in 0..channels {
        for _ in 0..rng.random_range(3..12) {
            let (cy, cx) = (rng.random_range(0..h) as f64, rng.random_range(0..w) as f64);
            let (ry, rx) = (
                rng.random_range(1.0..h as f64 / 3.0),
                rng.random_range(1.0..w as f64 / 3.0),
            );
            let disc = rng.random_bool(0.5);
            for y in 0..h {
                for x in 0..w {
                    let (dy, dx) = ((y as f64 - cy) / ry, (x as f64 - cx) / rx);
                    let inside = if disc {
                        dy * dy + dx * dx <= 1.0
                    } else {
                        dy.abs() <= 1.0 && dx.abs() <= 1.0
                    };
                    if inside {
                        probs[[c, y, x]] = rng.random_range(0.5..1.0);
                    }
                }
            }
        }
        for p in probs.index_axis_mut(Axis(0), c).iter_mut() {
            if rng.random_bool(scatter) {
                *p = if *p >= 0.5 {
                    rng.random_range(0.0..0.5)
                } else {
                    rng.random_range(0.5..1.0)
                };
            }
        }
    }
    probs
}

#[test]
fn rectangle_across_a_seam_is_one_object_without_a_cut() {
    let probs = picture(&["........", "..####..", "..####..", "........"]);
    let objects = tiled(probs.view(), &[PILE], 4, 0, &MergeOptions::default());
    assert_eq!(objects.len(), 1);
    let object = &objects[0];
    assert!(object.seam_merged);
    assert_eq!(object.tiles, [0, 1]);
    assert_eq!(object.anchor, Pixel { x: 2, y: 1 });
    // Four corners and the closing vertex: no vertex on the seam at x = 4.
    let exterior: Vec<(f64, f64)> = polygon(object)
        .exterior()
        .coords()
        .map(|c| (c.x, c.y))
        .collect();
    assert_eq!(
        exterior,
        [(2.0, 1.0), (2.0, 3.0), (6.0, 3.0), (6.0, 1.0), (2.0, 1.0)]
    );
}

#[test]
fn object_on_a_corner_of_four_cores_is_one_object() {
    let probs = picture(&["......", ".####.", ".####.", ".####.", ".####.", "......"]);
    let objects = tiled(probs.view(), &[PILE], 3, 7, &MergeOptions::default());
    assert_eq!(objects.len(), 1);
    assert_eq!(objects[0].tiles, [0, 1, 2, 3]);
    assert_eq!(polygon(&objects[0]).exterior().0.len(), 5);
    assert_eq!(objects[0].pixels, 16);
}

#[test]
fn pixels_touching_only_at_the_corner_of_four_cores_stay_apart() {
    let probs = picture(&["....", ".#..", "..#.", "...."]);
    for size in [2, 4] {
        let objects = tiled(probs.view(), &[PILE], size, 0, &MergeOptions::default());
        assert_eq!(
            objects.len(),
            2,
            "4-connectivity: a shared corner does not join"
        );
        assert!(
            objects
                .iter()
                .all(|object| !object.seam_merged && object.pixels == 1)
        );
    }
}

#[test]
fn u_whose_arms_meet_only_in_another_tile_is_one_object() {
    // Cores of 5: the arms of the first U lie in the top-left core and join only in the core
    // below it; the arms of the second lie in different cores and join two cores down.
    let probs = picture(&[
        "...............",
        ".#.#.....#...#.",
        ".#.#.....#...#.",
        ".#.#.....#...#.",
        ".#.#.....#...#.",
        ".#.#.....#...#.",
        ".#.#.....#...#.",
        ".###.....#...#.",
        ".........#...#.",
        ".........#...#.",
        ".........#...#.",
        ".........#####.",
        "...............",
    ]);
    for seed in 0..4 {
        let objects = tiled(probs.view(), &[PILE], 5, seed, &MergeOptions::default());
        assert_eq!(objects.len(), 2);
        assert_eq!(objects[0].tiles, [0, 3]);
        assert_eq!(objects[1].tiles, [1, 2, 4, 5, 7, 8]);
        assert_eq!(uncut(&objects), uncut(&whole(probs.view(), &[PILE])));
    }
}

#[test]
fn ring_across_seams_keeps_its_hole() {
    let probs = picture(&[
        "........", ".######.", ".#....#.", ".#....#.", ".######.", "........",
    ]);
    let objects = tiled(probs.view(), &[PILE], 3, 1, &MergeOptions::default());
    assert_eq!(objects.len(), 1);
    let ring = polygon(&objects[0]);
    assert_eq!(ring.interiors().len(), 1);
    assert_eq!(ring.unsigned_area(), 16.0);
    assert_valid_outline(ring, 16);

    let filled = tiled(
        probs.view(),
        &[PILE],
        3,
        1,
        &MergeOptions {
            max_hole_pixels: 8,
            ..MergeOptions::default()
        },
    );
    assert!(polygon(&filled[0]).interiors().is_empty());
    assert_eq!(
        filled[0].pixels, 16,
        "filling a hole does not change the pixel count"
    );
    let kept = tiled(
        probs.view(),
        &[PILE],
        3,
        1,
        &MergeOptions {
            max_hole_pixels: 7,
            ..MergeOptions::default()
        },
    );
    assert_eq!(polygon(&kept[0]).interiors().len(), 1);
}

#[test]
fn holes_touching_the_exterior_or_each_other_at_a_corner_are_separate_valid_rings() {
    // The hole at (2, 1) touches the outside at the corner (2, 1)-(1, 0); the two holes at
    // (4, 3) and (5, 4) touch each other at a corner.
    let probs = picture(&[
        "........", "..######", ".#.#####", ".#######", ".###.###", ".####.##", ".#######",
    ]);
    let objects = whole(probs.view(), &[PILE]);
    assert_eq!(objects.len(), 1);
    let outline = polygon(&objects[0]);
    assert_eq!(outline.interiors().len(), 3);
    assert_matches_flood_fill(channel(&probs, 0), 0.5, &objects);
    assert_eq!(
        uncut(&tiled(
            probs.view(),
            &[PILE],
            3,
            2,
            &MergeOptions::default()
        )),
        uncut(&objects)
    );
}

#[test]
fn single_pixels_and_a_full_raster() {
    let dots = picture(&["#..#", "....", ".#..", "...#"]);
    let objects = tiled(dots.view(), &[PILE], 2, 3, &MergeOptions::default());
    assert_eq!(objects.len(), 4);
    for object in &objects {
        assert_valid_outline(polygon(object), 1);
    }

    let full = Array3::from_elem((1, 10, 7), 0.8f32);
    for size in [3, 7, 10] {
        let objects = tiled(full.view(), &[PILE], size, 0, &MergeOptions::default());
        assert_eq!(objects.len(), 1);
        assert_eq!(objects[0].pixels, 70);
        assert_eq!(polygon(&objects[0]).exterior().0.len(), 5);
    }
}

#[test]
fn object_covering_a_whole_tile_joins_its_neighbours() {
    let mut probs = Array3::from_elem((1, 12, 12), 0.1f32);
    area_mut(&mut probs, 0, 4..8, 4..8).fill(0.9);
    area_mut(&mut probs, 0, 5..6, 0..12).fill(0.9);
    let objects = tiled(probs.view(), &[PILE], 4, 5, &MergeOptions::default());
    assert_eq!(objects.len(), 1);
    assert_eq!(objects[0].tiles, [3, 4, 5]);
    assert_eq!(objects[0].pixels, 16 + 8);
}

#[test]
fn minimum_size_applies_after_merging() {
    let probs = picture(&[
        "..........",
        "...####...",
        "...####...",
        "..........",
        "#.#.......",
    ]);
    let options = MergeOptions {
        min_pixels: 5,
        ..MergeOptions::default()
    };
    let objects = tiled(probs.view(), &[PILE], 5, 0, &options);
    assert_eq!(
        objects.len(),
        1,
        "the two-pixel halves join into eight pixels; the dots go"
    );
    assert_eq!(objects[0].pixels, 8);
}

#[test]
fn outlet_across_a_seam_is_one_point_at_the_weighted_centre() {
    let mut probs = Array3::from_elem((2, 6, 8), 0.0f32);
    area_mut(&mut probs, 1, 2..4, 2..6).fill(0.6);
    probs[[1, 2, 5]] = 1.0;
    let objects = tiled(probs.view(), &[OUTLET], 4, 0, &MergeOptions::default());
    assert_eq!(objects.len(), 1);
    let outlet = &objects[0];
    assert_eq!(uncut(&objects), uncut(&whole(probs.view(), &[OUTLET])));
    assert_eq!(outlet.peak, Pixel { x: 5, y: 2 });
    assert!(outlet.seam_merged);
    // Weights: seven pixels of 153 and one of 255 at (5, 2).
    let total = 7.0 * 153.0 + 255.0;
    let x = (153.0 * (2.0 + 3.0 + 4.0 + 2.0 + 3.0 + 4.0 + 5.0) + 255.0 * 5.0) / total + 0.5;
    let y = (153.0 * (3.0 * 2.0 + 4.0 * 3.0) + 255.0 * 2.0) / total + 0.5;
    assert_eq!(outlet.geometry, Geometry::Point(Point::new(x, y)));
    assert_eq!(outlet.centroid, geo::Coord { x, y });
}

#[test]
fn random_masks_merge_to_the_whole_raster_objects_for_any_tiling_and_order() {
    for (seed, scatter) in [(1, 0.0), (2, 0.02), (3, 0.2), (4, 0.5)] {
        let probs = random_probs(seed, 3, 300, 270, scatter);
        assert_tiling_independent(probs.view(), &RULES, &[64, 100, 256, 257]);
    }
}

#[test]
fn random_masks_match_flood_fill() {
    for (seed, scatter) in [(5, 0.0), (6, 0.05), (7, 0.3), (8, 0.5)] {
        let probs = random_probs(seed, 3, 70, 90, scatter);
        let objects = whole(probs.view(), &RULES);
        for rule in RULES {
            let of_class: Vec<Object> = objects
                .iter()
                .filter(|object| object.class == rule.class)
                .cloned()
                .collect();
            assert_matches_flood_fill(channel(&probs, rule.channel), rule.threshold, &of_class);
        }
        assert_tiling_independent(probs.view(), &RULES, &[1, 7, 16, 33]);
    }
}

#[test]
fn simplified_outlines_are_valid_and_lighter() {
    let vertices = |objects: &[Object]| -> usize {
        objects
            .iter()
            .map(|object| geo::CoordsIter::coords_count(polygon(object)))
            .sum()
    };
    let options = MergeOptions {
        simplify_tolerance: 1.0,
        ..MergeOptions::default()
    };
    let disc = Array3::from_shape_fn((1, 100, 100), |(_, y, x)| {
        let (dy, dx) = (y as f64 - 49.5, x as f64 - 49.5);
        if dy * dy + dx * dx <= 40.0 * 40.0 {
            0.9f32
        } else {
            0.1
        }
    });
    let exact = whole(disc.view(), &[PILE]);
    let simplified = vectorize_whole(disc.view(), &[PILE], &options).unwrap();
    assert!(
        vertices(&simplified) * 2 < vertices(&exact),
        "{} vs {} vertices",
        vertices(&simplified),
        vertices(&exact)
    );
    let outline = polygon(&simplified[0]);
    assert!(outline.is_valid());
    assert!((outline.unsigned_area() - simplified[0].pixels as f64).abs() < 0.02 * 5000.0);

    for (seed, scatter) in [(11, 0.0), (12, 0.1), (13, 0.4)] {
        let probs = random_probs(seed, 1, 120, 120, scatter);
        for object in vectorize_whole(probs.view(), &[PILE], &options).unwrap() {
            let outline = polygon(&object);
            assert!(outline.is_valid(), "{:?}", outline.validation_errors());
        }
    }
}

#[test]
fn channels_last_views_and_nan_give_the_same_objects() {
    let mut probs = random_probs(10, 3, 50, 40, 0.1);
    probs[[0, 3, 3]] = f32::NAN;
    let (c, h, w) = probs.dim();
    let channels_last = Array3::from_shape_fn((h, w, c), |(y, x, c)| probs[[c, y, x]]);
    let strided = channels_last.view().permuted_axes([2, 0, 1]);
    assert!(strided.index_axis(Axis(0), 0).row(0).as_slice().is_none());
    assert_eq!(whole(strided, &RULES), whole(probs.view(), &RULES));
}

#[test]
fn bad_rules_and_tiles_are_errors() {
    let probs = Array3::<f32>::zeros((2, 4, 4));
    let core = TileCore {
        id: 0,
        x0: 0,
        y0: 0,
    };
    let err = vectorize_tile(core, probs.view(), &[DUST]).unwrap_err();
    assert_eq!(
        err,
        Error::ChannelOutOfRange {
            class: Class::DustSource,
            channel: 2,
            channels: 2
        }
    );
    for threshold in [0.0, 1.5, f32::NAN] {
        let rule = ClassRule { threshold, ..PILE };
        assert!(matches!(
            vectorize_tile(core, probs.view(), &[rule]),
            Err(Error::InvalidThreshold { .. })
        ));
    }
    assert_eq!(
        vectorize_tile(core, probs.view(), &[PILE, PILE]).unwrap_err(),
        Error::DuplicateClass(Class::CoalGanguePile)
    );
    let far = TileCore {
        id: 1,
        x0: u32::MAX as usize - 2,
        y0: 0,
    };
    assert!(matches!(
        vectorize_tile(far, probs.view(), &[PILE]),
        Err(Error::CoreTooFar { .. })
    ));

    let mut merger = Merger::new();
    merger
        .add(vectorize_tile(core, probs.view(), &[PILE]).unwrap())
        .unwrap();
    let again = vectorize_tile(TileCore { id: 9, ..core }, probs.view(), &[PILE]).unwrap();
    assert_eq!(
        merger.add(again).unwrap_err(),
        Error::DuplicateTile {
            id: 9,
            x0: 0,
            y0: 0
        }
    );
    let refused_id_is_still_free = TileCore {
        id: 9,
        x0: 4,
        y0: 0,
    };
    let tile = vectorize_tile(refused_id_is_still_free, probs.view(), &[PILE]).unwrap();
    merger.add(tile).unwrap();
    let options = MergeOptions {
        simplify_tolerance: f64::NAN,
        ..MergeOptions::default()
    };
    assert!(matches!(
        merger.finish(&options),
        Err(Error::InvalidTolerance(_))
    ));
}
