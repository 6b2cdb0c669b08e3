//! Resolved settings: the command line, the environment (`NO_COLOR`, `CLICOLOR_FORCE`,
//! `COLUMNS`) and whether the streams are terminals, decided once here and handed down as plain
//! values. Nothing downstream reads the environment or clap types.

use std::io::IsTerminal;

use anyhow::Result;

use crate::call::order::{GroupKey, Order};
use crate::cli::{ColorChoice, Options};
pub(crate) use crate::exit::{usage, UsageError};
use crate::formats::Vendor;
use crate::input::{InputFormat, Source};
use crate::output::Format;
use crate::time::{self, Millis};
use crate::timefmt::Zone;

/// Which events and calls the views keep.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    /// Call id prefixes.
    pub(crate) calls: Vec<String>,
    /// Vendor event names or kinds.
    pub(crate) events: Vec<String>,
    /// `--outcome`, `--party`, `--since`, `--until`: which finished calls are shown (and, by
    /// time, which events).
    pub(crate) select: crate::call::CallSelection,
}

impl Filter {
    /// Whether an event passes `--event` (calls are matched by the views, which know the ids
    /// they have seen; times and calls by `CallSelection`).
    pub(crate) fn keeps_event(&self, event: &crate::event::Event) -> bool {
        if !self.events.is_empty() {
            let named = event
                .event
                .as_deref()
                .is_some_and(|n| self.events.iter().any(|e| e == n));
            let kind = self.events.iter().any(|e| e == event.kind.as_str());
            if !named && !kind {
                return false;
            }
        }
        true
    }
}

/// What `summary` shows besides a row per call, checked against each other and the settings.
#[derive(Debug, Default)]
pub(crate) struct SummaryOptions {
    /// `--anomalies`: every call's anomalies under the table, rather than a tally by kind.
    pub(crate) list_anomalies: bool,
    /// `--sort`: the calls in this order.
    pub(crate) sort: Option<Order>,
    /// `--by`: a row per group of calls instead, by these keys (one or two).
    pub(crate) by: Vec<GroupKey>,
}

impl SummaryOptions {
    /// `--anomalies`, `--by` and `--sort`, checked against each other, `-o` and `--follow`.
    pub(crate) fn resolve(
        list_anomalies: bool,
        by: &[GroupKey],
        sort: Option<&str>,
        settings: &Settings,
    ) -> Result<SummaryOptions> {
        if by.len() > 2 {
            return Err(usage("--by takes two levels at most"));
        }
        if by.len() == 2 && by[0] == by[1] {
            return Err(usage("--by: the two levels must differ"));
        }
        if sort.is_some() && !by.is_empty() {
            return Err(usage(
                "--sort orders calls, and --by shows groups instead of calls: give one of them",
            ));
        }
        if settings.format == Format::Parquet && !by.is_empty() {
            return Err(usage(
                "-o parquet writes calls; the groups of --by are json, ndjson or csv",
            ));
        }
        if settings.follow && (sort.is_some() || !by.is_empty()) {
            return Err(usage(
                "--sort and --by need the whole input, and --follow never ends it: drop -f, or stop it with Ctrl-C and run again over the file",
            ));
        }
        let sort = match sort {
            None => None,
            Some(s) => Some(Order::parse(s).ok_or_else(|| {
                usage(format!(
                    "--sort {s:?}: expected total, talk, ring, started or events, with - for descending"
                ))
            })?),
        };
        Ok(SummaryOptions {
            list_anomalies,
            sort,
            by: by.to_vec(),
        })
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) format: Format,
    pub(crate) color: bool,
    /// Terminal width for tables; `None` when output is not a terminal and `COLUMNS` is unset.
    pub(crate) width: Option<usize>,
    pub(crate) zone: Zone,
    pub(crate) naive_offset: i32,
    pub(crate) filter: Filter,
    pub(crate) forced: Option<Vendor>,
    /// `--vendor`: only these vendors' records (all when empty).
    pub(crate) vendors: crate::formats::Vendors,
    /// Shorten ids in tables: on a terminal (a width to fit) without `--full-ids`.
    pub(crate) short_ids: bool,
    pub(crate) input_format: InputFormat,
    pub(crate) follow: bool,
    pub(crate) threads: usize,
    pub(crate) sources: Vec<Source>,
    /// Draw a progress bar on stderr for long reads.
    pub(crate) progress: bool,
    /// Machine output on a terminal: write what would act on the terminal escaped.
    pub(crate) screen: bool,
}

