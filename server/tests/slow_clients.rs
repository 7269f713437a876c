//! A server on a real socket, with short limits, against clients that are slow or silent on
//! purpose: each is cut off in time, and however many there are, they cannot hold every
//! connection for long. The limits (`serve::Limits`) are the same code the server runs with,
//! shorter here so the test is quick.

#[macro_use]
mod common;

use heard_server::serve::{serve, Limits};
use heard_server::{app, AppState, Db};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

on_both_backends!(slow_and_silent_clients_are_cut_off_and_cannot_hold_the_server);

const LIMITS: Limits = Limits { max_connections: 4, headers: Duration::from_secs(1), request: Duration::from_secs(2) };

async fn start(db: &Db) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(serve(listener, app(AppState::new(db.clone())), LIMITS, std::future::pending()));
    address
}

/// Reads until the server closes the connection (or 10 s pass); what it said and when it closed.
async fn until_closed(mut stream: TcpStream, since: Instant) -> (String, Duration) {
    let mut said = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = since + Duration::from_secs(10);
    loop {
        match tokio::time::timeout_at(deadline.into(), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => said.extend_from_slice(&buf[..n]),
            Err(_) => panic!("still open after 10 s; said {:?}", String::from_utf8_lossy(&said)),
        }
    }
    (String::from_utf8_lossy(&said).into_owned(), since.elapsed())
}

/// A plain GET of the API's stats (401 without a login: any answer shows it was served).
async fn ask(address: SocketAddr) -> String {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(b"GET /api/v1/stats HTTP/1.1\r\nHost: heard\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}

async fn slow_and_silent_clients_are_cut_off_and_cannot_hold_the_server(w: &common::World) {
    let address = start(&w.db).await;
    assert!(ask(address).await.starts_with("HTTP/1.1 401"), "the server answers");

    // Stops in the middle of its headers: closed once the header time is up, nothing stored.
    let t = Instant::now();
    let mut partial = TcpStream::connect(address).await.unwrap();
    partial.write_all(b"POST /api/v1/responses HTTP/1.1\r\nHost: heard\r\nContent-Type: appl").await.unwrap();
    let (_, after) = until_closed(partial, t).await;
    assert!(after < Duration::from_secs(4), "closed after {after:?}");

    // Declares 1000 bytes and sends 5: answered 408 in JSON once the request time is up, closed.
    let t = Instant::now();
    let mut short = TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /api/v1/responses HTTP/1.1\r\nHost: heard\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"key",
        w.us.device
    );
    short.write_all(head.as_bytes()).await.unwrap();
    let (said, after) = until_closed(short, t).await;
    assert!(said.starts_with("HTTP/1.1 408"), "{said}");
    assert!(said.contains(r#""error":"too_slow""#), "{said}");
    assert!(after < Duration::from_secs(5), "closed after {after:?}");

    // As many silent connections as the server keeps open: a real client waits behind them,
    // but only until they are cut off, not for ever.
    let t = Instant::now();
    let mut silent = Vec::new();
    for _ in 0..LIMITS.max_connections {
        silent.push(TcpStream::connect(address).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let waiting = tokio::spawn(async move { (ask(address).await, Instant::now()) });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!waiting.is_finished(), "with every connection taken, a new one waits its turn");
    let (answer, answered_at) = tokio::time::timeout(Duration::from_secs(10), waiting).await.expect("answered once the silent ones are cut").unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answered_at - t < Duration::from_secs(4), "answered after {:?}", answered_at - t);
    for stream in silent {
        let (_, after) = until_closed(stream, t).await;
        assert!(after < Duration::from_secs(4), "a silent connection was open for {after:?}");
    }
    let (_, stats) = w.call("GET", "/api/v1/stats", common::Auth::Staff(&w.us.coordinator, false), None).await;
    assert_eq!(stats["responses"], 0, "nothing of the cut-off requests was stored");
}
