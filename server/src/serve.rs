//! Accepts connections and serves the app on them within the limits a server on the open
//! internet needs, so slow or silent clients cannot hold it: a bound on open connections (more
//! wait in the listen queue until one closes), a time to send a request's headers (and, on a
//! kept-alive connection, to begin the next), and a time for the whole request (a body that
//! stops arriving is answered 408 and its connection closed). Each request carries its
//! connection's address (`ConnectInfo`), which the failed-login limit counts by.

use crate::AppError;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most connections open at once.
    pub max_connections: usize,
    /// Time to send a request's headers, and on a kept-alive connection to begin the next.
    pub headers: Duration,
    /// Time from a request's headers to the start of its answer: reading the body included.
    pub request: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_connections: 512, headers: Duration::from_secs(20), request: Duration::from_secs(60) }
    }
}

/// How long open connections may take to finish after the stop signal before they are cut.
const DRAIN: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `stop` resolves, then lets open requests finish (for up to
/// ten seconds).
pub async fn serve(listener: TcpListener, app: Router, limits: Limits, stop: impl Future<Output = ()>) {
    let app = app.layer(axum::middleware::from_fn(move |request: Request, next: axum::middleware::Next| async move {
        match tokio::time::timeout(limits.request, next.run(request)).await {
            Ok(response) => response,
            Err(_) => axum::response::IntoResponse::into_response(AppError::TooSlow(limits.request.as_secs())),
        }
    }));
    let permits = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            () = &mut stop => break,
        };
        let (stream, address) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors, say: wait a moment rather than spin.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let router = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ConnectInfo(address));
            router.clone().oneshot(request.map(Body::new))
        });
        // HTTP/1.1 only: the browsers' and tablets' own, and its header time runs from the
        // moment a connection opens (the auto-detecting builder waits for a first byte with no
        // limit at all).
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder.timer(TokioTimer::new()).header_read_timeout(limits.headers);
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A client that goes away or is too slow ends its own connection, nothing more.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN) => tracing::warn!(after_secs = DRAIN.as_secs(), "some connections were still open at shutdown; closed"),
    }
}