/// The environment as the settings need it, so tests can pass their own.
#[derive(Debug, Clone, Default)]
pub(crate) struct Env {
    pub(crate) no_color: Option<String>,
    pub(crate) clicolor_force: Option<String>,
    pub(crate) columns: Option<String>,
    pub(crate) stdout_tty: bool,
    pub(crate) stdin_tty: bool,
    pub(crate) stderr_tty: bool,
    pub(crate) terminal_width: Option<usize>,
}

impl Env {
    pub(crate) fn from_process() -> Env {
        let stdout_tty = std::io::stdout().is_terminal();
        Env {
            no_color: std::env::var("NO_COLOR").ok(),
            clicolor_force: std::env::var("CLICOLOR_FORCE").ok(),
            columns: std::env::var("COLUMNS").ok(),
            stdout_tty,
            stdin_tty: std::io::stdin().is_terminal(),
            stderr_tty: std::io::stderr().is_terminal(),
            terminal_width: terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)),
        }
    }
}

fn set(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.is_empty())
}

/// A vendor id as given (clap offers only the list's ids; this is for callers that bypass it).
pub(crate) fn vendor(id: Option<&str>) -> Result<Option<Vendor>> {
    id.map(|id| {
        Vendor::find(id).ok_or_else(|| {
            let ids: Vec<&str> = crate::formats::ids().collect();
            usage(format!("no vendor {id:?}; vendors: {}", ids.join(", ")))
        })
    })
    .transpose()
}

/// A `--since`/`--until` value as a time: RFC 3339; a date alone, today or yesterday (days of
/// the `--tz` zone: their start, or for `--until` their end); or a time ago (`15m`, `2h`,
/// `3d`, `45s`).
fn time_bound(s: &str, until: bool, now: Millis, zone: Zone, naive_offset: i32) -> Option<Millis> {
    const DAY: Millis = 86_400_000;
    let s = s.trim();
    if let Some(n) = s
        .strip_suffix(['s', 'm', 'h', 'd'])
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n >= 0)
    {
        let unit = match s.as_bytes()[s.len() - 1] {
            b's' => 1_000,
            b'm' => 60_000,
            b'h' => 3_600_000,
            _ => DAY,
        };
        return Some(now.saturating_sub(n.saturating_mul(unit)));
    }
    // A day of the display zone: its start, and for --until its last millisecond.
    let day = |date: chrono::NaiveDate| -> Option<Millis> {
        let midnight = date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis();
        let start = midnight - i64::from(zone.offset_secs_at(midnight)) * 1000;
        Some(if until { start + DAY - 1 } else { start })
    };
    let today = || {
        let offset = i64::from(zone.offset_secs_at(now)) * 1000;
        chrono::DateTime::from_timestamp_millis(now + offset).map(|t| t.date_naive())
    };
    match s {
        "today" => return day(today()?),
        "yesterday" => return day(today()?.pred_opt()?),
        _ => {}
    }
    if let Ok(date) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return day(date);
    }
    time::parse_iso(s, naive_offset)
}

