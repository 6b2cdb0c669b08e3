//! The command line as clap types, and nothing else: their doc comments are the `--help` text.
//! `config.rs` turns them into resolved settings; no clap type goes further than that.

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::call::order::GroupKey;
use crate::input::InputFormat;
use crate::output::Format;

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
pub(crate) const PAGES: [&str; 12] = [
    "detect",
    "validate",
    "events",
    "timeline",
    "summary",
    "browse",
    "listen",
    "send",
    "trigger",
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
Exit codes: 0 success; 1 the data has problems (for validate: any invalid, unparseable or \
unknown-vendor record); 2 usage or I/O error; 130 interrupted.

Run `callev schema` to list the vendors and their events.";

/// `callev --version`: the version, the commit and the target it was built for (`build.rs`).
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("CALLEV_COMMIT"),
    ", ",
    env!("CALLEV_TARGET"),
    ")"
);

/// Read, validate and summarise telephony call-event JSON from Workonflow, Xelion, Voximplant and
/// Bandwidth: webhook bodies, WebSocket frames, logged events, as files or piped in.
#[derive(Debug, Parser)]
#[command(name = "callev", version = VERSION, about, after_help = AFTER_HELP, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// How output is written: every command that prints records or a table.
#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub(crate) struct OutputArgs {
    /// Output format: a table for people, or json, ndjson or csv for programs (events and
    /// summary: also parquet, to a file or a pipe)
    #[arg(short = 'o', long, value_enum, default_value_t = Format::Table)]
    pub(crate) output: Format,

    /// When to use colors: auto uses them on a terminal unless NO_COLOR is set
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub(crate) color: ColorChoice,
}

/// How events are shown: the views that show times and ids.
#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub(crate) struct DisplayArgs {
    /// Zone for displayed times: UTC, local, an offset such as +02:00 or a zone such as Europe/Amsterdam (the offset is always shown)
    #[arg(long, default_value = "UTC", value_name = "ZONE")]
    pub(crate) tz: String,

    /// Zone of times written without one (Xelion's `date`, bare log timestamps): UTC, local or ±HH:MM
    #[arg(long, default_value = "UTC", value_name = "ZONE")]
    pub(crate) source_tz: String,

    /// Never shorten ids in tables (they are shortened only on a terminal, to fit)
    #[arg(long)]
    pub(crate) full_ids: bool,
}

/// Where records come from and how they are read: every command that reads records.
#[derive(Debug, Args)]
#[command(next_help_heading = "Input")]
pub(crate) struct InputArgs {
    /// Input files; `-` is standard input, which is also read when no file is given. summary,
    /// timeline, send and browse read several merged by time (a call spread over hosts' logs or
    /// rotated files is one call); the others one after another
    #[arg(value_name = "FILE", help_heading = "Arguments")]
    #[arg(value_parser = clap::value_parser!(std::ffi::OsString))]
    pub(crate) files: Vec<std::ffi::OsString>,

    /// Only this vendor's records (repeatable); detection still runs, and the others are counted
    /// apart
    #[arg(long = "vendor", value_name = "ID", value_parser = vendor_ids())]
    pub(crate) vendors: Vec<String>,

    /// Skip detection: read every record as this vendor's
    #[arg(long = "as", value_name = "ID", value_parser = vendor_ids())]
    pub(crate) read_as: Option<String>,

    /// How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves
    #[arg(long, value_enum, default_value_t = InputFormat::Auto, value_name = "FORMAT")]
    pub(crate) input_format: InputFormat,

    /// Keep reading appended input and print records as they arrive
    #[arg(short = 'f', long)]
    pub(crate) follow: bool,

    /// Worker threads for parsing (default: one per core)
    #[arg(long, value_name = "N")]
    pub(crate) threads: Option<usize>,
}

/// Which events: the views of events and calls.
#[derive(Debug, Args)]
#[command(next_help_heading = "Selection")]
pub(crate) struct EventArgs {
    /// Only this call; repeatable; a unique prefix of the id (any case) or the shortened id a
    /// table shows
    #[arg(long = "call", value_name = "ID")]
    pub(crate) calls: Vec<String>,

    /// Only events whose vendor name or kind is NAME (repeatable). Kinds: started, ringing,
    /// answered, hold, unhold, dtmf, participant_joined, participant_left, transfer, media,
    /// recording, channel_ended, ended, failed, missed, other
    #[arg(long = "event", value_name = "NAME")]
    pub(crate) events: Vec<String>,

