//! `callev schema`: the vendors' documented schemas, read from the same tables validation uses:
//! the vendors, a vendor's events, an event's fields; or a JSON Schema (draft 2020-12) of them.

use std::io::Write;

use anyhow::{bail, Result};
use serde_json::{json, Map, Value};

use crate::config::{Settings, UsageError};
use crate::formats::schema::{EventSpec, Origin, Values};
use crate::formats::Vendor;
use crate::output::{Format, RecordWriter};
use crate::render::fit::Col;

/// The columns of the machine records: a vendor's, and an event's (with its fields as JSON).
const VENDOR_HEADER: &[&str] = &["vendor", "title", "events"];
const EVENT_HEADER: &[&str] = &[
    "vendor", "event", "form", "kind", "doc", "source", "complete", "fields",
];

/// The columns of callev's events records (`event_record::COLUMNS`): a table, records, or the
/// records' JSON Schema.
/// The capture record's fields (`callev schema --capture`).
pub(crate) fn capture(settings: &Settings, out: &mut dyn Write) -> Result<()> {
    use crate::capture::{FIELDS, VERSION};
    if settings.format != Format::Table {
        let rows = FIELDS
            .iter()
            .map(|(name, kind, meaning)| json!({"field": name, "type": kind, "meaning": meaning}));
        return write_records(out, settings.format, &["field", "type", "meaning"], rows);
    }
    writeln!(
        out,
        "callev capture records, version {VERSION} (`callev listen` writes one JSON object a line per request)\n"
    )?;
    let rows: Vec<Vec<String>> = FIELDS
        .iter()
        .map(|(name, kind, meaning)| {
            vec![
                (*name).to_owned(),
                (*kind).to_owned(),
                (*meaning).to_owned(),
            ]
        })
        .collect();
    let cols = [
        Col::new("field", 0),
        Col::new("type", 0),
        Col::new("meaning", 0),
    ];
    table(&cols, &rows, settings.width, settings.color, out)
}

pub(crate) fn events(json_schema: bool, settings: &Settings, out: &mut dyn Write) -> Result<()> {
    use crate::event_record::{json_schema as schema_of, COLUMNS, VERSION};
    if json_schema {
        let mut text = serde_json::to_vec_pretty(&schema_of())?;
        text.push(b'\n');
        out.write_all(&text)?;
        return Ok(());
    }
    if settings.format != Format::Table {
        let rows = COLUMNS.iter().map(|c| {
            json!({"column": c.name, "type": c.kind.name(), "nullable": c.nullable, "meaning": c.meaning})
        });
        return write_records(
            out,
            settings.format,
            &["column", "type", "nullable", "meaning"],
            rows,
        );
    }
    writeln!(
        out,
        "callev events records, schema v{VERSION} (`callev events -o json|ndjson|csv`); within v{VERSION} columns are only added\n"
    )?;
    let rows: Vec<Vec<String>> = COLUMNS
        .iter()
        .map(|c| {
            let kind = if c.nullable {
                format!("{} or null", c.kind.name())
            } else {
                c.kind.name().to_owned()
            };
            vec![c.name.to_owned(), kind, c.meaning.to_owned()]
        })
        .collect();
    let cols = [
        Col::new("column", 0),
        Col::new("type", 0),
        Col::new("meaning", 0),
    ];
    table(&cols, &rows, settings.width, settings.color, out)
}

