//! Word n-gram de-duplication (paper, Appendix E): "if a 10-gram occurs in several
//! instructions, only the first instruction that has it is kept", plus decontamination
//! against a reference set.
//!
//! Words are maximal runs of Unicode letters (general categories Lu, Ll, Lt, Lm, Lo),
//! decimal digits (Nd) or `_`, each lower-cased with the full Unicode mapping. Each word
//! is hashed with XXH3-128; an n-gram is identified by two independent polynomial hashes
//! of its word hashes modulo the Mersenne prime 2^61 - 1 (a rolling hash, O(1) per
//! n-gram). Two different n-grams collide with probability about (n / 2^61)^2 per pair,
//! i.e. never in practice, even over billions of n-grams.
//!
//! The work is split so that the result never depends on the thread count: texts are
//! fingerprinted in parallel, fingerprints are scattered to a fixed number of shards, and
//! each shard replays its fingerprints in input order to find the first text holding
//! each one. "Earliest earlier text" is a minimum, which is order-independent across
//! shards.

use std::hash::{BuildHasherDefault, Hash, Hasher};
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

/// ASCII bytes that belong to a word.
const ASCII_WORD: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    table
};

/// The character starting at byte `i` of `text` (a char boundary) and its length.
#[inline]
fn char_at(text: &str, i: usize) -> (char, usize) {
    let c = text[i..]
        .chars()
        .next()
        .expect("char boundary inside the text");
    (c, c.len_utf8())
}

/// Whether the text at byte `i` starts a word character; the step to the next char.
#[inline]
fn word_char_at(text: &str, bytes: &[u8], i: usize) -> (bool, usize, bool) {
    let b = bytes[i];
    if b < 128 {
        (ASCII_WORD[b as usize], 1, true)
    } else {
        let (c, len) = char_at(text, i);
        (is_word_char(c), len, false)
    }
}

/// Calls `f` with each lower-cased word of `text`, in order.
pub fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut buf: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let (is_word, len, _) = word_char_at(text, bytes, i);
        if !is_word {
            i += len;
            continue;
        }
        let start = i;
        let mut ascii = true;
        while i < bytes.len() {
            let (is_word, len, is_ascii) = word_char_at(text, bytes, i);
            if !is_word {
                break;
            }
            ascii &= is_ascii;
            i += len;
        }
        let word = &text[start..i];
        if ascii {
            buf.clear();
            buf.extend(word.bytes().map(|b| b.to_ascii_lowercase()));
            // SAFETY: lower-casing ASCII bytes keeps them ASCII, hence valid UTF-8.
            f(unsafe { std::str::from_utf8_unchecked(&buf) });
        } else {
            // Whole-word lowering, as Python's `str.lower`: final sigma depends on context.
            f(&word.to_lowercase());
        }
    }
}

/// The lower-cased words of `text` (used by tests and callers that want the tokens).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |w| out.push(w.to_owned()));
    out
}

/// The Mersenne prime 2^61 - 1, modulus of both polynomial hashes.
const P: u64 = (1 << 61) - 1;
/// Bases of the two polynomial hashes (arbitrary fixed residues).
const BASES: [u64; 2] = [0x0f3d_5b79_a2c4_e6f1 % P, 0x1c6e_b0a3_5d27_9e4b % P];

#[inline]
fn reduce(x: u64) -> u64 {
    let r = (x & P) + (x >> 61);
    if r >= P {
        r - P
    } else {
        r
    }
}

#[inline]
fn mul_mod(a: u64, b: u64) -> u64 {
    let r = u128::from(a) * u128::from(b);
    let s = (r as u64 & P) + (r >> 61) as u64;
    if s >= P {
        s - P
    } else {
        s
    }
}

#[inline]
fn add_mod(a: u64, b: u64) -> u64 {
    let s = a + b;
    if s >= P {
        s - P
    } else {
        s
    }
}

#[inline]
fn sub_mod(a: u64, b: u64) -> u64 {
    if a >= b {
        a - b
    } else {
        a + P - b
    }
}

