//! Word n-gram de-duplication (paper, Appendix E): "if a 10-gram occurs in several
//! instructions, only the first instruction that has it is kept", plus decontamination
//! against a reference set.
//!
//! Words are maximal runs of Unicode letters (general categories Lu, Ll, Lt, Lm, Lo),
//! decimal digits (Nd) or `_`, each lower-cased with the full Unicode mapping. An n-gram
//! is identified by a 128-bit fingerprint (XXH3-128 over the XXH3-128 hashes of its
//! words), so a false drop needs a 128-bit collision.
//!
//! The work is split so that the result never depends on the thread count: texts are
//! fingerprinted in parallel, fingerprints are scattered to a fixed number of shards, and
//! each shard replays its fingerprints in input order to find the first text holding
//! each one. "Earliest earlier text" is a minimum, which is order-independent across
//! shards.

use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU32, Ordering};

use hashbrown::hash_map::Entry;
use hashbrown::{HashMap, HashSet};
use rayon::prelude::*;
use unicode_general_category::{get_general_category, GeneralCategory};
use xxhash_rust::xxh3::xxh3_128;

use crate::error::{KernelError, KernelResult};

/// `matched` value of a kept text: it shares no n-gram with an earlier or reference text.
pub const NO_MATCH: i64 = -1;
/// `matched` value of a text dropped only because it shares an n-gram with the reference set.
pub const REFERENCE_MATCH: i64 = -2;

/// Fixed so that the sharding, and with it every intermediate, is the same on any machine.
const SHARDS: usize = 64;
/// Texts fingerprinted per round; bounds the memory held by not-yet-merged fingerprints.
const BLOCK_TEXTS: usize = 1 << 16;
/// Texts per parallel task inside a block.
const CHUNK_TEXTS: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DedupOutcome {
    /// Whether each text survives.
    pub kept: Vec<bool>,
    /// Index of the earliest earlier text sharing an n-gram, else [`REFERENCE_MATCH`]
    /// if it shares one with the reference set, else [`NO_MATCH`]. An earlier text takes
    /// precedence over the reference set, matching the order of the cleansing steps.
    pub matched: Vec<i64>,
}

/// Whether `c` belongs to a word.
#[inline]
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    matches!(
        get_general_category(c),
        GeneralCategory::UppercaseLetter
            | GeneralCategory::LowercaseLetter
            | GeneralCategory::TitlecaseLetter
            | GeneralCategory::ModifierLetter
            | GeneralCategory::OtherLetter
            | GeneralCategory::DecimalNumber
    )
}

/// Calls `f` with each lower-cased word of `text`, in order.
pub fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let mut ascii_buf = String::new();
    let mut start: Option<usize> = None;
    let mut emit = |word: &str, buf: &mut String| {
        if word.is_ascii() {
            buf.clear();
            buf.push_str(word);
            buf.make_ascii_lowercase();
            f(buf);
        } else {
            // Whole-word lowering, as Python's `str.lower`: final sigma depends on context.
            f(&word.to_lowercase());
        }
    };
    for (pos, c) in text.char_indices() {
        if is_word_char(c) {
            if start.is_none() {
                start = Some(pos);
            }
        } else if let Some(s) = start.take() {
            emit(&text[s..pos], &mut ascii_buf);
        }
    }
    if let Some(s) = start {
        emit(&text[s..], &mut ascii_buf);
    }
}

/// The lower-cased words of `text` (used by tests and callers that want the tokens).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |w| out.push(w.to_owned()));
    out
}

/// Reusable per-task buffers for fingerprinting.
#[derive(Default)]
struct Fingerprinter {
    word_hashes: Vec<u8>,
}

impl Fingerprinter {
    /// Calls `f` with the fingerprint of each n-gram of `text`, in order.
    fn for_each_ngram(&mut self, text: &str, n: usize, mut f: impl FnMut(u128)) {
        self.word_hashes.clear();
        let buf = &mut self.word_hashes;
        for_each_word(text, |w| buf.extend_from_slice(&xxh3_128(w.as_bytes()).to_le_bytes()));
        let count = self.word_hashes.len() / 16;
        if count < n {
            return;
        }
        for start in 0..=(count - n) {
            f(xxh3_128(&self.word_hashes[start * 16..(start + n) * 16]));
        }
    }
}

