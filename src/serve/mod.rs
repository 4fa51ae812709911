//! `rochdale serve`: rulebooks answered over HTTP and JSON, for the
//! services that ask a price, an admission or a charge (docs/server.md).
//!
//! It stands on [`crate::api`] and the library's stages and holds no rule
//! of its own: [`decisions`] turns a request into the library's inputs and
//! its outcome into JSON. Rulebooks are reloaded when their files change
//! ([`state`]); decisions may be recorded and replayed ([`records`]);
//! every request is bounded ([`limits`]).

pub mod decisions;
pub mod error;
pub mod limits;
pub mod records;
pub mod routes;
pub mod state;
pub mod types;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

pub use limits::Limits;

/// How a server is started.
#[derive(Debug, Clone)]
pub struct Options {
    /// The folder of `.coop` files (and the files they name).
    pub rulebooks: PathBuf,
    /// Where to listen, such as `127.0.0.1:8080` (port 0: any free port).
    pub addr: String,
    /// Where to append decision records, if anywhere.
    pub record: Option<PathBuf>,
    /// The limits on each request.
    pub limits: Limits,
}

/// How often the folder is looked at for changed rulebooks.
const POLL: Duration = Duration::from_secs(1);

/// Runs the server until SIGTERM or ctrl-c. Prints `listening on
/// http://ADDR` on standard output once bound (with the real port), and
/// the log on standard error. An error if it cannot start.
pub fn run(options: Options) -> Result<(), String> {
    let catalog = state::load_dir(&options.rulebooks)?;
    for (name, failing) in &catalog.failing {
        eprintln!(
            "rochdale serve: {name} fails its check ({} problem(s)); it is not served",
            failing.diagnostics.len()
        );
    }
    let recorder = match &options.record {
        Some(path) => Some(
            records::Recorder::open(path)
                .map_err(|e| format!("cannot open {} for records: {e}", path.display()))?,
        ),
        None => None,
    };
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let shared = Arc::new(routes::Shared {
        served: state::Served::new(options.rulebooks.clone(), catalog),
        limits: options.limits,
        recorder,
        requests: Arc::new(Semaphore::new(options.limits.max_concurrent)),
        workers: Arc::new(Semaphore::new(workers)),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server's runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&options.addr)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", options.addr))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("cannot tell the address listened on: {e}"))?;
        println!("listening on http://{addr}");
        use std::io::Write;
        let _ = std::io::stdout().flush();
        let watcher = shared.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(POLL);
            loop {
                tick.tick().await;
                let served = watcher.clone();
                let log = tokio::task::spawn_blocking(move || served.served.refresh())
                    .await
                    .unwrap_or_default();
                for line in log {
                    eprintln!("rochdale serve: {line}");
                }
            }
        });
        let header_timeout = shared.limits.read_timeout;
        serve(listener, routes::router(shared), header_timeout).await;
        eprintln!("rochdale serve: stopped");
        Ok(())
    })
}

/// Serves `app` on `listener` until [`shutdown`]: each connection is HTTP/1
/// with a time limit on its headers (axum's own `serve` sets none, so a
/// client that never finished its headers would hold its connection for
/// ever). On shutdown, connections finish the request under way and close.
async fn serve(listener: tokio::net::TcpListener, app: axum::Router, header_timeout: Duration) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(shutdown());
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Out of file descriptors, say: wait, and go on.
                        eprintln!("rochdale serve: cannot accept a connection: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let service = hyper_util::service::TowerToHyperService::new(app.clone());
                let mut builder = hyper::server::conn::http1::Builder::new();
                builder
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(header_timeout);
                let connection = graceful.watch(
                    builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service),
                );
                tokio::spawn(async move {
                    // A client that goes away is no error of the server's.
                    let _ = connection.await;
                });
            }
            _ = &mut stop => break,
        }
    }
    drop(listener);
    // Requests under way get a while to finish; then the server stops.
    let _ = tokio::time::timeout(Duration::from_secs(30), graceful.shutdown()).await;
}

/// Resolves on SIGTERM or ctrl-c: the server then stops taking requests
/// and finishes those under way.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    eprintln!("rochdale serve: shutting down");
}
