//! Phase timing of the n-gram kernel on a NUL-separated text file:
//! `cargo run --release --example ngram_profile -- FILE [REPLICAS]`.
use std::time::Instant;

use dp_instructions_native::ngram;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: ngram_profile FILE [REPLICAS]");
    let replicas: usize = args.next().map(|r| r.parse().unwrap()).unwrap_or(1);
    let raw = std::fs::read_to_string(path).unwrap();
    let base: Vec<&str> = raw.split('\0').collect();
    let texts: Vec<&str> = (0..replicas).flat_map(|_| base.iter().copied()).collect();
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    let t = Instant::now();
    let mut words = 0usize;
    for text in &texts {
        ngram::for_each_word(text, |_| words += 1);
    }
    let tok = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let out = ngram::ngram_dedup(&texts, 10, &[] as &[&str]).unwrap();
    let total = t.elapsed().as_secs_f64();
    println!(
        "{} texts, {:.0} MB, {words} words: tokenise (1 thread) {tok:.3}s; dedup (all threads) {total:.3}s = {:.0} MB/s; kept {}",
        texts.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / total,
        out.kept.iter().filter(|k| **k).count()
    );
}