/// Reusable per-task state for fingerprinting the n-grams of many texts.
struct Fingerprinter {
    n: usize,
    /// BASES[l]^(n-1) mod P: the weight of the word leaving the window.
    top: [u64; 2],
    lanes: Vec<[u64; 2]>,
}

impl Fingerprinter {
    fn new(n: usize) -> Self {
        let mut top = [1u64; 2];
        for _ in 1..n {
            for l in 0..2 {
                top[l] = mul_mod(top[l], BASES[l]);
            }
        }
        Self {
            n,
            top,
            lanes: Vec::new(),
        }
    }

    /// Calls `f` with the fingerprint of each n-gram of `text`, in order.
    fn for_each_ngram(&mut self, text: &str, mut f: impl FnMut(Fingerprint)) {
        let n = self.n;
        self.lanes.clear();
        let lanes = &mut self.lanes;
        for_each_word(text, |w| {
            let h = xxh3_128(w.as_bytes());
            lanes.push([reduce((h >> 64) as u64), reduce(h as u64)]);
        });
        if self.lanes.len() < n {
            return;
        }
        let mut acc = [0u64; 2];
        for word in &self.lanes[..n] {
            for l in 0..2 {
                acc[l] = add_mod(mul_mod(acc[l], BASES[l]), word[l]);
            }
        }
        f(fingerprint(acc));
        for i in n..self.lanes.len() {
            let (out, inn) = (self.lanes[i - n], self.lanes[i]);
            for l in 0..2 {
                let without = sub_mod(acc[l], mul_mod(out[l], self.top[l]));
                acc[l] = add_mod(mul_mod(without, BASES[l]), inn[l]);
            }
            f(fingerprint(acc));
        }
    }
}

/// 128-bit n-gram fingerprint: the two polynomial-hash lanes.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Fingerprint([u64; 2]);

#[inline]
fn fingerprint(acc: [u64; 2]) -> Fingerprint {
    Fingerprint(acc)
}

impl Fingerprint {
    #[inline]
    fn shard(self) -> usize {
        (self.0[0] % SHARDS as u64) as usize
    }
}

impl Hash for Fingerprint {
    /// Lanes are near-uniform residues below 2^61: mixing them with one multiply spreads
    /// the hash over all 64 bits (hashbrown reads its tag from the top bits).
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        state
            .write_u64((self.0[1] ^ self.0[0].rotate_left(32)).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    }
}

/// Passes through the single `write_u64` of [`Fingerprint`]'s `Hash`.
#[derive(Default)]
struct PassThroughHasher(u64);

impl Hasher for PassThroughHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }
}

type FpBuild = BuildHasherDefault<PassThroughHasher>;

/// A fingerprint and the index of the text it came from.
#[derive(Clone, Copy)]
struct Occurrence {
    fp: Fingerprint,
    text: u32,
}

/// The occurrences of one chunk of texts grouped by shard (a counting sort), in text
/// order inside each shard.
struct Partitioned {
    offsets: [u32; SHARDS + 1],
    items: Vec<Occurrence>,
}

impl Partitioned {
    fn from_unsorted(unsorted: &[Occurrence]) -> Self {
        let mut offsets = [0u32; SHARDS + 1];
        for occ in unsorted {
            offsets[occ.fp.shard() + 1] += 1;
        }
        for s in 0..SHARDS {
            offsets[s + 1] += offsets[s];
        }
        let mut cursor = offsets;
        let mut items = vec![
            Occurrence {
                fp: Fingerprint([0, 0]),
                text: 0
            };
            unsorted.len()
        ];
        for occ in unsorted {
            let slot = &mut cursor[occ.fp.shard()];
            items[*slot as usize] = *occ;
            *slot += 1;
        }
        Self { offsets, items }
    }

