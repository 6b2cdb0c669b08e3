//! Wires a command: settings -> inputs -> records (in parallel) -> formats -> events -> view ->
//! output, and says which documented status the run ends with (`exit.rs`). Each command that
//! reads records names its view here, and the view says what it needs of the reading
//! (`View::needs`).

use std::io::Write;

use anyhow::Result;
use clap::Parser as _;

use crate::cli::{Cli, Command};
use crate::config::{self, Env, Settings};
use crate::exit::Exit;
use crate::output;
use crate::render::{self, View};

/// Run the command the command line names, to the status it ends with.
pub fn run() -> Result<Exit> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help, the version, or a usage error, said as clap says them; a failed write of them
        // (a full disk, /dev/full) is an I/O error, as for every other command.
        Err(e) => {
            if e.print().is_err() || e.exit_code() != 0 {
                return Ok(Exit::UsageOrIo);
            }
            return Ok(Exit::Ok);
        }
    };
    let env = Env::from_process();
    let settings = config::resolve(&cli.command.options(), &env)?;
    let mut out = output::stdout(settings.screen);
    match &cli.command {
        Command::Schema { sql: Some(sql), .. } => {
            out.write_all(render::sql::ddl(*sql).as_bytes())?;
        }
        Command::Schema { capture: true, .. } => {
            render::schema::capture(&settings, &mut out)?;
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
        Command::Listen {
            port,
            bind,
            capture,
            fsync,
            max_body,
            basic_auth,
            reply,
            forward_to,
            forward_timeout,
            ..
        } => {
            drop(out);
            if !matches!(
                settings.format,
                output::Format::Table | output::Format::Ndjson
            ) {
                return Err(config::usage(
                    "listen -o: table (the default) or ndjson (the events records)".to_owned(),
                ));
            }
            let options = crate::listen::Options {
                bind: *bind,
                port: *port,
                capture: capture.clone(),
                forward_to: forward_to.clone(),
                forward_timeout: forward_timeout.clone(),
                reply: reply.clone(),
                basic_auth: basic_auth.clone(),
                max_body: max_body.clone(),
                fsync: *fsync,
            };
            return crate::listen::run(&options, settings);
        }
        Command::Send { to, delivery, .. } => {
            drop(out);
            return crate::send::run(&send_options(to.clone(), delivery), settings);
        }
        Command::Trigger {
            vendor,
            scenario,
            list,
            direction,
            count,
            ring,
            talk,
            from,
            to_number,
            at,
            seed,
            to,
            delivery,
            ..
        } => {
            if *list {
                crate::trigger::list(&settings, &mut out)?;
                out.flush()?;
                return Ok(Exit::Ok);
            }
            let ask = crate::trigger::Ask::resolve(
                vendor.as_deref().unwrap_or_default(),
                scenario.as_deref().unwrap_or_default(),
                *direction,
                *count,
                (ring, talk),
                (from.clone(), to_number.clone()),
                at.as_deref(),
                *seed,
            )?;
            let calls = crate::trigger::make(&ask);
            match to {
                Some(url) => {
                    drop(out);
                    let options = send_options(url.clone(), delivery);
                    return crate::send::run_calls(
                        &options,
                        &settings,
                        crate::trigger::outgoing(calls),
                    );
                }
                None => crate::trigger::print(&calls, &mut out)?,
            }
        }
        Command::Browse { .. } => {
            drop(out);
            return crate::browse::run(settings);
        }
        Command::Detect { explain, .. } => {
            drop(out);
            return read_records(render::detect::Detect::new(&settings, *explain), &settings);
        }
        Command::Validate { strict, allow, .. } => {
            drop(out);
            let view = render::validate::Validate::new(&settings, *strict, allow);
            return read_records(view, &settings);
        }
        Command::Events { .. } => {
            drop(out);
            return read_records(render::events::Events::new(&settings), &settings);
        }
        Command::Timeline { .. } => {
            drop(out);
            return read_records(render::timeline::Timeline::new(&settings), &settings);
        }
        Command::Summary {
            anomalies,
            by,
            sort,
            ..
        } => {
            drop(out);
            let options =
                config::SummaryOptions::resolve(*anomalies, by, sort.as_deref(), &settings)?;
            let view = render::summary::Summary::new(&settings, options)?;
            return read_records(view, &settings);
        }
    }
    out.flush()?;
    Ok(Exit::Ok)
}

/// What `send` and `trigger --to` were told about sending.
fn send_options(to: String, d: &crate::cli::DeliveryArgs) -> crate::send::Options {
    crate::send::Options {
        to,
        concurrency: d.concurrency,
        speed: d.speed,
        timeout: d.timeout.clone(),
        retries: d.retries,
        basic_auth: d.basic_auth.clone(),
        headers: d.headers.clone(),
        cacert: d.cacert.clone(),
        repeats: d.repeats,
    }
}

/// Read the settings' inputs into a view, to the status its data gives.
fn read_records(mut view: impl View, settings: &Settings) -> Result<Exit> {
    crate::signal::install();
    let needs = view.needs();
    let tally = crate::reading::read(settings, &mut view)?;
    // Every command fails on records it could not read; validate also on invalid ones, and with
    // --strict on warnings, text lines and other JSON. Text and other JSON are no damage.
    let mut failing = tally.unparseable + tally.unknown;
    if needs.validate {
        failing += tally.invalid;
    }
    if needs.strict {
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
