-- bench/duckdb-summary.sql for log lines (`<time> INFO <message>: {json}`): each line read
-- whole, its JSON cut out and the same eight keys taken from it.
WITH lines AS (
    SELECT regexp_extract(line, '\{.*$') AS j
    FROM read_csv('$CORPUS', columns = {line: 'VARCHAR'}, header = false, delim = '\x01',
                  quote = '', escape = '', ignore_errors = true)
),
events AS (
    SELECT
        coalesce(j->>'$.callId', j->>'$.call.id', j->>'$.notification.callId') AS call_id,
        coalesce(j->>'$.eventType', j->>'$.name', j->>'$.notificationType') AS name,
        coalesce(j->>'$.time', j->>'$.notification.date') AS time
    FROM lines
    WHERE json_valid(j)
)
SELECT call_id, count(*) AS events, first(name) AS first_event, last(name) AS last_event,
       min(time) AS first_time, max(time) AS last_time
FROM events
GROUP BY ALL;