pub(crate) fn run(
    vendor: Option<Vendor>,
    event: Option<&str>,
    json_schema: bool,
    settings: &Settings,
    out: &mut dyn Write,
) -> Result<()> {
    let specs: Vec<&'static EventSpec> = match (vendor, event) {
        (Some(v), Some(name)) => {
            let found: Vec<_> = v.events().filter(|s| s.name == name).collect();
            if found.is_empty() {
                let names: Vec<&str> = v.events().map(|s| s.name).collect();
                bail!(UsageError(format!(
                    "{v} has no event {name:?}; its events: {}",
                    names.join(", ")
                )));
            }
            found
        }
        (Some(v), None) => v.events().collect(),
        (None, _) => Vendor::all().flat_map(|v| v.events()).collect(),
    };
    if json_schema {
        let doc = match (vendor, event) {
            (Some(v), Some(_)) if specs.len() == 1 => {
                with_header(event_schema(v, specs[0]), &format!("{v} {}", specs[0].name))
            }
            (Some(v), _) => with_header(vendor_schema(v, &specs), &format!("{v} events")),
            (None, _) => with_header(
                all_schema(),
                "call events of Workonflow, Xelion, Voximplant and Bandwidth",
            ),
        };
        // Pretty, as a schema file is read by people too; written whole, then out.
        let mut text = serde_json::to_vec_pretty(&doc)?;
        text.push(b'\n');
        out.write_all(&text)?;
        return Ok(());
    }
    let machine = settings.format != Format::Table;
    let (width, color) = (settings.width, settings.color);
    match (vendor, event) {
        (None, _) => {
            if machine {
                let rows = Vendor::all()
                    .map(|v| json!({"vendor": v.id(), "title": v.title(), "events": v.events().map(|s| s.name).collect::<Vec<_>>()}));
                return write_records(out, settings.format, VENDOR_HEADER, rows);
            }
            let rows: Vec<Vec<String>> = Vendor::all()
                .map(|v| {
                    let mut names: Vec<&str> = v.events().map(|s| s.name).collect();
                    names.dedup();
                    vec![
                        v.id().to_owned(),
                        v.events().count().to_string(),
                        v.title().to_owned(),
                        names.join(", "),
                    ]
                })
                .collect();
            let cols = [
                Col::new("vendor", 0),
                Col::new("events", 0).right(),
                Col::new("what", 0).cap(30),
                Col::new("event names", 0),
            ];
            table(&cols, &rows, width, color, out)?;
        }
        (Some(v), None) => {
            if machine {
                let rows = specs.iter().map(|s| event_json(v, s));
                return write_records(out, settings.format, EVENT_HEADER, rows);
            }
            writeln!(out, "{}: {}\n", v.id(), v.title())?;
            let rows: Vec<Vec<String>> = specs
                .iter()
                .map(|s| {
                    vec![
                        s.name.to_owned(),
                        s.form.to_owned(),
                        s.kind.as_str().to_owned(),
                        s.all_fields().count().to_string(),
                        origin(s).to_owned(),
                        s.doc.to_owned(),
                    ]
                })
                .collect();
            let cols = [
                Col::new("event", 0),
                Col::new("form", 0).drop(2),
                Col::new("kind", 0),
                Col::new("fields", 0).right(),
                Col::new("source", 0).drop(1),
                Col::new("what", 0),
            ];
            table(&cols, &rows, width, color, out)?;
        }
        (Some(v), Some(_)) => {
            if machine {
                let rows = specs.iter().map(|s| event_json(v, s));
                return write_records(out, settings.format, EVENT_HEADER, rows);
            }
            for (i, s) in specs.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                writeln!(
                    out,
                    "{} {} ({}, kind {}): {}",
                    v.id(),
                    s.name,
                    s.form,
                    s.kind.as_str(),
                    s.doc
                )?;
                if !s.complete {
                    writeln!(out, "fields only partly known: other keys are not flagged")?;
                }
                writeln!(out)?;
                let mut rows: Vec<Vec<String>> = Vec::new();
                for f in s.all_fields() {
                    let required = if f.required {
                        "yes"
                    } else if f.nullable {
                        "no (null ok)"
                    } else {
                        "no"
                    };
                    let mut doc = f.doc.to_owned();
                    if let Some(values) = values_text(f.values) {
                        doc = format!("{doc}; {values}");
                    }
                    rows.push(vec![
                        f.name.to_owned(),
                        f.ty.describe().to_owned(),
                        required.to_owned(),
                        f.unit.unwrap_or("").to_owned(),
                        doc,
                    ]);
                }
                let cols = [
                    Col::new("field", 0),
                    Col::new("type", 0).cap(20),
                    Col::new("required", 0),
                    Col::new("unit", 0),
                    Col::new("description", 0),
                ];
                table(&cols, &rows, width, color, out)?;
            }
        }
    }
    Ok(())
}

