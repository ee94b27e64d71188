//! Errors of the algorithm modules, free of any Python type; the bindings map each
//! variant to an exception class of `dp_instructions.exceptions`.

use std::fmt;

/// A cluster that has fewer members than the number of draws asked of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortfall {
    pub cluster: usize,
    pub needed: u64,
    pub available: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum KernelError {
    /// The caller passed an argument that can never be valid (wrong shape, n = 0, ...).
    InvalidArgument(String),
    /// A NaN or infinite value in a float array.
    NonFinite {
        array: &'static str,
        row: usize,
        col: usize,
    },
    /// A label outside `[0, k)`.
    LabelOutOfRange {
        position: usize,
        label: i64,
        k: usize,
    },
    /// Sampling without replacement asked more of some clusters than they hold.
    InsufficientMembers(Vec<Shortfall>),
}

impl fmt::Display for KernelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KernelError::InvalidArgument(msg) => f.write_str(msg),
            KernelError::NonFinite { array, row, col } => write!(
                f,
                "`{array}` contains a non-finite value (NaN or inf) at row {row}, column {col}"
            ),
            KernelError::LabelOutOfRange { position, label, k } => write!(
                f,
                "`labels[{position}]` is {label}, outside the valid cluster range [0, {k})"
            ),
            KernelError::InsufficientMembers(short) => {
                write!(
                    f,
                    "need more initial samples: {} cluster(s) have fewer members than their target \
                     (sampling without replacement): ",
                    short.len()
                )?;
                for (i, s) in short.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(
                        f,
                        "cluster {} needs {} has {}",
                        s.cluster, s.needed, s.available
                    )?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for KernelError {}

pub type KernelResult<T> = Result<T, KernelError>;
