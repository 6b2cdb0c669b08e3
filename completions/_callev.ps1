
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'callev' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'callev'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'callev' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('detect', 'detect', [CompletionResultType]::ParameterValue, 'Which vendor format each record is, and why')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check records against the vendors'' documented schemas')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'One row per event, normalized across vendors')
            [CompletionResult]::new('timeline', 'timeline', [CompletionResultType]::ParameterValue, 'Each call''s events in time order')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'One row per call: durations, outcome, counts; then totals')
            [CompletionResult]::new('browse', 'browse', [CompletionResultType]::ParameterValue, 'A full-screen call list to browse: each call''s timeline, its records as read, findings')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive vendor callbacks over HTTP: capture each request, show its event and findings')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Replay records to your handler over HTTP: a call''s events in order, as the vendor sent them')
            [CompletionResult]::new('trigger', 'trigger', [CompletionResultType]::ParameterValue, 'Make up a call''s events in a vendor''s own format: print them, or send them to your handler')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'The documented schemas: vendors, their events, an event''s fields')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff), or a subcommand''s')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'callev;detect' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto uses them on a terminal unless NO_COLOR is set')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Only this vendor''s records (repeatable); detection still runs, and the others are counted apart')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Skip detection: read every record as this vendor''s')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads for parsing (default: one per core)')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Say which fields decided the vendor')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep reading appended input and print records as they arrive')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep reading appended input and print records as they arrive')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'callev;validate' {
            [CompletionResult]::new('--allow', '--allow', [CompletionResultType]::ParameterName, 'Do not report this finding code (repeatable); a record whose errors are all allowed is valid, and damaged or unknown records still count')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto uses them on a terminal unless NO_COLOR is set')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Only this vendor''s records (repeatable); detection still runs, and the others are counted apart')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Skip detection: read every record as this vendor''s')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads for parsing (default: one per core)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Count warnings as failures')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep reading appended input and print records as they arrive')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep reading appended input and print records as they arrive')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'callev;events' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto uses them on a terminal unless NO_COLOR is set')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'Zone for displayed times: UTC, local, an offset such as +02:00 or a zone such as Europe/Amsterdam (the offset is always shown)')
            [CompletionResult]::new('--source-tz', '--source-tz', [CompletionResultType]::ParameterName, 'Zone of times written without one (Xelion''s `date`, bare log timestamps): UTC, local or ±HH:MM')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Only this vendor''s records (repeatable); detection still runs, and the others are counted apart')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Skip detection: read every record as this vendor''s')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads for parsing (default: one per core)')
            [CompletionResult]::new('--call', '--call', [CompletionResultType]::ParameterName, 'Only this call; repeatable; a unique prefix of the id (any case) or the shortened id a table shows')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Only events whose vendor name or kind is NAME (repeatable). Kinds: started, ringing, answered, hold, unhold, dtmf, participant_joined, participant_left, transfer, media, recording, channel_ended, ended, failed, missed, other')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Up to this time (a date or today: to its end); selects as --since does')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From this time (RFC 3339, a date, 15m/2h/3d ago, today, yesterday): the events at or after it; events without a time are counted and left out')
            [CompletionResult]::new('--full-ids', '--full-ids', [CompletionResultType]::ParameterName, 'Never shorten ids in tables (they are shortened only on a terminal, to fit)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep reading appended input and print records as they arrive')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep reading appended input and print records as they arrive')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'callev;timeline' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto uses them on a terminal unless NO_COLOR is set')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'Zone for displayed times: UTC, local, an offset such as +02:00 or a zone such as Europe/Amsterdam (the offset is always shown)')
            [CompletionResult]::new('--source-tz', '--source-tz', [CompletionResultType]::ParameterName, 'Zone of times written without one (Xelion''s `date`, bare log timestamps): UTC, local or ±HH:MM')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Only this vendor''s records (repeatable); detection still runs, and the others are counted apart')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Skip detection: read every record as this vendor''s')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads for parsing (default: one per core)')
            [CompletionResult]::new('--call', '--call', [CompletionResultType]::ParameterName, 'Only this call; repeatable; a unique prefix of the id (any case) or the shortened id a table shows')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Only events whose vendor name or kind is NAME (repeatable). Kinds: started, ringing, answered, hold, unhold, dtmf, participant_joined, participant_left, transfer, media, recording, channel_ended, ended, failed, missed, other')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Up to this time (a date or today: to its end); selects as --since does')
            [CompletionResult]::new('--outcome', '--outcome', [CompletionResultType]::ParameterName, 'Only calls with this outcome; repeatable')
            [CompletionResult]::new('--party', '--party', [CompletionResultType]::ParameterName, 'Only calls in which this number or user id takes part (caller, callee, from, to, a participant); numbers match by their digits; repeatable')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From this time (RFC 3339, a date, 15m/2h/3d ago, today, yesterday): the calls that reach it, with all their events; calls without a time are counted and left out')
            [CompletionResult]::new('--full-ids', '--full-ids', [CompletionResultType]::ParameterName, 'Never shorten ids in tables (they are shortened only on a terminal, to fit)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep reading appended input and print records as they arrive')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep reading appended input and print records as they arrive')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'callev;summary' {
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'A row per group instead of per call: calls, answered share, outcomes, talk and total p50/p95 (repeatable: two levels)')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Order the calls by total, talk, ring, started or events; -FIELD for descending (unknown values last)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto uses them on a terminal unless NO_COLOR is set')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'Zone for displayed times: UTC, local, an offset such as +02:00 or a zone such as Europe/Amsterdam (the offset is always shown)')
            [CompletionResult]::new('--source-tz', '--source-tz', [CompletionResultType]::ParameterName, 'Zone of times written without one (Xelion''s `date`, bare log timestamps): UTC, local or ±HH:MM')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Only this vendor''s records (repeatable); detection still runs, and the others are counted apart')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Skip detection: read every record as this vendor''s')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads for parsing (default: one per core)')
            [CompletionResult]::new('--call', '--call', [CompletionResultType]::ParameterName, 'Only this call; repeatable; a unique prefix of the id (any case) or the shortened id a table shows')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Only events whose vendor name or kind is NAME (repeatable). Kinds: started, ringing, answered, hold, unhold, dtmf, participant_joined, participant_left, transfer, media, recording, channel_ended, ended, failed, missed, other')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Up to this time (a date or today: to its end); selects as --since does')
            [CompletionResult]::new('--outcome', '--outcome', [CompletionResultType]::ParameterName, 'Only calls with this outcome; repeatable')
            [CompletionResult]::new('--party', '--party', [CompletionResultType]::ParameterName, 'Only calls in which this number or user id takes part (caller, callee, from, to, a participant); numbers match by their digits; repeatable')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From this time (RFC 3339, a date, 15m/2h/3d ago, today, yesterday): the calls that reach it, with all their events; calls without a time are counted and left out')
            [CompletionResult]::new('--anomalies', '--anomalies', [CompletionResultType]::ParameterName, 'List every call''s anomalies under the table, not a tally of them by kind')
            [CompletionResult]::new('--full-ids', '--full-ids', [CompletionResultType]::ParameterName, 'Never shorten ids in tables (they are shortened only on a terminal, to fit)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep reading appended input and print records as they arrive')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep reading appended input and print records as they arrive')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'callev;browse' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto uses them unless NO_COLOR is set')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'Zone for displayed times: UTC, local, an offset such as +02:00 or a zone such as Europe/Amsterdam (the offset is always shown)')
            [CompletionResult]::new('--source-tz', '--source-tz', [CompletionResultType]::ParameterName, 'Zone of times written without one (Xelion''s `date`, bare log timestamps): UTC, local or ±HH:MM')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Only this vendor''s records (repeatable); detection still runs, and the others are counted apart')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Skip detection: read every record as this vendor''s')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads for parsing (default: one per core)')
            [CompletionResult]::new('--call', '--call', [CompletionResultType]::ParameterName, 'Only this call; repeatable; a unique prefix of the id (any case) or the shortened id a table shows')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Only events whose vendor name or kind is NAME (repeatable). Kinds: started, ringing, answered, hold, unhold, dtmf, participant_joined, participant_left, transfer, media, recording, channel_ended, ended, failed, missed, other')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Up to this time (a date or today: to its end); selects as --since does')
            [CompletionResult]::new('--outcome', '--outcome', [CompletionResultType]::ParameterName, 'Only calls with this outcome; repeatable')
            [CompletionResult]::new('--party', '--party', [CompletionResultType]::ParameterName, 'Only calls in which this number or user id takes part (caller, callee, from, to, a participant); numbers match by their digits; repeatable')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From this time (RFC 3339, a date, 15m/2h/3d ago, today, yesterday): the calls that reach it, with all their events; calls without a time are counted and left out')
            [CompletionResult]::new('--full-ids', '--full-ids', [CompletionResultType]::ParameterName, 'Never shorten ids in tables (they are shortened only on a terminal, to fit)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep reading appended input and print records as they arrive')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep reading appended input and print records as they arrive')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'callev;listen' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'The port to listen on; 0 picks a free one (printed at start)')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'The address to listen on; anything but loopback is reachable from other machines')
            [CompletionResult]::new('--capture', '--capture', [CompletionResultType]::ParameterName, 'The capture file (NDJSON, appended to); default callev-capture-DATE-TIME.ndjson here')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Bodies larger than this are answered 413 and not kept')
            [CompletionResult]::new('--basic-auth', '--basic-auth', [CompletionResultType]::ParameterName, 'Require HTTP Basic credentials (USER:PASS); others get 401 and their bodies are not kept')
            [CompletionResult]::new('--reply', '--reply', [CompletionResultType]::ParameterName, 'Answer every request with this file (content type from its extension: .xml is BXML)')
            [CompletionResult]::new('--forward-to', '--forward-to', [CompletionResultType]::ParameterName, 'Pass every request on to your app (http or https) and its answer back unchanged')
            [CompletionResult]::new('--forward-timeout', '--forward-timeout', [CompletionResultType]::ParameterName, 'How long the app may take before the vendor gets 504 (Bandwidth waits 15 s by default)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto uses them on a terminal unless NO_COLOR is set')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'Zone for displayed times: UTC, local, an offset such as +02:00 or a zone such as Europe/Amsterdam (the offset is always shown)')
            [CompletionResult]::new('--source-tz', '--source-tz', [CompletionResultType]::ParameterName, 'Zone of times written without one (Xelion''s `date`, bare log timestamps): UTC, local or ±HH:MM')
            [CompletionResult]::new('--fsync', '--fsync', [CompletionResultType]::ParameterName, 'Make each line durable (fsync) before answering; lines arriving together share one sync')
            [CompletionResult]::new('--full-ids', '--full-ids', [CompletionResultType]::ParameterName, 'Never shorten ids in tables (they are shortened only on a terminal, to fit)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'callev;send' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Your handler''s URL (http or https); a capture''s request path goes under its path')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Calls sent at once (a call''s own events always go one at a time)')
            [CompletionResult]::new('--speed', '--speed', [CompletionResultType]::ParameterName, 'Keep the original gaps between a call''s events, divided by N (1: real time); without it, as fast as the handler answers')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long a request may take, its answer included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Try again this many times on a connection error or a 5xx answer, waiting longer each time')
            [CompletionResult]::new('--basic-auth', '--basic-auth', [CompletionResultType]::ParameterName, 'Send HTTP Basic credentials (USER:PASS) with every request')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add this header to every request, replacing one of the same name (''Name: value''; repeatable)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this PEM certificate (a self-signed handler''s) for https, besides the usual roots')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto uses them on a terminal unless NO_COLOR is set')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'Zone for displayed times: UTC, local, an offset such as +02:00 or a zone such as Europe/Amsterdam (the offset is always shown)')
            [CompletionResult]::new('--source-tz', '--source-tz', [CompletionResultType]::ParameterName, 'Zone of times written without one (Xelion''s `date`, bare log timestamps): UTC, local or ±HH:MM')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Only this vendor''s records (repeatable); detection still runs, and the others are counted apart')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Skip detection: read every record as this vendor''s')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads for parsing (default: one per core)')
            [CompletionResult]::new('--call', '--call', [CompletionResultType]::ParameterName, 'Only this call; repeatable; a unique prefix of the id (any case) or the shortened id a table shows')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Only events whose vendor name or kind is NAME (repeatable). Kinds: started, ringing, answered, hold, unhold, dtmf, participant_joined, participant_left, transfer, media, recording, channel_ended, ended, failed, missed, other')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Up to this time (a date or today: to its end); selects as --since does')
            [CompletionResult]::new('--outcome', '--outcome', [CompletionResultType]::ParameterName, 'Only calls with this outcome; repeatable')
            [CompletionResult]::new('--party', '--party', [CompletionResultType]::ParameterName, 'Only calls in which this number or user id takes part (caller, callee, from, to, a participant); numbers match by their digits; repeatable')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From this time (RFC 3339, a date, 15m/2h/3d ago, today, yesterday): the calls that reach it, with all their events; calls without a time are counted and left out')
            [CompletionResult]::new('--repeats', '--repeats', [CompletionResultType]::ParameterName, 'Send repeated deliveries of an event too (by default each event goes once)')
            [CompletionResult]::new('--full-ids', '--full-ids', [CompletionResultType]::ParameterName, 'Never shorten ids in tables (they are shortened only on a terminal, to fit)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep reading appended input and print records as they arrive')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep reading appended input and print records as they arrive')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'callev;trigger' {
            [CompletionResult]::new('--direction', '--direction', [CompletionResultType]::ParameterName, 'Who placed the call (default: inbound where the scenario can be)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'How many calls')
            [CompletionResult]::new('--ring', '--ring', [CompletionResultType]::ParameterName, 'How long it rings')
            [CompletionResult]::new('--talk', '--talk', [CompletionResultType]::ParameterName, 'How long the parties talk, once answered')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The caller''s number (default: a fictional one)')
            [CompletionResult]::new('--to-number', '--to-number', [CompletionResultType]::ParameterName, 'The callee''s number (default: a fictional one)')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'When the first call starts: RFC 3339 or a date (default: now)')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Make the same ids and numbers on every run')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Send the calls to your handler instead of printing them (as `callev send` does)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Calls sent at once (a call''s own events always go one at a time)')
            [CompletionResult]::new('--speed', '--speed', [CompletionResultType]::ParameterName, 'Keep the original gaps between a call''s events, divided by N (1: real time); without it, as fast as the handler answers')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long a request may take, its answer included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Try again this many times on a connection error or a 5xx answer, waiting longer each time')
            [CompletionResult]::new('--basic-auth', '--basic-auth', [CompletionResultType]::ParameterName, 'Send HTTP Basic credentials (USER:PASS) with every request')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add this header to every request, replacing one of the same name (''Name: value''; repeatable)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this PEM certificate (a self-signed handler''s) for https, besides the usual roots')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto uses them on a terminal unless NO_COLOR is set')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'List every vendor''s scenarios')
            [CompletionResult]::new('--repeats', '--repeats', [CompletionResultType]::ParameterName, 'Send repeated deliveries of an event too (by default each event goes once)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'callev;schema' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto uses them on a terminal unless NO_COLOR is set')
            [CompletionResult]::new('--sql', '--sql', [CompletionResultType]::ParameterName, 'Print the SQL that makes the table the events records load into (`call_events`) and the view that gives the summary''s calls from it (`call_summary`), for DuckDB or ClickHouse')
            [CompletionResult]::new('--json-schema', '--json-schema', [CompletionResultType]::ParameterName, 'Print a JSON Schema (draft 2020-12) instead')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show the columns of callev''s own events records (what `callev events` writes): name, type, meaning')
            [CompletionResult]::new('--capture', '--capture', [CompletionResultType]::ParameterName, 'Show the fields of the capture record `callev listen` writes')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'callev;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'callev;man' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'callev;help' {
            [CompletionResult]::new('detect', 'detect', [CompletionResultType]::ParameterValue, 'Which vendor format each record is, and why')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check records against the vendors'' documented schemas')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'One row per event, normalized across vendors')
            [CompletionResult]::new('timeline', 'timeline', [CompletionResultType]::ParameterValue, 'Each call''s events in time order')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'One row per call: durations, outcome, counts; then totals')
            [CompletionResult]::new('browse', 'browse', [CompletionResultType]::ParameterValue, 'A full-screen call list to browse: each call''s timeline, its records as read, findings')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive vendor callbacks over HTTP: capture each request, show its event and findings')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Replay records to your handler over HTTP: a call''s events in order, as the vendor sent them')
            [CompletionResult]::new('trigger', 'trigger', [CompletionResultType]::ParameterValue, 'Make up a call''s events in a vendor''s own format: print them, or send them to your handler')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'The documented schemas: vendors, their events, an event''s fields')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff), or a subcommand''s')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'callev;help;detect' {
            break
        }
        'callev;help;validate' {
            break
        }
        'callev;help;events' {
            break
        }
        'callev;help;timeline' {
            break
        }
        'callev;help;summary' {
            break
        }
        'callev;help;browse' {
            break
        }
        'callev;help;listen' {
            break
        }
        'callev;help;send' {
            break
        }
        'callev;help;trigger' {
            break
        }
        'callev;help;schema' {
            break
        }
        'callev;help;completions' {
            break
        }
        'callev;help;man' {
            break
        }
        'callev;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
