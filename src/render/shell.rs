//! Shell completions and the man page, generated from the clap definition at run time so they
//! never drift from the flags (the committed copies in `completions/` are checked by a test).

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;
use clap_complete::Shell as Target;

use crate::cli::{Cli, Shell};

pub(crate) fn completions(shell: Shell, out: &mut dyn Write) -> Result<()> {
    let target = match shell {
        Shell::Bash => Target::Bash,
        Shell::Zsh => Target::Zsh,
        Shell::Fish => Target::Fish,
        Shell::Powershell => Target::PowerShell,
        Shell::Elvish => Target::Elvish,
    };
    let mut cmd = Cli::command();
    clap_complete::generate(target, &mut cmd, "callev", out);
    Ok(())
}

/// The man page, or a subcommand's (`callev-summary(1)`, which the main page names).
pub(crate) fn man(page: Option<&str>, out: &mut dyn Write) -> Result<()> {
    // The page names the release, not the commit it was built from: the same page from every
    // build of a version.
    let cmd = Cli::command().version(env!("CARGO_PKG_VERSION"));
    let cmd = match page {
        None => cmd,
        Some(name) => {
            let sub = cmd
                .find_subcommand(name)
                .cloned()
                .ok_or_else(|| anyhow::anyhow!("no subcommand {name:?}"))?;
            sub.name(format!("callev-{name}"))
        }
    };
    clap_mangen::Man::new(cmd).render(out)?;
    Ok(())
}