/// The fingerprints are uniformly distributed, so the low 64 bits are a good hash.
#[derive(Default)]
struct FingerprintHasher(u64);

impl Hasher for FingerprintHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only reached for non-u128 keys; fold the bytes in so the hasher stays correct.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u128(&mut self, i: u128) {
        self.0 = i as u64;
    }
}

type FpBuild = BuildHasherDefault<FingerprintHasher>;

#[inline]
fn shard_of(fp: u128) -> usize {
    ((fp >> 64) as u64 % SHARDS as u64) as usize
}

fn check_n(n: usize) -> KernelResult<()> {
    if n == 0 {
        return Err(KernelError::InvalidArgument(
            "`n` must be a positive number of words, got 0".into(),
        ));
    }
    Ok(())
}

/// Sharded set of every n-gram fingerprint of `reference`.
fn reference_shards<S: AsRef<str> + Sync>(reference: &[S], n: usize) -> Vec<HashSet<u128, FpBuild>> {
    let buckets: Vec<Vec<Vec<u128>>> = reference
        .par_chunks(CHUNK_TEXTS)
        .map(|chunk| {
            let mut fpr = Fingerprinter::default();
            let mut local: Vec<Vec<u128>> = vec![Vec::new(); SHARDS];
            for text in chunk {
                fpr.for_each_ngram(text.as_ref(), n, |fp| local[shard_of(fp)].push(fp));
            }
            local
        })
        .collect();
    (0..SHARDS)
        .into_par_iter()
        .map(|s| {
            let mut set = HashSet::with_hasher(FpBuild::default());
            for chunk in &buckets {
                set.extend(chunk[s].iter().copied());
            }
            set
        })
        .collect()
}

