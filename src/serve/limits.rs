//! The limits on a request: the body's size and the time to send it, the
//! work (the evaluator's step budget) and the time to answer, and how many
//! requests are served at once. Each breach is a JSON error, never a panic.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use tokio::sync::Semaphore;

use super::error::ApiError;

/// The limits a server runs with.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest request body, in bytes.
    pub max_body_bytes: usize,
    /// How long a client may take to send the body.
    pub read_timeout: Duration,
    /// Steps one evaluation may take ([`crate::eval::Evaluator::with_budget`]).
    pub step_budget: u64,
    /// How long a check, test, simulation, explanation, diff or decision
    /// may take once its body is read.
    pub time_limit: Duration,
    /// How many requests are served at once; more are refused (503).
    pub max_concurrent: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 1024 * 1024,
            read_timeout: Duration::from_secs(10),
            step_budget: 1_000_000,
            time_limit: Duration::from_secs(10),
            max_concurrent: 1024,
        }
    }
}

/// Reads a request's body within the size limit and the read timeout.
pub async fn read_body(body: Body, limits: &Limits) -> Result<Bytes, ApiError> {
    match tokio::time::timeout(
        limits.read_timeout,
        axum::body::to_bytes(body, limits.max_body_bytes),
    )
    .await
    {
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "slow_client",
            format!(
                "the request's body did not arrive within {} ms",
                limits.read_timeout.as_millis()
            ),
        )
        .help("send the whole body at once, with a Content-Length that matches it")),
        Ok(Err(_)) => Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!(
                "the request's body is larger than {} bytes, or could not be read",
                limits.max_body_bytes
            ),
        )
        .help("send a smaller request, or start the server with a larger --max-body-bytes")),
        Ok(Ok(bytes)) => Ok(bytes),
    }
}

/// Reads a JSON request: text that is not JSON is `malformed_json` (400);
/// JSON of the wrong shape (an unknown field, a missing one, a number for a
/// text) is `bad_request` (422). An empty body is `{}`.
pub fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        bytes
    };
    // Text that is not JSON at all may first fail as the wrong shape
    // (`[1, 2` is an array where an object was wanted): only on an error is
    // it read again, as any JSON, to tell which.
    let syntax_ok = |e: &serde_json::Error| {
        e.classify() == serde_json::error::Category::Data
            && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
    };
    serde_json::from_slice(bytes).map_err(|e| match syntax_ok(&e) {
        true => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_request",
            format!("the request does not fit: {e}"),
        )
        .help("see /openapi.json (or docs/server.md) for the fields each request takes"),
        false => ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("the request is not JSON: {e}"),
        )
        .help("send a JSON object, such as {\"rule\": \"price\", \"args\": [\"£1.15\"]}"),
    })
}

/// Runs `work` on a blocking thread within the time limit. At most
/// `workers` run at once; the permit goes with the work, so a computation
/// past its time limit still counts until it ends.
pub async fn run_limited<T: Send + 'static>(
    workers: &Arc<Semaphore>,
    limit: Duration,
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let over = || {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "time_limit",
            format!("the request was not answered within {} ms", limit.as_millis()),
        )
        .help("ask for less (fewer members, a shorter scenario), or start the server with a larger --time-limit-ms")
    };
    let workers = workers.clone();
    let job = async move {
        let permit = workers
            .acquire_owned()
            .await
            .map_err(|_| ApiError::internal("the server is shutting down"))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|_| ApiError::internal("the work on this request stopped unexpectedly"))?
    };
    tokio::time::timeout(limit, job).await.map_err(|_| over())?
}

/// The answer when too many requests are being served at once.
pub fn busy(max: usize) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        format!("the server is already answering {max} requests"),
    )
    .help("try again shortly, or start the server with a larger --max-concurrent")
}
