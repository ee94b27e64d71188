//! Histogram resampling (paper, Algorithm 2, last step): draw from each cluster as many
//! synthetic samples as the noisy histogram asks for.
//!
//! Members are bucketed by a counting sort (O(M), where the paper's code builds one
//! boolean mask per cluster, O(K*M)). Cluster `j` draws from its own ChaCha8 stream
//! `j` of the seed, so the result is the same whatever the thread count.

use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::error::{KernelError, KernelResult, Shortfall};

/// Members of each cluster, in increasing index order, as one flat array plus offsets.
struct Buckets {
    offsets: Vec<usize>,
    members: Vec<i64>,
}

fn bucket_by_label(labels: &[i64], k: usize) -> KernelResult<Buckets> {
    let mut counts = vec![0usize; k];
    for (position, &label) in labels.iter().enumerate() {
        if label < 0 || label as u64 >= k as u64 {
            return Err(KernelError::LabelOutOfRange { position, label, k });
        }
        counts[label as usize] += 1;
    }
    let mut offsets = Vec::with_capacity(k + 1);
    offsets.push(0);
    for c in &counts {
        offsets.push(offsets.last().unwrap() + c);
    }
    let mut cursor = offsets[..k].to_vec();
    let mut members = vec![0i64; labels.len()];
    for (i, &label) in labels.iter().enumerate() {
        let slot = &mut cursor[label as usize];
        members[*slot] = i as i64;
        *slot += 1;
    }
    Ok(Buckets { offsets, members })
}

/// For each cluster `j`, `targets[j]` indices of members of `j` drawn uniformly at random
/// (without replacement unless `replace`). The result lists cluster 0's draws first, then
/// cluster 1's, and so on; inside a cluster the indices are sorted.
pub fn resample_indices(
    labels: &[i64],
    targets: &[i64],
    seed: u64,
    replace: bool,
) -> KernelResult<Vec<i64>> {
    let k = targets.len();
    if let Some((j, &t)) = targets.iter().enumerate().find(|(_, &t)| t < 0) {
        return Err(KernelError::InvalidArgument(format!(
            "`targets[{j}]` is {t}: a cluster cannot be asked for a negative number of samples"
        )));
    }
    let mut buckets = bucket_by_label(labels, k)?;
    let shortfalls: Vec<Shortfall> = (0..k)
        .filter_map(|j| {
            let available = (buckets.offsets[j + 1] - buckets.offsets[j]) as u64;
            let needed = targets[j] as u64;
            let short = if replace {
                needed > 0 && available == 0
            } else {
                needed > available
            };
            short.then_some(Shortfall {
                cluster: j,
                needed,
                available,
            })
        })
        .collect();
    if !shortfalls.is_empty() {
        return Err(KernelError::InsufficientMembers(shortfalls));
    }

    let total: usize = targets.iter().map(|&t| t as usize).sum();
    let mut out = vec![0i64; total];
    // Split the flat arrays into one disjoint (members, output) pair per cluster.
    let mut jobs = Vec::with_capacity(k);
    let mut members_rest: &mut [i64] = &mut buckets.members;
    let mut out_rest: &mut [i64] = &mut out;
    for (j, &target) in targets.iter().enumerate().take(k) {
        let (mine, rest) = members_rest.split_at_mut(buckets.offsets[j + 1] - buckets.offsets[j]);
        members_rest = rest;
        let (dst, rest) = out_rest.split_at_mut(target as usize);
        out_rest = rest;
        jobs.push((j, mine, dst));
    }
    jobs.into_par_iter().for_each(|(j, members, dst)| {
        if dst.is_empty() {
            return;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(j as u64);
        if replace {
            for slot in dst.iter_mut() {
                *slot = members[rng.random_range(0..members.len())];
            }
        } else {
            // Partial Fisher-Yates: the first dst.len() positions become a uniform sample.
            for i in 0..dst.len() {
                let pick = rng.random_range(i..members.len());
                members.swap(i, pick);
            }
            dst.copy_from_slice(&members[..dst.len()]);
        }
        dst.sort_unstable();
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_the_asked_number_from_each_cluster_without_repeats() {
        let labels = [0, 1, 0, 2, 1, 0, 0, 2];
        let out = resample_indices(&labels, &[3, 1, 2], 42, false).unwrap();
        assert_eq!(out.len(), 6);
        let (c0, rest) = out.split_at(3);
        let (c1, c2) = rest.split_at(1);
        assert!(c0.iter().all(|&i| labels[i as usize] == 0));
        assert!(c0.windows(2).all(|w| w[0] < w[1]));
        assert!(c1.iter().all(|&i| labels[i as usize] == 1));
        assert_eq!(c2, [3, 7]);
    }

    #[test]
    fn is_deterministic_for_a_seed_whatever_the_thread_count() {
        let labels: Vec<i64> = (0..50_000).map(|i| (i * 7919 % 1000) as i64).collect();
        let targets: Vec<i64> = (0..1000).map(|j| (j % 40) as i64).collect();
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let three = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let a = one.install(|| resample_indices(&labels, &targets, 9, false).unwrap());
        let b = three.install(|| resample_indices(&labels, &targets, 9, false).unwrap());
        assert_eq!(a, b);
        assert_ne!(a, resample_indices(&labels, &targets, 10, false).unwrap());
    }

    #[test]
    fn every_short_cluster_is_listed() {
        let labels = [0, 1, 1];
        let err = resample_indices(&labels, &[2, 3, 1], 0, false).unwrap_err();
        assert_eq!(
            err,
            KernelError::InsufficientMembers(vec![
                Shortfall {
                    cluster: 0,
                    needed: 2,
                    available: 1
                },
                Shortfall {
                    cluster: 1,
                    needed: 3,
                    available: 2
                },
                Shortfall {
                    cluster: 2,
                    needed: 1,
                    available: 0
                },
            ])
        );
        // With replacement only the empty cluster is short.
        let err = resample_indices(&labels, &[2, 3, 1], 0, true).unwrap_err();
        assert_eq!(
            err,
            KernelError::InsufficientMembers(vec![Shortfall {
                cluster: 2,
                needed: 1,
                available: 0
            }])
        );
    }

    #[test]
    fn with_replacement_can_exceed_cluster_size() {
        let out = resample_indices(&[0, 0], &[5], 1, true).unwrap();
        assert_eq!(out.len(), 5);
        assert!(out.iter().all(|&i| i == 0 || i == 1));
    }

    #[test]
    fn bad_labels_and_targets_are_rejected() {
        assert_eq!(
            resample_indices(&[0, 3], &[1, 1], 0, false).unwrap_err(),
            KernelError::LabelOutOfRange {
                position: 1,
                label: 3,
                k: 2
            }
        );
        assert!(matches!(
            resample_indices(&[0], &[-1], 0, false).unwrap_err(),
            KernelError::InvalidArgument(m) if m.contains("targets[0]")
        ));
    }

    #[test]
    fn draws_are_uniform_within_a_cluster() {
        // 4 members, 2 draws: each member is chosen with probability 1/2.
        let labels = [0i64; 4];
        let mut hits = [0u32; 4];
        for seed in 0..4000 {
            for i in resample_indices(&labels, &[2], seed, false).unwrap() {
                hits[i as usize] += 1;
            }
        }
        for h in hits {
            assert!((1850..2150).contains(&h), "{hits:?}");
        }
    }
}