/// A table of the schema, sized to its rows, its last column free text.
fn table(
    cols: &[Col],
    rows: &[Vec<String>],
    width: Option<usize>,
    color: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let mut text = Vec::new();
    crate::render::fit::sized_table(cols, rows, Some(20), width, color, &mut text);
    out.write_all(&text)?;
    Ok(())
}

/// Records in the machine format asked for: one JSON document, a line each, or CSV rows.
fn write_records(
    out: &mut dyn Write,
    format: Format,
    header: &'static [&'static str],
    rows: impl Iterator<Item = Value>,
) -> Result<()> {
    let mut writer = RecordWriter::new(format, header);
    for row in rows {
        writer.row(out, &row)?;
    }
    writer.finish(out)?;
    Ok(())
}

fn origin(s: &EventSpec) -> &'static str {
    match s.origin {
        Origin::Documented => "document",
        Origin::Later => "later docs",
    }
}

fn values_text(v: Values) -> Option<String> {
    match v {
        Values::Any => None,
        Values::OneOf {
            values,
            explicit: true,
        } => Some(format!("one of {}", values.join(", "))),
        Values::OneOf {
            values,
            explicit: false,
        } => Some(format!("documented values include {}", values.join(", "))),
        Values::Dtmf { .. } => Some("DTMF tones 0-9, *, #".to_owned()),
        Values::ObjectId => Some("a 24-hex ObjectId".to_owned()),
        Values::Uuid => Some("a UUID".to_owned()),
        Values::NonNegative => Some("zero or more".to_owned()),
    }
}

fn event_json(v: Vendor, s: &EventSpec) -> Value {
    json!({
        "vendor": v.id(),
        "event": s.name,
        "form": s.form,
        "kind": s.kind.as_str(),
        "doc": s.doc,
        "source": origin(s),
        "complete": s.complete,
        "fields": s.all_fields().map(|f| json!({
            "name": f.name,
            "type": f.ty.describe(),
            "required": f.required,
            "nullable": f.nullable,
            "unit": f.unit,
            "values": values_text(f.values),
            "doc": f.doc,
        })).collect::<Vec<_>>(),
    })
}

/// One event's record shapes (Xelion: the frame and the bare object), titled.
pub(crate) fn event_schema(v: Vendor, s: &'static EventSpec) -> Value {
    let mut out = (v.format().record_schema)(s);
    if let Value::Object(m) = &mut out {
        m.insert(
            "title".into(),
            json!(format!("{} {} ({})", v.id(), s.name, s.form)),
        );
        m.insert("description".into(), json!(s.doc));
    }
    out
}

