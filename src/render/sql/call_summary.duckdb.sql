-- A duration as callev's tables write it: 850ms, 12.4s, 1m 05.3s, 1h 02m 03s.
CREATE OR REPLACE MACRO callev_duration(ms) AS
    CASE
        WHEN ms = 0 THEN '0s'
        WHEN abs(ms) < 1000 THEN CAST(ms AS VARCHAR) || 'ms'
        ELSE (CASE WHEN ms < 0 THEN '-' ELSE '' END) || CASE
            WHEN abs(ms) // 1000 < 60 THEN
                CAST(abs(ms) // 1000 AS VARCHAR) || '.' || CAST(abs(ms) % 1000 // 100 AS VARCHAR) || 's'
            WHEN abs(ms) // 1000 < 3600 THEN
                CAST(abs(ms) // 60000 AS VARCHAR) || 'm '
                || lpad(CAST(abs(ms) // 1000 % 60 AS VARCHAR), 2, '0') || '.'
                || CAST(abs(ms) % 1000 // 100 AS VARCHAR) || 's'
            ELSE
                CAST(abs(ms) // 3600000 AS VARCHAR) || 'h '
                || lpad(CAST(abs(ms) // 60000 % 60 AS VARCHAR), 2, '0') || 'm '
                || lpad(CAST(abs(ms) // 1000 % 60 AS VARCHAR), 2, '0') || 's'
        END
    END;

-- One row per call, the fields of `callev summary -o ndjson`, from the events of any number of
-- hosts: each record placed by its time (an untimed one after the record before it in its file),
-- then when it was read, then where. Repeated deliveries (one fingerprint seen again, a session
-- log's twin) counted, not folded in. A Workonflow thread that starts a new call after the last
-- one ended gives a row per call.
--
-- Each call's records are put in order once (after a pass over each file's keys alone, which
-- places the untimed ones), and each call's facts are then one GROUP BY. Only a call whose
-- deliveries must be told apart (a fingerprint seen again, or a start after an end) takes the
-- longer way through window passes. Needs DuckDB 1.3 or later (lambda syntax).
CREATE OR REPLACE VIEW call_summary AS
WITH latest AS (
    -- The latest time up to each record in its file. Only where that is not the record's own
    -- time (an untimed record, or one older than a record before it) is it joined back.
    SELECT host, source, line, "time",
        max("time") OVER (PARTITION BY host, source ORDER BY line
                          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS placed_at
    FROM call_events
    WHERE call_id IS NOT NULL
),
displaced AS (
    SELECT host, source, line, "time", max(placed_at) AS placed_at
    FROM latest
    WHERE placed_at IS DISTINCT FROM "time"
    GROUP BY host, source, line, "time"
),
placed AS (
    SELECT e.call_id, e."time", e.received_at, e.host, e.source, e.line, vendor, "event", kind,
        terminal, new_call, fingerprint, twin_key, "repeat", answered, call_started_at,
        call_answered_at, call_ended_at, outcome, end_reason, digit, reported_talk_ms,
        reported_total_ms, participants, parent_call_id, damaged,
        CASE WHEN d.host IS NULL THEN e."time" ELSE d.placed_at END AS placed_at
    FROM call_events e
    LEFT JOIN displaced d
        ON e.host = d.host AND e.source = d.source AND e.line = d.line
            AND e."time" IS NOT DISTINCT FROM d."time"
    WHERE e.call_id IS NOT NULL
),
ordered AS (
    SELECT * EXCLUDE (placed_at),
        row_number() OVER (PARTITION BY call_id
                           ORDER BY placed_at NULLS FIRST, received_at, host, source, line) AS ord
    FROM placed
),
-- Deliveries need telling apart only where a fingerprint comes again that is not an untimed
-- event's content repeated within one copy of the call (an even fingerprint, or the call's first
-- one: a copy begins), or where a start follows an end. Elsewhere each record is a delivery of
-- its own and the call one: nothing to fold in but a session log's twins.
fingerprints AS (
    SELECT call_id, fingerprint, count(*) AS seen, min(ord) AS first
    FROM ordered
    WHERE fingerprint IS NOT NULL
    GROUP BY call_id, fingerprint
),
tangled AS (
    SELECT call_id
    FROM fingerprints
    GROUP BY call_id
    HAVING bool_or(seen > 1 AND right(fingerprint, 1) NOT IN ('1', '3', '5', '7', '9', 'b', 'd', 'f'))
        OR arg_min(seen, first) > 1
    UNION
    SELECT call_id
    FROM ordered
    GROUP BY call_id
    HAVING min(ord) FILTER (WHERE terminal) < max(ord) FILTER (WHERE new_call)
),
-- An untimed event a call may have many times (a fingerprint whose last hex digit is odd) is
-- told by its place among the call's events of that content, counted again where a copy of the
-- call begins (its first fingerprint again), as callev tells it.
copies AS (
    SELECT *,
        sum(CAST(fingerprint IS NOT NULL AND fingerprint = first_fingerprint AS INTEGER)) OVER (PARTITION BY call_id ORDER BY ord
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS copy
    FROM (
        SELECT *,
            first_value(fingerprint IGNORE NULLS) OVER (PARTITION BY call_id ORDER BY ord
                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS first_fingerprint
        FROM ordered SEMI JOIN tangled USING (call_id)
    )
),
keyed AS (
    SELECT *,
        CASE WHEN right(fingerprint, 1) IN ('1', '3', '5', '7', '9', 'b', 'd', 'f')
            THEN fingerprint || ':' || CAST(row_number() OVER (PARTITION BY call_id, copy, fingerprint ORDER BY ord) AS VARCHAR)
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
            AND coalesce(max(ord) FILTER (WHERE terminal) OVER before, 0)
                > coalesce(max(ord) FILTER (WHERE new_call AND fresh) OVER before, 0) AS restart
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
            sum(CAST(restart AS INTEGER)) OVER (PARTITION BY call_id ORDER BY ord
                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS segment
        FROM restarts
    )
),
told AS (
    SELECT *, 0 AS segment, twin_key IS NOT NULL AND "repeat" AS dup
    FROM ordered ANTI JOIN tangled USING (call_id)
    UNION ALL BY NAME
    SELECT * EXCLUDE (first_fingerprint, copy, delivery, fresh, restart) FROM segmented
),
-- Counted from where they are told (the records told apart are read once).
repeats AS (
    SELECT call_id, 0 AS segment, count(*) AS duplicates
    FROM ordered ANTI JOIN tangled USING (call_id)
    WHERE twin_key IS NOT NULL AND "repeat"
    GROUP BY call_id
    UNION ALL
    SELECT call_id, segment, count(*) AS duplicates
    FROM segmented
    WHERE dup
    GROUP BY call_id, segment
),
calls AS (
    SELECT call_id, segment,
        arg_min(vendor, ord) AS vendor,
        count(*) FILTER (WHERE damaged IS NULL) AS events,
        count(*) FILTER (WHERE damaged IS NOT NULL) AS damaged_count,
        arg_min(damaged, ord) FILTER (WHERE damaged IS NOT NULL) AS first_damaged,
        min("time") AS first_time,
        max("time") AS last_time,
        arg_min(call_started_at, ord) FILTER (WHERE call_started_at IS NOT NULL) AS initiated,
        min(call_answered_at) AS reported_answer,
        max(call_ended_at) AS reported_end,
        min("time") FILTER (WHERE kind = 'started') AS started_time,
        bool_or(kind = 'started') AS started_seen,
        min("time") FILTER (WHERE kind = 'answered') AS answered_time,
        bool_or(kind = 'answered' OR call_answered_at IS NOT NULL OR answered) AS answer_seen,
        bool_or(kind = 'ringing') AS ringing_seen,
        bool_or(kind IN ('hold', 'unhold', 'dtmf')) AS connected,
        bool_or(kind = 'hold' AND "time" IS NULL) AS hold_untimed,
        arg_max(kind, ord) FILTER (WHERE terminal) AS terminal_kind,
        max("time") FILTER (WHERE terminal) AS ended_time,
        arg_min(outcome, ord) FILTER (WHERE terminal AND outcome IS NOT NULL) AS outcome_hint,
        coalesce(arg_max(end_reason, ord) FILTER (WHERE terminal AND end_reason IS NOT NULL),
                 arg_min("event", ord) FILTER (WHERE terminal AND "event" IS NOT NULL)) AS end_reason,
        arg_max(reported_talk_ms, ord)
            FILTER (WHERE (terminal OR kind = 'channel_ended') AND reported_talk_ms IS NOT NULL)
            AS reported_talk_ms,
        arg_max(reported_total_ms, ord) FILTER (WHERE terminal AND reported_total_ms IS NOT NULL)
            AS reported_total_ms,
        list({'at': ord, 'digit': digit}) FILTER (WHERE kind = 'dtmf' AND digit IS NOT NULL) AS digits,
        arg_min(parent_call_id, ord) FILTER (WHERE parent_call_id IS NOT NULL) AS parent_call_id,
        max("time") FILTER (WHERE kind IN ('started', 'ringing', 'answered', 'hold', 'unhold', 'dtmf',
            'participant_joined', 'participant_left', 'transfer')) AS latest_flow_time,
        -- The places of the events told apart from what came before them.
        min(ord) FILTER (WHERE terminal) AS first_end,
        min(ord) FILTER (WHERE kind = 'answered' OR call_answered_at IS NOT NULL OR answered)
            AS first_answer,
        min(ord) FILTER (WHERE kind = 'answered' AND "time" IS NOT NULL) AS first_timed_answer,
        max(ord) FILTER (WHERE kind IN ('started', 'ringing', 'hold', 'unhold', 'dtmf',
            'participant_joined', 'participant_left', 'transfer') AND "time" IS NULL)
            AS last_untimed_flow,
        list(ord) FILTER (WHERE kind = 'started' AND "time" IS NULL) AS untimed_starts,
        -- Holds and unholds in order (an untimed hold opens nothing).
        list({'ord': ord, 'hold': kind = 'hold', 'at': "time"})
            FILTER (WHERE kind = 'unhold' OR (kind = 'hold' AND "time" IS NOT NULL)) AS holds,
        -- Who took part, in the order first named.
        list({'ord': ord, 'parties': participants}) FILTER (WHERE len(participants) > 0) AS named
    FROM told
    WHERE NOT dup
    GROUP BY call_id, segment
),
-- Holds: the first timed hold after an unhold (or the first of all) opens, the next unhold
-- closes, and a hold still open runs to the call's end.
in_order AS (
    SELECT * REPLACE (list_sort(holds) AS holds),
        -- Each name with where it was named, by name: the first of each is where it was first named.
        list_sort(flatten(list_transform(named, lambda e: list_transform(
            list_filter(list_transform(e.parties, lambda p, i: {'party': p, 'ord': e.ord, 'place': i}),
                        lambda p: p.party <> ''), lambda p: p)))) AS by_party,
        coalesce(array_to_string(list_transform(list_sort(digits), lambda d: d.digit), ''), '') AS dtmf
    FROM calls
),
spans AS (
    SELECT *,
        list_filter(holds, lambda h, i: h.hold AND (i = 1 OR NOT holds[i - 1].hold)) AS opens,
        list_filter(holds, lambda h, i: NOT h.hold AND i > 1 AND holds[i - 1].hold) AS closes
    FROM in_order
),
milestones AS (
    SELECT s.* EXCLUDE (holds, named, digits, by_party, opens, closes, untimed_starts),
        coalesce(r.duplicates, 0) AS duplicates,
        coalesce(list_sum(list_transform(closes, lambda c, k:
            coalesce(greatest(epoch_ms(c.at) - epoch_ms(opens[k].at), 0), 0))), 0) AS held_ms,
        CASE WHEN len(opens) > len(closes) THEN opens[len(opens)].at END AS open_hold,
        coalesce(last_untimed_flow > first_end, false) AS flow_after_terminal,
        coalesce(list_bool_or(list_transform(untimed_starts, lambda o:
            o > first_answer AND (first_timed_answer IS NULL OR o <= first_timed_answer))), false)
            AS answered_before_started_untimed,
        list_transform(list_sort(list_transform(
            list_filter(by_party, lambda p, k: k = 1 OR by_party[k - 1].party <> p.party),
            lambda p: {'ord': p.ord, 'place': p.place, 'party': p.party})), lambda p: p.party)[1:32]
            AS parties,
        CASE WHEN reported_answer IS NOT NULL OR reported_end IS NOT NULL
             THEN coalesce(initiated, started_time, first_time)
             ELSE coalesce(started_time, initiated, first_time) END AS started_at,
        coalesce(reported_answer, answered_time) AS answered_at,
        coalesce(reported_end, ended_time) AS ended_at
    FROM spans s
    LEFT JOIN repeats r USING (call_id, segment)
),
measured AS (
    SELECT *,
        epoch_ms(ended_at) - epoch_ms(answered_at) AS measured_talk,
        CASE WHEN initiated IS NOT NULL OR started_time IS NOT NULL OR first_time < ended_at
             THEN epoch_ms(ended_at) - epoch_ms(started_at) END AS measured_total,
        answer_seen OR coalesce(reported_talk_ms > 0, false) AS answered,
        initiated IS NOT NULL OR started_time IS NOT NULL
            OR coalesce(first_time < coalesce(reported_answer, answered_time), false) AS start_known,
        started_seen OR ringing_seen OR initiated IS NOT NULL
            OR coalesce(reported_talk_ms = 0, false) AS beginning_seen,
        epoch_ms(greatest(first_time, last_time, started_at, answered_at, ended_at))
            - epoch_ms(least(first_time, last_time, started_at, answered_at, ended_at)) AS span_ms
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
    CASE WHEN start_known THEN epoch_ms(answered_at) - epoch_ms(started_at) END AS ring_ms,
    coalesce(measured_talk, CASE WHEN answered_at IS NULL THEN reported_talk_ms END) AS talk_ms,
    CASE
        WHEN open_hold IS NOT NULL AND coalesce(ended_at, last_time) IS NOT NULL
            THEN held_ms + greatest(epoch_ms(coalesce(ended_at, last_time)) - epoch_ms(open_hold), 0)
        WHEN held_ms > 0 THEN held_ms
        WHEN hold_untimed OR open_hold IS NOT NULL THEN NULL
        ELSE 0
    END AS hold_ms,
    coalesce(measured_total,
             CASE WHEN ended_at IS NULL OR started_at IS NULL THEN reported_total_ms END) AS total_ms,
    reported_talk_ms,
    reported_total_ms,
    CASE
        WHEN answered AND terminal_kind IS NOT NULL THEN 'answered'
        WHEN outcome_hint IS NOT NULL THEN outcome_hint
        WHEN terminal_kind = 'missed' THEN 'missed'
        WHEN terminal_kind = 'failed' THEN 'failed'
        WHEN terminal_kind IS NOT NULL AND connected THEN 'unknown'
        WHEN terminal_kind IS NOT NULL AND beginning_seen AND damaged_count = 0 THEN 'no_answer'
        WHEN terminal_kind IS NOT NULL THEN 'unknown'
        WHEN answered THEN 'in_progress'
        WHEN NOT started_seen AND first_time IS NULL AND initiated IS NULL THEN 'unknown'
        ELSE 'in_progress'
    END AS outcome,
    end_reason,
    coalesce(parties, []::VARCHAR[]) AS participants,
    dtmf,
    duplicates,
    (CASE
        WHEN terminal_kind IS NULL OR (answered AND terminal_kind IS NOT NULL)
             OR outcome_hint IS NOT NULL OR terminal_kind IN ('missed', 'failed') THEN []::VARCHAR[]
        WHEN connected THEN ['hold, unhold or DTMF seen but no answer: connected, answer not seen']
        WHEN beginning_seen THEN []::VARCHAR[]
        ELSE ['only its end was seen: nothing says whether it was answered']
     END)
    || (CASE
        WHEN damaged_count = 1 THEN ['a damaged record names this call (' || first_damaged || ')']
        WHEN damaged_count > 1 THEN [CAST(damaged_count AS VARCHAR)
            || ' damaged records name this call, the first at ' || first_damaged]
        ELSE []::VARCHAR[]
     END)
    || (CASE WHEN span_ms > 86400000
             THEN ['its times span ' || callev_duration(span_ms)
                   || ' (more than a day: an id used by other calls too, or a damaged date), left out of the durations and the time range']
             ELSE []::VARCHAR[] END)
    || (CASE WHEN terminal_kind IS NULL THEN ['no terminal event'] ELSE []::VARCHAR[] END)
    || (CASE WHEN coalesce(latest_flow_time > ended_at, false) OR flow_after_terminal > 0
             THEN ['events after the end'] ELSE []::VARCHAR[] END)
    || (CASE WHEN coalesce(answered_at < started_at, false) OR answered_before_started_untimed
             THEN ['answered before started'] ELSE []::VARCHAR[] END)
    || (CASE WHEN reported_talk_ms IS NOT NULL AND NOT (reported_talk_ms = 0 AND NOT answered)
                  AND measured_talk IS NOT NULL AND abs(measured_talk - reported_talk_ms) > 1000
             THEN ['reported talk duration ' || callev_duration(reported_talk_ms)
                   || ' matches neither the measured talk (' || callev_duration(measured_talk)
                   || ') nor total (' || coalesce(callev_duration(measured_total), '?') || ')']
             ELSE []::VARCHAR[] END)
    || (CASE WHEN reported_total_ms IS NOT NULL AND NOT (reported_total_ms = 0 AND NOT answered)
                  AND (measured_talk IS NOT NULL OR measured_total IS NOT NULL)
                  AND NOT coalesce(abs(measured_talk - reported_total_ms) <= 1000, false)
                  AND NOT coalesce(abs(measured_total - reported_total_ms) <= 1000, false)
             THEN ['reported total duration ' || callev_duration(reported_total_ms)
                   || ' matches neither the measured talk ('
                   || coalesce(callev_duration(measured_talk), '?')
                   || ') nor total (' || coalesce(callev_duration(measured_total), '?') || ')']
             ELSE []::VARCHAR[] END) AS anomalies,
    parent_call_id
FROM measured;
