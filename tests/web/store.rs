//! The tablet's storage on real IndexedDB: sealed records, drafts and the outbox, connections, the PIN, sending, backups and keys.

use super::*;

#[wasm_bindgen_test]
async fn a_saved_response_survives_a_new_connection_until_confirmed() {
    let name = unique_db();
    let store = unlocked(&name).await;
    let (sad, happy) = (response(1), response(3));
    store.save_pending(&sad).await.unwrap();
    store.save_pending(&happy).await.unwrap();
    drop(store);

    // A fresh connection, as after a reload, is locked until the PIN is given; then sees both.
    let store = Store::open_named(&name).await.unwrap();
    assert!(matches!(store.pending().await, Err(heard::store::StoreError::Locked)));
    assert_eq!(store.unlock("1111").await, Err(heard::store::UnlockError::WrongPin { wait_secs: 0 }));
    store.unlock(PIN).await.unwrap();
    let mut pending = store.pending().await.unwrap();
    pending.sort_by_key(|r| r.answer("home") == Some(&AnswerValue::Face(3)));
    assert_eq!(pending, vec![sad.clone(), happy.clone()]);

    store.remove_confirmed(&[sad.id]).await.unwrap();
    assert_eq!(store.pending().await.unwrap(), vec![happy]);
}

/// A newer version of the app in another tab upgrades the database while this page holds it
/// open: this page lets go at once (the browser's `versionchange`), rather than leave the
/// upgrade waiting ("blocked") until this tab is closed; and it then asks to be reloaded.
#[wasm_bindgen_test]
async fn a_newer_page_upgrading_the_database_is_not_held_up_by_this_one() {
    use std::cell::Cell;
    use std::rc::Rc;
    let name = unique_db();
    let store = unlocked(&name).await;
    store.save_pending(&response(1)).await.unwrap();
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    // Far above any version the app has: an upgrade it does not know.
    let req = factory.open_with_u32(&name, 1000).unwrap();
    let (opened, blocked) = (Rc::new(Cell::new(false)), Rc::new(Cell::new(false)));
    let on_success = {
        let (opened, req) = (opened.clone(), req.clone());
        wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            req.result().unwrap().unchecked_into::<web_sys::IdbDatabase>().close();
            opened.set(true);
        })
    };
    let on_blocked = {
        let blocked = blocked.clone();
        wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || blocked.set(true))
    };
    req.set_onsuccess(Some(on_success.as_ref().unchecked_ref()));
    req.set_onblocked(Some(on_blocked.as_ref().unchecked_ref()));
    wait_until("the other page's upgrade", || opened.get()).await;
    assert!(!blocked.get(), "the upgrade was held up by this page's connection");
    // This page cannot use the newer database: it says to reload, not that storage is refused.
    let after = store.count_pending().await;
    assert_eq!(after, Err(heard::store::StoreError::Newer));
    assert_eq!(after.unwrap_err().message_key(), "store.reload");
}

/// A draft write slow to get going (its encryption or connection still under way) and the
/// finished response asked for just after it: on their own the finish lands first and the draft
/// after it, leaving the response both unfinished and waiting to send; on a `WriteLine` they land
/// in the order asked for.
#[wasm_bindgen_test]
async fn writes_of_one_response_land_in_the_order_they_were_made() {
    async fn draft_then_finish(store: std::rc::Rc<Store>, line: Option<heard::line::WriteLine>) -> (usize, usize) {
        let mut r = response(2);
        let draft = {
            let (store, r) = (store.clone(), r.clone());
            async move {
                sleep(60).await;
                store.save_draft(&r).await.unwrap();
            }
        };
        r.share = true;
        let finish = {
            let (store, r) = (store.clone(), r.clone());
            async move { store.finish(&r).await.unwrap() }
        };
        match &line {
            Some(line) => {
                line.run(draft);
                line.run(finish);
            }
            None => {
                wasm_bindgen_futures::spawn_local(draft);
                wasm_bindgen_futures::spawn_local(finish);
            }
        }
        sleep(400).await;
        (store.drafts().await.unwrap().len(), store.pending().await.unwrap().len())
    }
    let unordered = draft_then_finish(unlocked(&unique_db()).await, None).await;
    assert_eq!(unordered, (1, 1), "without the line the draft lands last: the response is in both");
    let ordered = draft_then_finish(unlocked(&unique_db()).await, Some(heard::line::WriteLine::default())).await;
    assert_eq!(ordered, (0, 1), "finished, and nowhere else");
}