fn vendor_schema(v: Vendor, specs: &[&'static EventSpec]) -> Value {
    let mut defs = Map::new();
    let mut refs = Vec::new();
    for s in specs {
        let key = format!("{}.{}.{}", v.id(), s.form.replace(' ', "-"), s.name);
        refs.push(json!({"$ref": format!("#/$defs/{key}")}));
        defs.insert(key, event_schema(v, s));
    }
    // Names the vendor's documents do not list are newer or other events: callev reads them with
    // a warning, so they are valid here too, with only the fields every event has checked.
    let others = (v.format().other_events)();
    for (key, schema) in others {
        refs.push(json!({"$ref": format!("#/$defs/{key}")}));
        defs.insert(key, schema);
    }
    json!({"anyOf": refs, "$defs": defs})
}

fn all_schema() -> Value {
    let mut defs = Map::new();
    let mut refs = Vec::new();
    for v in Vendor::all() {
        let specs: Vec<&'static EventSpec> = v.events().collect();
        let Value::Object(vs) = vendor_schema(v, &specs) else {
            continue;
        };
        if let Some(Value::Object(d)) = vs.get("$defs") {
            for (k, s) in d {
                refs.push(json!({"$ref": format!("#/$defs/{k}")}));
                defs.insert(k.clone(), s.clone());
            }
        }
    }
    json!({"anyOf": refs, "$defs": defs})
}

fn with_header(mut v: Value, title: &str) -> Value {
    if let Value::Object(m) = &mut v {
        let mut head = Map::new();
        head.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        head.insert(
            "$id".into(),
            json!(format!("urn:callev:schema:{}", title.replace(' ', "-"))),
        );
        if !m.contains_key("title") {
            head.insert("title".into(), json!(title));
        }
        head.append(m);
        return Value::Object(head);
    }
    v
}

#[cfg(test)]
mod tests {
    //! Two independent checkers, one source of schemas: every fixture record is validated by
    //! `callev validate`'s code and, through the exported JSON Schema, by the `jsonschema` crate;
    //! they must agree on validity.

    use super::*;
    use crate::diagnostic::Severity;
    use crate::input::{Framer, InputFormat, Source};
    use crate::record::{parse, Parsed};
    use std::sync::atomic::AtomicU64;
    use std::sync::Arc;

    fn fixture_files() -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        for dir in std::fs::read_dir(root).unwrap() {
            let dir = dir.unwrap().path();
            if dir.is_dir() {
                for f in std::fs::read_dir(dir).unwrap() {
                    files.push(f.unwrap().path());
                }
            }
        }
        files.sort();
        files
    }

    #[test]
    fn exported_schemas_agree_with_validate_on_every_fixture() {
        let validators: Vec<(Vendor, jsonschema::Validator)> = Vendor::all()
            .map(|v| {
                let specs: Vec<&'static EventSpec> = v.events().collect();
                let schema = with_header(vendor_schema(v, &specs), v.id());
                (
                    v,
                    jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("{v}: {e}")),
                )
            })
            .collect();
        let mut checked = 0;
        let mut invalid = 0;
        for file in fixture_files() {
            let counter = Arc::new(AtomicU64::new(0));
            let opened = crate::input::open(&Source::Path(file.clone()), false, &counter).unwrap();
            let mut framer = Framer::new(opened.reader, 0, InputFormat::Auto);
            while let Some(batch) = framer.next_batch().unwrap() {
                for raw in &batch.records {
                    let mut values = Vec::new();
                    parse(&batch, raw, 0, &mut Default::default(), &mut values);
                    for parsed in values {
                        let Parsed::Value { value, .. } = parsed else {
                            continue;
                        };
                        let Ok(d) = crate::formats::detect(&value, None, 0) else {
                            continue;
                        };
                        let mut findings = Vec::new();
                        crate::formats::validate(&d, &mut findings);
                        let ours = !findings.iter().any(|f| f.severity == Severity::Error);
                        let validator = &validators.iter().find(|(v, _)| *v == d.vendor).unwrap().1;
                        let theirs = validator.is_valid(&d.payload.to_value());
                        assert_eq!(ours, theirs, "{}:{}: callev says valid={ours} ({findings:?}), the JSON Schema says {theirs}", file.display(), raw.line);
                        checked += 1;
                        invalid += usize::from(!ours);
                    }
                }
            }
        }
        assert!(checked > 150, "only {checked} records checked");
        assert!(
            invalid > 15,
            "only {invalid} invalid records: the check must see both kinds"
        );
    }

    #[test]
    fn every_event_schema_compiles() {
        for v in Vendor::all() {
            for s in v.events() {
                let schema = with_header(event_schema(v, s), s.name);
                assert!(
                    jsonschema::draft202012::new(&schema).is_ok(),
                    "{v} {}",
                    s.name
                );
            }
        }
        assert!(jsonschema::draft202012::new(&with_header(all_schema(), "all")).is_ok());
    }
}
