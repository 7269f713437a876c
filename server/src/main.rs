use clap::Parser;
use heard_server::config::Config;
use heard_server::{app_with_static, demo, AppState, Db};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    // A bad flag is named, with the usage, and exits with 2; --help prints every option.
    let config = Config::parse();
    // Logs go to standard error, `info` and above unless HEARD_LOG says otherwise (for example
    // HEARD_LOG=debug). They hold no request contents, addresses or personal data.
    let filter = tracing_subscriber::EnvFilter::try_from_env("HEARD_LOG").unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())).init();
    if let Some(path) = config.database_url.strip_prefix("sqlite:") {
        let path = path.trim_start_matches("//").split('?').next().unwrap_or_default();
        if let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
            if let Err(e) = std::fs::create_dir_all(dir) {
                tracing::error!(dir = %dir.display(), error = %e, "cannot create the database folder");
                return ExitCode::FAILURE;
            }
        }
    }
    let catalogue = match &config.forms {
        None => heard_domain::Catalogue::built_in(),
        Some(dir) => match heard_server::forms::load(dir) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "the forms folder cannot be used");
                return ExitCode::FAILURE;
            }
        },
    };
    let url = with_create_mode(&config.database_url);
    let db = match Db::connect_with(&url, catalogue).await {
        Ok(db) => db,
        Err(e) => {
            tracing::error!(error = %e, "cannot open the database");
            return ExitCode::FAILURE;
        }
    };
    let offered: Vec<String> = db.offered().iter().map(|f| format!("{} v{}", f.id, f.version)).collect();
    if !offered.is_empty() {
        println!("Partnership forms offered to tablets: {}", offered.join(", "));
    }
    let earlier: Vec<String> = db.catalogue().added().iter().filter(|f| !db.offered().contains(f)).map(|f| format!("{} v{}", f.id, f.version)).collect();
    if !earlier.is_empty() {
        println!("Earlier partnership forms, no longer offered, whose answers still count: {}", earlier.join(", "));
    }
    if config.new_partnership_code {
        let code = heard_server::auth::new_enrolment_code();
        let t = heard_server::auth::now();
        if let Err(e) = db.create_setup_code(&heard_server::auth::sha256_hex(code.as_bytes()), t, t + 7 * 24 * 60 * 60).await {
            tracing::error!(error = %e, "could not store the setup code");
            return ExitCode::FAILURE;
        }
        println!("Partnership setup code (works once, for 7 days): {}", heard_domain::enrolment::display_code(&code));
        println!("Give it to the partnership's coordinator, who opens /coordinator and chooses \"Set up a new partnership\".");
        db.close().await;
        return ExitCode::SUCCESS;
    }
    if !config.dist.join("index.html").exists() {
        tracing::warn!(dist = %config.dist.display(), "no index.html there: build the app first (see README); the API still works");
    }
    let listener = match tokio::net::TcpListener::bind(config.addr).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(addr = %config.addr, error = %e, "cannot listen");
            return ExitCode::FAILURE;
        }
    };
    let demo_note = if config.demo {
        match demo::seed(&db, config.demo_cases).await {
            Ok(d) => Some(d),
            Err(e) => {
                tracing::error!(error = %e, "could not set up the demo partnership");
                return ExitCode::FAILURE;
            }
        }
    } else {
        None
    };
    let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
    if let Some(d) = demo_note {
        println!("Demo partnership (synthetic; never use it for real children):");
        match &d.enrolment_text {
            Some(text) => println!("  enrol a tablet with:   {text}"),
            None => println!("  enrol a tablet with:   a code from Partnership setup (the demo partnership has started a new key)"),
        }
        println!("  coordinator login:     {} / {}", demo::COORDINATOR_EMAIL, demo::COORDINATOR_PASSWORD);
        // The coordinator restores this file to issue enrolment codes and import outcomes.
        let backup = demo::key_backup_path(&config.database_url);
        match std::fs::write(&backup, demo::key_backup()) {
            Ok(()) => println!("  partnership key file:  {}", backup.display()),
            Err(e) => tracing::error!(file = %backup.display(), error = %e, "could not write the demo key backup"),
        }
    }
    println!("Heard is running at http://{addr}/  (database: {:?}; Ctrl-C stops it)", db.backend());
    // Adds stored responses and outcomes to the dashboard's summaries in the background.
    let summariser = tokio::spawn({
        let db = db.clone();
        async move { db.run_summariser().await }
    });
    // Failed logins' addresses are kept only while they count towards a wait; sessions and codes
    // only while they can be used.
    let forgetter = tokio::spawn({
        let db = db.clone();
        async move {
            let mut every_minute = tokio::time::interval(std::time::Duration::from_secs(60));
            let mut minutes = 0u64;
            loop {
                every_minute.tick().await;
                let t = heard_server::auth::now();
                // Each hour (and at start): cases past their partnership's retention period.
                if minutes % 60 == 0 {
                    let today = heard_domain::Day::from_unix_days(t.div_euclid(86_400)).expect("the clock is after 2000");
                    if let Err(e) = db.apply_retention(today).await {
                        tracing::warn!(error = %e, "deleting cases past their retention period failed; will retry");
                    }
                }
                minutes += 1;
                if let Err(e) = db.forget_login_failures(t - heard_server::auth::LOCKOUT_SECS).await {
                    tracing::warn!(error = %e, "forgetting old failed logins failed; will retry");
                }
                if let Err(e) = db.forget_expired(t).await {
                    tracing::warn!(error = %e, "deleting expired sessions and codes failed; will retry");
                }
            }
        }
    });
    let mut state = AppState::new(db.clone());
    state.secure_cookies = config.secure_cookies;
    state.behind_proxy = config.behind_proxy;
    let app = app_with_static(state, config.dist);
    heard_server::serve::serve(listener, app, heard_server::serve::Limits::default(), stop_requested()).await;
    summariser.abort();
    forgetter.abort();
    db.close().await;
    println!("heard-server: stopped");
    ExitCode::SUCCESS
}

/// Resolves on Ctrl-C (SIGINT) or, where there are Unix signals, SIGTERM from a service manager.
async fn stop_requested() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => return ctrl_c.await,
        };
        tokio::select! {
            () = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}

/// SQLite files are created on first start (`mode=rwc`) unless the URL says otherwise.
fn with_create_mode(url: &str) -> String {
    if url.starts_with("sqlite:") && !url.contains("mode=") {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}mode=rwc")
    } else {
        url.to_string()
    }
}
