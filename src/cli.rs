//! The command line as clap types, and nothing else: their doc comments are the `--help` text.
//! `config.rs` turns them into resolved settings; no clap type goes further than that.

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// The outcomes `--outcome` takes.
const OUTCOMES: [&str; 9] = [
    "answered",
    "missed",
    "busy",
    "no_answer",
    "rejected",
    "cancelled",
    "failed",
    "in_progress",
    "unknown",
];

/// The finding codes `--allow` takes.
const CODES: [&str; 8] = [
    "parse",
    "unknown-vendor",
    "unknown-event",
    "missing-field",
    "wrong-type",
    "bad-value",
    "unknown-field",
    "inconsistent",
];

/// The subcommands that have a page of their own (a test holds this to the subcommands).
pub const PAGES: [&str; 8] = [
    "detect",
    "validate",
    "events",
    "timeline",
    "summary",
    "schema",
    "completions",
    "man",
];

fn subcommand_names() -> PossibleValuesParser {
    PossibleValuesParser::new(PAGES)
}

/// The vendor ids users may give: those of the list of formats.
fn vendor_ids() -> PossibleValuesParser {
    PossibleValuesParser::new(crate::formats::ids())
}

const AFTER_HELP: &str = "\
Exit codes: 0 success; 1 the data has problems (for validate: any invalid, unparseable or
unknown-vendor record); 2 usage or I/O error; 130 interrupted.

Run `callev schema` to list the vendors and their events.";

