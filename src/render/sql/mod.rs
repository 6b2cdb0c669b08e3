//! `callev schema --sql duckdb|clickhouse`: the table callev's events records load into, in each
//! engine's dialect, from the same columns the writers use (`event_record::COLUMNS`), so a load never
//! depends on which vendors a file happens to hold.

use std::fmt::Write as _;

use crate::event_record::{ColumnType, Engine, RecordColumn, COLUMNS, VERSION};

fn duckdb_type(c: &RecordColumn) -> String {
    let t = match c.kind {
        ColumnType::Text => "VARCHAR",
        ColumnType::Int => "BIGINT",
        ColumnType::Bool => "BOOLEAN",
        ColumnType::Time => "TIMESTAMPTZ",
        ColumnType::TextList => "VARCHAR[]",
        ColumnType::Object => "JSON",
    };
    t.to_owned()
}

fn clickhouse_type(c: &RecordColumn) -> String {
    let t = match c.kind {
        ColumnType::Text => "String",
        ColumnType::Int => "Int64",
        ColumnType::Bool => "Bool",
        ColumnType::Time => "DateTime64(3, 'UTC')",
        ColumnType::TextList => return "Array(String)".to_owned(),
        // The extras as JSON text: one type whatever keys a vendor sends.
        ColumnType::Object => "String",
    };
    if c.nullable {
        format!("Nullable({t})")
    } else {
        t.to_owned()
    }
}

/// The `call_summary` view (and the duration function it writes anomalies with).
const DUCKDB_VIEW: &str = include_str!("call_summary.duckdb.sql");
const CLICKHOUSE_VIEW: &str = include_str!("call_summary.clickhouse.sql");
/// The summary kept current by a materialized view: its table, the view that fills it, and the
/// start of `call_summary_live`, whose rest is `call_summary`'s from `SHARED_FROM` on.
const CLICKHOUSE_LIVE: &str = include_str!("call_summary_live.clickhouse.sql");
/// Where `call_summary`'s statement goes on from its gathered records (the live view shares it).
const SHARED_FROM: &str = "-- An untimed event a call may have many times";

/// `call_summary_live`: the live statements, then `call_summary`'s numbering and facts.
fn clickhouse_live() -> String {
    let shared = CLICKHOUSE_VIEW
        .find(SHARED_FROM)
        .map_or("", |at| &CLICKHOUSE_VIEW[at..]);
    format!("{CLICKHOUSE_LIVE}{shared}")
}

/// The statements for `engine`: `CREATE TABLE call_events`, how to load records into it, and
/// the `call_summary` view over it.
pub(crate) fn ddl(engine: Engine) -> String {
    let mut out = String::new();
    let head = format!(
        "-- callev events records, schema v{VERSION} (`callev schema --events` says what each column means).\n"
    );
    out.push_str(&head);
    match engine {
        Engine::DuckDb => {
            out.push_str(
                "-- Parquet read where it lies instead: make call_events a view before these\n\
                 -- statements (this table is then not made), and call_summary reads the files:\n\
                 --   CREATE VIEW call_events AS SELECT * FROM read_parquet('events/*.parquet');\n",
            );
            out.push_str("CREATE TABLE IF NOT EXISTS call_events (\n");
            for (i, c) in COLUMNS.iter().enumerate() {
                let null = if c.nullable { "" } else { " NOT NULL" };
                let comma = if i + 1 < COLUMNS.len() { "," } else { "" };
                let _ = writeln!(out, "    \"{}\" {}{null}{comma}", c.name, duckdb_type(c));
            }
            out.push_str(");\n\n");
            out.push_str(
                "-- callev's NDJSON (or JSON) with these types, whatever a file holds:\n\
                 --   INSERT INTO call_events SELECT * FROM call_events_json('events.ndjson');\n",
            );
            out.push_str("CREATE OR REPLACE MACRO call_events_json(path) AS TABLE\n");
            out.push_str("    SELECT * FROM read_json(path, format = 'auto', columns = {\n");
            for (i, c) in COLUMNS.iter().enumerate() {
                let comma = if i + 1 < COLUMNS.len() { "," } else { "" };
                let _ = writeln!(out, "        \"{}\": '{}'{comma}", c.name, duckdb_type(c));
            }
            out.push_str("    });\n\n");
            out.push_str(DUCKDB_VIEW);
        }
        Engine::ClickHouse => {
            out.push_str(
                "-- ReplacingMergeTree keyed on record_id: a record delivered twice (at-least-once\n\
                 -- shipping, a file read again) is kept once after merges (SELECT ... FINAL).\n\
                 -- Parquet read where it lies instead: make call_events a view before these\n\
                 -- statements (this table is then not made, and nothing folds a record read twice):\n\
                 --   CREATE VIEW call_events AS SELECT * FROM file('events/*.parquet', Parquet);\n",
            );
            out.push_str("CREATE TABLE IF NOT EXISTS call_events (\n");
            for (i, c) in COLUMNS.iter().enumerate() {
                let comma = if i + 1 < COLUMNS.len() { "," } else { "" };
                let _ = writeln!(out, "    \"{}\" {}{comma}", c.name, clickhouse_type(c));
            }
            out.push_str(") ENGINE = ReplacingMergeTree\nORDER BY (\"record_id\");\n\n");
            out.push_str(
                "-- callev's NDJSON: times are RFC 3339, details an object kept as JSON text:\n\
                 --   callev events -o ndjson ... | clickhouse-client --query \"INSERT INTO call_events\n\
                 --     SETTINGS date_time_input_format = 'best_effort',\n\
                 --     input_format_json_read_objects_as_strings = 1 FORMAT JSONEachRow\"\n\n",
            );
            out.push_str(CLICKHOUSE_VIEW);
            out.push_str(&clickhouse_live());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_live_view_shares_call_summarys_statement_from_one_place() {
        // The live view is its own start and call_summary's rest: the place it is cut at
        // must be there, once.
        assert_eq!(CLICKHOUSE_VIEW.matches(SHARED_FROM).count(), 1);
        let live = clickhouse_live();
        assert!(live.contains("CREATE OR REPLACE VIEW call_summary_live AS"));
        assert!(live.trim_end().ends_with("FROM measured;"));
        // Comments hold no `;`: statements are split at it by simple loaders.
        for text in [CLICKHOUSE_VIEW, CLICKHOUSE_LIVE, DUCKDB_VIEW] {
            for line in text.lines().filter(|l| l.trim_start().starts_with("--")) {
                assert!(!line.contains(';'), "{line}");
            }
        }
    }
}
