//! Nearest-centroid assignment and vote counting (paper, Algorithm 2: each real
//! instruction votes for its nearest synthetic centroid).
//!
//! Distances are computed block by block: a block of queries times a tile of centroids
//! through a SIMD GEMM (`||c||^2 - 2 x.c`), so memory stays bounded whatever N is and no
//! N x K matrix ever exists. The GEMM score is only a filter: every centroid whose score
//! is within a proven float32 error bound of the best is re-scored exactly, as the
//! float64 squared distance summed in coordinate order, and the smallest exact distance
//! wins, ties going to the lowest index. The answer is therefore the one a plain float64
//! loop would give, not an artefact of the GEMM's rounding.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::error::{KernelError, KernelResult};

/// Queries per parallel task.
const QUERY_BLOCK: usize = 256;
/// Centroids per GEMM tile.
const CENTROID_TILE: usize = 1024;

/// Row-major float32 matrix view.
#[derive(Clone, Copy)]
pub struct Matrix<'a> {
    pub data: &'a [f32],
    pub rows: usize,
    pub cols: usize,
}

impl<'a> Matrix<'a> {
    pub fn new(data: &'a [f32], rows: usize, cols: usize, name: &str) -> KernelResult<Self> {
        if rows.checked_mul(cols) != Some(data.len()) {
            return Err(KernelError::InvalidArgument(format!(
                "`{name}` has {} values, expected {rows} x {cols}",
                data.len()
            )));
        }
        Ok(Self { data, rows, cols })
    }

    #[inline]
    fn row(&self, i: usize) -> &'a [f32] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }
}

/// The exact metric: squared L2 distance in float64, summed in coordinate order.
#[inline]
pub fn exact_sq_distance(a: &[f32], b: &[f32]) -> f64 {
    let mut acc = 0.0f64;
    for (&p, &q) in a.iter().zip(b) {
        let diff = f64::from(p) - f64::from(q);
        acc += diff * diff;
    }
    acc
}

fn check_finite(m: &Matrix<'_>, name: &'static str) -> KernelResult<()> {
    if m.cols == 0 {
        return Ok(());
    }
    let first_bad =
        m.data
            .par_chunks(m.cols * 1024)
            .enumerate()
            .find_map_first(|(chunk_no, chunk)| {
                chunk
                    .iter()
                    .position(|v| !v.is_finite())
                    .map(|p| chunk_no * m.cols * 1024 + p)
            });
    match first_bad {
        Some(pos) => Err(KernelError::NonFinite {
            array: name,
            row: pos / m.cols,
            col: pos % m.cols,
        }),
        None => Ok(()),
    }
}

fn validate(x: &Matrix<'_>, centroids: &Matrix<'_>) -> KernelResult<()> {
    if centroids.rows == 0 {
        return Err(KernelError::InvalidArgument(
            "`centroids` is empty: need at least one centroid (K >= 1)".into(),
        ));
    }
    if x.cols != centroids.cols {
        return Err(KernelError::InvalidArgument(format!(
            "dimension mismatch: `x` has {} columns but `centroids` has {}",
            x.cols, centroids.cols
        )));
    }
    // `x` is checked block by block during the work, where its rows are in cache anyway.
    check_finite(centroids, "centroids")
}

/// Records the earliest non-finite position seen by any block (a minimum, hence the same
/// answer whatever the scheduling).
struct FirstNonFinite(AtomicUsize);

impl FirstNonFinite {
    fn new() -> Self {
        Self(AtomicUsize::new(usize::MAX))
    }

    fn record(&self, flat_position: usize) {
        self.0.fetch_min(flat_position, Ordering::Relaxed);
    }

    fn into_result(self, cols: usize) -> KernelResult<()> {
        match self.0.into_inner() {
            usize::MAX => Ok(()),
            pos => Err(KernelError::NonFinite {
                array: "x",
                row: pos / cols,
                col: pos % cols,
            }),
        }
    }
}

/// Per-thread scratch space for one query block.
struct Scratch {
    scores: Vec<f32>,
    best: Vec<f32>,
    limits: Vec<f32>,
    margins: Vec<f32>,
    candidates: Vec<Vec<(u32, f32)>>,
}

