-- A duration as callev's tables write it: 850ms, 12.4s, 1m 05.3s, 1h 02m 03s.
CREATE OR REPLACE FUNCTION callev_duration AS (ms) ->
    multiIf(
        ms = 0, '0s',
        abs(ms) < 1000, toString(ms) || 'ms',
        if(ms < 0, '-', '') || multiIf(
            intDiv(abs(ms), 1000) < 60,
                toString(intDiv(abs(ms), 1000)) || '.' || toString(intDiv(abs(ms) % 1000, 100)) || 's',
            intDiv(abs(ms), 1000) < 3600,
                toString(intDiv(abs(ms), 60000)) || 'm '
                || leftPad(toString(intDiv(abs(ms), 1000) % 60), 2, '0') || '.'
                || toString(intDiv(abs(ms) % 1000, 100)) || 's',
            toString(intDiv(abs(ms), 3600000)) || 'h '
                || leftPad(toString(intDiv(abs(ms), 60000) % 60), 2, '0') || 'm '
                || leftPad(toString(intDiv(abs(ms), 1000) % 60), 2, '0') || 's'));

-- One row per call, the fields of `callev summary -o ndjson`, from the events of any number of
-- hosts: each record placed by its time (an untimed one after the record before it in its file),
-- then when it was read, then where. Repeated deliveries (one fingerprint seen again, a session
-- log's twin) counted, not folded in. A Workonflow thread that starts a new call after the last
-- one ended gives a row per call.
CREATE OR REPLACE VIEW call_summary AS
WITH placed AS (
    SELECT *,
        max("time") OVER (PARTITION BY host, source ORDER BY line
                          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS placed_at
    FROM call_events FINAL
    WHERE call_id IS NOT NULL
),
ordered AS (
    SELECT *,
        row_number() OVER (PARTITION BY call_id
                           ORDER BY placed_at ASC NULLS FIRST, received_at, host, source, line) AS ord
    FROM placed
),
-- An untimed event a call may have many times (a fingerprint whose last hex digit is odd) is
-- told by its place among the call's events of that content, counted again where a copy of the
-- call begins (its first fingerprint again), as callev tells it.
copies AS (
    SELECT *,
        sum(toInt64(fingerprint IS NOT NULL AND fingerprint = first_fingerprint)) OVER (PARTITION BY call_id ORDER BY ord
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS copy
    FROM (
        SELECT *,
            first_value(fingerprint) OVER (PARTITION BY call_id ORDER BY ord
                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS first_fingerprint
        FROM ordered
    )
),
keyed AS (
    SELECT *,
        CASE WHEN right(fingerprint, 1) IN ('1', '3', '5', '7', '9', 'b', 'd', 'f')
            THEN fingerprint || ':' || toString(row_number() OVER (PARTITION BY call_id, copy, fingerprint ORDER BY ord))
            ELSE fingerprint END AS delivery
    FROM copies
),
first_seen AS (
    SELECT *,
        delivery IS NULL
            OR row_number() OVER (PARTITION BY call_id, delivery ORDER BY ord) = 1 AS fresh
    FROM keyed
),
-- A start that says it begins a new call, first seen, after the call under its id ended.
restarts AS (
    SELECT *,
        new_call AND fresh
            AND maxIf(ord, terminal) OVER before > maxIf(ord, new_call AND fresh) OVER before
            AS restart
    FROM first_seen
    WINDOW before AS (PARTITION BY call_id ORDER BY ord
                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
),
segmented AS (
    SELECT *,
        (delivery IS NOT NULL
            AND row_number() OVER (PARTITION BY call_id, segment, delivery ORDER BY ord) > 1)
        OR (twin_key IS NOT NULL AND "repeat") AS dup
    FROM (
        SELECT *,
            sum(toInt64(restart)) OVER (PARTITION BY call_id ORDER BY ord
                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS segment
        FROM restarts
    )
),
flagged AS (
    SELECT *,
        max(kind = 'answered' OR call_answered_at IS NOT NULL OR answered) OVER before AS answered_before,
        max(kind = 'answered' AND "time" IS NOT NULL) OVER before AS answer_timed_before,
        max(terminal) OVER before AS terminal_before,
        sum(toInt64(kind = 'unhold')) OVER before AS hold_epoch
    FROM segmented
    WHERE NOT dup
    WINDOW before AS (PARTITION BY call_id, segment ORDER BY ord
                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
),
repeats AS (
    SELECT call_id, segment, count() AS duplicates
    FROM segmented
    WHERE dup
    GROUP BY call_id, segment
),
-- Holds: the first timed hold after an unhold opens, the next unhold closes.
hold_spans AS (
    SELECT call_id, segment, hold_epoch,
        argMinIf("time", ord, kind = 'hold' AND "time" IS NOT NULL) AS opened,
        max(kind = 'unhold') AS closed,
        maxIf("time", kind = 'unhold') AS closed_at
    FROM flagged
    WHERE kind IN ('hold', 'unhold')
    GROUP BY call_id, segment, hold_epoch
),
holds AS (
    SELECT call_id, segment,
        sum(if(closed AND opened IS NOT NULL AND closed_at IS NOT NULL,
               greatest(toUnixTimestamp64Milli(closed_at) - toUnixTimestamp64Milli(opened), 0),
               0)) AS held_ms,
        maxIf(opened, NOT closed) AS open_hold
    FROM hold_spans
    GROUP BY call_id, segment
),
-- Who took part, in the order first named, at most 32.
named AS (
    SELECT call_id, segment, party, min(ord * 64 + place) AS first_named
    FROM flagged
    ARRAY JOIN participants AS party, arrayEnumerate(participants) AS place
    WHERE party != ''
    GROUP BY call_id, segment, party
),
parties AS (
    SELECT call_id, segment,
        arraySlice(arrayMap(x -> x.2, arraySort(groupArray((first_named, party)))), 1, 32)
            AS participants
    FROM named
    GROUP BY call_id, segment
),
calls AS (
    SELECT call_id, segment,
        argMin(vendor, ord) AS vendor,
        countIf(damaged IS NULL) AS events,
        countIf(damaged IS NOT NULL) AS damaged_count,
        argMinIf(damaged, ord, damaged IS NOT NULL) AS first_damaged,
        min("time") AS first_time,
        max("time") AS last_time,
        argMinIf(call_started_at, ord, call_started_at IS NOT NULL) AS initiated,
        min(call_answered_at) AS reported_answer,
        max(call_ended_at) AS reported_end,
        minIf("time", kind = 'started') AS started_time,
        max(kind = 'started') AS started_seen,
        minIf("time", kind = 'answered') AS answered_time,
        max(kind = 'answered' OR call_answered_at IS NOT NULL OR answered) AS answer_seen,
        max(kind = 'ringing') AS ringing_seen,
        max(kind IN ('hold', 'unhold', 'dtmf')) AS connected,
        max(kind = 'hold' AND "time" IS NULL) AS hold_untimed,
        argMaxIf(toNullable(kind), ord, terminal) AS terminal_kind,
        maxIf("time", terminal) AS ended_time,
        argMinIf(outcome, ord, terminal AND outcome IS NOT NULL) AS outcome_hint,
        coalesce(argMaxIf(end_reason, ord, terminal AND end_reason IS NOT NULL),
                 argMinIf("event", ord, terminal AND "event" IS NOT NULL)) AS end_reason,
        argMaxIf(reported_talk_ms, ord,
                 (terminal OR kind = 'channel_ended') AND reported_talk_ms IS NOT NULL)
            AS reported_talk_ms,
        argMaxIf(reported_total_ms, ord, terminal AND reported_total_ms IS NOT NULL)
            AS reported_total_ms,
        arrayStringConcat(arrayMap(x -> x.2, arraySort(
            groupArrayIf((ord, assumeNotNull(digit)), kind = 'dtmf' AND digit IS NOT NULL)))) AS dtmf,
        argMinIf(parent_call_id, ord, parent_call_id IS NOT NULL) AS parent_call_id,
        maxIf("time", kind IN ('started', 'ringing', 'answered', 'hold', 'unhold', 'dtmf',
            'participant_joined', 'participant_left', 'transfer')) AS latest_flow_time,
        countIf(kind IN ('started', 'ringing', 'hold', 'unhold', 'dtmf',
            'participant_joined', 'participant_left', 'transfer')
            AND "time" IS NULL AND terminal_before) AS flow_after_terminal,
        max(kind = 'started' AND "time" IS NULL AND answered_before AND NOT answer_timed_before)
            AS answered_before_started_untimed
    FROM flagged
    GROUP BY call_id, segment
),
milestones AS (
    -- Without a match, a joined column takes its type's default: 0, [], or null.
    SELECT *,
        if(reported_answer IS NOT NULL OR reported_end IS NOT NULL,
           coalesce(initiated, started_time, first_time),
           coalesce(started_time, initiated, first_time)) AS started_at,
        coalesce(reported_answer, answered_time) AS answered_at,
        coalesce(reported_end, ended_time) AS ended_at
    FROM calls AS c
    LEFT JOIN repeats AS r USING (call_id, segment)
    LEFT JOIN holds AS h USING (call_id, segment)
    LEFT JOIN parties AS p USING (call_id, segment)
),
measured AS (
    SELECT *,
        toUnixTimestamp64Milli(ended_at) - toUnixTimestamp64Milli(answered_at) AS measured_talk,
        if(initiated IS NOT NULL OR started_time IS NOT NULL OR coalesce(first_time < ended_at, false),
           toUnixTimestamp64Milli(ended_at) - toUnixTimestamp64Milli(started_at), NULL) AS measured_total,
        answer_seen OR coalesce(reported_talk_ms > 0, false) AS answered,
        initiated IS NOT NULL OR started_time IS NOT NULL
            OR coalesce(first_time < coalesce(reported_answer, answered_time), false) AS start_known,
        started_seen OR ringing_seen OR initiated IS NOT NULL
            OR coalesce(reported_talk_ms = 0, false) AS beginning_seen,
        arrayFilter(t -> t IS NOT NULL, [first_time, last_time, started_at, answered_at, ended_at])
            AS known_times,
        if(empty(known_times), NULL,
           toUnixTimestamp64Milli(assumeNotNull(arrayMax(known_times)))
           - toUnixTimestamp64Milli(assumeNotNull(arrayMin(known_times)))) AS span_ms
    FROM milestones
)
SELECT
    call_id,
    vendor,
    events,
    first_time,
    last_time,
    started_at,
    answered_at,
    ended_at,
    if(start_known, toUnixTimestamp64Milli(answered_at) - toUnixTimestamp64Milli(started_at), NULL)
        AS ring_ms,
    coalesce(measured_talk, if(answered_at IS NULL, reported_talk_ms, NULL)) AS talk_ms,
    multiIf(
        open_hold IS NOT NULL AND coalesce(ended_at, last_time) IS NOT NULL,
            held_ms + greatest(toUnixTimestamp64Milli(coalesce(ended_at, last_time))
                               - toUnixTimestamp64Milli(open_hold), 0),
        held_ms > 0, held_ms,
        hold_untimed OR open_hold IS NOT NULL, NULL,
        0) AS hold_ms,
    coalesce(measured_total, if(ended_at IS NULL OR started_at IS NULL, reported_total_ms, NULL))
        AS total_ms,
    reported_talk_ms,
    reported_total_ms,
    multiIf(
        answered AND terminal_kind IS NOT NULL, 'answered',
        outcome_hint IS NOT NULL, outcome_hint,
        terminal_kind = 'missed', 'missed',
        terminal_kind = 'failed', 'failed',
        terminal_kind IS NOT NULL AND connected, 'unknown',
        terminal_kind IS NOT NULL AND beginning_seen AND damaged_count = 0, 'no_answer',
        terminal_kind IS NOT NULL, 'unknown',
        answered, 'in_progress',
        NOT started_seen AND first_time IS NULL AND initiated IS NULL, 'unknown',
        'in_progress') AS outcome,
    end_reason,
    participants,
    dtmf,
    duplicates,
    arrayConcat(
        multiIf(
            terminal_kind IS NULL OR answered OR outcome_hint IS NOT NULL
                OR terminal_kind IN ('missed', 'failed'), [],
            connected, ['hold, unhold or DTMF seen but no answer: connected, answer not seen'],
            beginning_seen, [],
            ['only its end was seen: nothing says whether it was answered']),
        multiIf(
            damaged_count = 1, ['a damaged record names this call (' || assumeNotNull(first_damaged) || ')'],
            damaged_count > 1, [toString(damaged_count)
                || ' damaged records name this call, the first at ' || assumeNotNull(first_damaged)],
            []),
        if(coalesce(span_ms > 86400000, false),
           ['its times span ' || callev_duration(assumeNotNull(span_ms))
            || ' (more than a day: an id used by other calls too, or a damaged date), left out of the durations and the time range'],
           []),
        if(terminal_kind IS NULL, ['no terminal event'], []),
        if(coalesce(latest_flow_time > ended_at, false) OR flow_after_terminal > 0,
           ['events after the end'], []),
        if(coalesce(answered_at < started_at, false) OR answered_before_started_untimed,
           ['answered before started'], []),
        if(reported_talk_ms IS NOT NULL AND NOT (reported_talk_ms = 0 AND NOT answered)
               AND measured_talk IS NOT NULL AND abs(measured_talk - reported_talk_ms) > 1000,
           ['reported talk duration ' || callev_duration(assumeNotNull(reported_talk_ms))
            || ' matches neither the measured talk (' || callev_duration(assumeNotNull(measured_talk))
            || ') nor total ('
            || if(measured_total IS NULL, '?', callev_duration(assumeNotNull(measured_total)))
            || ')'],
           []),
        if(reported_total_ms IS NOT NULL AND NOT (reported_total_ms = 0 AND NOT answered)
               AND (measured_talk IS NOT NULL OR measured_total IS NOT NULL)
               AND NOT coalesce(abs(measured_talk - reported_total_ms) <= 1000, false)
               AND NOT coalesce(abs(measured_total - reported_total_ms) <= 1000, false),
           ['reported total duration ' || callev_duration(assumeNotNull(reported_total_ms))
            || ' matches neither the measured talk ('
            || if(measured_talk IS NULL, '?', callev_duration(assumeNotNull(measured_talk)))
            || ') nor total ('
            || if(measured_total IS NULL, '?', callev_duration(assumeNotNull(measured_total)))
            || ')'],
           [])) AS anomalies,
    parent_call_id
FROM measured;