#[wasm_bindgen_test]
async fn the_outbox_is_read_a_page_at_a_time_in_id_order_with_nothing_missed() {
    let store = unlocked(&unique_db()).await;
    let mut all: Vec<Response> = (0..7).map(|n| response(n % 3 + 1)).collect();
    for r in &all {
        store.save_pending(r).await.unwrap();
    }
    all.sort_by_key(|r| r.id.to_string());
    let (mut seen, mut after) = (Vec::new(), None::<String>);
    loop {
        let page = store.pending_page(after.as_deref(), 3, Waiting::All).await.unwrap();
        let Some(next) = page.next else { break };
        assert!(page.responses.len() <= 3, "a page holds at most what was asked for");
        assert_eq!(Some(&next), page.responses.last().map(|r| r.id.to_string()).as_ref());
        after = Some(next);
        seen.extend(page.responses);
    }
    assert_eq!(seen, all, "every pending response once, in id order");
    // A page starting after a removed response still goes on from there.
    store.remove_confirmed(&[all[2].id]).await.unwrap();
    assert_eq!(store.pending_page(Some(&all[2].id.to_string()), 2, Waiting::All).await.unwrap().responses, all[3..5].to_vec());
    // Refused ones are left out when asked, and the pages still go on past them.
    store.mark_failed(&all[3], "face must be 1 to 5, got 9").await.unwrap();
    store.mark_failed(&all[4], "face must be 1 to 5, got 9").await.unwrap();
    let page = store.pending_page(Some(&all[2].id.to_string()), 2, Waiting::NotRefused).await.unwrap();
    assert_eq!((page.responses, page.next), (vec![], Some(all[4].id.to_string())));
    let page = store.pending_page(Some(&all[4].id.to_string()), 2, Waiting::NotRefused).await.unwrap();
    assert_eq!(page.responses, all[5..7].to_vec());
}

#[wasm_bindgen_test]
async fn finishing_moves_a_draft_to_the_outbox_in_one_step() {
    let store = unlocked(&unique_db()).await;
    let mut r = response(2);
    store.save_draft(&r).await.unwrap();
    store.save_draft(&r).await.unwrap();
    assert_eq!(store.drafts().await.unwrap().len(), 1, "saving again replaces the draft");
    assert!(store.pending().await.unwrap().is_empty(), "a draft is not sent");
    r.share = true;
    store.finish(&r).await.unwrap();
    assert!(store.drafts().await.unwrap().is_empty());
    assert_eq!(store.pending().await.unwrap(), vec![r]);
}

#[wasm_bindgen_test]
async fn a_send_the_server_does_not_confirm_keeps_everything_pending() {
    // The test runner's own web server is not Heard: it confirms nothing.
    let store = unlocked(&unique_db()).await;
    let r = response(1);
    store.save_pending(&r).await.unwrap();
    assert!(matches!(send_pending(&store).await, Err(SendError::NotEnrolled)), "no token, no send");
    let enrolment = heard::store::Enrolment {
        device_token: "token".into(),
        partnership_key: "key".into(),
        key_fingerprint: "ab".into(),
        agency: "Agency".into(),
        partnership: "Partnership".into(),
        revoked: false,
        backup_secret: None,
        earlier: Vec::new(),
    };
    store.save_enrolment(&enrolment).await.unwrap();
    assert_eq!(store.enrolment().await.unwrap(), Some(enrolment));
    let outcome = send_pending(&store).await;
    assert!(matches!(outcome, Err(SendError::Refused { .. }) | Err(SendError::Unreachable)), "{outcome:?}");
    assert_eq!(store.pending().await.unwrap(), vec![r]);
}

