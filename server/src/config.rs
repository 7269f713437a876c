//! The server's settings, from flags and environment variables (clap): a flag wins over its
//! variable, which wins over the default.

use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;

/// heard-server: serves the Heard app and its JSON API (/api/v1).
#[derive(Clone, Debug, PartialEq, Parser)]
#[command(name = "heard-server", version, about)]
pub struct Config {
    /// Address to listen on
    #[arg(long, env = "HEARD_ADDR", value_name = "HOST:PORT", default_value = "127.0.0.1:8080", value_parser = parse_addr)]
    pub addr: SocketAddr,
    /// sqlite:PATH or postgres://...
    #[arg(long, env = "DATABASE_URL", value_name = "URL", default_value = "sqlite:data/heard.sqlite3")]
    pub database_url: String,
    /// Built app to serve
    #[arg(long, env = "HEARD_DIST", value_name = "DIR", default_value = "dist")]
    pub dist: PathBuf,
    /// The partnership's own forms, one JSON file each, added to the built-in ones and offered
    /// to its tablets; checked at start
    #[arg(long, env = "HEARD_FORMS", value_name = "DIR")]
    pub forms: Option<PathBuf>,
    /// Mark session cookies Secure: set this whenever Heard is reached over HTTPS (directly or
    /// behind a TLS proxy)
    #[arg(long, env = "HEARD_SECURE_COOKIES", value_parser = clap::builder::BoolishValueParser::new())]
    pub secure_cookies: bool,
    /// Heard is reached only through a reverse proxy that appends the client's address to
    /// X-Forwarded-For (Caddy does; nginx with proxy_add_x_forwarded_for): failed logins are
    /// then counted per client address, not for the proxy as one
    #[arg(long, env = "HEARD_BEHIND_PROXY", value_parser = clap::builder::BoolishValueParser::new())]
    pub behind_proxy: bool,
    /// Create a demo partnership (synthetic, public demo key) and print a fresh enrolment code
    /// and the demo coordinator login
    #[arg(long)]
    pub demo: bool,
    /// Synthetic cases the demo partnership starts with, generated, no real child
    #[arg(long, env = "HEARD_DEMO_CASES", value_name = "N", default_value_t = crate::demo::DEMO_CASES, value_parser = parse_cases)]
    pub demo_cases: usize,
    /// Print a one-time code (valid 7 days) with which a coordinator creates a new partnership
    /// at /coordinator, then exit
    #[arg(long)]
    pub new_partnership_code: bool,
}

fn parse_addr(text: &str) -> Result<SocketAddr, String> {
    text.parse().map_err(|_| format!("{text:?} is not HOST:PORT, e.g. 127.0.0.1:8080"))
}

fn parse_cases(text: &str) -> Result<usize, String> {
    text.parse().ok().filter(|&n| n <= 2_000_000).ok_or_else(|| format!("{text:?} is not a number of cases (0 to 2000000)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Flags only: these tests never read the variables (the process's may hold anything).
    fn parse(args: &[&str]) -> Result<Config, String> {
        let command = <Config as clap::CommandFactory>::command().mut_args(|arg| arg.env(None::<&str>));
        let matches = command.try_get_matches_from(std::iter::once("heard-server").chain(args.iter().copied())).map_err(|e| e.to_string())?;
        <Config as clap::FromArgMatches>::from_arg_matches(&matches).map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_to_sqlite_on_localhost_8080() {
        let c = parse(&[]).unwrap();
        assert_eq!(c.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(c.database_url, "sqlite:data/heard.sqlite3");
        assert_eq!(c.demo_cases, crate::demo::DEMO_CASES);
        assert!(!c.secure_cookies && !c.demo && !c.behind_proxy);
        assert_eq!(c.forms, None, "no forms folder unless one is named");
    }

    #[test]
    fn flags_are_read() {
        let c = parse(&["--addr", "0.0.0.0:9000", "--database-url", "sqlite:x.db", "--demo", "--secure-cookies", "--behind-proxy"]).unwrap();
        assert_eq!((c.addr.port(), c.database_url.as_str()), (9000, "sqlite:x.db"));
        assert!(c.demo && c.secure_cookies && c.behind_proxy);
        let c = parse(&["--forms", "/srv/heard/forms", "--demo-cases", "0"]).unwrap();
        assert_eq!((c.forms, c.demo_cases), (Some(PathBuf::from("/srv/heard/forms")), 0));
    }

    #[test]
    fn each_setting_but_the_one_off_actions_has_its_variable() {
        let command = <Config as clap::CommandFactory>::command();
        let variables: Vec<(String, String)> =
            command.get_arguments().filter_map(|a| Some((a.get_id().to_string(), a.get_env()?.to_string_lossy().into_owned()))).collect();
        for (setting, variable) in [
            ("addr", "HEARD_ADDR"),
            ("database_url", "DATABASE_URL"),
            ("dist", "HEARD_DIST"),
            ("forms", "HEARD_FORMS"),
            ("secure_cookies", "HEARD_SECURE_COOKIES"),
            ("behind_proxy", "HEARD_BEHIND_PROXY"),
            ("demo_cases", "HEARD_DEMO_CASES"),
        ] {
            assert!(variables.contains(&(setting.to_string(), variable.to_string())), "{setting}: {variable} in {variables:?}");
        }
    }

    #[test]
    fn bad_flags_are_named() {
        assert!(parse(&["--port", "1"]).unwrap_err().contains("--port"));
        assert!(parse(&["--addr"]).unwrap_err().contains("--addr"));
        assert!(parse(&["--demo-cases", "lots"]).unwrap_err().contains("not a number of cases"));
        assert!(parse(&["--addr", "localhost"]).unwrap_err().contains("HOST:PORT"));
        assert!(parse(&["--help"]).unwrap_err().contains("--database-url"), "help lists the options");
    }
}
