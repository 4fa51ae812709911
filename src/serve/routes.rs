//! The HTTP routes: each reads its JSON, runs the library, and answers
//! JSON. The OpenAPI document is derived from these functions' annotations
//! and the types of [`super::types`].

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::Value as Json;
use tokio::sync::Semaphore;
use utoipa::OpenApi;

use super::decisions;
use super::error::ApiError;
use super::limits::{self, Limits, parse_json, read_body, run_limited};
use super::records::{Kind, Record, Recorder};
use super::state::{Rulebook, Served};
use super::types::*;
use crate::api::RunRequest;
use crate::span::SourceFile;

/// What every request shares.
pub struct Shared {
    /// The rulebooks.
    pub served: Served,
    /// The limits.
    pub limits: Limits,
    /// Where decisions are recorded, if anywhere.
    pub recorder: Option<Recorder>,
    /// Requests being answered.
    pub requests: Arc<Semaphore>,
    /// Blocking work under way (one per core).
    pub workers: Arc<Semaphore>,
}

type AppState = State<Arc<Shared>>;

/// A JSON answer from text the library wrote.
fn json_text(text: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], text).into_response()
}

fn book(state: &Shared, name: &str) -> Result<Arc<Rulebook>, ApiError> {
    let catalog = state.served.catalog();
    catalog
        .get(name)
        .ok_or_else(|| ApiError::unknown_rulebook(name, &catalog.names()))
}

fn record(
    state: &Shared,
    book: &Rulebook,
    kind: Kind,
    request: Json,
    result: Json,
    reasons: Vec<String>,
) {
    if let Some(recorder) = &state.recorder {
        let r = Record::new(&book.name, &book.provenance, kind, request, result, reasons);
        if let Err(e) = recorder.append(&r) {
            eprintln!("rochdale serve: cannot write the decision record: {e}");
        }
    }
}

/// The server's health, and every rulebook file that fails its check.
#[utoipa::path(get, path = "/health", responses((status = 200, body = Health)))]
async fn health(State(state): AppState) -> axum::Json<Health> {
    let catalog = state.served.catalog();
    axum::Json(Health {
        status: if catalog.failing.is_empty() {
            "ok"
        } else {
            "degraded"
        }
        .into(),
        rulebooks: catalog.books.len(),
        failing: catalog.failing.values().cloned().collect(),
    })
}

/// The rulebooks served, with their version and provenance hash.
#[utoipa::path(get, path = "/rulebooks", responses((status = 200, body = RulebookList)))]
async fn rulebooks(State(state): AppState) -> axum::Json<RulebookList> {
    let catalog = state.served.catalog();
    axum::Json(RulebookList {
        rulebooks: catalog.books.values().map(|b| b.info()).collect(),
    })
}

