-- What a data-minded user runs instead of `callev summary`: one read_json with the columns
-- listed (DuckDB reads only those keys) and a GROUP BY call id. Per call: its events, its first
-- and last event names, its first and last times. bench/run.py puts the corpus's path in
-- place of $CORPUS and times this beside callev.
SELECT
    coalesce(callId, call.id, notification.callId) AS call_id,
    count(*) AS events,
    first(coalesce(eventType, name, notificationType)) AS first_event,
    last(coalesce(eventType, name, notificationType)) AS last_event,
    min(coalesce(time, notification.date)) AS first_time,
    max(coalesce(time, notification.date)) AS last_time
FROM read_json('$CORPUS',
    format = 'newline_delimited',
    ignore_errors = true,
    columns = {
        callId: 'VARCHAR',
        eventType: 'VARCHAR',
        time: 'VARCHAR',
        name: 'VARCHAR',
        call: 'STRUCT(id VARCHAR)',
        notificationType: 'VARCHAR',
        notification: 'STRUCT(callId VARCHAR, date VARCHAR)',
        id: 'VARCHAR'
    })
GROUP BY ALL;