/// Decides, for each text, whether it is kept (see the module docs for the semantics).
pub fn ngram_dedup<S, R>(texts: &[S], n: usize, reference: &[R]) -> KernelResult<DedupOutcome>
where
    S: AsRef<str> + Sync,
    R: AsRef<str> + Sync,
{
    check_n(n)?;
    if texts.len() >= u32::MAX as usize {
        return Err(KernelError::InvalidArgument(format!(
            "at most {} texts per call, got {}",
            u32::MAX - 1,
            texts.len()
        )));
    }
    let reference_sets = reference_shards(reference, n);
    let has_reference = reference_sets.iter().any(|s| !s.is_empty());

    let earliest: Vec<AtomicU32> = (0..texts.len()).map(|_| AtomicU32::new(u32::MAX)).collect();
    let mut reference_hit = vec![false; texts.len()];
    let mut first_seen: Vec<HashMap<u128, u32, FpBuild>> =
        (0..SHARDS).map(|_| HashMap::with_hasher(FpBuild::default())).collect();

    for (block_no, block) in texts.chunks(BLOCK_TEXTS).enumerate() {
        let block_start = block_no * BLOCK_TEXTS;
        let hits = &mut reference_hit[block_start..block_start + block.len()];
        // Fingerprint in parallel; each chunk scatters (fingerprint, text index) to shards.
        let scattered: Vec<Vec<Vec<(u128, u32)>>> = block
            .par_chunks(CHUNK_TEXTS)
            .zip(hits.par_chunks_mut(CHUNK_TEXTS))
            .enumerate()
            .map(|(chunk_no, (chunk, chunk_hits))| {
                let mut fpr = Fingerprinter::default();
                let mut local: Vec<Vec<(u128, u32)>> = vec![Vec::new(); SHARDS];
                for (offset, text) in chunk.iter().enumerate() {
                    let index = (block_start + chunk_no * CHUNK_TEXTS + offset) as u32;
                    let hit = &mut chunk_hits[offset];
                    fpr.for_each_ngram(text.as_ref(), n, |fp| {
                        let shard = shard_of(fp);
                        if has_reference && !*hit && reference_sets[shard].contains(&fp) {
                            *hit = true;
                        }
                        local[shard].push((fp, index));
                    });
                }
                local
            })
            .collect();
        // Each shard replays its fingerprints in input order: the first insert is the
        // earliest text holding the n-gram.
        first_seen.par_iter_mut().enumerate().for_each(|(shard, map)| {
            for chunk in &scattered {
                for &(fp, index) in &chunk[shard] {
                    match map.entry(fp) {
                        Entry::Occupied(first) => {
                            let first = *first.get();
                            if first < index {
                                earliest[index as usize].fetch_min(first, Ordering::Relaxed);
                            }
                        }
                        Entry::Vacant(slot) => {
                            slot.insert(index);
                        }
                    }
                }
            }
        });
    }

    let mut kept = Vec::with_capacity(texts.len());
    let mut matched = Vec::with_capacity(texts.len());
    for (first, hit) in earliest.iter().zip(reference_hit) {
        let first = first.load(Ordering::Relaxed);
        if first != u32::MAX {
            kept.push(false);
            matched.push(i64::from(first));
        } else if hit {
            kept.push(false);
            matched.push(REFERENCE_MATCH);
        } else {
            kept.push(true);
            matched.push(NO_MATCH);
        }
    }
    Ok(DedupOutcome { kept, matched })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dedup(texts: &[&str], n: usize, reference: &[&str]) -> DedupOutcome {
        ngram_dedup(texts, n, reference).unwrap()
    }

    #[test]
    fn words_are_unicode_letter_digit_underscore_runs_lowercased() {
        assert_eq!(words("Hello, World_2 ÉTÉ-été 3.14"), ["hello", "world_2", "été", "été", "3", "14"]);
        assert_eq!(words("東京 タワー"), ["東京", "タワー"]);
        // Superscript two is a number but not a decimal digit: it splits words.
        assert_eq!(words("x²y"), ["x", "y"]);
        assert_eq!(words("ΟΔΟΣ"), ["οδος"]);
        assert!(words("  ...  ").is_empty());
    }

    #[test]
    fn later_text_sharing_an_ngram_is_dropped_and_points_to_the_first() {
        let texts = [
            "a b c d e",
            "x a b c y",
            "q r s t u",
            "zz x a b c",
        ];
        let out = dedup(&texts, 3, &[]);
        assert_eq!(out.kept, [true, false, true, false]);
        assert_eq!(out.matched, [NO_MATCH, 0, NO_MATCH, 0]);
    }

    #[test]
    fn dropped_texts_still_claim_their_ngrams() {
        // Text 1 is dropped (shares "a b c" with 0) but its "c y z" still drops text 2.
        let texts = ["a b c", "a b c y z", "c y z"];
        let out = dedup(&texts, 3, &[]);
        assert_eq!(out.matched, [NO_MATCH, 0, 1]);
    }

    #[test]
    fn short_texts_and_repeats_inside_one_text_are_kept() {
        let texts = ["a b", "a b", "a a a a a"];
        let out = dedup(&texts, 3, &[]);
        assert_eq!(out.kept, [true, true, true]);
    }

    #[test]
    fn reference_matches_have_their_own_code_and_earlier_texts_take_precedence() {
        let texts = ["p q r", "one two three", "one two three four"];
        let out = dedup(&texts, 3, &["x one two three"]);
        assert_eq!(out.matched, [NO_MATCH, REFERENCE_MATCH, 1]);
        assert_eq!(out.kept, [true, false, false]);
    }

    #[test]
    fn case_and_punctuation_do_not_matter() {
        let texts = ["The quick, brown fox!", "the QUICK brown... FOX"];
        assert_eq!(dedup(&texts, 4, &[]).matched, [NO_MATCH, 0]);
    }

    #[test]
    fn zero_n_is_rejected() {
        assert!(matches!(ngram_dedup(&["a"], 0, &[] as &[&str]), Err(KernelError::InvalidArgument(_))));
    }

    #[test]
    fn result_does_not_depend_on_thread_count_or_block_boundaries() {
        let texts: Vec<String> = (0..(BLOCK_TEXTS + 5000))
            .map(|i| format!("w{} w{} w{} w{}", i % 997, (i * 7) % 991, i % 13, i % 5))
            .collect();
        let reference = vec!["w1 w7 w1 w1".to_string()];
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let four = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap();
        let a = one.install(|| ngram_dedup(&texts, 3, &reference).unwrap());
        let b = four.install(|| ngram_dedup(&texts, 3, &reference).unwrap());
        assert_eq!(a, b);
        assert!(a.kept.iter().any(|k| !k) && a.kept.iter().any(|k| *k));
    }
}