/// A rule's value for the members and inputs given.
#[utoipa::path(post, path = "/rulebooks/{name}/evaluate",
    params(("name" = String, Path, description = "the rulebook (its file name without .coop)")),
    request_body = EvaluateRequest,
    responses((status = 200, body = EvaluateResponse), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn evaluate(
    State(state): AppState,
    Path(name): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let book = book(&state, &name)?;
    let bytes = read_body(body, &state.limits).await?;
    let request: EvaluateRequest = parse_json(&bytes)?;
    // Inline: the step budget bounds the work, and a till's decision takes
    // a microsecond, far less than a hop to a blocking thread.
    let answer = decisions::evaluate(&book, &request, state.limits.step_budget)?;
    if state.recorder.is_some() {
        let reasons = answer.reasons.iter().map(|r| r.sentence.clone()).collect();
        let (request, result) = (decisions::as_json(&request), decisions::as_json(&answer));
        record(&state, &book, Kind::Evaluate, request, result, reasons);
    }
    Ok(axum::Json(answer).into_response())
}

/// Whether an act is done: done with what it books, or refused with its reasons.
#[utoipa::path(post, path = "/rulebooks/{name}/decide",
    params(("name" = String, Path, description = "the rulebook")),
    request_body = DecideRequest,
    responses((status = 200, body = DecideResponse), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn decide(
    State(state): AppState,
    Path(name): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let book = book(&state, &name)?;
    let bytes = read_body(body, &state.limits).await?;
    let mut request: DecideRequest = parse_json(&bytes)?;
    // The date is fixed before the decision, so the record replays it.
    request.date.get_or_insert_with(decisions::today);
    let (request, answer) = {
        let book = book.clone();
        run_limited(&state.workers, state.limits.time_limit, move || {
            decisions::decide(&book, &request).map(|a| (request, a))
        })
        .await?
    };
    if state.recorder.is_some() {
        let (req, result) = (decisions::as_json(&request), decisions::as_json(&answer));
        record(
            &state,
            &book,
            Kind::Decide,
            req,
            result,
            answer.reasons.clone(),
        );
    }
    Ok(axum::Json(answer).into_response())
}

/// The library's request for `simulate` and `explain`.
fn run_request(book: &Rulebook, options: RunOptions) -> RunRequest {
    let mut files = book.files.clone();
    files.extend(options.files);
    RunRequest {
        scenario: options.scenario,
        scenario_json: options.scenario_json.map(json_as_text),
        members_csv: options.members_csv,
        members_map: options.members_map,
        members_dates: options.members_dates,
        ballots_csv: options.ballots_csv,
        opening_csv: options.opening_csv,
        files,
        examples_only: false,
        example: options.example,
        step: options.step,
        value: options.value,
        summary: options.summary,
        // The server runs scenarios as written: no projection yet.
        years: None,
    }
}

/// A scenario given as an object or as its text.
fn json_as_text(v: Json) -> String {
    match v {
        Json::String(s) => s,
        other => other.to_string(),
    }
}

/// Runs a library interface over a rulebook on a worker, within the limits.
async fn library(
    state: &Shared,
    name: &str,
    body: Body,
    work: impl FnOnce(&Rulebook, RunOptions) -> Result<String, crate::api::Failure> + Send + 'static,
) -> Result<Response, ApiError> {
    let book = book(state, name)?;
    let bytes = read_body(body, &state.limits).await?;
    let options: RunOptions = parse_json(&bytes)?;
    let text = run_limited(&state.workers, state.limits.time_limit, move || {
        work(&book, options).map_err(|f| ApiError::from_failure(&f))
    })
    .await?;
    Ok(json_text(text))
}

/// The rulebook's check, as `rochdale check --format json`.
#[utoipa::path(post, path = "/rulebooks/{name}/check",
    params(("name" = String, Path, description = "the rulebook")),
    responses((status = 200, body = Json), (status = 404, body = ErrorBody)))]
async fn check(
    State(state): AppState,
    Path(name): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    // The examples' member files come from the rulebook's folder, and
    // from the request's `files`.
    library(&state, &name, body, |book, options| {
        Ok(crate::api::check_with(
            &book.file,
            &run_request(book, options),
        ))
    })
    .await
}

