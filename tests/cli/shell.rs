//! Completions, the man page and `callev schema`.

use crate::util::{json, run};

#[test]
fn committed_completions_and_man_page_match_the_binary() {
    for (args, file) in [
        (&["completions", "bash"][..], "completions/callev.bash"),
        (&["completions", "zsh"], "completions/_callev"),
        (&["completions", "fish"], "completions/callev.fish"),
        (&["completions", "powershell"], "completions/_callev.ps1"),
        (&["completions", "elvish"], "completions/callev.elv"),
        (&["man"], "completions/callev.1"),
    ] {
        let r = run(args);
        assert_eq!(r.code, 0);
        let committed = std::fs::read_to_string(file).unwrap_or_default();
        assert!(
            committed == r.stdout,
            "{file} is out of date: run `cargo run -- {} > {file}`",
            args.join(" ")
        );
    }
}

#[test]
fn schema_lists_vendors_events_and_fields() {
    let all = json(&run(&["schema", "-o", "json"]).stdout);
    assert_eq!(all.as_array().unwrap().len(), 4);
    assert_eq!(all[2]["vendor"], "voximplant");
    let vox = json(&run(&["schema", "voximplant", "-o", "json"]).stdout);
    assert_eq!(vox.as_array().unwrap().len(), 40);
    let ended = json(&run(&["schema", "workonflow", "call.ended", "-o", "json"]).stdout);
    let fields = ended[0]["fields"].as_array().unwrap();
    let talk = fields
        .iter()
        .find(|f| f["name"] == "dialogDuration")
        .unwrap();
    assert_eq!(
        (
            talk["type"].as_str(),
            talk["unit"].as_str(),
            talk["required"].as_bool()
        ),
        (Some("number"), Some("ms"), Some(true))
    );
    let table = run(&["schema", "xelion", "callHungUpEvent"]);
    assert!(table.stdout.contains("duration"));
    assert!(table.stdout.contains("string of digits"));
    let missing = run(&["schema", "xelion", "nope"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("newCallEvent"));
}

#[test]
fn json_schema_export_is_draft_2020_12() {
    let one = json(&run(&["schema", "--json-schema", "voximplant", "Call.ToneReceived"]).stdout);
    assert_eq!(
        one["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(one["properties"]["name"]["const"], "Call.ToneReceived");
    assert_eq!(one["properties"]["tone"]["pattern"], "^[0-9*#]+$");
    let everything = json(&run(&["schema", "--json-schema"]).stdout);
    let defs = everything["$defs"].as_object().unwrap();
    let total: usize = ["workonflow", "xelion", "voximplant", "bandwidth"]
        .iter()
        .map(|v| {
            json(&run(&["schema", v, "-o", "json"]).stdout)
                .as_array()
                .unwrap()
                .len()
        })
        .sum();
    assert_eq!(defs.len(), total);
}
