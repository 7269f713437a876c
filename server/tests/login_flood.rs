//! A flood of logins cannot take the server: password hashes run off the async workers, a few
//! at a time, and logins beyond a queue are told the server is busy (429), never a 5xx, while
//! tablets' uploads go on. Its own test binary: the limit is the whole process's.

mod common;

use axum::http::StatusCode;
use common::{response_json, World};

/// The two backends' runs take turns, logins to set up included: the hashing limit is the
/// process's.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

mod sqlite {
    #[test]
    fn a_flood_of_logins_is_refused_in_words_while_tablets_send() {
        super::on(crate::common::Backend::Sqlite);
    }
}

mod postgres {
    #[test]
    fn a_flood_of_logins_is_refused_in_words_while_tablets_send() {
        super::on(crate::common::Backend::Postgres);
    }
}

fn on(backend: common::Backend) {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        let t = common::TestDb::new(backend).await;
        a_flood_of_logins_is_refused_in_words_while_tablets_send(&World::new(&t.db).await).await;
        t.finish().await;
    });
}

async fn a_flood_of_logins_is_refused_in_words_while_tablets_send(w: &World) {
    // From many places at once (a botnet: no one place reaches its own limit).
    let logins = (0..300).map(|n| async move {
        match common::login_from(&w.db, &format!("flood-{n}@example.test"), "not the password", &format!("198.51.{}.{}", n / 250, n % 250)).await {
            Ok(_) => unreachable!("no such account"),
            Err(answer) => answer,
        }
    });
    let upload = async {
        // Started with the flood: a tablet's batch is stored while logins wait their turn.
        w.post_batch(&w.batch(&[response_json("6f1c1a52-0d8e-4d4a-9c55-6a1f7b0a0f10", 2)])).await
    };
    let (answers, (status, json)) = tokio::join!(futures::future::join_all(logins), upload);
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["results"][0]["status"], "accepted");
    let mut by_status = std::collections::BTreeMap::new();
    for (status, json) in &answers {
        *by_status.entry(status.as_u16()).or_insert(0) += 1;
        if *status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(json["error"], "busy", "{json}");
            assert!(json["detail"].as_str().unwrap().contains("busy checking other logins"), "{json}");
        }
    }
    assert_eq!(by_status.keys().copied().collect::<Vec<_>>(), [401, 429], "every login answered 401 or 429: {by_status:?}");
    assert!(by_status[&401] >= 64, "those that got a turn were checked: {by_status:?}");
    // The flood over, a real login goes through at once.
    assert!(common::login(&w.db, "coordinator@north.test", common::PASSWORD).await.is_ok());
}
