//! A loaded TorchScript model and its batched forward pass.

use std::io::Read;
use std::path::Path;

use geoscout_core::fs::IoError;
use ndarray::Array3;
use sha2::{Digest, Sha256};
use tch::{CModule, Kind, Tensor};

use crate::batch::Batch;
use crate::card::ModelCard;
use crate::device::{Device, set_threads};
use crate::error::{Error, Result, torch_message};

/// A model ready to run: its card, its checked weights loaded into libtorch on a device.
#[derive(Debug)]
pub struct Model {
    card: ModelCard,
    module: CModule,
    device: Device,
    torch_device: tch::Device,
}

impl Model {
    /// Loads the card's weights on `device`, after checking that their sha256 is the card's.
    ///
    /// `threads`, when given, sets libtorch's thread count with [`set_threads`], which is
    /// process-wide.
    pub fn load(card: ModelCard, device: Device, threads: Option<usize>) -> Result<Model> {
        let weights = card.weights_path();
        let actual = sha256_file(weights)?;
        if actual != card.weights_sha256 {
            return Err(Error::WeightsMismatch {
                path: weights.to_path_buf(),
                actual,
                expected: card.weights_sha256.clone(),
            });
        }
        let torch_device = device.to_torch()?;
        if let Some(threads) = threads {
            set_threads(threads);
        }
        let mut module =
            CModule::load_on_device(weights, torch_device).map_err(|err| Error::Load {
                path: weights.to_path_buf(),
                message: torch_message(&err),
            })?;
        module.f_set_eval().map_err(|err| Error::Load {
            path: weights.to_path_buf(),
            message: torch_message(&err),
        })?;
        Ok(Model {
            card,
            module,
            device,
            torch_device,
        })
    }

    /// The model's card.
    pub fn card(&self) -> &ModelCard {
        &self.card
    }

    /// The device the model runs on.
    pub fn device(&self) -> Device {
        self.device
    }

    /// An empty batch sized for this model's windows around cores of `tile_size` pixels.
    pub fn batch(&self, tile_size: usize, capacity: usize) -> Batch {
        let window = self.card.window_size(tile_size);
        Batch::new(self.card.bands.len(), window, window, capacity)
    }

    /// Runs the network on every window of the batch and returns, per window, the per-class
    /// probabilities (classes in card order, same height and width as the window).
    pub fn predict(&self, batch: &Batch) -> Result<Vec<Array3<f32>>> {
        self.check_batch(batch)?;
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let torch = |err: tch::TchError| Error::Torch {
            model: self.card.name.clone(),
            message: torch_message(&err),
        };
        let output = tch::no_grad(|| -> std::result::Result<Tensor, tch::TchError> {
            let input = Tensor::f_from_slice(batch.as_slice())?
                .f_view(batch.shape())?
                .f_to_device(self.torch_device)?;
            let output = self.module.forward_ts(&[input])?;
            // One transfer back for the whole batch; contiguous so that rows copy out directly.
            output.f_to_device(tch::Device::Cpu)?.f_contiguous()
        })
        .map_err(torch)?;
        self.check_output(&output, batch)?;
        let (_, height, width) = batch.window_dim();
        let classes = self.card.classes.len();
        let tile_len = classes * height * width;
        (0..batch.len())
            .map(|i| {
                let mut values = vec![0f32; tile_len];
                let tile = output.f_get(i as i64).map_err(torch)?;
                tile.f_copy_data(&mut values, tile_len).map_err(torch)?;
                Ok(Array3::from_shape_vec((classes, height, width), values)
                    .expect("buffer sized from the same dimensions"))
            })
            .collect()
    }

    fn check_batch(&self, batch: &Batch) -> Result<()> {
        let (bands, height, width) = batch.window_dim();
        let multiple = self.card.size_multiple;
        let problem = if bands != self.card.bands.len() {
            format!(
                "batch has {bands} bands but the model needs {}",
                self.card.bands.len()
            )
        } else if height % multiple != 0 || width % multiple != 0 {
            format!("windows of {width} x {height} pixels are not multiples of {multiple}")
        } else {
            return Ok(());
        };
        Err(Error::BadInput {
            model: self.card.name.clone(),
            problem,
        })
    }

    fn check_output(&self, output: &Tensor, batch: &Batch) -> Result<()> {
        let [n, _, h, w] = batch.shape();
        let expected = [n, self.card.classes.len() as i64, h, w];
        let size = output.size();
        let problem = if size != expected {
            format!("output shape {size:?} is not [N, classes, H, W] = {expected:?}")
        } else if output.kind() != Kind::Float {
            format!("output is {:?}, not float32", output.kind())
        } else {
            return Ok(());
        };
        Err(Error::BadOutput {
            model: self.card.name.clone(),
            problem,
        })
    }
}

