//! A batch of equally sized input windows in one contiguous buffer, ready to become one tensor.

use ndarray::ArrayView3;

/// Input windows (bands, height, width) laid end to end as `[N, C, H, W]` float32, so that the
/// batch tensor is made from one buffer in one copy.
#[derive(Clone, Debug)]
pub struct Batch {
    bands: usize,
    height: usize,
    width: usize,
    data: Vec<f32>,
}

impl Batch {
    /// An empty batch of windows of `bands` x `height` x `width`, with room for `capacity` of them.
    pub fn new(bands: usize, height: usize, width: usize, capacity: usize) -> Batch {
        Batch {
            bands,
            height,
            width,
            data: Vec::with_capacity(capacity * bands * height * width),
        }
    }

    /// Appends a window. It must be (bands, height, width) as given to [`Batch::new`].
    ///
    /// # Panics
    /// When the window's shape differs: the caller sized both, so that is a bug in the caller.
    pub fn push(&mut self, window: ArrayView3<'_, f32>) {
        assert_eq!(
            window.dim(),
            (self.bands, self.height, self.width),
            "window shape does not match the batch"
        );
        match window.as_slice() {
            Some(contiguous) => self.data.extend_from_slice(contiguous),
            None => self.data.extend(window.iter().copied()),
        }
    }

    /// How many windows the batch holds.
    pub fn len(&self) -> usize {
        self.data.len() / self.window_len().max(1)
    }

    /// Whether the batch holds no window.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Removes every window, keeping the buffer for the next batch.
    pub fn clear(&mut self) {
        self.data.clear();
    }

    /// (bands, height, width) of each window.
    pub fn window_dim(&self) -> (usize, usize, usize) {
        (self.bands, self.height, self.width)
    }

    /// The batch as `[N, C, H, W]` for libtorch.
    pub(crate) fn shape(&self) -> [i64; 4] {
        [self.len(), self.bands, self.height, self.width].map(|d| d as i64)
    }

    /// The values, window after window, band-major within a window.
    pub(crate) fn as_slice(&self) -> &[f32] {
        &self.data
    }

    fn window_len(&self) -> usize {
        self.bands * self.height * self.width
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array3, Axis, Slice};

    #[test]
    fn windows_are_laid_end_to_end() {
        let a = Array3::from_shape_fn((2, 3, 4), |(c, y, x)| (c * 100 + y * 10 + x) as f32);
        let b = a.mapv(|v| -v);
        let mut batch = Batch::new(2, 3, 4, 2);
        batch.push(a.view());
        batch.push(b.view());
        assert_eq!(batch.len(), 2);
        assert_eq!(batch.shape(), [2, 2, 3, 4]);
        assert_eq!(&batch.as_slice()[..24], a.as_slice().unwrap());
        assert_eq!(&batch.as_slice()[24..], b.as_slice().unwrap());
        batch.clear();
        assert!(batch.is_empty());
    }

    #[test]
    fn a_strided_view_is_copied_in_logical_order() {
        let big = Array3::from_shape_fn((2, 6, 8), |(c, y, x)| (c * 100 + y * 10 + x) as f32);
        let window = big
            .slice_axis(Axis(1), Slice::from(1..4))
            .slice_axis_move(Axis(2), Slice::from(2..6));
        let mut batch = Batch::new(2, 3, 4, 1);
        batch.push(window);
        let expected: Vec<f32> = window.iter().copied().collect();
        assert_eq!(batch.as_slice(), expected);
    }

    #[test]
    #[should_panic(expected = "window shape does not match the batch")]
    fn a_window_of_another_shape_is_a_bug() {
        Batch::new(2, 3, 4, 1).push(Array3::zeros((3, 3, 4)).view());
    }
}
