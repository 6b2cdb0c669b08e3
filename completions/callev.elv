
use builtin;
use str;

set edit:completion:arg-completer[callev] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'callev'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'callev'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand detect 'Which vendor format each record is, and why'
            cand validate 'Check records against the vendors'' documented schemas'
            cand events 'One row per event, normalized across vendors'
            cand timeline 'Each call''s events in time order'
            cand summary 'One row per call: durations, outcome, counts; then totals'
            cand browse 'A full-screen call list to browse: each call''s timeline, its records as read, findings'
            cand listen 'Receive vendor callbacks over HTTP: capture each request, show its event and findings'
            cand send 'Replay records to your handler over HTTP: a call''s events in order, as the vendor sent them'
            cand trigger 'Make up a call''s events in a vendor''s own format: print them, or send them to your handler'
            cand schema 'The documented schemas: vendors, their events, an event''s fields'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff), or a subcommand''s'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'callev;detect'= {
            cand -o 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)'
            cand --output 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)'
            cand --color 'When to use colors: auto uses them on a terminal unless NO_COLOR is set'
            cand --vendor 'Only this vendor''s records (repeatable); detection still runs, and the others are counted apart'
            cand --as 'Skip detection: read every record as this vendor''s'
            cand --input-format 'How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves'
            cand --threads 'Worker threads for parsing (default: one per core)'
            cand --explain 'Say which fields decided the vendor'
            cand -f 'Keep reading appended input and print records as they arrive'
            cand --follow 'Keep reading appended input and print records as they arrive'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'callev;validate'= {
            cand --allow 'Do not report this finding code (repeatable); a record whose errors are all allowed is valid, and damaged or unknown records still count'
            cand -o 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)'
            cand --output 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)'
            cand --color 'When to use colors: auto uses them on a terminal unless NO_COLOR is set'
            cand --vendor 'Only this vendor''s records (repeatable); detection still runs, and the others are counted apart'
            cand --as 'Skip detection: read every record as this vendor''s'
            cand --input-format 'How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves'
            cand --threads 'Worker threads for parsing (default: one per core)'
            cand --strict 'Count warnings as failures'
            cand -f 'Keep reading appended input and print records as they arrive'
            cand --follow 'Keep reading appended input and print records as they arrive'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'callev;events'= {
            cand -o 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)'
            cand --output 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)'
            cand --color 'When to use colors: auto uses them on a terminal unless NO_COLOR is set'
            cand --tz 'Zone for displayed times: UTC, local, an offset such as +02:00 or a zone such as Europe/Amsterdam (the offset is always shown)'
            cand --source-tz 'Zone of times written without one (Xelion''s `date`, bare log timestamps): UTC, local or ±HH:MM'
            cand --vendor 'Only this vendor''s records (repeatable); detection still runs, and the others are counted apart'
            cand --as 'Skip detection: read every record as this vendor''s'
            cand --input-format 'How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves'
            cand --threads 'Worker threads for parsing (default: one per core)'
            cand --call 'Only this call; repeatable; a unique prefix of the id (any case) or the shortened id a table shows'
            cand --event 'Only events whose vendor name or kind is NAME (repeatable). Kinds: started, ringing, answered, hold, unhold, dtmf, participant_joined, participant_left, transfer, media, recording, channel_ended, ended, failed, missed, other'
            cand --until 'Up to this time (a date or today: to its end); selects as --since does'
            cand --since 'From this time (RFC 3339, a date, 15m/2h/3d ago, today, yesterday): the events at or after it; events without a time are counted and left out'
            cand --full-ids 'Never shorten ids in tables (they are shortened only on a terminal, to fit)'
            cand -f 'Keep reading appended input and print records as they arrive'
            cand --follow 'Keep reading appended input and print records as they arrive'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'callev;timeline'= {
            cand -o 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)'
            cand --output 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)'
            cand --color 'When to use colors: auto uses them on a terminal unless NO_COLOR is set'
            cand --tz 'Zone for displayed times: UTC, local, an offset such as +02:00 or a zone such as Europe/Amsterdam (the offset is always shown)'
            cand --source-tz 'Zone of times written without one (Xelion''s `date`, bare log timestamps): UTC, local or ±HH:MM'
            cand --vendor 'Only this vendor''s records (repeatable); detection still runs, and the others are counted apart'
            cand --as 'Skip detection: read every record as this vendor''s'
            cand --input-format 'How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves'
            cand --threads 'Worker threads for parsing (default: one per core)'
            cand --call 'Only this call; repeatable; a unique prefix of the id (any case) or the shortened id a table shows'
            cand --event 'Only events whose vendor name or kind is NAME (repeatable). Kinds: started, ringing, answered, hold, unhold, dtmf, participant_joined, participant_left, transfer, media, recording, channel_ended, ended, failed, missed, other'
            cand --until 'Up to this time (a date or today: to its end); selects as --since does'
            cand --outcome 'Only calls with this outcome; repeatable'
            cand --party 'Only calls in which this number or user id takes part (caller, callee, from, to, a participant); numbers match by their digits; repeatable'
            cand --since 'From this time (RFC 3339, a date, 15m/2h/3d ago, today, yesterday): the calls that reach it, with all their events; calls without a time are counted and left out'
            cand --full-ids 'Never shorten ids in tables (they are shortened only on a terminal, to fit)'
            cand -f 'Keep reading appended input and print records as they arrive'
            cand --follow 'Keep reading appended input and print records as they arrive'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'callev;summary'= {
            cand --by 'A row per group instead of per call: calls, answered share, outcomes, talk and total p50/p95 (repeatable: two levels)'
            cand --sort 'Order the calls by total, talk, ring, started or events; -FIELD for descending (unknown values last)'
            cand -o 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)'
            cand --output 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)'
            cand --color 'When to use colors: auto uses them on a terminal unless NO_COLOR is set'
            cand --tz 'Zone for displayed times: UTC, local, an offset such as +02:00 or a zone such as Europe/Amsterdam (the offset is always shown)'
            cand --source-tz 'Zone of times written without one (Xelion''s `date`, bare log timestamps): UTC, local or ±HH:MM'
            cand --vendor 'Only this vendor''s records (repeatable); detection still runs, and the others are counted apart'
            cand --as 'Skip detection: read every record as this vendor''s'
            cand --input-format 'How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves'
            cand --threads 'Worker threads for parsing (default: one per core)'
            cand --call 'Only this call; repeatable; a unique prefix of the id (any case) or the shortened id a table shows'
            cand --event 'Only events whose vendor name or kind is NAME (repeatable). Kinds: started, ringing, answered, hold, unhold, dtmf, participant_joined, participant_left, transfer, media, recording, channel_ended, ended, failed, missed, other'
            cand --until 'Up to this time (a date or today: to its end); selects as --since does'
            cand --outcome 'Only calls with this outcome; repeatable'
            cand --party 'Only calls in which this number or user id takes part (caller, callee, from, to, a participant); numbers match by their digits; repeatable'
            cand --since 'From this time (RFC 3339, a date, 15m/2h/3d ago, today, yesterday): the calls that reach it, with all their events; calls without a time are counted and left out'
            cand --anomalies 'List every call''s anomalies under the table, not a tally of them by kind'
            cand --full-ids 'Never shorten ids in tables (they are shortened only on a terminal, to fit)'
            cand -f 'Keep reading appended input and print records as they arrive'
            cand --follow 'Keep reading appended input and print records as they arrive'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'callev;browse'= {
            cand --color 'When to use colors: auto uses them unless NO_COLOR is set'
            cand --tz 'Zone for displayed times: UTC, local, an offset such as +02:00 or a zone such as Europe/Amsterdam (the offset is always shown)'
            cand --source-tz 'Zone of times written without one (Xelion''s `date`, bare log timestamps): UTC, local or ±HH:MM'
            cand --vendor 'Only this vendor''s records (repeatable); detection still runs, and the others are counted apart'
            cand --as 'Skip detection: read every record as this vendor''s'
            cand --input-format 'How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves'
            cand --threads 'Worker threads for parsing (default: one per core)'
            cand --call 'Only this call; repeatable; a unique prefix of the id (any case) or the shortened id a table shows'
            cand --event 'Only events whose vendor name or kind is NAME (repeatable). Kinds: started, ringing, answered, hold, unhold, dtmf, participant_joined, participant_left, transfer, media, recording, channel_ended, ended, failed, missed, other'
            cand --until 'Up to this time (a date or today: to its end); selects as --since does'
            cand --outcome 'Only calls with this outcome; repeatable'
            cand --party 'Only calls in which this number or user id takes part (caller, callee, from, to, a participant); numbers match by their digits; repeatable'
            cand --since 'From this time (RFC 3339, a date, 15m/2h/3d ago, today, yesterday): the calls that reach it, with all their events; calls without a time are counted and left out'
            cand --full-ids 'Never shorten ids in tables (they are shortened only on a terminal, to fit)'
            cand -f 'Keep reading appended input and print records as they arrive'
            cand --follow 'Keep reading appended input and print records as they arrive'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'callev;listen'= {
            cand --port 'The port to listen on; 0 picks a free one (printed at start)'
            cand --bind 'The address to listen on; anything but loopback is reachable from other machines'
            cand --capture 'The capture file (NDJSON, appended to); default callev-capture-DATE-TIME.ndjson here'
            cand --max-body 'Bodies larger than this are answered 413 and not kept'
            cand --basic-auth 'Require HTTP Basic credentials (USER:PASS); others get 401 and their bodies are not kept'
            cand --reply 'Answer every request with this file (content type from its extension: .xml is BXML)'
            cand --forward-to 'Pass every request on to your app (http or https) and its answer back unchanged'
            cand --forward-timeout 'How long the app may take before the vendor gets 504 (Bandwidth waits 15 s by default)'
            cand -o 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)'
            cand --output 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)'
            cand --color 'When to use colors: auto uses them on a terminal unless NO_COLOR is set'
            cand --tz 'Zone for displayed times: UTC, local, an offset such as +02:00 or a zone such as Europe/Amsterdam (the offset is always shown)'
            cand --source-tz 'Zone of times written without one (Xelion''s `date`, bare log timestamps): UTC, local or ±HH:MM'
            cand --fsync 'Make each line durable (fsync) before answering; lines arriving together share one sync'
            cand --full-ids 'Never shorten ids in tables (they are shortened only on a terminal, to fit)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'callev;send'= {
            cand --to 'Your handler''s URL (http or https); a capture''s request path goes under its path'
            cand --concurrency 'Calls sent at once (a call''s own events always go one at a time)'
            cand --speed 'Keep the original gaps between a call''s events, divided by N (1: real time); without it, as fast as the handler answers'
            cand --timeout 'How long a request may take, its answer included'
            cand --retries 'Try again this many times on a connection error or a 5xx answer, waiting longer each time'
            cand --basic-auth 'Send HTTP Basic credentials (USER:PASS) with every request'
            cand --header 'Add this header to every request, replacing one of the same name (''Name: value''; repeatable)'
            cand --cacert 'Trust this PEM certificate (a self-signed handler''s) for https, besides the usual roots'
            cand -o 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)'
            cand --output 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)'
            cand --color 'When to use colors: auto uses them on a terminal unless NO_COLOR is set'
            cand --tz 'Zone for displayed times: UTC, local, an offset such as +02:00 or a zone such as Europe/Amsterdam (the offset is always shown)'
            cand --source-tz 'Zone of times written without one (Xelion''s `date`, bare log timestamps): UTC, local or ±HH:MM'
            cand --vendor 'Only this vendor''s records (repeatable); detection still runs, and the others are counted apart'
            cand --as 'Skip detection: read every record as this vendor''s'
            cand --input-format 'How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves'
            cand --threads 'Worker threads for parsing (default: one per core)'
            cand --call 'Only this call; repeatable; a unique prefix of the id (any case) or the shortened id a table shows'
            cand --event 'Only events whose vendor name or kind is NAME (repeatable). Kinds: started, ringing, answered, hold, unhold, dtmf, participant_joined, participant_left, transfer, media, recording, channel_ended, ended, failed, missed, other'
            cand --until 'Up to this time (a date or today: to its end); selects as --since does'
            cand --outcome 'Only calls with this outcome; repeatable'
            cand --party 'Only calls in which this number or user id takes part (caller, callee, from, to, a participant); numbers match by their digits; repeatable'
            cand --since 'From this time (RFC 3339, a date, 15m/2h/3d ago, today, yesterday): the calls that reach it, with all their events; calls without a time are counted and left out'
            cand --repeats 'Send repeated deliveries of an event too (by default each event goes once)'
            cand --full-ids 'Never shorten ids in tables (they are shortened only on a terminal, to fit)'
            cand -f 'Keep reading appended input and print records as they arrive'
            cand --follow 'Keep reading appended input and print records as they arrive'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'callev;trigger'= {
            cand --direction 'Who placed the call (default: inbound where the scenario can be)'
            cand --count 'How many calls'
            cand --ring 'How long it rings'
            cand --talk 'How long the parties talk, once answered'
            cand --from 'The caller''s number (default: a fictional one)'
            cand --to-number 'The callee''s number (default: a fictional one)'
            cand --at 'When the first call starts: RFC 3339 or a date (default: now)'
            cand --seed 'Make the same ids and numbers on every run'
            cand --to 'Send the calls to your handler instead of printing them (as `callev send` does)'
            cand --concurrency 'Calls sent at once (a call''s own events always go one at a time)'
            cand --speed 'Keep the original gaps between a call''s events, divided by N (1: real time); without it, as fast as the handler answers'
            cand --timeout 'How long a request may take, its answer included'
            cand --retries 'Try again this many times on a connection error or a 5xx answer, waiting longer each time'
            cand --basic-auth 'Send HTTP Basic credentials (USER:PASS) with every request'
            cand --header 'Add this header to every request, replacing one of the same name (''Name: value''; repeatable)'
            cand --cacert 'Trust this PEM certificate (a self-signed handler''s) for https, besides the usual roots'
            cand -o 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)'
            cand --output 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)'
            cand --color 'When to use colors: auto uses them on a terminal unless NO_COLOR is set'
            cand --list 'List every vendor''s scenarios'
            cand --repeats 'Send repeated deliveries of an event too (by default each event goes once)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'callev;schema'= {
            cand -o 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)'
            cand --output 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)'
            cand --color 'When to use colors: auto uses them on a terminal unless NO_COLOR is set'
            cand --sql 'Print the SQL that makes the table the events records load into (`call_events`) and the view that gives the summary''s calls from it (`call_summary`), for DuckDB or ClickHouse'
            cand --json-schema 'Print a JSON Schema (draft 2020-12) instead'
            cand --events 'Show the columns of callev''s own events records (what `callev events` writes): name, type, meaning'
            cand --capture 'Show the fields of the capture record `callev listen` writes'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'callev;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'callev;man'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'callev;help'= {
            cand detect 'Which vendor format each record is, and why'
            cand validate 'Check records against the vendors'' documented schemas'
            cand events 'One row per event, normalized across vendors'
            cand timeline 'Each call''s events in time order'
            cand summary 'One row per call: durations, outcome, counts; then totals'
            cand browse 'A full-screen call list to browse: each call''s timeline, its records as read, findings'
            cand listen 'Receive vendor callbacks over HTTP: capture each request, show its event and findings'
            cand send 'Replay records to your handler over HTTP: a call''s events in order, as the vendor sent them'
            cand trigger 'Make up a call''s events in a vendor''s own format: print them, or send them to your handler'
            cand schema 'The documented schemas: vendors, their events, an event''s fields'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff), or a subcommand''s'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'callev;help;detect'= {
        }
        &'callev;help;validate'= {
        }
        &'callev;help;events'= {
        }
        &'callev;help;timeline'= {
        }
        &'callev;help;summary'= {
        }
        &'callev;help;browse'= {
        }
        &'callev;help;listen'= {
        }
        &'callev;help;send'= {
        }
        &'callev;help;trigger'= {
        }
        &'callev;help;schema'= {
        }
        &'callev;help;completions'= {
        }
        &'callev;help;man'= {
        }
        &'callev;help;help'= {
        }
    ]
    $completions[$command]
}