    #[inline]
    fn shard(&self, s: usize) -> &[Occurrence] {
        &self.items[self.offsets[s] as usize..self.offsets[s + 1] as usize]
    }
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
fn reference_shards<S: AsRef<str> + Sync>(
    reference: &[S],
    n: usize,
) -> Vec<HashSet<Fingerprint, FpBuild>> {
    let chunks: Vec<Partitioned> = reference
        .par_chunks(CHUNK_TEXTS)
        .map(|chunk| {
            let mut fpr = Fingerprinter::new(n);
            let mut occurrences = Vec::new();
            for text in chunk {
                fpr.for_each_ngram(text.as_ref(), |fp| {
                    occurrences.push(Occurrence { fp, text: 0 })
                });
            }
            Partitioned::from_unsorted(&occurrences)
        })
        .collect();
    (0..SHARDS)
        .into_par_iter()
        .map(|s| {
            let mut set = HashSet::with_hasher(FpBuild::default());
            for chunk in &chunks {
                set.extend(chunk.shard(s).iter().map(|occ| occ.fp));
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
    let mut first_seen: Vec<HashMap<Fingerprint, u32, FpBuild>> = (0..SHARDS)
        .map(|_| HashMap::with_hasher(FpBuild::default()))
        .collect();

    for (block_no, block) in texts.chunks(BLOCK_TEXTS).enumerate() {
        let block_start = block_no * BLOCK_TEXTS;
        let hits = &mut reference_hit[block_start..block_start + block.len()];
        // Fingerprint in parallel; each chunk groups its (fingerprint, text) pairs by shard.
        let scattered: Vec<Partitioned> = block
            .par_chunks(CHUNK_TEXTS)
            .zip(hits.par_chunks_mut(CHUNK_TEXTS))
            .enumerate()
            .map(|(chunk_no, (chunk, chunk_hits))| {
                let mut fpr = Fingerprinter::new(n);
                let bytes: usize = chunk.iter().map(|t| t.as_ref().len()).sum();
                let mut occurrences = Vec::with_capacity(bytes / 4);
                for (offset, text) in chunk.iter().enumerate() {
                    let index = (block_start + chunk_no * CHUNK_TEXTS + offset) as u32;
                    let hit = &mut chunk_hits[offset];
                    fpr.for_each_ngram(text.as_ref(), |fp| {
                        if has_reference && !*hit && reference_sets[fp.shard()].contains(&fp) {
                            *hit = true;
                        }
                        occurrences.push(Occurrence { fp, text: index });
                    });
                }
                Partitioned::from_unsorted(&occurrences)
            })
            .collect();
        first_seen
            .par_iter_mut()
            .enumerate()
            .for_each(|(shard, map)| {
                for chunk in &scattered {
                    for &Occurrence { fp, text: index } in chunk.shard(shard) {
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
        assert_eq!(
            words("Hello, World_2 ÉTÉ-été 3.14"),
            ["hello", "world_2", "été", "été", "3", "14"]
        );
        assert_eq!(words("東京 タワー"), ["東京", "タワー"]);
        // Superscript two is a number but not a decimal digit: it splits words.
        assert_eq!(words("x²y"), ["x", "y"]);
        assert_eq!(words("ΟΔΟΣ"), ["οδος"]);
        assert!(words("  ...  ").is_empty());
    }

    #[test]
    fn later_text_sharing_an_ngram_is_dropped_and_points_to_the_first() {
        let texts = ["a b c d e", "x a b c y", "q r s t u", "zz x a b c"];
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
        assert!(matches!(
            ngram_dedup(&["a"], 0, &[] as &[&str]),
            Err(KernelError::InvalidArgument(_))
        ));
    }

    #[test]
    fn result_does_not_depend_on_thread_count_or_block_boundaries() {
        let texts: Vec<String> = (0..(BLOCK_TEXTS + 5000))
            .map(|i| format!("w{} w{} w{} w{}", i % 997, (i * 7) % 991, i % 13, i % 5))
            .collect();
        let reference = vec!["w1 w7 w1 w1".to_string()];
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let four = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap();
        let a = one.install(|| ngram_dedup(&texts, 3, &reference).unwrap());
        let b = four.install(|| ngram_dedup(&texts, 3, &reference).unwrap());
        assert_eq!(a, b);
        assert!(a.kept.iter().any(|k| !k) && a.kept.iter().any(|k| *k));
    }
}
