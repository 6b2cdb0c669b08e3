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
--
-- Each call's records are gathered into one array and sorted once, the numbering that tells
-- repeated deliveries and new calls apart is done on the arrays (no window pass by call), and
-- each call's facts are then one GROUP BY.
CREATE OR REPLACE VIEW call_summary AS
WITH placed AS (
    SELECT call_id, "time", received_at, host, source, line, vendor, "event", kind, terminal,
        new_call, fingerprint, twin_key, "repeat", answered, call_started_at, call_answered_at,
        call_ended_at, outcome, end_reason, digit, reported_talk_ms, reported_total_ms,
        participants, parent_call_id, damaged,
        max("time") OVER (PARTITION BY host, source ORDER BY line
                          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS placed_at
    FROM call_events FINAL
    WHERE call_id IS NOT NULL
),
-- A call's records in order, each a tuple: 1 placed_at, 2 received_at, 3 host, 4 source,
-- 5 line, 6 fingerprint, 7 new_call, 8 terminal, 9 a twin's repeat, 10 time, 11 vendor,
-- 12 event, 13 kind, 14 answered, 15 call_started_at, 16 call_answered_at, 17 call_ended_at,
-- 18 outcome, 19 end_reason, 20 digit, 21 reported_talk_ms, 22 reported_total_ms,
-- 23 participants, 24 parent_call_id, 25 damaged.
gathered AS (
    SELECT call_id,
        arraySort(e -> (isNotNull(e.1), e.1, e.2, e.3, e.4, e.5), groupArray((
            placed_at, received_at, host, source, line, fingerprint, new_call, terminal,
            twin_key IS NOT NULL AND "repeat", "time", vendor, "event", kind, answered,
            call_started_at, call_answered_at, call_ended_at, outcome, end_reason, digit,
            reported_talk_ms, reported_total_ms, participants, parent_call_id, damaged))) AS evs
    FROM placed
    GROUP BY call_id
),
-- An untimed event a call may have many times (a fingerprint whose last hex digit is odd) is
-- told by its place among the call's events of that content, counted again where a copy of the
-- call begins (its first fingerprint again), as callev tells it. A start that says it begins a
-- new call, first seen, after the call under its id ended, begins a segment of its own.
numbered AS (
    SELECT call_id, evs,
        arrayMap(e -> e.6, evs) AS fps,
        arrayCumSum(arrayMap(f -> toUInt32(coalesce(f = arrayFirst(x -> x IS NOT NULL, fps), false)), fps))
            AS copies,
        arrayMap((f, n) -> if(right(f, 1) IN ('1', '3', '5', '7', '9', 'b', 'd', 'f'),
                              f || ':' || toString(n), f),
                 fps, arrayEnumerateUniq(copies, fps)) AS deliveries,
        arrayMap((d, n) -> d IS NULL OR n = 1, deliveries, arrayEnumerateUniq(deliveries)) AS fresh,
        -- The place of the last end, and of the last fresh start, before each record.
        arrayPushFront(arrayPopBack(arrayFill(x -> x != 0,
            arrayMap((e, i) -> if(e.8, i, 0), evs, arrayEnumerate(evs)))), 0) AS end_before,
        arrayPushFront(arrayPopBack(arrayFill(x -> x != 0,
            arrayMap((e, f, i) -> if(e.7 AND f, i, 0), evs, fresh, arrayEnumerate(evs)))), 0)
            AS start_before,
        arrayCumSum(arrayMap((e, f, b, s) -> toUInt32(e.7 AND f AND b > s),
                             evs, fresh, end_before, start_before)) AS segments,
        arrayMap((e, d, n) -> (d IS NOT NULL AND n > 1) OR e.9,
                 evs, deliveries, arrayEnumerateUniq(segments, deliveries)) AS dups
    FROM gathered
),
told AS (
    SELECT call_id, ord, segment, dup,
        e.10 AS "time", e.11 AS vendor, e.12 AS "event", e.13 AS kind, e.8 AS terminal,
        e.14 AS answered, e.15 AS call_started_at, e.16 AS call_answered_at,
        e.17 AS call_ended_at, e.18 AS outcome, e.19 AS end_reason, e.20 AS digit,
        e.21 AS reported_talk_ms, e.22 AS reported_total_ms, e.23 AS participants,
        e.24 AS parent_call_id, e.25 AS damaged
    FROM numbered
    ARRAY JOIN evs AS e, arrayEnumerate(evs) AS ord, segments AS segment, dups AS dup
),
-- Every fact but the repeats' count leaves the repeats out (NOT dup).
calls AS (
    SELECT call_id, segment,
        countIf(dup) AS duplicates,
        argMinIf(vendor, ord, NOT dup) AS vendor,
        countIf(NOT dup AND damaged IS NULL) AS events,
        countIf(NOT dup AND damaged IS NOT NULL) AS damaged_count,
        argMinIf(damaged, ord, NOT dup AND damaged IS NOT NULL) AS first_damaged,
        minIf("time", NOT dup) AS first_time,
        maxIf("time", NOT dup) AS last_time,
        argMinIf(call_started_at, ord, NOT dup AND call_started_at IS NOT NULL) AS initiated,
        minIf(call_answered_at, NOT dup) AS reported_answer,
        maxIf(call_ended_at, NOT dup) AS reported_end,
        minIf("time", NOT dup AND kind = 'started') AS started_time,
        countIf(NOT dup AND kind = 'started') > 0 AS started_seen,
        minIf("time", NOT dup AND kind = 'answered') AS answered_time,
        countIf(NOT dup AND (kind = 'answered' OR call_answered_at IS NOT NULL OR answered)) > 0
            AS answer_seen,
        countIf(NOT dup AND kind = 'ringing') > 0 AS ringing_seen,
        countIf(NOT dup AND kind IN ('hold', 'unhold', 'dtmf')) > 0 AS connected,
        countIf(NOT dup AND kind = 'hold' AND "time" IS NULL) > 0 AS hold_untimed,
        argMaxIf(toNullable(kind), ord, NOT dup AND terminal) AS terminal_kind,
        maxIf("time", NOT dup AND terminal) AS ended_time,
        argMinIf(outcome, ord, NOT dup AND terminal AND outcome IS NOT NULL) AS outcome_hint,
        coalesce(argMaxIf(end_reason, ord, NOT dup AND terminal AND end_reason IS NOT NULL),
                 argMinIf("event", ord, NOT dup AND terminal AND "event" IS NOT NULL)) AS end_reason,
        argMaxIf(reported_talk_ms, ord, NOT dup
                 AND (terminal OR kind = 'channel_ended') AND reported_talk_ms IS NOT NULL)
            AS reported_talk_ms,
        argMaxIf(reported_total_ms, ord, NOT dup AND terminal AND reported_total_ms IS NOT NULL)
            AS reported_total_ms,
        arrayStringConcat(arrayMap(x -> x.2, arraySort(groupArrayIf((ord, assumeNotNull(digit)),
            NOT dup AND kind = 'dtmf' AND digit IS NOT NULL)))) AS dtmf,
        argMinIf(parent_call_id, ord, NOT dup AND parent_call_id IS NOT NULL) AS parent_call_id,
        maxIf("time", NOT dup AND kind IN ('started', 'ringing', 'answered', 'hold', 'unhold',
            'dtmf', 'participant_joined', 'participant_left', 'transfer')) AS latest_flow_time,
        -- The places of the events told apart from what came before them (0: none).
        minIf(ord, NOT dup AND terminal) AS first_end,
        minIf(ord, NOT dup AND (kind = 'answered' OR call_answered_at IS NOT NULL OR answered))
            AS first_answer,
        minIf(ord, NOT dup AND kind = 'answered' AND "time" IS NOT NULL) AS first_timed_answer,
        maxIf(ord, NOT dup AND kind IN ('started', 'ringing', 'hold', 'unhold', 'dtmf',
            'participant_joined', 'participant_left', 'transfer') AND "time" IS NULL)
            AS last_untimed_flow,
        groupArrayIf(ord, NOT dup AND kind = 'started' AND "time" IS NULL) AS untimed_starts,
        -- Holds and unholds in order (an untimed hold opens nothing).
        arraySort(groupArrayIf((ord, kind = 'hold', "time"),
            NOT dup AND (kind = 'unhold' OR (kind = 'hold' AND "time" IS NOT NULL)))) AS holds,
        -- Who took part, in the order first named.
        arrayFilter(p -> p != '', arrayFlatten(arrayMap(x -> x.2, arraySort(
            groupArrayIf((ord, participants), NOT dup AND notEmpty(participants)))))) AS named
    FROM told
    GROUP BY call_id, segment
),
-- Holds: the first timed hold after an unhold (or the first of all) opens, the next unhold
-- closes, and a hold still open runs to the call's end.
spans AS (
    SELECT *,
        arrayMap(h -> h.2, holds) AS is_hold,
        arraySlice(arrayPushFront(is_hold, false), 1, length(is_hold)) AS after_hold,
        arrayFilter((h, o, a) -> o AND NOT a, holds, is_hold, after_hold) AS opens,
        arrayFilter((h, o, a) -> NOT o AND a, holds, is_hold, after_hold) AS closes
    FROM calls
),
milestones AS (
    SELECT *,
        arraySum(arrayMap((c, o) -> if(c.3 IS NULL, 0,
                greatest(toUnixTimestamp64Milli(assumeNotNull(c.3))
                         - toUnixTimestamp64Milli(assumeNotNull(o.3)), 0)),
            closes, arraySlice(opens, 1, length(closes)))) AS held_ms,
        if(length(opens) > length(closes), opens[length(opens)].3, NULL) AS open_hold,
        first_end > 0 AND last_untimed_flow > first_end AS flow_after_terminal,
        arrayExists(o -> first_answer > 0 AND o > first_answer
                         AND (first_timed_answer = 0 OR o <= first_timed_answer), untimed_starts)
            AS answered_before_started_untimed,
        arraySlice(arrayFilter((p, n) -> n = 1, named, arrayEnumerateUniq(named)), 1, 32)
            AS participants,
        if(reported_answer IS NOT NULL OR reported_end IS NOT NULL,
           coalesce(initiated, started_time, first_time),
           coalesce(started_time, initiated, first_time)) AS started_at,
        coalesce(reported_answer, answered_time) AS answered_at,
        coalesce(reported_end, ended_time) AS ended_at
    FROM spans
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