impl Scratch {
    fn new() -> Self {
        Self {
            scores: vec![0.0; QUERY_BLOCK * CENTROID_TILE],
            best: vec![0.0; QUERY_BLOCK],
            limits: vec![0.0; QUERY_BLOCK],
            margins: vec![0.0; QUERY_BLOCK],
            candidates: vec![Vec::new(); QUERY_BLOCK],
        }
    }
}

struct Prepared<'a> {
    centroids: Matrix<'a>,
    norms: Vec<f32>,
    max_norm: f64,
}

impl<'a> Prepared<'a> {
    fn new(centroids: Matrix<'a>) -> Self {
        let norms: Vec<f32> = (0..centroids.rows)
            .map(|j| centroids.row(j).iter().map(|v| v * v).sum())
            .collect();
        let max_norm = norms.iter().fold(0.0f64, |m, &v| m.max(f64::from(v)));
        Self {
            centroids,
            norms,
            max_norm,
        }
    }

    /// Bound on |computed score - true score| for a query of squared norm `x_norm`.
    /// Each score is ||c||^2 - 2 x.c with both terms summed over `d` float32 products;
    /// the classic bound is d*u*(sum of |terms|), u = 2^-24. Doubled for safety, then
    /// doubled again because both the best and the candidate carry that error.
    #[inline]
    fn margin(&self, x_norm: f64) -> f32 {
        let d = self.centroids.cols as f64 + 4.0;
        let u = f64::from(f32::EPSILON); // 2^-23, twice the unit roundoff
        let bound = d * u * (self.max_norm + 2.0 * x_norm.sqrt() * self.max_norm.sqrt()) + 1e-30;
        (2.0 * bound) as f32
    }

    /// Nearest centroid of each query of `block` (rows `start..start+len` of `x`), or
    /// the flat position of the first non-finite value of the block.
    fn assign_block(
        &self,
        x: &Matrix<'_>,
        start: usize,
        len: usize,
        scratch: &mut Scratch,
        mut emit: impl FnMut(usize, usize, Option<f64>),
    ) -> Result<(), usize> {
        let d = x.cols;
        let k = self.centroids.rows;
        for r in 0..len {
            let row = x.row(start + r);
            let norm: f64 = row.iter().map(|v| f64::from(*v) * f64::from(*v)).sum();
            // Finite float32 values cannot overflow this float64 sum: non-finite means bad input.
            if !norm.is_finite() {
                let col = row.iter().position(|v| !v.is_finite()).unwrap_or(0);
                return Err((start + r) * d + col);
            }
            scratch.margins[r] = self.margin(norm);
            scratch.best[r] = f32::INFINITY;
            scratch.candidates[r].clear();
        }
        let margins = &scratch.margins[..len];
        let mut tile_start = 0;
        while tile_start < k {
            let tile = CENTROID_TILE.min(k - tile_start);
            // scores[j * len + q] = -2 * c_j . x_q: centroid-major, which the GEMM runs
            // fastest for this shape, and which lets the scans below vectorise over queries.
            let scores = &mut scratch.scores[..len * tile];
            if d > 0 {
                // SAFETY: every pointer/stride pair addresses memory inside the slices:
                // lhs is the tile x d row-major centroid tile, rhs is X_block^T (d x len,
                // so the row stride is 1 and the column stride d), dst is tile x len
                // row-major.
                unsafe {
                    gemm::gemm(
                        tile,
                        len,
                        d,
                        scores.as_mut_ptr(),
                        1,
                        len as isize,
                        false,
                        self.centroids.data[tile_start * d..].as_ptr(),
                        1,
                        d as isize,
                        x.data[start * d..].as_ptr(),
                        d as isize,
                        1,
                        0.0f32,
                        -2.0f32,
                        false,
                        false,
                        false,
                        gemm::Parallelism::None,
                    );
                }
            } else {
                scores.fill(0.0);
            }
            let norms = &self.norms[tile_start..tile_start + tile];
            let best = &mut scratch.best[..len];
            for (j, &norm) in norms.iter().enumerate() {
                let row = &scores[j * len..(j + 1) * len];
                for (b, &g) in best.iter_mut().zip(row) {
                    *b = b.min(norm + g);
                }
            }
            // Keep everything within the margin of the running best; the lists are
            // pruned against the final best below. Sixteen queries at a time are compared
            // into a bit mask (vectorised); the rare hits are handled one by one.
            let limits = &mut scratch.limits[..len];
            for ((l, b), m) in limits.iter_mut().zip(best.iter()).zip(margins) {
                *l = b + m;
            }
            for (j, &norm) in norms.iter().enumerate() {
                let row = &scores[j * len..(j + 1) * len];
                for (lane, (vals, lims)) in row.chunks(16).zip(limits.chunks(16)).enumerate() {
                    let mut mask = 0u32;
                    for (i, (&g, &lim)) in vals.iter().zip(lims).enumerate() {
                        mask |= u32::from(norm + g <= lim) << i;
                    }
                    while mask != 0 {
                        let i = mask.trailing_zeros() as usize;
                        mask &= mask - 1;
                        let q = lane * 16 + i;
                        scratch.candidates[q].push(((tile_start + j) as u32, norm + vals[i]));
                    }
                }
            }
            tile_start += tile;
        }
        for (r, &margin) in margins.iter().enumerate().take(len) {
            let limit = scratch.best[r] + margin;
            let cands = &mut scratch.candidates[r];
            cands.retain(|&(_, s)| s <= limit);
            let query = x.row(start + r);
            // A lone candidate is the answer; its exact distance is computed only if asked.
            let (label, dist) = if cands.len() == 1 {
                (cands[0].0 as usize, None)
            } else {
                let mut best = (usize::MAX, f64::INFINITY);
                for &(j, _) in cands.iter() {
                    let dist = exact_sq_distance(query, self.centroids.row(j as usize));
                    // Candidates arrive in increasing index order: strict < keeps the lowest.
                    if dist < best.1 {
                        best = (j as usize, dist);
                    }
                }
                (best.0, Some(best.1))
            };
            emit(r, label, dist);
        }
        Ok(())
    }
}