/// `--event NAME` must name a kind or some vendor's event: a name that exists nowhere would
/// select nothing, silently. The error lists the kinds and the closest event names.
fn check_event(name: &str) -> Result<()> {
    let kinds: Vec<&str> = crate::event::EventKind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect();
    let mut names: Vec<&str> = crate::formats::Vendor::all()
        .flat_map(|v| v.events().map(|s| s.name))
        .collect();
    if kinds.contains(&name) || names.contains(&name) {
        return Ok(());
    }
    names.sort_unstable();
    names.dedup();
    let mut close: Vec<(f64, &str)> = names
        .iter()
        .chain(&kinds)
        .map(|n| {
            (
                strsim::jaro_winkler(&name.to_lowercase(), &n.to_lowercase()),
                *n,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .collect();
    close.sort_by(|a, b| b.0.total_cmp(&a.0));
    let hint = if close.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = close.iter().take(3).map(|(_, n)| *n).collect();
        format!("; did you mean {}?", names.join(", "))
    };
    Err(usage(format!(
        "--event {name:?} is neither a kind ({}) nor any vendor's event name (`callev schema` lists them){hint}",
        kinds.join(", ")
    )))
}

/// The most worker threads `--threads` takes.
const MAX_THREADS: usize = 256;

/// The settings of a run; `g.files` are the command's inputs, `None` for commands that read none
/// (`schema`, `completions`, `man`).
pub(crate) fn resolve(g: &Options, env: &Env) -> Result<Settings> {
    let color = match g.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if set(&env.no_color) {
                false
            } else if set(&env.clicolor_force) && env.clicolor_force.as_deref() != Some("0") {
                true
            } else {
                env.stdout_tty
            }
        }
    };
    let columns = env
        .columns
        .as_deref()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|w| *w > 0);
    let width = columns.or(if env.stdout_tty {
        env.terminal_width
    } else {
        None
    });
    let zone = Zone::parse(g.tz).ok_or_else(|| {
        usage(format!(
            "--tz {:?}: expected UTC, local, an offset such as +02:00 or a zone such as Europe/Amsterdam",
            g.tz
        ))
    })?;
    let naive_offset = match Zone::parse(g.source_tz) {
        Some(Zone::Utc) => 0,
        Some(Zone::Fixed(s)) => s,
        Some(Zone::Local) => chrono::Local::now().offset().local_minus_utc(),
        // A zone-less time read in a named zone would need that zone's rules per date; the
        // offset of the capture is what users know.
        Some(Zone::Named(_)) | None => {
            return Err(usage(format!(
                "--source-tz {:?}: expected UTC, local or an offset such as +02:00",
                g.source_tz
            )))
        }
    };
    let now = chrono::Utc::now().timestamp_millis();
    let time_flag = |flag: &str, v: Option<&str>| -> Result<Option<Millis>> {
        let until = flag == "--until";
        match v {
            None => Ok(None),
            Some(s) => time_bound(s, until, now, zone, naive_offset)
                .map(Some)
                .ok_or_else(|| {
                    usage(format!(
                        "{flag} {s:?}: expected an RFC 3339 time (2026-11-21T10:00:00Z), a date (2026-11-21), a time ago (15m, 2h, 3d), today or yesterday"
                    ))
                }),
        }
    };
    let (since, until) = (
        time_flag("--since", g.since)?,
        time_flag("--until", g.until)?,
    );
    if let (Some(s), Some(u)) = (since, until) {
        if s > u {
            return Err(usage(format!(
                "--since {} is after --until {}: nothing could be selected (swap them?)",
                g.since.unwrap_or_default(),
                g.until.unwrap_or_default()
            )));
        }
    }
    let filter = Filter {
        calls: g.calls.to_vec(),
        select: crate::call::CallSelection {
            since,
            until,
            outcomes: g
                .outcomes
                .iter()
                .filter_map(|o| crate::event::Outcome::find(o))
                .collect(),
            parties: g.parties.to_vec(),
        },
        events: g.events.to_vec(),
    };
    for e in &filter.events {
        check_event(e)?;
    }
    let sources = match g.files {
        None => Vec::new(),
        Some([]) => {
            if env.stdin_tty {
                return Err(usage("no input: give a FILE, or pipe events in (for example `cat webhooks.log | callev summary`)"));
            }
            vec![Source::Stdin]
        }
        Some(files) => files.iter().map(Source::from_arg).collect(),
    };
    if g.output == Format::Parquet {
        if !g.parquet {
            return Err(usage(
                "-o parquet is written by `callev events` and `callev summary`; this command writes table, json, ndjson or csv",
            ));
        }
        if env.stdout_tty {
            return Err(usage(
                "-o parquet is a binary file: write it to a file or a pipe (callev events -o parquet FILE > events.parquet)",
            ));
        }
        if g.follow {
            return Err(usage(
                "-o parquet is written whole at the end (its footer says where each column is): use -o ndjson with --follow",
            ));
        }
    }
    let threads = match g.threads {
        Some(0) => return Err(usage("--threads must be at least 1")),
        Some(n) if n > MAX_THREADS => {
            return Err(usage(format!(
                "--threads {n}: at most {MAX_THREADS} (each thread holds buffers of its own; a few per core is all reading uses)"
            )))
        }
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(2, |n| n.get()),
    };
    Ok(Settings {
        format: g.output,
        color,
        width,
        zone,
        naive_offset,
        filter,
        forced: vendor(g.read_as)?,
        short_ids: width.is_some() && !g.full_ids,
        vendors: g
            .vendors
            .iter()
            .map(|id| vendor(Some(id)).map(Option::unwrap_or_default))
            .collect::<Result<_>>()?,
        input_format: g.input_format,
        follow: g.follow,
        threads,
        sources,
        // Never over machine output into a pipe, never while following.
        progress: env.stderr_tty && !g.follow && (g.output == Format::Table || env.stdout_tty),
        screen: env.stdout_tty && g.output != Format::Table,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::Parser;

    fn settings(args: &[&str], env: &Env) -> Result<Settings> {
        let cli = Cli::try_parse_from(args).unwrap();
        resolve(&cli.command.options(), env)
    }

    #[test]
    fn color_follows_flag_then_no_color_then_force_then_tty() {
        let tty = Env {
            stdout_tty: true,
            ..Env::default()
        };
        assert!(settings(&["callev", "events", "x"], &tty).unwrap().color);
        let no_color = Env {
            no_color: Some("1".into()),
            ..tty.clone()
        };
        assert!(
            !settings(&["callev", "events", "x"], &no_color)
                .unwrap()
                .color
        );
        let empty_no_color = Env {
            no_color: Some(String::new()),
            ..tty.clone()
        };
        assert!(
            settings(&["callev", "events", "x"], &empty_no_color)
                .unwrap()
                .color
        );
        let forced = Env {
            clicolor_force: Some("1".into()),
            ..Env::default()
        };
        assert!(settings(&["callev", "events", "x"], &forced).unwrap().color);
        assert!(
            settings(
                &["callev", "events", "--color", "always", "x"],
                &Env::default()
            )
            .unwrap()
            .color
        );
        assert!(
            !settings(&["callev", "events", "--color", "never", "x"], &tty)
                .unwrap()
                .color
        );
    }

    #[test]
    fn width_comes_from_columns_or_the_terminal() {
        let env = Env {
            columns: Some("77".into()),
            ..Env::default()
        };
        assert_eq!(
            settings(&["callev", "events", "x"], &env).unwrap().width,
            Some(77)
        );
        let tty = Env {
            stdout_tty: true,
            terminal_width: Some(120),
            ..Env::default()
        };
        assert_eq!(
            settings(&["callev", "events", "x"], &tty).unwrap().width,
            Some(120)
        );
        assert_eq!(
            settings(&["callev", "events", "x"], &Env::default())
                .unwrap()
                .width,
            None
        );
    }

    #[test]
    fn no_input_on_a_terminal_is_a_usage_error() {
        let env = Env {
            stdin_tty: true,
            ..Env::default()
        };
        let err = settings(&["callev", "validate"], &env).unwrap_err();
        assert!(err.downcast_ref::<UsageError>().is_some());
        assert_eq!(
            settings(&["callev", "validate"], &Env::default())
                .unwrap()
                .sources,
            vec![Source::Stdin]
        );
    }

    #[test]
    fn bad_times_and_zones_are_usage_errors() {
        for args in [
            &["callev", "events", "--tz", "Mars", "x"][..],
            &["callev", "events", "--since", "last tuesday", "x"],
        ] {
            assert!(settings(args, &Env::default())
                .unwrap_err()
                .downcast_ref::<UsageError>()
                .is_some());
        }
    }
}
