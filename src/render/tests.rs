//! Every view rendered in-process, records analysed from text here, the
//! view's table written into memory at fixed widths with color off, and snapshotted.

use crate::cli::Cli;
use crate::config::{self, Env, Settings};
use crate::input::InputFormat;
use crate::record::{analyze_reader, Analysis, Results, Tally};
use clap::Parser;

use super::View;

/// Records of each vendor, one invalid and one of no vendor: what every view has something to
/// say about.
const INPUT: &str = concat!(
    include_str!("../../fixtures/mixed/all-vendors.log"),
    r#"{"eventType":"call.ended","threadId":"595b405b81d3f8001497603d","callId":"522a2f93-4463-4040-8176-947b2c77bd0f","dialogDuration":9000,"callDuration":"5000"}"#,
    "\n",
    r#"{"event":"ring","who":"someone"}"#,
    "\n",
);

fn settings(args: &[&str], width: usize) -> Settings {
    let cli = Cli::try_parse_from(args).expect("the test's arguments parse");
    let env = Env {
        columns: Some(width.to_string()),
        ..Env::default()
    };
    config::resolve(&cli.command.options(), &env).expect("settings resolve")
}

/// What `view` writes for `INPUT`, read as it needs, in one batch.
fn render(view: &mut dyn View) -> String {
    let analysis = Analysis::new(view.needs(), None, 0, crate::formats::Vendors::ALL);
    let records = analyze_reader(
        INPUT.as_bytes(),
        InputFormat::Auto,
        "capture.log",
        "capture",
        &analysis,
    )
    .expect("reading memory does not fail");
    let mut tally = Tally {
        files: 1,
        ..Tally::default()
    };
    for r in &records {
        tally.add("capture.log", r);
    }
    let mut results = Results {
        records,
        ..Results::default()
    };
    if let Some(work) = view.prework() {
        work("capture.log", &mut results);
    }
    let mut out = Vec::new();
    view.batch("capture.log", &mut results, &mut out)
        .expect("the view writes its batch");
    view.finish(&tally, &mut out).expect("the view finishes");
    String::from_utf8(out).expect("views write UTF-8")
}

const WIDTHS: [usize; 4] = [60, 80, 120, 200];

#[test]
fn detect_tables() {
    for width in WIDTHS {
        let s = settings(&["callev", "detect", "x"], width);
        let text = render(&mut super::detect::Detect::new(&s, true));
        insta::assert_snapshot!(format!("detect_{width}"), text);
    }
}

#[test]
fn validate_tables() {
    for width in WIDTHS {
        let s = settings(&["callev", "validate", "x"], width);
        let text = render(&mut super::validate::Validate::new(&s, false, &[]));
        insta::assert_snapshot!(format!("validate_{width}"), text);
    }
}

#[test]
fn events_tables() {
    for width in WIDTHS {
        let s = settings(&["callev", "events", "x"], width);
        let text = render(&mut super::events::Events::new(&s));
        insta::assert_snapshot!(format!("events_{width}"), text);
    }
}

#[test]
fn timelines() {
    for width in WIDTHS {
        let s = settings(&["callev", "timeline", "x"], width);
        let text = render(&mut super::timeline::Timeline::new(&s));
        insta::assert_snapshot!(format!("timeline_{width}"), text);
    }
}

#[test]
fn summary_tables() {
    for width in WIDTHS {
        let s = settings(&["callev", "summary", "x"], width);
        let shape = crate::config::SummaryOptions {
            list_anomalies: true,
            ..Default::default()
        };
        let mut view = super::summary::Summary::new(&s, shape).expect("shard threads start");
        let text = render(&mut view);
        insta::assert_snapshot!(format!("summary_{width}"), text);
    }
}

#[test]
fn group_tables() {
    use crate::call::order::GroupKey as Key;
    for (name, keys) in [
        ("vendor", vec![Key::Vendor]),
        ("vendor_outcome", vec![Key::Vendor, Key::Outcome]),
        ("hour", vec![Key::Hour]),
    ] {
        for width in WIDTHS {
            let s = settings(&["callev", "summary", "x"], width);
            let shape = crate::config::SummaryOptions {
                by: keys.clone(),
                ..Default::default()
            };
            let mut view = super::summary::Summary::new(&s, shape).expect("shard threads start");
            let text = render(&mut view);
            insta::assert_snapshot!(format!("groups_{name}_{width}"), text);
        }
    }
}