/// The rulebook's examples run, as `rochdale test --format json`.
#[utoipa::path(post, path = "/rulebooks/{name}/test",
    params(("name" = String, Path, description = "the rulebook")),
    responses((status = 200, body = Json), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn test(
    State(state): AppState,
    Path(name): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    library(&state, &name, body, |book, options| {
        Ok(crate::api::test_with(
            &book.file,
            &run_request(book, options),
        ))
    })
    .await
}

/// The rules as a document, as `rochdale doc --format html`: one
/// self-contained HTML page (docs/document.md).
#[utoipa::path(get, path = "/rulebooks/{name}/doc",
    params(("name" = String, Path, description = "the rulebook")),
    responses((status = 200, description = "the document", content_type = "text/html"),
        (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn doc(State(state): AppState, Path(name): Path<String>) -> Result<Response, ApiError> {
    let book = book(&state, &name)?;
    let html = run_limited(&state.workers, state.limits.time_limit, move || {
        crate::api::document_html(&book.file).map_err(|f| ApiError::from_failure(&f))
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
}

/// A scenario run, as `rochdale simulate --format json`.
#[utoipa::path(post, path = "/rulebooks/{name}/simulate",
    params(("name" = String, Path, description = "the rulebook")),
    request_body = RunOptions,
    responses((status = 200, body = Json), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn simulate(
    State(state): AppState,
    Path(name): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    library(&state, &name, body, |book, options| {
        crate::api::simulate(&book.file, &run_request(book, options))
    })
    .await
}

/// How a value is derived, as `rochdale explain --format json`.
#[utoipa::path(post, path = "/rulebooks/{name}/explain",
    params(("name" = String, Path, description = "the rulebook")),
    request_body = RunOptions,
    responses((status = 200, body = Json), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn explain(
    State(state): AppState,
    Path(name): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    library(&state, &name, body, |book, options| {
        crate::api::explain(&book.file, &run_request(book, options))
    })
    .await
}

/// Two versions of a rulebook compared, as `rochdale diff --format json`:
/// the old one served (by name) or given, the new one given.
#[utoipa::path(post, path = "/diff", request_body = DiffRequest,
    responses((status = 200, body = Json), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn diff(State(state): AppState, body: Body) -> Result<Response, ApiError> {
    let bytes = read_body(body, &state.limits).await?;
    let request: DiffRequest = parse_json(&bytes)?;
    let (old, files) = match (&request.old, &request.rulebook) {
        (Some(text), _) => (
            SourceFile::new("old.coop", text.clone()),
            Default::default(),
        ),
        (None, Some(name)) => {
            let book = book(&state, name)?;
            (book.file.clone(), book.files.clone())
        }
        (None, None) => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_request",
                "there is no old version to compare with",
            )
            .help("give `rulebook` (a rulebook served) or `old` (its text)"));
        }
    };
    let text = run_limited(&state.workers, state.limits.time_limit, move || {
        let new = SourceFile::new("new.coop", request.new);
        let run = RunRequest {
            scenario: request.scenario,
            scenario_json: request.scenario_json.map(json_as_text),
            members_csv: request.members_csv,
            members_map: request.members_map,
            members_dates: request.members_dates,
            files,
            examples_only: request.examples_only,
            ..RunRequest::default()
        };
        crate::api::diff(&old, &new, &run).map_err(|f| ApiError::from_failure(&f))
    })
    .await?;
    Ok(json_text(text))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Rochdale decision server",
        description = "Rulebooks served over HTTP and JSON (docs/server.md)."
    ),
    paths(
        health, rulebooks, evaluate, decide, check, test, doc, simulate, explain, diff
    ),
    components(schemas(
        ErrorBody,
        ValueJson,
        Reason,
        Booking,
        ProvenanceJson,
        RulebookInfo,
        FailingRulebook
    ))
)]
struct ApiDoc;

/// The OpenAPI 3 document of the server, derived from its types.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(openapi())
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "there is no such endpoint",
    )
    .help("see /openapi.json for the endpoints")
}

/// Refuses a request past the limit of requests at once.
async fn at_most(State(state): AppState, request: Request, next: Next) -> Response {
    match state.requests.clone().try_acquire_owned() {
        Ok(permit) => {
            let response = next.run(request).await;
            drop(permit);
            response
        }
        Err(_) => limits::busy(state.limits.max_concurrent).into_response(),
    }
}

/// The server's routes over `state`.
pub fn router(state: Arc<Shared>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi_json))
        .route("/rulebooks", get(rulebooks))
        .route("/rulebooks/{name}/evaluate", post(evaluate))
        .route("/rulebooks/{name}/decide", post(decide))
        .route("/rulebooks/{name}/check", post(check))
        .route("/rulebooks/{name}/test", post(test))
        .route("/rulebooks/{name}/doc", get(doc))
        .route("/rulebooks/{name}/simulate", post(simulate))
        .route("/rulebooks/{name}/explain", post(explain))
        .route("/diff", post(diff))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), at_most))
        .with_state(state)
}