    /// From this time: RFC 3339, a date, 15m/2h/3d ago, today, yesterday. SINCE_SELECTS
    #[arg(long, value_name = "TIME")]
    pub(crate) since: Option<String>,

    /// Up to this time (a date or today: to its end); selects as --since does
    #[arg(long, value_name = "TIME")]
    pub(crate) until: Option<String>,
}

/// How records are sent to a handler: `send`, and `trigger --to`.
#[derive(Debug, Args)]
#[command(next_help_heading = "Sending")]
pub(crate) struct DeliveryArgs {
    /// Calls sent at once (a call's own events always go one at a time)
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub(crate) concurrency: usize,
    /// Keep the original gaps between a call's events, divided by N (1: real time); without it,
    /// as fast as the handler answers
    #[arg(long, value_name = "N")]
    pub(crate) speed: Option<f64>,
    /// How long a request may take, its answer included
    #[arg(long, default_value = "15s", value_name = "DURATION")]
    pub(crate) timeout: String,
    /// Try again this many times on a connection error or a 5xx answer, waiting longer each time
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub(crate) retries: u32,
    /// Send HTTP Basic credentials (USER:PASS) with every request
    #[arg(
        long,
        env = "CALLEV_SEND_BASIC_AUTH",
        hide_env_values = true,
        value_name = "USER:PASS"
    )]
    pub(crate) basic_auth: Option<String>,
    /// Add this header to every request, replacing one of the same name ('Name: value';
    /// repeatable)
    #[arg(long = "header", value_name = "'NAME: VALUE'")]
    pub(crate) headers: Vec<String>,
    /// Trust this PEM certificate (a self-signed handler's) for https, besides the usual roots
    #[arg(long, value_name = "FILE")]
    pub(crate) cacert: Option<std::path::PathBuf>,
    /// Send repeated deliveries of an event too (by default each event goes once)
    #[arg(long)]
    pub(crate) repeats: bool,
}

/// Which calls: the views of whole calls.
#[derive(Debug, Args)]
#[command(next_help_heading = "Selection")]
pub(crate) struct CallArgs {
    /// Only calls with this outcome; repeatable
    #[arg(long = "outcome", value_name = "OUTCOME", value_parser = PossibleValuesParser::new(OUTCOMES))]
    pub(crate) outcomes: Vec<String>,

    /// Only calls in which this number or user id takes part (caller, callee, from, to, a
    /// participant); numbers match by their digits; repeatable
    #[arg(long = "party", value_name = "X")]
    pub(crate) parties: Vec<String>,
}

/// Everything a command's flags set, gathered from the groups it has (the others keep their
/// defaults): what `config::resolve` reads.
#[derive(Debug)]
pub(crate) struct Options<'a> {
    pub(crate) output: Format,
    pub(crate) color: ColorChoice,
    pub(crate) tz: &'a str,
    pub(crate) source_tz: &'a str,
    pub(crate) full_ids: bool,
    pub(crate) files: Option<&'a [std::ffi::OsString]>,
    pub(crate) vendors: &'a [String],
    pub(crate) read_as: Option<&'a str>,
    pub(crate) input_format: InputFormat,
    pub(crate) follow: bool,
    pub(crate) threads: Option<usize>,
    pub(crate) calls: &'a [String],
    pub(crate) events: &'a [String],
    pub(crate) since: Option<&'a str>,
    pub(crate) until: Option<&'a str>,
    pub(crate) outcomes: &'a [String],
    pub(crate) parties: &'a [String],
    /// The command writes Parquet (`-o parquet`).
    pub(crate) parquet: bool,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            output: Format::Table,
            color: ColorChoice::Auto,
            tz: "UTC",
            source_tz: "UTC",
            full_ids: false,
            files: None,
            vendors: &[],
            read_as: None,
            input_format: InputFormat::Auto,
            follow: false,
            threads: None,
            calls: &[],
            events: &[],
            since: None,
            until: None,
            outcomes: &[],
            parties: &[],
            parquet: false,
        }
    }
}

impl<'a> Options<'a> {
    fn output(mut self, o: &'a OutputArgs) -> Self {
        self.output = o.output;
        self.color = o.color;
        self
    }

    fn input(mut self, i: &'a InputArgs) -> Self {
        self.files = Some(&i.files);
        self.vendors = &i.vendors;
        self.read_as = i.read_as.as_deref();
        self.input_format = i.input_format;
        self.follow = i.follow;
        self.threads = i.threads;
        self
    }

    fn display(mut self, d: &'a DisplayArgs) -> Self {
        self.tz = &d.tz;
        self.source_tz = &d.source_tz;
        self.full_ids = d.full_ids;
        self
    }

