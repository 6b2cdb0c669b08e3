
-- The same summary kept current as records arrive, for a server that receives them all day:
-- each call's records gathered as they are inserted (a materialized view into an
-- AggregatingMergeTree of per-call states), the summary computed from the states when read
-- (on 1 GB of records: 5.6 s, where call_summary over the table takes 16 s).
-- An untimed record is placed after the record before it in its file, of any call, and
-- ClickHouse runs a materialized view on one block of an insert at a time: each record is
-- placed within its block, and where a block begins inside a file, by the latest time of the
-- file's blocks before it (call_file_marks, a row a file a block) when the summary is read. So it
-- equals call_summary whatever the blocks, as long as each block holds a run of a file's records
-- in their order: ClickHouse keeps it for JSONEachRow, and for Parquet insert with
-- SETTINGS input_format_parquet_preserve_order = 1. A record inserted twice is a repeated
-- delivery here (the table's FINAL folds it, states are not replaced). It costs inserts: loading
-- 1 GB of records took 34 s with it, 12 s without (leave out call_records, call_file_marks, their
-- materialized views and call_summary_live where only call_summary is read). For records
-- loaded before these statements ran:
--   INSERT INTO call_records SELECT ... (the SELECT of call_records_mv, FROM call_events FINAL)
--   INSERT INTO call_file_marks SELECT ... (the SELECT of call_file_marks_mv, likewise)
CREATE TABLE IF NOT EXISTS call_records (
    call_id String,
    records AggregateFunction(groupArray, Tuple(
        Nullable(DateTime64(3, 'UTC')), DateTime64(3, 'UTC'), String, String, Int64,
        Nullable(String), Bool, Bool, Bool, Nullable(DateTime64(3, 'UTC')), String,
        Nullable(String), String, Bool, Nullable(DateTime64(3, 'UTC')),
        Nullable(DateTime64(3, 'UTC')), Nullable(DateTime64(3, 'UTC')), Nullable(String),
        Nullable(String), Nullable(String), Nullable(Int64), Nullable(Int64), Array(String),
        Nullable(String), Nullable(String)))
) ENGINE = AggregatingMergeTree
ORDER BY call_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS call_records_mv TO call_records AS
SELECT assumeNotNull(call_id) AS call_id,
    groupArrayState((
        placed_at, received_at, host, source, line, fingerprint, new_call, terminal,
        toBool(twin_key IS NOT NULL AND "repeat"), "time", vendor, "event", kind, answered,
        call_started_at, call_answered_at, call_ended_at, outcome, end_reason, digit,
        reported_talk_ms, reported_total_ms, participants, parent_call_id, damaged)) AS records
FROM (
    SELECT *,
        max("time") OVER (PARTITION BY host, source ORDER BY line
                          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS placed_at
    FROM call_events
    WHERE call_id IS NOT NULL
)
GROUP BY call_id;

-- Each block's last line of each file and the latest time in it, for the blocks after it.
CREATE TABLE IF NOT EXISTS call_file_marks (
    host String,
    source String,
    last_line Int64,
    latest Nullable(DateTime64(3, 'UTC'))
) ENGINE = MergeTree
ORDER BY (host, source, last_line);

CREATE MATERIALIZED VIEW IF NOT EXISTS call_file_marks_mv TO call_file_marks AS
SELECT host, source, max(line) AS last_line, max("time") AS latest
FROM call_events
WHERE call_id IS NOT NULL
GROUP BY host, source;

CREATE OR REPLACE VIEW call_summary_live AS
WITH marks AS (
    -- The latest time of a file up to the end of each of its blocks.
    SELECT host, source, last_line,
        max(latest) OVER (PARTITION BY host, source ORDER BY last_line
                          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS before
    FROM call_file_marks
),
flat AS (
    SELECT call_id, arrayJoin(groupArrayMerge(records)) AS e
    FROM call_records
    GROUP BY call_id
),
-- Each record placed by its block, and by the blocks of its file before its own.
placed AS (
    SELECT f.call_id AS call_id,
        (multiIf(m.before IS NULL, f.e.1, f.e.1 IS NULL, m.before, greatest(f.e.1, m.before)),
        f.e.2, f.e.3, f.e.4, f.e.5, f.e.6, f.e.7, f.e.8, f.e.9, f.e.10, f.e.11, f.e.12, f.e.13,
        f.e.14, f.e.15, f.e.16, f.e.17, f.e.18, f.e.19, f.e.20, f.e.21, f.e.22, f.e.23, f.e.24,
        f.e.25) AS e
    FROM flat AS f
    ASOF LEFT JOIN marks AS m ON f.e.3 = m.host AND f.e.4 = m.source AND f.e.5 > m.last_line
),
gathered AS (
    SELECT call_id,
        arraySort(e -> (isNotNull(e.1), e.1, e.2, e.3, e.4, e.5), groupArray(e)) AS evs
    FROM placed
    GROUP BY call_id
),
