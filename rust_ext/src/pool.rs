//! Thread-count control shared by the kernels: results never depend on it, speed does.

use crate::error::{KernelError, KernelResult};

/// Runs `work` on rayon's global pool, or on a dedicated pool of `threads` threads.
pub fn with_threads<T: Send>(
    threads: Option<usize>,
    work: impl FnOnce() -> T + Send,
) -> KernelResult<T> {
    match threads {
        None => Ok(work()),
        Some(0) => Err(KernelError::InvalidArgument(
            "`num_threads` must be at least 1".into(),
        )),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| {
                    KernelError::InvalidArgument(format!("cannot start {n} threads: {e}"))
                })?;
            Ok(pool.install(work))
        }
    }
}