#[wasm_bindgen_test]
async fn a_backup_holds_no_words_a_child_kept_private_in_its_finished_answers() {
    let enrolment = heard::store::Enrolment {
        device_token: "token".into(),
        partnership_key: heard_domain::b64::base64url_encode(&[9u8; 32]),
        key_fingerprint: "ab".into(),
        agency: "Agency".into(),
        partnership: "Partnership".into(),
        revoked: false,
        backup_secret: None,
        earlier: Vec::new(),
    };
    let form = Catalogue::built_in().latest("middle-check").unwrap().clone();
    let with_words = |n: u8| {
        let mut r = response(n);
        r.form_id = form.id.clone();
        r.answers.clear();
        r.set_answer("words", AnswerValue::Text("my secret".into()));
        r
    };
    let a = unlocked(&unique_db()).await;
    a.save_enrolment(&enrolment).await.unwrap();
    a.save_pending(&with_words(1)).await.unwrap();
    a.save_draft(&with_words(2)).await.unwrap();
    let (_, file, _) = heard::backup::export(&a).await.unwrap();
    let b = unlocked(&unique_db()).await;
    b.save_enrolment(&enrolment).await.unwrap();
    heard::backup::import(&b, &file).await.unwrap();
    assert_eq!(b.pending().await.unwrap()[0].answer("words"), Some(&AnswerValue::OwnWords), "finished, not shared: only that the child answered");
    assert_eq!(b.drafts().await.unwrap()[0].answer("words"), Some(&AnswerValue::Text("my secret".into())), "unfinished: carried on with the child");
}

#[wasm_bindgen_test]
async fn a_backup_taken_over_keeps_which_answers_the_server_refused_and_why() {
    let enrolment = heard::store::Enrolment {
        device_token: "token".into(),
        partnership_key: heard_domain::b64::base64url_encode(&[7u8; 32]),
        key_fingerprint: "ab".into(),
        agency: "Agency".into(),
        partnership: "Partnership".into(),
        revoked: false,
        backup_secret: None,
        earlier: Vec::new(),
    };
    let a = unlocked(&unique_db()).await;
    a.save_enrolment(&enrolment).await.unwrap();
    let (fine, refused) = (response(1), response(2));
    a.save_pending(&fine).await.unwrap();
    a.save_pending(&refused).await.unwrap();
    a.mark_failed(&refused, "form early-years-check: version 1 is not known").await.unwrap();
    let (_, file, counts) = heard::backup::export(&a).await.unwrap();
    assert_eq!(counts.responses, 2);

    let b = unlocked(&unique_db()).await;
    b.save_enrolment(&enrolment).await.unwrap();
    heard::backup::import(&b, &file).await.unwrap();
    let overview = b.outbox_overview(10).await.unwrap();
    assert_eq!(overview.count, 2);
    assert_eq!(overview.listed, vec![heard::store::Outgoing { response: fine.clone(), failure: None }]);
    let why = Some("form early-years-check: version 1 is not known".to_string());
    assert_eq!(overview.failed, vec![heard::store::Outgoing { response: refused.clone(), failure: why }]);
    // Automatic sending passes the refused one over on the new tablet too; Send offers both.
    assert_eq!(b.pending_page(None, 10, Waiting::NotRefused).await.unwrap().responses, vec![fine.clone()]);
    assert_eq!(b.pending_page(None, 10, Waiting::All).await.unwrap().responses.len(), 2);
}

