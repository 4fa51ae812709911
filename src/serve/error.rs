//! Errors as the server answers them: an HTTP status and a JSON body with
//! a stable code, a message and a help line.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::types::ErrorBody;
use crate::diagnostic::{Code, Diagnostic, DiagnosticJson};
use crate::span::Sources;

/// An error answered to a request.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The JSON body.
    pub body: ErrorBody,
}

impl ApiError {
    /// An error with a status, a code and a message.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            body: ErrorBody {
                code: code.to_string(),
                message: message.into(),
                help: None,
                diagnostics: Vec::new(),
            },
        }
    }

    /// With a help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.body.help = Some(help.into());
        self
    }

    /// The request's input was read but does not fit the rulebook: the
    /// first diagnostic says why, all of them are attached, and the code
    /// names the kind of problem (docs/server.md).
    pub fn from_diagnostics(diagnostics: &[Diagnostic], sources: Sources<'_>) -> Self {
        let first = diagnostics.first();
        let mut error = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            first.map_or("bad_request", |d| code_for(d.code)),
            first.map_or_else(
                || "the request could not be carried out".to_string(),
                |d| d.message.clone(),
            ),
        );
        error.body.help = first.and_then(|d| d.help.clone());
        error.body.diagnostics = diagnostics
            .iter()
            .filter_map(|d| serde_json::to_value(DiagnosticJson::new(d, sources)).ok())
            .collect();
        error
    }

    /// One diagnostic, without a text to place it in.
    pub fn from_diagnostic(d: &Diagnostic, sources: Sources<'_>) -> Self {
        ApiError::from_diagnostics(std::slice::from_ref(d), sources)
    }

    /// A library failure (the rulebook, a scenario or a request's texts).
    pub fn from_failure(failure: &crate::api::Failure) -> Self {
        ApiError::from_diagnostics(&failure.diagnostics, failure.sources())
    }

    /// No rulebook of that name.
    pub fn unknown_rulebook(name: &str, known: &[&str]) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_rulebook",
            format!("no rulebook `{name}` is served"),
        )
        .help(if known.is_empty() {
            "no rulebook is served: put a .coop file in the server's --rulebooks folder".to_string()
        } else {
            format!("the rulebooks served are {}", known.join(", "))
        })
    }

    /// Something that should not happen (a worker that panicked).
    pub fn internal(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
            .help("this is a bug in Rochdale: please report it with the request")
    }
}

/// The error code for a kind of diagnostic: what a client can act on.
fn code_for(code: Code) -> &'static str {
    match code {
        Code::UnknownName => "unknown_name",
        Code::UnknownAttribute => "unknown_attribute",
        Code::ArgumentCount => "wrong_arguments",
        Code::BadValue => "bad_value",
        Code::StepBudget => "step_budget",
        Code::BadInputFile => "bad_request",
        _ => "rejected",
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}
