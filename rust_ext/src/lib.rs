//! The Rust core of dp-instructions. Every algorithm lives in a plain-Rust module with
//! its own tests; `bindings` (compiled only with the `python` feature) is the thin pyo3
//! layer that maturin builds into `dp_instructions._native`.

pub mod centroids;
pub mod error;
pub mod ngram;
pub mod pool;
pub mod resample;

#[cfg(feature = "python")]
mod bindings;