    fn events(mut self, e: &'a EventArgs) -> Self {
        self.calls = &e.calls;
        self.events = &e.events;
        self.since = e.since.as_deref();
        self.until = e.until.as_deref();
        self
    }

    fn calls(mut self, c: &'a CallArgs) -> Self {
        self.outcomes = &c.outcomes;
        self.parties = &c.parties;
        self
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
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
        output: OutputArgs,
        #[command(flatten)]
        input: InputArgs,
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
        output: OutputArgs,
        #[command(flatten)]
        input: InputArgs,
    },
    /// One row per event, normalized across vendors
    #[command(after_help = "Examples:
  callev events webhooks.log
  callev events --event dtmf --event hold -o csv calls.ndjson
  callev events -o ndjson big.ndjson | jq -c 'select(.kind == \"failed\")'")]
    #[command(mut_arg("since", |a| a.help(SINCE_EVENTS)))]
    Events {
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        display: DisplayArgs,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        select: EventArgs,
    },
    /// Each call's events in time order
    #[command(after_help = "Examples:
  callev timeline webhooks.log
  callev timeline --call 522a2f93 --tz +02:00 capture.json
  tail -f webhooks.log | callev timeline -f")]
    #[command(mut_arg("since", |a| a.help(SINCE_CALLS)))]
    Timeline {
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        display: DisplayArgs,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        select: EventArgs,
        #[command(flatten)]
        calls: CallArgs,
    },
    /// One row per call: durations, outcome, counts; then totals
    #[command(after_help = "Examples:
  callev summary fixtures/mixed/all-vendors.log
  callev summary --by hour webhooks.log
  callev summary --sort -total --outcome answered calls.ndjson
  callev summary -o csv calls.ndjson > calls.csv
  callev summary --since 2026-11-21T10:00:00Z -o json logs/*.gz")]
    #[command(mut_arg("since", |a| a.help(SINCE_CALLS)))]
    Summary {
        /// List every call's anomalies under the table, not a tally of them by kind
        #[arg(long)]
        anomalies: bool,
        /// A row per group instead of per call: calls, answered share, outcomes, talk and total
        /// p50/p95 (repeatable: two levels)
        #[arg(long = "by", value_enum, value_name = "KEY")]
        by: Vec<GroupKey>,
        /// Order the calls by total, talk, ring, started or events; -FIELD for descending
        /// (unknown values last)
        #[arg(long, value_name = "FIELD", allow_hyphen_values = true, hide_possible_values = true, value_parser = PossibleValuesParser::new(SORTS))]
        sort: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        display: DisplayArgs,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        select: EventArgs,
        #[command(flatten)]
        calls: CallArgs,
    },
    /// A full-screen call list to browse: each call's timeline, its records as read, findings
    #[command(
        after_help = "Keys: arrows move, Enter opens a call, / filters, s sorts, o and v show one outcome or vendor, \
f lists the findings, y copies the call id, e writes a call's records to a file, ? lists the \
keys, q quits. Needs a terminal: for pipes, `callev summary` and `callev timeline`.

Examples:
  callev browse webhooks.log
  callev browse --outcome busy --since 1h logs/*.gz
  tail -f webhooks.log | callev browse -f"
    )]
    #[command(mut_arg("since", |a| a.help(SINCE_CALLS)))]
    Browse {
        /// When to use colors: auto uses them unless NO_COLOR is set
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN", help_heading = "Output")]
        color: ColorChoice,
        #[command(flatten)]
        display: DisplayArgs,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        select: EventArgs,
        #[command(flatten)]
        calls: CallArgs,
    },
    /// Receive vendor callbacks over HTTP: capture each request, show its event and findings
    #[command(
        after_help = "Every request, on any path and with any method, is one line of the capture file, written before \
the request is answered. Ctrl-C or SIGTERM stops: requests in flight finish, then what was \
received is said. Bandwidth delivers callbacks over HTTP; Voximplant scenarios can send events \
with Net.httpRequest; Xelion and Workonflow deliver theirs otherwise (see the README).

Examples:
  callev listen --port 8910
  callev listen --port 0 --capture calls.ndjson --reply answer.xml
  callev listen --forward-to http://127.0.0.1:3000/ --basic-auth user:secret
  callev summary calls.ndjson"
    )]
    Listen {
        /// The port to listen on; 0 picks a free one (printed at start)
        #[arg(long, default_value_t = 8910, help_heading = "Server")]
        port: u16,
        /// The address to listen on; anything but loopback is reachable from other machines
        #[arg(
            long,
            default_value = "127.0.0.1",
            value_name = "ADDR",
            help_heading = "Server"
        )]
        bind: std::net::IpAddr,
        /// The capture file (NDJSON, appended to); default callev-capture-DATE-TIME.ndjson here
        #[arg(long, value_name = "FILE", help_heading = "Server")]
        capture: Option<std::path::PathBuf>,
        /// Make each line durable (fsync) before answering; lines arriving together share one sync
        #[arg(long, help_heading = "Server")]
        fsync: bool,
        /// Bodies larger than this are answered 413 and not kept
        #[arg(
            long,
            default_value = "1MiB",
            value_name = "SIZE",
            help_heading = "Server"
        )]
        max_body: String,
        /// Require HTTP Basic credentials (USER:PASS); others get 401 and their bodies are not kept
        #[arg(
            long,
            env = "CALLEV_BASIC_AUTH",
            hide_env_values = true,
            value_name = "USER:PASS",
            help_heading = "Server"
        )]
        basic_auth: Option<String>,
        /// Answer every request with this file (content type from its extension: .xml is BXML)
        #[arg(long, value_name = "FILE", help_heading = "Answering")]
        reply: Option<std::path::PathBuf>,
        /// Pass every request on to your app (http or https) and its answer back unchanged
        #[arg(long, value_name = "URL", help_heading = "Answering")]
        forward_to: Option<String>,
        /// How long the app may take before the vendor gets 504 (Bandwidth waits 15 s by default)
        #[arg(
            long,
            default_value = "10s",
            value_name = "DURATION",
            help_heading = "Answering"
        )]
        forward_timeout: String,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        display: DisplayArgs,
    },
    /// Replay records to your handler over HTTP: a call's events in order, as the vendor sent them
    #[command(
        after_help = "A record from a capture (`callev listen`) goes as it was received: its method, its path under \
the URL's path, its query, its headers (less hop-by-hop and redacted ones) and its exact body. \
Any other record is POSTed as application/json with its bytes exactly as they are in the file. \
A call's events go one at a time, each after the previous one's answer; redirects are not \
followed. Exit 0 when every answer was 2xx, 1 when one was not or a request failed.

Examples:
  callev send calls.ndjson --to http://127.0.0.1:3000/callbacks
  callev send --call c-7f3a calls.ndjson --to http://127.0.0.1:3000/ --speed 1
  callev send webhooks.log --outcome busy --concurrency 8 --to http://127.0.0.1:3000/ -o ndjson"
    )]
    #[command(mut_arg("since", |a| a.help(SINCE_CALLS)))]
    Send {
        /// Your handler's URL (http or https); a capture's request path goes under its path
        #[arg(long, value_name = "URL", help_heading = "Sending")]
        to: String,
        #[command(flatten)]
        delivery: DeliveryArgs,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        display: DisplayArgs,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        select: EventArgs,
        #[command(flatten)]
        calls: CallArgs,
    },
    /// Make up a call's events in a vendor's own format: print them, or send them to your handler
    #[command(
        after_help = "Without --to the payloads are printed as NDJSON, one a line, in the order the vendor sends them. \
Numbers are fictional (555-01xx) unless given; --seed gives the same output twice.

Examples:
  callev trigger --list
  callev trigger bandwidth busy
  callev trigger workonflow answered --direction outbound --talk 90s | callev summary
  callev trigger voximplant no-answer --count 20 --seed 7 > calls.ndjson
  callev trigger bandwidth answered --to http://127.0.0.1:3000/callbacks --speed 10"
    )]
    Trigger {
        /// The vendor
        #[arg(value_name = "VENDOR", required_unless_present = "list", value_parser = vendor_ids())]
        vendor: Option<String>,
        /// The scenario: answered, busy, no-answer, rejected, failed, caller-hangup, transfer,
        /// hold, dtmf where the vendor can express them, and each vendor's own (--list)
        #[arg(value_name = "SCENARIO", required_unless_present = "list")]
        scenario: Option<String>,
        /// List every vendor's scenarios
        #[arg(long)]
        list: bool,
        /// Who placed the call (default: inbound where the scenario can be)
        #[arg(long, value_enum, help_heading = "Call")]
        direction: Option<crate::formats::scenario::Direction>,
        /// How many calls
        #[arg(long, default_value_t = 1, value_name = "N", help_heading = "Call")]
        count: u32,
        /// How long it rings
        #[arg(
            long,
            default_value = "5s",
            value_name = "DURATION",
            help_heading = "Call"
        )]
        ring: String,
        /// How long the parties talk, once answered
        #[arg(
            long,
            default_value = "60s",
            value_name = "DURATION",
            help_heading = "Call"
        )]
        talk: String,
        /// The caller's number (default: a fictional one)
        #[arg(long, value_name = "NUMBER", help_heading = "Call")]
        from: Option<String>,
        /// The callee's number (default: a fictional one)
        #[arg(long = "to-number", value_name = "NUMBER", help_heading = "Call")]
        to_number: Option<String>,
        /// When the first call starts: RFC 3339 or a date (default: now)
        #[arg(long, value_name = "TIME", help_heading = "Call")]
        at: Option<String>,
        /// Make the same ids and numbers on every run
        #[arg(long, value_name = "N", help_heading = "Call")]
        seed: Option<u64>,
        /// Send the calls to your handler instead of printing them (as `callev send` does)
        #[arg(long, value_name = "URL", help_heading = "Sending")]
        to: Option<String>,
        #[command(flatten)]
        delivery: DeliveryArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// The documented schemas: vendors, their events, an event's fields
    #[command(after_help = "Examples:
  callev schema
  callev schema voximplant
  callev schema workonflow call.ended
  callev schema --json-schema xelion > xelion.schema.json
  callev schema --events -o csv > events-columns.csv
  callev schema --sql duckdb | duckdb calls.db")]
    Schema {
        #[command(flatten)]
        output: OutputArgs,
        /// A vendor id: list its events
        #[arg(value_parser = vendor_ids())]
        vendor: Option<String>,
        /// An event name: show its fields
        event: Option<String>,
        /// Print a JSON Schema (draft 2020-12) instead
        #[arg(long)]
        json_schema: bool,
        /// Show the columns of callev's own events records (what `callev events` writes):
        /// name, type, meaning
        #[arg(long, conflicts_with_all = ["vendor", "event"])]
        events: bool,
        /// Show the fields of the capture record `callev listen` writes
        #[arg(long, conflicts_with_all = ["vendor", "event", "events", "json_schema"])]
        capture: bool,
        /// Print the SQL that makes the table the events records load into (`call_events`)
        /// and the view that gives the summary's calls from it (`call_summary`), for DuckDB
        /// or ClickHouse
        #[arg(long, value_enum, value_name = "ENGINE", conflicts_with_all = ["vendor", "event", "json_schema", "events"])]
        sql: Option<crate::event_record::Engine>,
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
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

/// What `--since` selects, said in each view's help.
const SINCE_EVENTS: &str =
    "From this time (RFC 3339, a date, 15m/2h/3d ago, today, yesterday): the events at or after it; events without a time are counted and left out";
const SINCE_CALLS: &str =
    "From this time (RFC 3339, a date, 15m/2h/3d ago, today, yesterday): the calls that reach it, with all their events; calls without a time are counted and left out";

/// The fields `--sort` takes, each also with `-` for descending.
const SORTS: [&str; 10] = [
    "total", "talk", "ring", "started", "events", "-total", "-talk", "-ring", "-started", "-events",
];

impl Command {
    /// The options this command's flags set.
    pub(crate) fn options(&self) -> Options<'_> {
        let o = Options::default();
        match self {
            Command::Detect { output, input, .. } | Command::Validate { output, input, .. } => {
                o.output(output).input(input)
            }
            Command::Events {
                output,
                display,
                input,
                select,
            } => Options {
                parquet: true,
                ..o.output(output)
                    .display(display)
                    .input(input)
                    .events(select)
            },
            Command::Summary {
                output,
                display,
                input,
                select,
                calls,
                ..
            } => Options {
                parquet: true,
                ..o.output(output)
                    .display(display)
                    .input(input)
                    .events(select)
                    .calls(calls)
            },
            Command::Timeline {
                output,
                display,
                input,
                select,
                calls,
            }
            | Command::Send {
                output,
                display,
                input,
                select,
                calls,
                ..
            } => o
                .output(output)
                .display(display)
                .input(input)
                .events(select)
                .calls(calls),
            Command::Browse {
                color,
                display,
                input,
                select,
                calls,
            } => Options {
                color: *color,
                ..o.display(display).input(input).events(select).calls(calls)
            },
            Command::Listen {
                output, display, ..
            } => o.output(output).display(display),
            Command::Trigger { output, .. } | Command::Schema { output, .. } => o.output(output),
            Command::Completions { .. } | Command::Man { .. } => o,
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