/// Index of the nearest centroid of each row of `x` and its squared distance.
pub fn nearest_centroid(
    x: Matrix<'_>,
    centroids: Matrix<'_>,
) -> KernelResult<(Vec<i64>, Vec<f32>)> {
    validate(&x, &centroids)?;
    let prepared = Prepared::new(centroids);
    let mut labels = vec![0i64; x.rows];
    let mut dists = vec![0f32; x.rows];
    let bad = FirstNonFinite::new();
    labels
        .par_chunks_mut(QUERY_BLOCK)
        .zip(dists.par_chunks_mut(QUERY_BLOCK))
        .enumerate()
        .for_each_init(Scratch::new, |scratch, (block, (lab, dis))| {
            let start = block * QUERY_BLOCK;
            let done = prepared.assign_block(&x, start, lab.len(), scratch, |r, label, dist| {
                lab[r] = label as i64;
                let dist = dist.unwrap_or_else(|| {
                    exact_sq_distance(x.row(start + r), prepared.centroids.row(label))
                });
                dis[r] = dist as f32;
            });
            if let Err(pos) = done {
                bad.record(pos);
            }
        });
    bad.into_result(x.cols)?;
    Ok((labels, dists))
}

/// Number of rows of `x` whose nearest centroid is each centroid (length K).
pub fn vote_counts(x: Matrix<'_>, centroids: Matrix<'_>) -> KernelResult<Vec<i64>> {
    validate(&x, &centroids)?;
    let k = centroids.rows;
    let prepared = Prepared::new(centroids);
    let blocks = x.rows.div_ceil(QUERY_BLOCK);
    let bad = FirstNonFinite::new();
    let counts = (0..blocks)
        .into_par_iter()
        .fold(
            || (Scratch::new(), vec![0i64; k]),
            |(mut scratch, mut counts), block| {
                let start = block * QUERY_BLOCK;
                let len = QUERY_BLOCK.min(x.rows - start);
                let done = prepared.assign_block(&x, start, len, &mut scratch, |_, label, _| {
                    counts[label] += 1;
                });
                if let Err(pos) = done {
                    bad.record(pos);
                }
                (scratch, counts)
            },
        )
        .map(|(_, counts)| counts)
        .reduce(
            || vec![0i64; k],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        );
    bad.into_result(x.cols)?;
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute(x: &[f32], c: &[f32], d: usize) -> Vec<(usize, f64)> {
        x.chunks(d)
            .map(|q| {
                let mut best = (0, f64::INFINITY);
                for (j, cj) in c.chunks(d).enumerate() {
                    let dist = exact_sq_distance(q, cj);
                    if dist < best.1 {
                        best = (j, dist);
                    }
                }
                best
            })
            .collect()
    }

    fn lcg(seed: &mut u64) -> f32 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((*seed >> 40) as f32 / (1u64 << 24) as f32) - 0.5
    }

    #[test]
    fn matches_brute_force_across_tiles_and_blocks() {
        let (n, k, d) = (300, 2500, 7);
        let mut s = 7u64;
        let x: Vec<f32> = (0..n * d).map(|_| lcg(&mut s)).collect();
        let c: Vec<f32> = (0..k * d).map(|_| lcg(&mut s)).collect();
        let (labels, dists) = nearest_centroid(
            Matrix::new(&x, n, d, "x").unwrap(),
            Matrix::new(&c, k, d, "c").unwrap(),
        )
        .unwrap();
        let expected = brute(&x, &c, d);
        for i in 0..n {
            assert_eq!(labels[i] as usize, expected[i].0, "row {i}");
            assert_eq!(dists[i], expected[i].1 as f32);
        }
        let counts = vote_counts(
            Matrix::new(&x, n, d, "x").unwrap(),
            Matrix::new(&c, k, d, "c").unwrap(),
        )
        .unwrap();
        assert_eq!(counts.iter().sum::<i64>(), n as i64);
        for i in 0..n {
            assert!(counts[expected[i].0] > 0);
        }
    }

    #[test]
    fn ties_go_to_the_lowest_index() {
        let c = [1.0, 0.0, 0.0, 1.0, 1.0, 0.0, -1.0, 0.0];
        let x = [0.0, 0.0, 1.0, 0.0];
        let (labels, dists) = nearest_centroid(
            Matrix::new(&x, 2, 2, "x").unwrap(),
            Matrix::new(&c, 4, 2, "c").unwrap(),
        )
        .unwrap();
        assert_eq!(labels, [0, 0]);
        assert_eq!(dists, [1.0, 0.0]);
    }

    #[test]
    fn bad_inputs_are_rejected() {
        let c = [0.0f32; 4];
        let x = [0.0, f32::NAN];
        let err = vote_counts(
            Matrix::new(&x, 1, 2, "x").unwrap(),
            Matrix::new(&c, 2, 2, "c").unwrap(),
        );
        assert_eq!(
            err,
            Err(KernelError::NonFinite {
                array: "x",
                row: 0,
                col: 1
            })
        );
        let err = vote_counts(
            Matrix::new(&c, 2, 2, "x").unwrap(),
            Matrix::new(&c, 1, 4, "c").unwrap(),
        );
        assert!(
            matches!(err, Err(KernelError::InvalidArgument(m)) if m.contains("dimension mismatch"))
        );
        let err = vote_counts(
            Matrix::new(&c, 2, 2, "x").unwrap(),
            Matrix::new(&[], 0, 2, "c").unwrap(),
        );
        assert!(matches!(err, Err(KernelError::InvalidArgument(m)) if m.contains("K >= 1")));
        assert!(Matrix::new(&c, 3, 2, "x").is_err());
    }

    #[test]
    fn empty_queries_give_empty_labels_and_zero_counts() {
        let c = [0.0f32; 4];
        let (labels, _) = nearest_centroid(
            Matrix::new(&[], 0, 2, "x").unwrap(),
            Matrix::new(&c, 2, 2, "c").unwrap(),
        )
        .unwrap();
        assert!(labels.is_empty());
        let counts = vote_counts(
            Matrix::new(&[], 0, 2, "x").unwrap(),
            Matrix::new(&c, 2, 2, "c").unwrap(),
        )
        .unwrap();
        assert_eq!(counts, [0, 0]);
    }
}