#[wasm_bindgen_test]
async fn a_partnership_form_the_server_drops_stays_while_a_child_has_unfinished_answers_to_it() {
    let store = unlocked(&unique_db()).await;
    let mut north = Catalogue::built_in().latest("symbols-check").unwrap().clone();
    north.id = heard_domain::FormId("north-yes-or-no".into());
    let on_tablet = || heard::forms::catalogue().get(&north.id, north.version).is_some();
    assert_eq!(heard::forms::keep(&store, vec![north.clone()]).await.unwrap(), Vec::<String>::new());
    assert!(on_tablet());

    // A child starts the partnership's form and stops part-way; then the server stops listing it.
    let mut draft = response(1);
    draft.form_id = north.id.clone();
    draft.form_version = north.version;
    store.save_draft(&draft).await.unwrap();
    heard::forms::keep(&store, vec![]).await.unwrap();
    assert!(on_tablet(), "the child can still carry on");
    assert_eq!(store.partnership_forms().await.unwrap(), vec![north.clone()], "and after the app restarts");

    // Finished, the answers wait in the outbox as they are; the form goes at the next send.
    store.finish(&draft).await.unwrap();
    heard::forms::keep(&store, vec![]).await.unwrap();
    assert!(!on_tablet());
    assert_eq!(store.partnership_forms().await.unwrap(), vec![]);
    assert_eq!(store.pending().await.unwrap(), vec![draft]);
}