/// The hex sha256 of a file, read in chunks.
pub fn sha256_file(path: &Path) -> Result<String> {
    let io = |source| IoError::new(path, source);
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = file.read(&mut buffer).map_err(io)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(format!("{:x}", hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::{card_path, copied_model, edited_card};
    use std::ops::Range;

    use ndarray::{Array3, Array4, ArrayView3, Axis, Slice};

    fn load(name: &str) -> Model {
        Model::load(
            ModelCard::from_path(&card_path(name)).unwrap(),
            Device::Cpu,
            None,
        )
        .unwrap()
    }

    /// What `scripts/make-test-model.py` recorded from PyTorch for the tiny model.
    #[derive(serde::Deserialize)]
    struct Expected {
        input: ExpectedInput,
        output: ExpectedOutput,
    }
    #[derive(serde::Deserialize)]
    struct ExpectedInput {
        shape: [usize; 4],
        formula: String,
    }
    #[derive(serde::Deserialize)]
    struct ExpectedOutput {
        shape: [usize; 4],
        values: Vec<f32>,
    }

    fn expected(name: &str) -> Expected {
        let path = card_path(name).with_file_name("expected.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn tiny_models_compute_what_pytorch_recorded() {
        for name in ["tiny-satellite", "tiny-uav"] {
            let model = load(name);
            let expected = expected(name);
            assert_eq!(
                expected.input.formula,
                "x[n,c,h,w] = ((31n + 17c + 7h + 3w) mod 23) / 22"
            );
            let [n, c, h, w] = expected.input.shape;
            let input = Array4::from_shape_fn((n, c, h, w), |(n, c, h, w)| {
                ((31 * n + 17 * c + 7 * h + 3 * w) % 23) as f32 / 22.0
            });
            let mut batch = Batch::new(c, h, w, n);
            for window in input.outer_iter() {
                batch.push(window);
            }
            let outputs = model.predict(&batch).unwrap();
            assert_eq!(outputs.len(), n);
            assert_eq!(outputs[0].dim(), (expected.output.shape[1], h, w));
            let got: Vec<f32> = outputs.iter().flat_map(|o| o.iter().copied()).collect();
            assert_eq!(got.len(), expected.output.values.len());
            let worst = got
                .iter()
                .zip(&expected.output.values)
                .map(|(a, b)| (a - b).abs())
                .fold(0f32, f32::max);
            assert!(
                worst < 1e-5,
                "{name}: largest difference from PyTorch {worst}"
            );
        }
    }

    #[test]
    fn a_tampered_weights_file_is_refused() {
        let (_dir, card) = copied_model("tiny-satellite");
        let weights = card.with_file_name("model.pt");
        let mut bytes = std::fs::read(&weights).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x01;
        std::fs::write(&weights, bytes).unwrap();
        let err = Model::load(ModelCard::from_path(&card).unwrap(), Device::Cpu, None).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, Error::WeightsMismatch { .. }), "{message}");
        assert!(message.contains("model.pt: sha256 "), "{message}");
        assert!(message.contains("does not match the card"), "{message}");
        assert!(message.contains("changed or corrupted"), "{message}");
    }

    #[test]
    fn a_file_that_is_not_torchscript_is_refused_without_a_panic() {
        let garbage = b"not a TorchScript archive";
        let sha = format!("{:x}", Sha256::digest(garbage));
        let (_dir, card) = edited_card("tiny-uav", |card| {
            card["properties"]["geoscout:weights_sha256"] = sha.into();
        });
        std::fs::write(card.with_file_name("model.pt"), garbage).unwrap();
        let err = Model::load(ModelCard::from_path(&card).unwrap(), Device::Cpu, None).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("libtorch cannot load it as TorchScript"),
            "{message}"
        );
        assert!(!message.contains("frame #"), "{message}");
    }

    #[test]
    fn a_card_that_promises_other_classes_is_caught_at_the_first_batch() {
        let (_dir, card) = edited_card("tiny-uav", |card| {
            card["properties"]["geoscout:classes"]
                .as_array_mut()
                .unwrap()
                .pop();
        });
        let model = Model::load(ModelCard::from_path(&card).unwrap(), Device::Cpu, None).unwrap();
        let mut batch = model.batch(8, 1);
        batch.push(Array3::zeros((3, 24, 24)).view());
        let err = model.predict(&batch).unwrap_err().to_string();
        assert!(err.contains("broke its card's contract"), "{err}");
        assert!(err.contains("[1, 2, 24, 24]"), "{err}");
    }

    #[test]
    fn a_batch_of_the_wrong_bands_is_refused() {
        let model = load("tiny-satellite");
        let mut batch = Batch::new(3, 16, 16, 1);
        batch.push(Array3::zeros((3, 16, 16)).view());
        let err = model.predict(&batch).unwrap_err().to_string();
        assert!(
            err.contains("batch has 3 bands but the model needs 4"),
            "{err}"
        );
    }

    fn random_window(bands: usize, size: usize, seed: u64) -> Array3<f32> {
        // A small xorshift keeps the test free of extra dependencies.
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        Array3::from_shape_simple_fn((bands, size, size), || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as f32 / (1u64 << 24) as f32 * 0.4
        })
    }

    fn crop(a: &Array3<f32>, ys: Range<usize>, xs: Range<usize>) -> ArrayView3<'_, f32> {
        a.view()
            .slice_axis_move(Axis(1), Slice::from(ys))
            .slice_axis_move(Axis(2), Slice::from(xs))
    }

    fn largest_difference(a: ArrayView3<'_, f32>, b: ArrayView3<'_, f32>) -> f32 {
        a.iter()
            .zip(b.iter())
            .map(|(x, y)| (x - y).abs())
            .fold(0f32, f32::max)
    }

    fn run_one(model: &Model, window: &Array3<f32>) -> Array3<f32> {
        let (bands, height, width) = window.dim();
        let mut batch = Batch::new(bands, height, width, 1);
        batch.push(window.view());
        model.predict(&batch).unwrap().remove(0)
    }

    /// Largest difference over a tile's core between running the tile's window alone and
    /// running it inside a window larger by the halo on each side: what a change of tile size
    /// does to a core. Random input in 0..0.4 is harsher than imagery.
    fn tiling_error(model: &Model) -> f32 {
        let card = model.card();
        let (bands, halo) = (card.bands.len(), card.halo);
        let core = card.size_multiple * 64usize.div_ceil(card.size_multiple);
        let window = core + 2 * halo;
        let big = random_window(bands, window + 2 * halo, 7);
        let alone = run_one(
            model,
            &crop(&big, halo..halo + window, halo..halo + window).to_owned(),
        );
        let inside = run_one(model, &big);
        let (in_alone, in_big) = (halo..halo + core, 2 * halo..2 * halo + core);
        largest_difference(
            crop(&alone, in_alone.clone(), in_alone),
            crop(&inside, in_big.clone(), in_big),
        )
    }

    /// What lies beyond the halo must not change the core: that is what makes `predict`
    /// independent of the tile size.
    #[test]
    fn the_card_halo_covers_what_the_core_sees() {
        for name in ["tiny-satellite", "tiny-uav"] {
            let worst = tiling_error(&load(name));
            assert!(
                worst < 1e-5,
                "{name}: the core changed by {worst} with more context"
            );
        }
    }

    #[test]
    fn a_halo_narrower_than_the_receptive_field_shows() {
        let (_dir, card) = edited_card("tiny-satellite", |card| {
            card["properties"]["geoscout:halo"] = 2.into();
        });
        let model = Model::load(ModelCard::from_path(&card).unwrap(), Device::Cpu, None).unwrap();
        let worst = tiling_error(&model);
        assert!(
            worst > 1e-3,
            "a 2-pixel halo under a 5-pixel receptive field changed nothing: {worst}"
        );
    }

    /// The same for the shipped models, within one output level (1/255).
    #[test]
    fn shipped_model_halos_keep_cores_within_one_level() {
        let cards = crate::shipped_models().unwrap();
        if cards.is_empty() {
            eprintln!(
                "skipped: no shipped models in {}",
                crate::models_dir().display()
            );
        }
        for card in cards {
            let name = card.name.clone();
            let worst = tiling_error(&Model::load(card, Device::Cpu, None).unwrap());
            assert!(
                worst < 1.0 / 255.0,
                "{name}: the core changed by {worst} ({:.2}/255) with more context: the card's halo is too small",
                worst * 255.0
            );
        }
    }

    /// Windows shifted by a multiple of the size multiple agree where they overlap (away from
    /// their edges), as tiles of different sizes do.
    #[test]
    fn shifting_by_the_size_multiple_shifts_the_output() {
        let model = load("tiny-satellite");
        let (halo, step) = (model.card().halo, model.card().size_multiple);
        let big = random_window(4, 64, 3);
        let a = run_one(&model, &crop(&big, 0..48, 0..48).to_owned());
        let b = run_one(
            &model,
            &crop(&big, step..48 + step, step..48 + step).to_owned(),
        );
        let (in_a, in_b) = (halo + step..48 - halo, halo..48 - halo - step);
        let worst = largest_difference(crop(&a, in_a.clone(), in_a), crop(&b, in_b.clone(), in_b));
        assert!(worst < 1e-5, "shifted windows disagree by {worst}");
    }

    #[test]
    fn windows_of_a_batch_do_not_affect_each_other() {
        let model = load("tiny-uav");
        let (a, b) = (random_window(3, 32, 4), random_window(3, 32, 5));
        let mut batch = Batch::new(3, 32, 32, 2);
        batch.push(a.view());
        batch.push(b.view());
        let together = model.predict(&batch).unwrap();
        for (alone, with_other) in [run_one(&model, &a), run_one(&model, &b)]
            .iter()
            .zip(&together)
        {
            let worst = largest_difference(alone.view(), with_other.view());
            assert!(worst < 1e-5, "batched result differs by {worst}");
        }
    }

    #[test]
    fn an_empty_batch_gives_no_tiles() {
        let model = load("tiny-uav");
        assert!(model.predict(&model.batch(16, 4)).unwrap().is_empty());
    }

    #[test]
    fn sha256_of_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abc");
        std::fs::write(&path, "abc").unwrap();
        assert_eq!(
            sha256_file(&path).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let err = sha256_file(&dir.path().join("missing"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing"), "{err}");
    }
}
