//! Wires a command: settings -> inputs -> records (in parallel) -> vendor -> events -> view ->
//! output. Also keeps the tally that accounts for every record read.

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use anyhow::Result;
use clap::Parser;

use crate::cli::{Cli, Command};
use crate::config::{self, Env, Settings};
use crate::output;
use crate::pipeline::{self, Unit};
use crate::pool::Pool;
use crate::progress::Progress;
use crate::record::{self, Analysis, Tally};
use crate::render::{self, View};

/// Say what went wrong and give the exit code for it: a closed pipe is a quiet success, a usage
/// error is 2, anything else 1.
pub fn report(err: &anyhow::Error) -> ExitCode {
    ExitCode::from(exit_status(err))
}

/// The exit status for an error, saying what went wrong on stderr unless it is a closed pipe.
fn exit_status(err: &anyhow::Error) -> u8 {
    let broken_pipe = err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    });
    if broken_pipe {
        return 0;
    }
    eprintln!("callev: {err:#}");
    if err.downcast_ref::<config::UsageError>().is_some() {
        2
    } else {
        1
    }
}

/// End the run from inside the pipeline: the reader may be blocked on input that never comes
/// (`tail -f log | callev events | head -1`), so there is nothing to wait for.
fn end_now(err: anyhow::Error) -> ! {
    std::process::exit(i32::from(exit_status(&err)))
}

pub fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    let env = Env::from_process();
    match &cli.command {
        Command::Schema {
            vendor,
            event,
            json_schema,
        } => {
            let mut out = output::stdout();
            render::schema::run(
                vendor.as_deref(),
                event.as_deref(),
                *json_schema,
                &cli.global,
                &env,
                &mut out,
            )?;
            out.flush()?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Completions { shell } => {
            let mut out = output::stdout();
            render::shell::completions(*shell, &mut out)?;
            out.flush()?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Man => {
            let mut out = output::stdout();
            render::shell::man(&mut out)?;
            out.flush()?;
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    let files = cli
        .command
        .inputs()
        .map(|i| i.files.clone())
        .unwrap_or_default();
    let settings = config::resolve(&cli.global, &files, &env)?;
    crate::signal::install();
    let analysis = Analysis {
        validate: matches!(cli.command, Command::Validate { .. }),
        normalize: matches!(
            cli.command,
            Command::Events { .. } | Command::Timeline { .. } | Command::Summary { .. }
        ),
        forced: settings.forced,
        naive_offset: settings.naive_offset,
        lean: matches!(cli.command, Command::Summary { .. }),
    };
    let mut strict = false;
    let mut view: Box<dyn View> = match cli.command {
        Command::Detect { explain, .. } => {
            Box::new(render::detect::Detect::new(&settings, explain))
        }
        Command::Validate { strict: s, .. } => {
            strict = s;
            Box::new(render::validate::Validate::new(&settings))
        }
        Command::Events { .. } => Box::new(render::events::Events::new(&settings)),
        Command::Timeline { .. } => Box::new(render::timeline::Timeline::new(&settings)),
        Command::Summary { .. } => Box::new(render::summary::Summary::new(&settings)?),
        Command::Schema { .. } | Command::Completions { .. } | Command::Man => {
            unreachable!("handled above")
        }
    };
    let tally = read(&settings, &analysis, view.as_mut())?;
    // Every command fails on records it could not read; validate also on invalid ones.
    let mut failing = tally.unparseable + tally.unknown;
    if analysis.validate {
        failing += tally.invalid + if strict { tally.warnings } else { 0 };
    }
    Ok(data_code(&tally, failing))
}

fn data_code(tally: &Tally, failing: u64) -> ExitCode {
    if tally.failed_sources > 0 {
        ExitCode::from(2)
    } else if failing > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Read every source through the pipeline into the view, printing unreadable sources on stderr.
pub fn read(settings: &Settings, analysis: &Analysis, view: &mut dyn View) -> Result<Tally> {
    let prework = view.prework();
    // The records' vectors go back to the workers (see `pool`).
    let spares = Pool::new(settings.threads + view.read_ahead() + 2);
    let names: Vec<String> = settings.sources.iter().map(|s| s.name()).collect();
    let stems: Vec<String> = settings.sources.iter().map(|s| s.stem()).collect();
    let mut tally = Tally {
        files: settings.sources.len() as u64,
        ..Tally::default()
    };
    let mut out = output::stdout();
    let bytes = Arc::new(AtomicU64::new(0));
    let mut progress = Progress::new(settings.progress, &settings.sources, Arc::clone(&bytes));
    let follow = settings.follow;
    let opts = pipeline::Options {
        format: settings.input_format,
        threads: settings.threads,
        ahead: view.read_ahead(),
        follow,
        bytes_read: &bytes,
    };
    pipeline::run(
        &settings.sources,
        opts,
        |batch| {
            let name = &names[batch.source];
            let results = record::analyze_batch(
                batch,
                name,
                &stems[batch.source],
                analysis,
                prework.as_deref(),
                spares.take(),
            );
            // Counted here, on every core.
            let mut counted = Tally::default();
            for r in &results.records {
                counted.add(name, r);
            }
            (results, counted)
        },
        |unit| {
            let step = || -> Result<()> {
                match unit {
                    Unit::Batch {
                        source,
                        result: (mut result, counted),
                    } => {
                        tally.merge(counted);
                        progress.tick(tally.records);
                        if progress.is_visible() {
                            progress.suspend(|| -> Result<()> {
                                view.batch(&names[source], &stems[source], &mut result, &mut out)?;
                                Ok(out.flush()?)
                            })?;
                        } else {
                            view.batch(&names[source], &stems[source], &mut result, &mut out)?;
                        }
                        if follow {
                            out.flush()?;
                        }
                        result.records.clear();
                        spares.give(result.records);
                    }
                    Unit::Failed { error } => {
                        out.flush()?;
                        tally.failed_sources += 1;
                        progress.suspend(|| eprintln!("callev: {error:#}"));
                    }
                    Unit::Interrupted => {
                        // Finish what was read (summary -f prints the calls still open), close the
                        // document, and stop without waiting for a blocked reader.
                        progress.clear();
                        view.finish(&tally, &mut out)?;
                        out.flush()?;
                        std::process::exit(130);
                    }
                }
                Ok(())
            };
            if let Err(e) = step() {
                end_now(e);
            }
            Ok(())
        },
    )?;
    progress.clear();
    view.finish(&tally, &mut out)?;
    out.flush()?;
    Ok(tally)
}