#[wasm_bindgen_test]
async fn fingerprints_are_sha256_as_the_server_computes_them() {
    // The FIPS 180-2 test vector for "abc".
    assert_eq!(heard::device::sha256_hex(b"abc").await.unwrap(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

#[wasm_bindgen_test]
async fn the_outbox_remembers_the_last_twenty_sent_newest_first_and_each_once() {
    use heard::store::{SentItem, SENT_KEPT};
    let store = unlocked(&unique_db()).await;
    let day = heard::device::today();
    let sent = |n: usize| (0..n).map(|_| SentItem::of(&response(1), day, false)).collect::<Vec<_>>();
    let (first, newer) = (sent(15), sent(10));
    store.note_sent(first.clone()).await.unwrap();
    // Five confirmed again (sending by itself and the practitioner's Send at once), then ten more.
    store.note_sent(first[..5].to_vec()).await.unwrap();
    store.note_sent(newer.clone()).await.unwrap();
    let kept = store.sent_lately().await.unwrap();
    assert_eq!(kept.len(), SENT_KEPT);
    let expected: Vec<_> = newer.iter().chain(&first[..5]).chain(&first[5..10]).map(|s| s.id).collect();
    assert_eq!(kept.iter().map(|s| s.id).collect::<Vec<_>>(), expected, "newest first, each once, the oldest let go");
    assert!(matches!(&kept[0], SentItem { band: heard_domain::AgeBand::Middle, form_version: 1, .. }), "{:?}", kept[0]);
}

#[wasm_bindgen_test]
async fn two_sends_finishing_at_once_both_reach_the_sent_list() {
    use heard::store::SentItem;
    let db = unique_db();
    let store = unlocked(&db).await;
    let day = heard::device::today();
    let (a, b) = (SentItem::of(&response(1), day, false), SentItem::of(&response(2), day, false));
    // Sending by itself notes one while the practitioner's Send notes another.
    let other = store.clone();
    let first = a.clone();
    wasm_bindgen_futures::spawn_local(async move { other.note_sent(vec![first]).await.unwrap() });
    store.note_sent(vec![b.clone()]).await.unwrap();
    let mut kept = Vec::new();
    for _ in 0..100 {
        kept = store.sent_lately().await.unwrap();
        if kept.len() == 2 {
            break;
        }
        sleep(20).await;
    }
    let mut ids: Vec<_> = kept.iter().map(|s| s.id).collect();
    ids.sort();
    let mut expected = vec![a.id, b.id];
    expected.sort();
    assert_eq!(ids, expected, "neither write lost the other's");
}

#[wasm_bindgen_test]
async fn records_are_sealed_under_a_key_only_the_pin_unwraps() {
    use heard::crypto::{new_keyring, unlock, CryptoError};
    // Fewer PBKDF2 rounds than the app's 600,000, to keep the test quick.
    let (keyring, key) = new_keyring("2468", 1_000).await.unwrap();
    let sealed = key.seal(b"I feel safe at home").await.unwrap();
    assert!(!sealed.contains("safe"));
    assert_ne!(sealed, key.seal(b"I feel safe at home").await.unwrap(), "a fresh IV every time");
    assert_eq!(key.open(&sealed).await.unwrap(), b"I feel safe at home");

    assert_eq!(unlock(&keyring, "1357").await.unwrap_err(), CryptoError::WrongPin);
    let again = unlock(&keyring, "2468").await.unwrap();
    assert_eq!(again.open(&sealed).await.unwrap(), b"I feel safe at home", "the PIN unwraps the same data key");

    let mut tampered = sealed.clone().into_bytes();
    let last = tampered.len() - 2;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    assert_eq!(key.open(&String::from_utf8(tampered).unwrap()).await.unwrap_err(), CryptoError::Damaged);
}

#[wasm_bindgen_test]
async fn wrong_pins_are_counted_across_reloads_and_a_wipe_forgets_everything() {
    let name = unique_db();
    let store = unlocked(&name).await;
    store.save_pending(&response(2)).await.unwrap();
    drop(store);
    let store = Store::open_named(&name).await.unwrap();
    for _ in 0..2 {
        assert_eq!(store.unlock("0000").await, Err(heard::store::UnlockError::WrongPin { wait_secs: 0 }));
    }
    assert_eq!(store.unlock("0000").await, Err(heard::store::UnlockError::WrongPin { wait_secs: 5 }));
    // A reload does not reset the count.
    let store = Store::open_named(&name).await.unwrap();
    assert!(matches!(store.unlock(PIN).await, Err(heard::store::UnlockError::TooSoon { wait_secs: 1..=5 })), "even the right PIN waits");
    // Forgotten PIN: wiping leaves no PIN, no answers.
    store.wipe().await.unwrap();
    assert!(!store.has_pin().await.unwrap());
    assert!(!store.is_enrolled().await.unwrap());
}

/// Before, the wait was measured from the tablet's date and time: moving the clock forward a
/// day let the next guess in at once.
#[wasm_bindgen_test]
async fn moving_the_tablets_clock_forward_does_not_skip_the_wait_after_wrong_pins() {
    let name = unique_db();
    drop(unlocked(&name).await);
    let store = Store::open_named(&name).await.unwrap();
    for _ in 0..3 {
        assert!(matches!(store.unlock("0000").await, Err(heard::store::UnlockError::WrongPin { .. })));
    }
    js_sys::eval("window.realDateNow = Date.now; Date.now = () => window.realDateNow() + 86400000").unwrap();
    let tried = store.unlock(PIN).await;
    js_sys::eval("Date.now = window.realDateNow").unwrap();
    assert!(matches!(tried, Err(heard::store::UnlockError::TooSoon { wait_secs: 1..=5 })), "a day on the clock is not a wait: {tried:?}");
}

#[wasm_bindgen_test]
async fn case_references_become_hmac_pseudonyms_under_the_partnership_key() {
    // RFC 4231 test case 2.
    let mac = heard::crypto::hmac_sha256(b"Jefe", b"what do ya want for nothing?").await.unwrap();
    assert_eq!(heard_domain::case::Pseudonym::from_digest(&mac).as_str(), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    let key = heard_domain::b64::base64url_encode(&[7u8; 32]);
    let a = heard::session::pseudonymise(&key, " eh-2024 00123 ").await.unwrap();
    let b = heard::session::pseudonymise(&key, "EH-202400123").await.unwrap();
    assert_eq!(a, b, "the same case however it is typed");
    let other_key = heard_domain::b64::base64url_encode(&[8u8; 32]);
    assert_ne!(heard::session::pseudonymise(&other_key, "EH-202400123").await.unwrap(), a, "another partnership, another pseudonym");
    assert!(heard::session::pseudonymise(&key, "   ").await.is_none());
}
