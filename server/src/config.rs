//! The server's settings, from flags and environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;

pub const HELP: &str = "\
heard-server: serves the Heard app and its JSON API (/api/v1).

USAGE:
    heard-server [OPTIONS]

OPTIONS:
    --addr <HOST:PORT>        Address to listen on [env: HEARD_ADDR] [default: 127.0.0.1:8080]
    --database-url <URL>      sqlite:PATH or postgres://... [env: DATABASE_URL]
                              [default: sqlite:data/heard.sqlite3]
    --dist <DIR>              Built app to serve [env: HEARD_DIST] [default: dist]
    --forms <DIR>             The partnership's own forms, one JSON file each, added to the
                              built-in ones and offered to its tablets; checked at start
                              [env: HEARD_FORMS]
    --secure-cookies          Mark session cookies Secure: set this whenever Heard is reached
                              over HTTPS (directly or behind a TLS proxy) [env: HEARD_SECURE_COOKIES=1]
    --behind-proxy            Heard is reached only through a reverse proxy that appends the
                              client's address to X-Forwarded-For (Caddy does; nginx with
                              proxy_add_x_forwarded_for): failed logins are then counted per
                              client address, not for the proxy as one [env: HEARD_BEHIND_PROXY=1]
    --demo                    Create a demo partnership (synthetic, public demo key) and print
                              a fresh enrolment code and the demo coordinator login
    --new-partnership-code    Print a one-time code (valid 7 days) with which a coordinator
                              creates a new partnership at /coordinator, then exit
    --demo-cases <N>          Synthetic cases the demo partnership starts with, generated, no
                              real child [env: HEARD_DEMO_CASES] [default: 800]
    -h, --help                Print this help
";

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub addr: SocketAddr,
    pub database_url: String,
    pub dist: PathBuf,
    pub forms: Option<PathBuf>,
    pub secure_cookies: bool,
    pub behind_proxy: bool,
    pub demo: bool,
    pub demo_cases: usize,
    pub new_partnership_code: bool,
}

#[derive(Debug, PartialEq)]
pub enum Parsed {
    Run(Config),
    Help,
}

/// Reads flags first, then the environment, then defaults. `env` is passed in so tests
/// do not depend on the process environment.
pub fn parse(args: &[String], env: impl Fn(&str) -> Option<String>) -> Result<Parsed, String> {
    let mut addr = env("HEARD_ADDR");
    let mut database_url = env("DATABASE_URL");
    let mut dist = env("HEARD_DIST");
    let mut forms = env("HEARD_FORMS");
    let mut secure_cookies = env("HEARD_SECURE_COOKIES").is_some_and(|v| v == "1" || v == "true");
    let mut behind_proxy = env("HEARD_BEHIND_PROXY").is_some_and(|v| v == "1" || v == "true");
    let mut demo = false;
    let mut new_partnership_code = false;
    let mut demo_cases = env("HEARD_DEMO_CASES");
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match flag.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--addr" => addr = Some(value("--addr")?),
            "--database-url" => database_url = Some(value("--database-url")?),
            "--dist" => dist = Some(value("--dist")?),
            "--forms" => forms = Some(value("--forms")?),
            "--secure-cookies" => secure_cookies = true,
            "--behind-proxy" => behind_proxy = true,
            "--demo" => demo = true,
            "--new-partnership-code" => new_partnership_code = true,
            "--demo-cases" => demo_cases = Some(value("--demo-cases")?),
            other => return Err(format!("unknown option {other:?}; see --help")),
        }
    }
    let addr_text = addr.unwrap_or_else(|| "127.0.0.1:8080".into());
    let addr = addr_text.parse().map_err(|_| format!("--addr {addr_text:?} is not HOST:PORT, e.g. 127.0.0.1:8080"))?;
    let demo_cases = match demo_cases {
        None => crate::demo::DEMO_CASES,
        Some(n) => n.parse().ok().filter(|&n| n <= 2_000_000).ok_or_else(|| format!("--demo-cases {n:?} is not a number of cases (0 to 2000000)"))?,
    };
    Ok(Parsed::Run(Config {
        addr,
        database_url: database_url.unwrap_or_else(|| "sqlite:data/heard.sqlite3".into()),
        dist: PathBuf::from(dist.unwrap_or_else(|| "dist".into())),
        forms: forms.map(PathBuf::from),
        secure_cookies,
        behind_proxy,
        demo,
        demo_cases,
        new_partnership_code,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn defaults_to_sqlite_on_localhost_8080() {
        let Parsed::Run(c) = parse(&[], |_| None).unwrap() else { panic!() };
        assert_eq!(c.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(c.database_url, "sqlite:data/heard.sqlite3");
        assert!(!c.secure_cookies && !c.demo);
    }

    #[test]
    fn flags_win_over_environment() {
        let env = |k: &str| (k == "DATABASE_URL").then(|| "postgres://db/heard".to_string());
        let Parsed::Run(c) = parse(&args(&["--addr", "0.0.0.0:9000"]), env).unwrap() else { panic!() };
        assert_eq!(c.database_url, "postgres://db/heard");
        assert_eq!(c.addr.port(), 9000);
        let Parsed::Run(c) = parse(&args(&["--database-url", "sqlite:x.db", "--demo", "--secure-cookies"]), env).unwrap() else { panic!() };
        assert_eq!(c.database_url, "sqlite:x.db");
        assert!(c.demo && c.secure_cookies);
        assert_eq!(c.forms, None, "no forms folder unless one is named");
        let Parsed::Run(c) = parse(&args(&["--behind-proxy"]), |_| None).unwrap() else { panic!() };
        assert!(c.behind_proxy);
        let Parsed::Run(c) = parse(&[], |k| (k == "HEARD_BEHIND_PROXY").then(|| "1".into())).unwrap() else { panic!() };
        assert!(c.behind_proxy);
        let Parsed::Run(c) = parse(&args(&["--forms", "/srv/heard/forms"]), |_| None).unwrap() else { panic!() };
        assert_eq!(c.forms, Some(PathBuf::from("/srv/heard/forms")));
    }

    #[test]
    fn bad_flags_are_named() {
        assert!(parse(&args(&["--port", "1"]), |_| None).unwrap_err().contains("--port"));
        assert!(parse(&args(&["--addr"]), |_| None).unwrap_err().contains("needs a value"));
        assert!(parse(&args(&["--demo-cases", "lots"]), |_| None).unwrap_err().contains("--demo-cases"));
        let Parsed::Run(c) = parse(&args(&["--demo", "--demo-cases", "0"]), |_| None).unwrap() else { panic!() };
        assert_eq!(c.demo_cases, 0);
        assert!(parse(&args(&["--addr", "localhost"]), |_| None).unwrap_err().contains("HOST:PORT"));
        assert_eq!(parse(&args(&["--help"]), |_| None).unwrap(), Parsed::Help);
    }
}
