//! Start-up of the local stack: the emulated AWS endpoint, then everything in the template.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;

use crate::moto::{Moto, MotoOptions};
use crate::provision::provision;
use crate::stack::Stack;
use crate::streams::StreamReaders;
use crate::template::{Template, default_template_path};

/// How to start a local stack. `StartOptions::default()` is what `portal-local up` uses.
#[derive(Debug, Clone)]
pub struct StartOptions {
    /// Prefix of every physical name (`<prefix>-AppTable`). Give each test run its own when
    /// several share one endpoint; see [`StartOptions::unique`].
    pub prefix: String,
    pub region: String,
    /// The template; `None` is `template.yaml` in the workspace root.
    pub template: Option<PathBuf>,
    /// Where the emulated AWS comes from (default: a moto server of our own).
    pub moto: MotoOptions,
    /// The least time the gateway gives a function before answering 502 (default: none, the
    /// template's `Timeout` alone). The emulator answers one request at a time, so under a
    /// test suite's load a call can wait behind others far longer than it would in AWS.
    pub timeout_floor: Option<std::time::Duration>,
    /// Run the template's scheduled functions on their schedule (default: yes). The end-to-end
    /// tests turn this off and invoke them directly, so no run lands in the middle of a test.
    pub run_schedules: bool,
    /// Template parameters given values other than their defaults, as `sam deploy
    /// --parameter-overrides` would (default: [`DEMO_PRACTICE`]).
    pub parameter_overrides: Vec<(String, String)>,
}

/// The demo practice's identity (what a practice sets when it deploys): its name and NPI are
/// the ones its own system writes into the Organization of the bundles it exports
/// (`infra/local/demo/maple-street-family-practice.json`), so the results its clinicians add and
/// the records imported from it are one source.
pub const DEMO_PRACTICE: [(&str, &str); 2] = [
    ("PracticeName", "Maple Street Family Practice"),
    ("PracticeNpi", "1234567893"),
];

impl Default for StartOptions {
    fn default() -> Self {
        StartOptions {
            prefix: "portal".to_owned(),
            region: "us-east-1".to_owned(),
            template: None,
            moto: MotoOptions::default(),
            timeout_floor: None,
            run_schedules: true,
            parameter_overrides: DEMO_PRACTICE
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
        }
    }
}

impl StartOptions {
    /// Default options with a prefix no other run uses: `<base>-<ulid>` in lower case.
    pub fn unique(base: &str) -> StartOptions {
        StartOptions {
            prefix: format!(
                "{base}-{}",
                ulid::Ulid::generate().to_string().to_lowercase()
            ),
            ..StartOptions::default()
        }
    }
}

/// A provisioned stack and the moto server it lives in. Dropping it stops moto (if we started
/// it); moto also stops by itself when this process exits, however it exits.
#[derive(Debug)]
pub struct LocalStack {
    pub stack: Stack,
    /// The stream event sources (the notification sender), reading from start-up on.
    streams: StreamReaders,
    moto: Moto,
}

impl LocalStack {
    /// Starts (or connects to) moto and provisions the template's resources in it.
    pub async fn start(options: StartOptions) -> Result<LocalStack> {
        let template_path = options
            .template
            .clone()
            .unwrap_or_else(default_template_path);
        let mut template = Template::load(&template_path)?;
        for (name, value) in &options.parameter_overrides {
            template.override_parameter(name, value)?;
        }
        let template = Arc::new(template);
        let moto = Moto::start(&options.moto).await?;
        let stack = provision(template, moto.endpoint(), &options.region, &options.prefix).await?;
        let streams = StreamReaders::start(&stack).await?;
        Ok(LocalStack {
            stack,
            streams,
            moto,
        })
    }

    /// The emulated AWS endpoint.
    pub fn endpoint(&self) -> &str {
        self.moto.endpoint()
    }

    /// Stops moto now (dropping does the same).
    pub fn stop(mut self) {
        self.streams = StreamReaders::default();
        self.moto.stop();
    }
}
