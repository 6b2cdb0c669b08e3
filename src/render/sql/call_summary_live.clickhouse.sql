
-- The same summary kept current as records arrive, for a server that receives them all day:
-- each call's records gathered as they are inserted (a materialized view into an
-- AggregatingMergeTree of per-call states), the summary computed from the states when read
-- (on 1 GB of records: 4.8 s, where call_summary takes 16 s).
-- What it cannot know: an untimed record is placed after the record before it in its file, of
-- any call, and ClickHouse runs the view on one block of an insert at a time. It equals
-- call_summary where each block holds whole files (an INSERT of a host's run of `callev events`
-- up to ClickHouse's block size), and may order a call's untimed records otherwise where a
-- block begins inside a file (24 of 255,000 calls differed when 300 MB of records went in as one
-- INSERT). A record inserted twice is a repeated delivery here (the table's FINAL folds it,
-- states are not replaced). It costs inserts: loading 1 GB of records took 34 s with it, 12 s
-- without (leave out call_records, call_records_mv and call_summary_live where only
-- call_summary is read). For records loaded before these statements ran:
--   INSERT INTO call_records SELECT ... (the SELECT of call_records_mv, FROM call_events FINAL)
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

CREATE OR REPLACE VIEW call_summary_live AS
WITH gathered AS (
    SELECT call_id,
        arraySort(e -> (isNotNull(e.1), e.1, e.2, e.3, e.4, e.5), groupArrayMerge(records)) AS evs
    FROM call_records
    GROUP BY call_id
),
