//! JSON logs for CloudWatch. What may be logged: ids (request, user sub, patient id, event id),
//! routes, status codes, durations, problem kinds. Never bodies, tokens, names, contact details
//! or dates of birth: the portal's handlers log through `http::dispatch` and `audit`, which
//! keep to that list.

use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

/// Installs the JSON subscriber; the level comes from `RUST_LOG` (default `info`), as a level
/// or `target=level` pairs (`info,aws_smithy_runtime=debug`). A `Targets` filter rather than
/// an `EnvFilter`: no span or field filters, and no regex engine in every binary.
pub fn init() {
    let json = tracing_subscriber::fmt::layer()
        .json()
        .with_target(false)
        .with_current_span(false)
        .flatten_event(true);
    let _ = tracing_subscriber::registry()
        .with(json)
        .with(filter(std::env::var("RUST_LOG").ok().as_deref()))
        .try_init();
}

/// The filter `RUST_LOG` asks for; unset or unreadable: `info`. Targets it names without a
/// bare level keep `info` for everything else, so a typo never silences the errors.
fn filter(rust_log: Option<&str>) -> Targets {
    let targets = rust_log
        .and_then(|directives| directives.parse::<Targets>().ok())
        .unwrap_or_default();
    match targets.default_level() {
        Some(_) => targets,
        None => targets.with_default(Level::INFO),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::level_filters::LevelFilter;

    #[test]
    fn rust_log_sets_the_level_and_info_is_the_default() {
        assert_eq!(filter(None).default_level(), Some(LevelFilter::INFO));
        assert_eq!(
            filter(Some("not a [filter")).default_level(),
            Some(LevelFilter::INFO)
        );
        let debug = filter(Some("warn,aws_smithy_runtime=debug"));
        assert_eq!(debug.default_level(), Some(LevelFilter::WARN));
        assert!(debug.would_enable("aws_smithy_runtime", &Level::DEBUG));
        assert!(!debug.would_enable("portal_profile", &Level::INFO));
        let named = filter(Some("aws_smithy_runtime=debug"));
        assert!(named.would_enable("aws_smithy_runtime", &Level::DEBUG));
        assert!(named.would_enable("portal_profile", &Level::INFO));
        assert!(!named.would_enable("portal_profile", &Level::DEBUG));
    }
}
