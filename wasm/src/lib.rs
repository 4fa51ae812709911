//! Rochdale for JavaScript: the same interpreter, compiled to WebAssembly.
//!
//! Every function takes texts and returns a JSON text: the same JSON as the
//! command line's `--format json` on success, or `{"diagnostics": [...]}`
//! when the rulebook, the request or the scenario has errors (each
//! diagnostic with its code, message, help, line and column). The request
//! is a JSON object (see `rochdale::api::RunRequest`): `scenario`,
//! `scenario_json`, `members_csv`, `members_map`, `members_dates`, `files`,
//! `examples_only`, `example`,
//! `step`, `value`, all optional.
//!
//! The npm package in `packages/rochdale/` wraps these: it parses the texts
//! and gives them types.

#![forbid(unsafe_code)]

use rochdale::SourceFile;
use rochdale::api::{self, Failure, RunRequest};
use wasm_bindgen::prelude::wasm_bindgen;

fn run(request: &str, f: impl FnOnce(&RunRequest) -> Result<String, Failure>) -> String {
    match RunRequest::from_json(request).and_then(|r| f(&r)) {
        Ok(json) => json,
        Err(failure) => failure.to_json(),
    }
}

/// The version of Rochdale inside.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// `rochdale check --format json` of the rulebook `text`, called `name`;
/// the member files its examples name are the request's `files`.
#[wasm_bindgen]
pub fn check(name: &str, text: &str, request: &str) -> String {
    run(request, |r| {
        Ok(api::check_with(&SourceFile::new(name, text), r))
    })
}

/// `rochdale test --format json`: the rulebook's examples run, the member
/// files they name (`members from "x.csv"`) taken from the request's `files`.
#[wasm_bindgen]
pub fn test(name: &str, text: &str, request: &str) -> String {
    run(request, |r| {
        Ok(api::test_with(&SourceFile::new(name, text), r))
    })
}

/// `rochdale simulate --format json`: a scenario run over the books.
#[wasm_bindgen]
pub fn simulate(name: &str, text: &str, request: &str) -> String {
    run(request, |r| api::simulate(&SourceFile::new(name, text), r))
}

/// `rochdale simulate --format csv`: every member's statement, as CSV text
/// (or `{"diagnostics": [...]}`).
#[wasm_bindgen]
pub fn statements_csv(name: &str, text: &str, request: &str) -> String {
    match RunRequest::from_json(request)
        .and_then(|r| api::statements_csv(&SourceFile::new(name, text), &r))
    {
        Ok(csv) => csv,
        Err(failure) => failure.to_json(),
    }
}

/// `rochdale simulate --years N --format csv`: the projection, one row a
/// financial year, as CSV text (or `{"diagnostics": [...]}`).
#[wasm_bindgen]
pub fn projection_csv(name: &str, text: &str, request: &str) -> String {
    match RunRequest::from_json(request)
        .and_then(|r| api::projection_csv(&SourceFile::new(name, text), &r))
    {
        Ok(csv) => csv,
        Err(failure) => failure.to_json(),
    }
}

/// A scenario of the rulebook (named in the request, or its only one), its
/// members included, as a JSON scenario to edit and run with `simulate`.
#[wasm_bindgen]
pub fn scenario_json(name: &str, text: &str, request: &str) -> String {
    run(request, |r| {
        api::scenario_json(&SourceFile::new(name, text), r)
    })
}

/// `rochdale explain --format json`: how `value` (in the request) is derived.
#[wasm_bindgen]
pub fn explain(name: &str, text: &str, request: &str) -> String {
    run(request, |r| api::explain(&SourceFile::new(name, text), r))
}

/// `rochdale doc --format html`: the rulebook as one self-contained HTML
/// document, or `{"diagnostics": [...]}` when it has errors.
#[wasm_bindgen]
pub fn document_html(name: &str, text: &str) -> String {
    match api::document_html(&SourceFile::new(name, text)) {
        Ok(html) => html,
        Err(failure) => failure.to_json(),
    }
}

/// `rochdale doc OLD NEW --format html`: the amendment pack, or
/// `{"diagnostics": [...]}`.
#[wasm_bindgen]
pub fn amendment_html(
    old_name: &str,
    old: &str,
    new_name: &str,
    new: &str,
    request: &str,
) -> String {
    run(request, |r| {
        api::amendment_html(
            &SourceFile::new(old_name, old),
            &SourceFile::new(new_name, new),
            r,
        )
    })
}

/// `rochdale diff --format json`: what changes from `old` to `new`.
#[wasm_bindgen]
pub fn diff(old_name: &str, old: &str, new_name: &str, new: &str, request: &str) -> String {
    run(request, |r| {
        api::diff(
            &SourceFile::new(old_name, old),
            &SourceFile::new(new_name, new),
            r,
        )
    })
}

/// `rochdale fmt`: `{"formatted": "..."}`, or the syntax errors.
#[wasm_bindgen]
pub fn format(name: &str, text: &str) -> String {
    match api::format(&SourceFile::new(name, text)) {
        Ok(formatted) => api::to_json(&Formatted { formatted }),
        Err(failure) => failure.to_json(),
    }
}

#[derive(serde::Serialize)]
struct Formatted {
    formatted: String,
}
