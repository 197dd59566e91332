//! Least-squares polynomial maps between two planes, used to georeference rasters that carry
//! ground control points instead of a geotransform.

/// A map `(x, y) -> (x', y')` whose components are polynomials of order 1 (affine) or 2 in the
/// input, fitted by least squares. Inputs are centred and scaled before the fit so that the normal
/// equations stay well conditioned whatever the units (pixels, metres, degrees).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Polynomial {
    order: usize,
    centre: [f64; 2],
    scale: [f64; 2],
    coefficients: [Vec<f64>; 2],
}

impl Polynomial {
    /// Fits `to ≈ P(from)` by least squares; `None` when the points do not determine a polynomial
    /// of that order (too few, or all on a line).
    pub(crate) fn fit(from: &[[f64; 2]], to: &[[f64; 2]], order: usize) -> Option<Self> {
        let terms = term_count(order);
        if from.len() != to.len() || from.len() < terms {
            return None;
        }
        let n = from.len() as f64;
        let centre = [0, 1].map(|axis| from.iter().map(|p| p[axis]).sum::<f64>() / n);
        let scale = [0, 1].map(|axis| {
            let spread = from
                .iter()
                .map(|p| (p[axis] - centre[axis]).abs())
                .fold(0.0, f64::max);
            if spread > 0.0 { spread } else { 1.0 }
        });
        let mut unfitted = Polynomial {
            order,
            centre,
            scale,
            coefficients: [Vec::new(), Vec::new()],
        };
        let rows: Vec<Vec<f64>> = from.iter().map(|p| unfitted.terms(p[0], p[1])).collect();
        let mut normal = vec![vec![0.0; terms]; terms];
        let mut rhs = [vec![0.0; terms], vec![0.0; terms]];
        for (row, target) in rows.iter().zip(to) {
            for i in 0..terms {
                for j in 0..terms {
                    normal[i][j] += row[i] * row[j];
                }
                rhs[0][i] += row[i] * target[0];
                rhs[1][i] += row[i] * target[1];
            }
        }
        let [rhs_x, rhs_y] = rhs;
        unfitted.coefficients = [solve(normal.clone(), rhs_x)?, solve(normal, rhs_y)?];
        Some(unfitted)
    }

    /// Maps one point.
    pub(crate) fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        let terms = self.terms(x, y);
        let dot = |c: &[f64]| c.iter().zip(&terms).map(|(a, b)| a * b).sum::<f64>();
        (dot(&self.coefficients[0]), dot(&self.coefficients[1]))
    }

    /// The monomials of the centred, scaled input, in the order of the coefficients.
    fn terms(&self, x: f64, y: f64) -> Vec<f64> {
        let u = (x - self.centre[0]) / self.scale[0];
        let v = (y - self.centre[1]) / self.scale[1];
        let mut terms = vec![1.0, u, v];
        if self.order >= 2 {
            terms.extend([u * u, u * v, v * v]);
        }
        terms
    }
}

/// Number of coefficients per component of a polynomial of `order`.
fn term_count(order: usize) -> usize {
    if order >= 2 { 6 } else { 3 }
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting; `None` when `a` is singular.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    let largest = a.iter().flatten().fold(0.0_f64, |m, v| m.max(v.abs()));
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() <= largest * 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let (done, rest) = a.split_at_mut(col + 1);
        let pivot_row = &done[col];
        for (offset, row) in rest.iter_mut().enumerate() {
            let factor = row[col] / pivot_row[col];
            for (value, pivot_value) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                *value -= factor * pivot_value;
            }
            b[col + 1 + offset] -= factor * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let tail: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - tail) / a[row][row];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> Vec<[f64; 2]> {
        (0..5)
            .flat_map(|i| (0..4).map(move |j| [i as f64 * 300.0, j as f64 * 250.0]))
            .collect()
    }

    #[test]
    fn an_affine_map_is_recovered_exactly() {
        let affine = |p: &[f64; 2]| {
            [
                78.2 - 0.0018 * p[0] - 0.00037 * p[1],
                10.7 + 0.00036 * p[0] - 0.0018 * p[1],
            ]
        };
        let from = grid();
        let to: Vec<_> = from.iter().map(affine).collect();
        let fit = Polynomial::fit(&from, &to, 1).unwrap();
        for p in [[0.0, 0.0], [1279.0, 836.0], [640.5, 17.25]] {
            let (x, y) = fit.apply(p[0], p[1]);
            let expected = affine(&p);
            assert!((x - expected[0]).abs() < 1e-10 && (y - expected[1]).abs() < 1e-10);
        }
    }

    #[test]
    fn a_quadratic_map_needs_order_two() {
        let curved = |p: &[f64; 2]| [p[0] + 1e-4 * p[0] * p[1], p[1] - 2e-4 * p[0] * p[0]];
        let from = grid();
        let to: Vec<_> = from.iter().map(curved).collect();
        let quadratic = Polynomial::fit(&from, &to, 2).unwrap();
        let affine = Polynomial::fit(&from, &to, 1).unwrap();
        let p = [100.0, 700.0];
        let expected = curved(&p);
        let (qx, qy) = quadratic.apply(p[0], p[1]);
        assert!((qx - expected[0]).abs() < 1e-8 && (qy - expected[1]).abs() < 1e-8);
        let (ax, _) = affine.apply(p[0], p[1]);
        assert!((ax - expected[0]).abs() > 1.0);
    }

    #[test]
    fn points_on_a_line_do_not_determine_a_map() {
        let from: Vec<_> = (0..10).map(|i| [i as f64, 2.0 * i as f64]).collect();
        assert!(Polynomial::fit(&from, &from, 1).is_none());
        assert!(Polynomial::fit(&from[..2], &from[..2], 1).is_none());
    }
}
