//! Wires a command: settings -> inputs -> records (in parallel) -> formats -> events -> view ->
//! output, and says which documented status the run ends with (`exit.rs`).

use std::io::Write;

use anyhow::Result;
use clap::Parser;

use crate::cli::{Cli, Command};
use crate::config::{self, Env, Settings};
use crate::exit::Exit;
use crate::output;
use crate::record::Analysis;
use crate::render::{self, View};

/// Run the command the command line names, to the status it ends with.
pub fn run() -> Result<Exit> {
    let cli = Cli::parse();
    let env = Env::from_process();
    let settings = config::resolve(&cli.command.options(), &env)?;
    let mut out = output::stdout();
    match &cli.command {
        Command::Schema { sql: Some(sql), .. } => {
            let engine = match sql {
                crate::cli::SqlEngine::Duckdb => render::sql::Engine::DuckDb,
                crate::cli::SqlEngine::Clickhouse => render::sql::Engine::ClickHouse,
            };
            out.write_all(render::sql::ddl(engine).as_bytes())?;
        }
        Command::Schema {
            events: true,
            json_schema,
            ..
        } => render::schema::events(*json_schema, &settings, &mut out)?,
        Command::Schema {
            vendor,
            event,
            json_schema,
            ..
        } => {
            let vendor = config::vendor(vendor.as_deref())?;
            render::schema::run(vendor, event.as_deref(), *json_schema, &settings, &mut out)?;
        }
        Command::Completions { shell } => render::shell::completions(*shell, &mut out)?,
        Command::Man { page } => render::shell::man(page.as_deref(), &mut out)?,
        Command::Browse { .. } => {
            drop(out);
            let analysis = analysis(&cli.command, &settings);
            return crate::browse::run(settings, analysis);
        }
        Command::Detect { .. }
        | Command::Validate { .. }
        | Command::Events { .. }
        | Command::Timeline { .. }
        | Command::Summary { .. } => {
            drop(out);
            return read_records(&cli.command, &settings);
        }
    }
    out.flush()?;
    Ok(Exit::Ok)
}

/// What reading does for a command: validate, normalize, how much it keeps.
pub fn analysis(command: &Command, settings: &Settings) -> Analysis {
    Analysis {
        validate: matches!(command, Command::Validate { .. } | Command::Browse { .. }),
        normalize: matches!(
            command,
            Command::Events { .. }
                | Command::Timeline { .. }
                | Command::Summary { .. }
                | Command::Browse { .. }
        ),
        forced: settings.forced,
        naive_offset: settings.naive_offset,
        lean: matches!(command, Command::Summary { .. }),
        strict: matches!(command, Command::Validate { strict: true, .. }),
        vendors: settings.vendors,
        allowed: match command {
            Command::Validate { allow, .. } => allow
                .iter()
                .filter_map(|c| crate::diagnostic::Code::find(c))
                .collect(),
            _ => crate::diagnostic::Codes::NONE,
        },
        hold: false,
    }
}

/// Run a command that reads records, to the status its data gives.
fn read_records(command: &Command, settings: &Settings) -> Result<Exit> {
    crate::signal::install();
    let analysis = analysis(command, settings);
    let mut view: Box<dyn View> = match command {
        Command::Detect { explain, .. } => {
            Box::new(render::detect::Detect::new(settings, *explain))
        }
        Command::Validate { .. } => Box::new(render::validate::Validate::new(settings)),
        Command::Events { .. } => Box::new(render::events::Events::new(settings)),
        Command::Timeline { .. } => Box::new(render::timeline::Timeline::new(settings)),
        Command::Summary {
            anomalies,
            by,
            sort,
            ..
        } => {
            let shape = render::summary::Shape::resolve(*anomalies, by, sort.as_deref(), settings)?;
            Box::new(render::summary::Summary::new(settings, shape)?)
        }
        Command::Schema { .. }
        | Command::Completions { .. }
        | Command::Man { .. }
        | Command::Browse { .. } => {
            unreachable!("commands that read no records, and browse, are run by `run`")
        }
    };
    let tally = crate::reading::read(settings, &analysis, view.as_mut())?;
    // Every command fails on records it could not read; validate also on invalid ones, and with
    // --strict on warnings, text lines and other JSON. Text and other JSON are no damage.
    let mut failing = tally.unparseable + tally.unknown;
    if analysis.validate {
        failing += tally.invalid;
    }
    if analysis.strict {
        failing += tally.warnings + tally.text_lines + tally.other_json;
    }
    Ok(if tally.failed_sources > 0 {
        Exit::UsageOrIo
    } else if failing > 0 {
        Exit::DataProblems
    } else {
        Exit::Ok
    })
}
