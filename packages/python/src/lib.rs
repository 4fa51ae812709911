//! Rochdale for Python: `rochdale._native`, the functions of
//! [`rochdale::api`] over texts, each returning the JSON text the command
//! line's `--format json` prints (or `{"diagnostics": [...]}`). The package
//! `python/rochdale/` parses it into dicts and lists and turns the
//! diagnostics into a `RochdaleError`.
//!
//! The interpreter runs with the GIL released (`Python::detach`), so other
//! Python threads go on while a year is simulated.
//!
//! `#![forbid(unsafe_code)]` holds: PyO3's macros expand to no `unsafe`
//! block in this crate.

#![forbid(unsafe_code)]

use pyo3::prelude::*;
use rochdale::SourceFile;
use rochdale::api::{self, Failure, RunRequest};

/// The request's JSON (made by the Python side) read, then `f` run on it;
/// a failure becomes its JSON, as the WASM build does.
fn run(
    py: Python<'_>,
    request: &str,
    f: impl FnOnce(&RunRequest) -> Result<String, Failure> + Send,
) -> String {
    py.detach(
        || match RunRequest::from_json(request).and_then(|r| f(&r)) {
            Ok(json) => json,
            Err(failure) => failure.to_json(),
        },
    )
}

/// The version of Rochdale inside.
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// `rochdale check --format json` of the rulebook `text`, called `name`.
#[pyfunction]
fn check(py: Python<'_>, name: &str, text: &str) -> String {
    py.detach(|| api::check(&SourceFile::new(name, text)))
}

/// `rochdale test --format json`: the rulebook's examples run.
#[pyfunction]
fn test(py: Python<'_>, name: &str, text: &str) -> String {
    py.detach(|| api::test(&SourceFile::new(name, text)))
}

/// `rochdale simulate --format json`: a scenario run over the books.
#[pyfunction]
fn simulate(py: Python<'_>, name: &str, text: &str, request: &str) -> String {
    run(py, request, |r| {
        api::simulate(&SourceFile::new(name, text), r)
    })
}

/// `rochdale simulate --acts acts.csv --format json`: the timeline is the
/// text of a CSV act log, the people are the request's `members_csv`.
#[pyfunction]
fn simulate_acts(py: Python<'_>, name: &str, text: &str, acts: &str, request: &str) -> String {
    run(py, request, |r| {
        api::simulate_act_log(&SourceFile::new(name, text), acts, r)
    })
}

/// `rochdale simulate --format csv`: every member's statement, as CSV text
/// (or `{"diagnostics": [...]}`).
#[pyfunction]
fn statements_csv(py: Python<'_>, name: &str, text: &str, request: &str) -> String {
    run(py, request, |r| {
        api::statements_csv(&SourceFile::new(name, text), r)
    })
}

/// `rochdale explain --format json`: how the request's `value` is derived.
#[pyfunction]
fn explain(py: Python<'_>, name: &str, text: &str, request: &str) -> String {
    run(py, request, |r| {
        api::explain(&SourceFile::new(name, text), r)
    })
}

/// `rochdale diff --format json`: what changes from `old` to `new`.
#[pyfunction]
fn diff(
    py: Python<'_>,
    old_name: &str,
    old: &str,
    new_name: &str,
    new: &str,
    request: &str,
) -> String {
    run(py, request, |r| {
        api::diff(
            &SourceFile::new(old_name, old),
            &SourceFile::new(new_name, new),
            r,
        )
    })
}

/// `rochdale fmt`: the text in the canonical layout, as
/// `{"formatted": "..."}`, or the syntax errors.
#[pyfunction]
fn format(py: Python<'_>, name: &str, text: &str) -> String {
    py.detach(|| match api::format(&SourceFile::new(name, text)) {
        Ok(formatted) => api::to_json(&Formatted { formatted }),
        Err(failure) => failure.to_json(),
    })
}

#[derive(serde::Serialize)]
struct Formatted {
    formatted: String,
}

/// The module `rochdale._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(version, m)?)?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(test, m)?)?;
    m.add_function(wrap_pyfunction!(simulate, m)?)?;
    m.add_function(wrap_pyfunction!(simulate_acts, m)?)?;
    m.add_function(wrap_pyfunction!(statements_csv, m)?)?;
    m.add_function(wrap_pyfunction!(explain, m)?)?;
    m.add_function(wrap_pyfunction!(diff, m)?)?;
    m.add_function(wrap_pyfunction!(format, m)?)?;
    Ok(())
}