/// Read, validate and summarise telephony call-event JSON from Workonflow, Xelion, Voximplant and
/// Bandwidth: webhook bodies, WebSocket frames, logged events, as files or piped in.
#[derive(Debug, Parser)]
#[command(name = "callev", version, about, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub global: GlobalArgs,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Output format: a table for people, or json, ndjson or csv for programs
    #[arg(short = 'o', long, value_enum, default_value_t = OutputFormat::Table, global = true)]
    pub output: OutputFormat,

    /// When to use colors: auto uses them on a terminal unless NO_COLOR is set
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Zone for displayed times: UTC, local, an offset such as +02:00 or a zone such as Europe/Amsterdam (the offset is always shown)
    #[arg(long, default_value = "UTC", global = true, value_name = "ZONE")]
    pub tz: String,

    /// Zone of times written without one (Xelion's `date`, bare log timestamps): UTC, local or ±HH:MM
    #[arg(long, default_value = "UTC", global = true, value_name = "ZONE")]
    pub source_tz: String,

    /// Only this call; repeatable; a unique prefix of the id is enough
    #[arg(long = "call", global = true, value_name = "ID")]
    pub calls: Vec<String>,

    /// Only events whose vendor name or kind is NAME (repeatable). Kinds: started, ringing,
    /// answered, hold, unhold, dtmf, participant_joined, participant_left, transfer, media,
    /// recording, channel_ended, ended, failed, missed, other
    #[arg(long = "event", global = true, value_name = "NAME")]
    pub events: Vec<String>,

    /// (summary, timeline) Only calls with this outcome; repeatable
    #[arg(long = "outcome", global = true, value_name = "OUTCOME", value_parser = PossibleValuesParser::new(OUTCOMES))]
    pub outcomes: Vec<String>,

    /// (summary, timeline) Only calls in which this number or user id takes part (caller,
    /// callee, from, to, a participant); numbers match by their digits; repeatable
    #[arg(long = "party", global = true, value_name = "X")]
    pub parties: Vec<String>,

    /// From this time: RFC 3339, a date, 15m/2h/3d ago, today, yesterday. events: the events
    /// at or after it; summary, timeline: the calls that reach it (untimed ones are counted and
    /// left out)
    #[arg(long, global = true, value_name = "TIME")]
    pub since: Option<String>,

    /// Up to this time (a date or today: to its end); selects as --since does
    #[arg(long, global = true, value_name = "TIME")]
    pub until: Option<String>,

    /// Only this vendor's records (repeatable); detection still runs, and the others are counted
    /// apart
    #[arg(long = "vendor", global = true, value_name = "ID", value_parser = vendor_ids())]
    pub vendors: Vec<String>,

    /// Skip detection: read every record as this vendor's
    #[arg(long = "as", global = true, value_name = "ID", value_parser = vendor_ids())]
    pub read_as: Option<String>,

    /// How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves
    #[arg(long, value_enum, default_value_t = InputFormatArg::Auto, global = true, value_name = "FORMAT")]
    pub input_format: InputFormatArg,

    /// Keep reading appended input and print records as they arrive
    #[arg(short = 'f', long, global = true)]
    pub follow: bool,

    /// Never shorten ids in tables (they are shortened only on a terminal, to fit)
    #[arg(long, global = true)]
    pub full_ids: bool,

    /// Worker threads for parsing (default: one per core)
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, Args)]
pub struct Inputs {
    /// Input files; `-` is standard input, which is also read when no file is given
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Which vendor format each record is, and why
    #[command(after_help = "Examples:
  callev detect captures/*.json
  callev detect --explain mixed.log
  tail -n 100 webhooks.log | callev detect -o ndjson")]
    Detect {
        /// Say which fields decided the vendor
        #[arg(long)]
        explain: bool,
        #[command(flatten)]
        inputs: Inputs,
    },
    /// Check records against the vendors' documented schemas
    #[command(after_help = "Examples:
  callev validate captures/*.json
  cat webhooks.log | callev validate --strict
  callev validate -o json big.ndjson.gz | jq .summary")]
    Validate {
        /// Count warnings as failures
        #[arg(long)]
        strict: bool,
        /// Do not report this finding code (repeatable); a record whose errors are all allowed
        /// is valid, and damaged or unknown records still count
        #[arg(long = "allow", value_name = "CODE", value_parser = PossibleValuesParser::new(CODES))]
        allow: Vec<String>,
        #[command(flatten)]
        inputs: Inputs,
    },
    /// One row per event, normalized across vendors
    #[command(after_help = "Examples:
  callev events webhooks.log
  callev events --event dtmf --event hold -o csv calls.ndjson
  callev events -o ndjson big.ndjson | jq -c 'select(.kind == \"failed\")'")]
    Events {
        #[command(flatten)]
        inputs: Inputs,
    },
    /// Each call's events in time order
    #[command(after_help = "Examples:
  callev timeline webhooks.log
  callev timeline --call 522a2f93 --tz +02:00 capture.json
  tail -f webhooks.log | callev timeline -f")]
    Timeline {
        #[command(flatten)]
        inputs: Inputs,
    },
    /// One row per call: durations, outcome, counts; then totals
    #[command(after_help = "Examples:
  callev summary fixtures/mixed/all-vendors.log
  callev summary -o csv calls.ndjson > calls.csv
  callev summary --since 2026-11-21T10:00:00Z -o json logs/*.gz")]
    Summary {
        /// List every call's anomalies under the table, not a tally of them by kind
        #[arg(long)]
        anomalies: bool,
        #[command(flatten)]
        inputs: Inputs,
    },
    /// The documented schemas: vendors, their events, an event's fields
    #[command(after_help = "Examples:
  callev schema
  callev schema voximplant
  callev schema workonflow call.ended
  callev schema --json-schema xelion > xelion.schema.json")]
    Schema {
        /// A vendor id: list its events
        #[arg(value_parser = vendor_ids())]
        vendor: Option<String>,
        /// An event name: show its fields
        event: Option<String>,
        /// Print a JSON Schema (draft 2020-12) instead
        #[arg(long)]
        json_schema: bool,
    },
    /// Print a shell completion script
    #[command(after_help = "Examples:
  callev completions bash > ~/.local/share/bash-completion/completions/callev
  callev completions zsh > ~/.zfunc/_callev
  callev completions fish > ~/.config/fish/completions/callev.fish")]
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page (roff), or a subcommand's
    #[command(after_help = "Examples:
  callev man > ~/.local/share/man/man1/callev.1
  callev man summary > ~/.local/share/man/man1/callev-summary.1")]
    Man {
        /// A subcommand: print its page (callev-SUBCOMMAND(1))
        #[arg(value_parser = subcommand_names())]
        page: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Ndjson,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormatArg {
    Auto,
    Json,
    Ndjson,
    Log,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

impl Command {
    pub fn inputs(&self) -> Option<&Inputs> {
        match self {
            Command::Detect { inputs, .. }
            | Command::Validate { inputs, .. }
            | Command::Events { inputs }
            | Command::Timeline { inputs }
            | Command::Summary { inputs, .. } => Some(inputs),
            Command::Schema { .. } | Command::Completions { .. } | Command::Man { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_subcommand_has_a_page() {
        let subcommands: Vec<String> = Cli::command()
            .get_subcommands()
            .map(|c| c.get_name().to_owned())
            .collect();
        assert_eq!(subcommands, PAGES);
    }
}
