//! Thin pyo3 layer: borrow numpy buffers and Python strings without copying, release the
//! GIL for the work, and map `KernelError` to `dp_instructions.exceptions`.

use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::PyList;

use crate::centroids::{self, Matrix};
use crate::error::KernelError;
use crate::pool::with_threads;
use crate::{ngram, resample};

fn exception_class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("dp_instructions.exceptions")?.getattr(name)
}

fn to_py_err(py: Python<'_>, err: KernelError) -> PyErr {
    let message = err.to_string();
    let built = match &err {
        KernelError::InvalidArgument(_) => {
            exception_class(py, "InvalidInputError").and_then(|c| c.call1((message,)))
        }
        KernelError::NonFinite { .. } => {
            exception_class(py, "NonFiniteValueError").and_then(|c| c.call1((message,)))
        }
        KernelError::LabelOutOfRange { .. } => {
            exception_class(py, "LabelOutOfRangeError").and_then(|c| c.call1((message,)))
        }
        KernelError::InsufficientMembers(short) => {
            let rows: Vec<(usize, u64, u64)> = short
                .iter()
                .map(|s| (s.cluster, s.needed, s.available))
                .collect();
            exception_class(py, "InsufficientSamplesError").and_then(|c| c.call1((message, rows)))
        }
    };
    match built {
        Ok(instance) => PyErr::from_value(instance),
        Err(import_failure) => import_failure,
    }
}

fn contiguous<'a, T: numpy::Element, D: numpy::ndarray::Dimension>(
    array: &'a numpy::PyReadonlyArray<'_, T, D>,
    name: &str,
) -> PyResult<&'a [T]> {
    array.as_slice().map_err(|_| {
        Python::attach(|py| {
            match exception_class(py, "InvalidInputError").and_then(|c| {
                c.call1((format!(
                    "`{name}` must be a C-contiguous array (use numpy.ascontiguousarray)"
                ),))
            }) {
                Ok(instance) => PyErr::from_value(instance),
                Err(e) => e,
            }
        })
    })
}

/// Two one-dimensional numpy arrays returned together (e.g. labels and distances).
type ArrayPair<'py, A, B> = (Bound<'py, PyArray1<A>>, Bound<'py, PyArray1<B>>);

fn matrix<'a>(array: &'a PyReadonlyArray2<'_, f32>, name: &str) -> PyResult<Matrix<'a>> {
    let shape = array.shape();
    let data = contiguous(array, name)?;
    Ok(Matrix {
        data,
        rows: shape[0],
        cols: shape[1],
    })
}

#[pyfunction]
#[pyo3(signature = (texts, n, reference=None, num_threads=None))]
fn ngram_dedup<'py>(
    py: Python<'py>,
    texts: Vec<PyBackedStr>,
    n: usize,
    reference: Option<Vec<PyBackedStr>>,
    num_threads: Option<usize>,
) -> PyResult<ArrayPair<'py, bool, i64>> {
    let reference = reference.unwrap_or_default();
    let texts_ref: Vec<&str> = texts.iter().map(|s| &**s).collect();
    let reference_ref: Vec<&str> = reference.iter().map(|s| &**s).collect();
    let outcome = py
        .detach(|| {
            with_threads(num_threads, || {
                ngram::ngram_dedup(&texts_ref, n, &reference_ref)
            })
        })
        .and_then(|r| r)
        .map_err(|e| to_py_err(py, e))?;
    Ok((
        outcome.kept.into_pyarray(py),
        outcome.matched.into_pyarray(py),
    ))
}

#[pyfunction]
fn tokenize<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, ngram::words(text))
}

#[pyfunction]
#[pyo3(signature = (x, centroids, num_threads=None))]
fn nearest_centroid<'py>(
    py: Python<'py>,
    x: PyReadonlyArray2<'py, f32>,
    centroids: PyReadonlyArray2<'py, f32>,
    num_threads: Option<usize>,
) -> PyResult<ArrayPair<'py, i64, f32>> {
    let xm = matrix(&x, "x")?;
    let cm = matrix(&centroids, "centroids")?;
    let (labels, dists) = py
        .detach(|| with_threads(num_threads, || centroids::nearest_centroid(xm, cm)))
        .and_then(|r| r)
        .map_err(|e| to_py_err(py, e))?;
    Ok((labels.into_pyarray(py), dists.into_pyarray(py)))
}

#[pyfunction]
#[pyo3(signature = (x, centroids, num_threads=None))]
fn vote_counts<'py>(
    py: Python<'py>,
    x: PyReadonlyArray2<'py, f32>,
    centroids: PyReadonlyArray2<'py, f32>,
    num_threads: Option<usize>,
) -> PyResult<Bound<'py, PyArray1<i64>>> {
    let xm = matrix(&x, "x")?;
    let cm = matrix(&centroids, "centroids")?;
    let counts = py
        .detach(|| with_threads(num_threads, || centroids::vote_counts(xm, cm)))
        .and_then(|r| r)
        .map_err(|e| to_py_err(py, e))?;
    Ok(counts.into_pyarray(py))
}

#[pyfunction]
#[pyo3(signature = (labels, targets, seed, replace=false, num_threads=None))]
fn resample_indices<'py>(
    py: Python<'py>,
    labels: PyReadonlyArray1<'py, i64>,
    targets: PyReadonlyArray1<'py, i64>,
    seed: u64,
    replace: bool,
    num_threads: Option<usize>,
) -> PyResult<Bound<'py, PyArray1<i64>>> {
    let labels_s = contiguous(&labels, "labels")?;
    let targets_s = contiguous(&targets, "targets")?;
    let indices = py
        .detach(|| {
            with_threads(num_threads, || {
                resample::resample_indices(labels_s, targets_s, seed, replace)
            })
        })
        .and_then(|r| r)
        .map_err(|e| to_py_err(py, e))?;
    Ok(indices.into_pyarray(py))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("NO_MATCH", ngram::NO_MATCH)?;
    m.add("REFERENCE_MATCH", ngram::REFERENCE_MATCH)?;
    m.add_function(wrap_pyfunction!(ngram_dedup, m)?)?;
    m.add_function(wrap_pyfunction!(tokenize, m)?)?;
    m.add_function(wrap_pyfunction!(nearest_centroid, m)?)?;
    m.add_function(wrap_pyfunction!(vote_counts, m)?)?;
    m.add_function(wrap_pyfunction!(resample_indices, m)?)?;
    Ok(())
}
