# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_callev_global_optspecs
    string join \n h/help V/version
end

function __fish_callev_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_callev_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_callev_using_subcommand
    set -l cmd (__fish_callev_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c callev -n "__fish_callev_needs_command" -s h -l help -d 'Print help'
complete -c callev -n "__fish_callev_needs_command" -s V -l version -d 'Print version'
complete -c callev -n "__fish_callev_needs_command" -f -a "detect" -d 'Which vendor format each record is, and why'
complete -c callev -n "__fish_callev_needs_command" -f -a "validate" -d 'Check records against the vendors\' documented schemas'
complete -c callev -n "__fish_callev_needs_command" -f -a "events" -d 'One row per event, normalized across vendors'
complete -c callev -n "__fish_callev_needs_command" -f -a "timeline" -d 'Each call\'s events in time order'
complete -c callev -n "__fish_callev_needs_command" -f -a "summary" -d 'One row per call: durations, outcome, counts; then totals'
complete -c callev -n "__fish_callev_needs_command" -f -a "browse" -d 'A full-screen call list to browse: each call\'s timeline, its records as read, findings'
complete -c callev -n "__fish_callev_needs_command" -f -a "listen" -d 'Receive vendor callbacks over HTTP: capture each request, show its event and findings'
complete -c callev -n "__fish_callev_needs_command" -f -a "send" -d 'Replay records to your handler over HTTP: a call\'s events in order, as the vendor sent them'
complete -c callev -n "__fish_callev_needs_command" -f -a "trigger" -d 'Make up a call\'s events in a vendor\'s own format: print them, or send them to your handler'
complete -c callev -n "__fish_callev_needs_command" -f -a "schema" -d 'The documented schemas: vendors, their events, an event\'s fields'
complete -c callev -n "__fish_callev_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c callev -n "__fish_callev_needs_command" -f -a "man" -d 'Print the man page (roff), or a subcommand\'s'
complete -c callev -n "__fish_callev_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c callev -n "__fish_callev_using_subcommand detect" -s o -l output -d 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''
parquet\t''"
complete -c callev -n "__fish_callev_using_subcommand detect" -l color -d 'When to use colors: auto uses them on a terminal unless NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c callev -n "__fish_callev_using_subcommand detect" -l vendor -d 'Only this vendor\'s records (repeatable); detection still runs, and the others are counted apart' -r -f -a "workonflow\t''
xelion\t''
voximplant\t''
bandwidth\t''"
complete -c callev -n "__fish_callev_using_subcommand detect" -l as -d 'Skip detection: read every record as this vendor\'s' -r -f -a "workonflow\t''
xelion\t''
voximplant\t''
bandwidth\t''"
complete -c callev -n "__fish_callev_using_subcommand detect" -l input-format -d 'How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves' -r -f -a "auto\t''
json\t''
ndjson\t''
log\t''"
complete -c callev -n "__fish_callev_using_subcommand detect" -l threads -d 'Worker threads for parsing (default: one per core)' -r
complete -c callev -n "__fish_callev_using_subcommand detect" -l explain -d 'Say which fields decided the vendor'
complete -c callev -n "__fish_callev_using_subcommand detect" -s f -l follow -d 'Keep reading appended input and print records as they arrive'
complete -c callev -n "__fish_callev_using_subcommand detect" -s h -l help -d 'Print help'
complete -c callev -n "__fish_callev_using_subcommand validate" -l allow -d 'Do not report this finding code (repeatable); a record whose errors are all allowed is valid, and damaged or unknown records still count' -r -f -a "parse\t''
unknown-vendor\t''
unknown-event\t''
missing-field\t''
wrong-type\t''
bad-value\t''
unknown-field\t''
inconsistent\t''"
complete -c callev -n "__fish_callev_using_subcommand validate" -s o -l output -d 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''
parquet\t''"
complete -c callev -n "__fish_callev_using_subcommand validate" -l color -d 'When to use colors: auto uses them on a terminal unless NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c callev -n "__fish_callev_using_subcommand validate" -l vendor -d 'Only this vendor\'s records (repeatable); detection still runs, and the others are counted apart' -r -f -a "workonflow\t''
xelion\t''
voximplant\t''
bandwidth\t''"
complete -c callev -n "__fish_callev_using_subcommand validate" -l as -d 'Skip detection: read every record as this vendor\'s' -r -f -a "workonflow\t''
xelion\t''
voximplant\t''
bandwidth\t''"
complete -c callev -n "__fish_callev_using_subcommand validate" -l input-format -d 'How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves' -r -f -a "auto\t''
json\t''
ndjson\t''
log\t''"
complete -c callev -n "__fish_callev_using_subcommand validate" -l threads -d 'Worker threads for parsing (default: one per core)' -r
complete -c callev -n "__fish_callev_using_subcommand validate" -l strict -d 'Count warnings as failures'
complete -c callev -n "__fish_callev_using_subcommand validate" -s f -l follow -d 'Keep reading appended input and print records as they arrive'
complete -c callev -n "__fish_callev_using_subcommand validate" -s h -l help -d 'Print help'
complete -c callev -n "__fish_callev_using_subcommand events" -s o -l output -d 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''
parquet\t''"
complete -c callev -n "__fish_callev_using_subcommand events" -l color -d 'When to use colors: auto uses them on a terminal unless NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c callev -n "__fish_callev_using_subcommand events" -l tz -d 'Zone for displayed times: UTC, local, an offset such as +02:00 or a zone such as Europe/Amsterdam (the offset is always shown)' -r
complete -c callev -n "__fish_callev_using_subcommand events" -l source-tz -d 'Zone of times written without one (Xelion\'s `date`, bare log timestamps): UTC, local or ±HH:MM' -r
complete -c callev -n "__fish_callev_using_subcommand events" -l vendor -d 'Only this vendor\'s records (repeatable); detection still runs, and the others are counted apart' -r -f -a "workonflow\t''
xelion\t''
voximplant\t''
bandwidth\t''"
complete -c callev -n "__fish_callev_using_subcommand events" -l as -d 'Skip detection: read every record as this vendor\'s' -r -f -a "workonflow\t''
xelion\t''
voximplant\t''
bandwidth\t''"
complete -c callev -n "__fish_callev_using_subcommand events" -l input-format -d 'How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves' -r -f -a "auto\t''
json\t''
ndjson\t''
log\t''"
complete -c callev -n "__fish_callev_using_subcommand events" -l threads -d 'Worker threads for parsing (default: one per core)' -r
complete -c callev -n "__fish_callev_using_subcommand events" -l call -d 'Only this call; repeatable; a unique prefix of the id (any case) or the shortened id a table shows' -r
complete -c callev -n "__fish_callev_using_subcommand events" -l event -d 'Only events whose vendor name or kind is NAME (repeatable). Kinds: started, ringing, answered, hold, unhold, dtmf, participant_joined, participant_left, transfer, media, recording, channel_ended, ended, failed, missed, other' -r
complete -c callev -n "__fish_callev_using_subcommand events" -l until -d 'Up to this time (a date or today: to its end); selects as --since does' -r
complete -c callev -n "__fish_callev_using_subcommand events" -l since -d 'From this time (RFC 3339, a date, 15m/2h/3d ago, today, yesterday): the events at or after it; events without a time are counted and left out' -r
complete -c callev -n "__fish_callev_using_subcommand events" -l full-ids -d 'Never shorten ids in tables (they are shortened only on a terminal, to fit)'
complete -c callev -n "__fish_callev_using_subcommand events" -s f -l follow -d 'Keep reading appended input and print records as they arrive'
complete -c callev -n "__fish_callev_using_subcommand events" -s h -l help -d 'Print help'
complete -c callev -n "__fish_callev_using_subcommand timeline" -s o -l output -d 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''
parquet\t''"
complete -c callev -n "__fish_callev_using_subcommand timeline" -l color -d 'When to use colors: auto uses them on a terminal unless NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c callev -n "__fish_callev_using_subcommand timeline" -l tz -d 'Zone for displayed times: UTC, local, an offset such as +02:00 or a zone such as Europe/Amsterdam (the offset is always shown)' -r
complete -c callev -n "__fish_callev_using_subcommand timeline" -l source-tz -d 'Zone of times written without one (Xelion\'s `date`, bare log timestamps): UTC, local or ±HH:MM' -r
complete -c callev -n "__fish_callev_using_subcommand timeline" -l vendor -d 'Only this vendor\'s records (repeatable); detection still runs, and the others are counted apart' -r -f -a "workonflow\t''
xelion\t''
voximplant\t''
bandwidth\t''"
complete -c callev -n "__fish_callev_using_subcommand timeline" -l as -d 'Skip detection: read every record as this vendor\'s' -r -f -a "workonflow\t''
xelion\t''
voximplant\t''
bandwidth\t''"
complete -c callev -n "__fish_callev_using_subcommand timeline" -l input-format -d 'How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves' -r -f -a "auto\t''
json\t''
ndjson\t''
log\t''"
complete -c callev -n "__fish_callev_using_subcommand timeline" -l threads -d 'Worker threads for parsing (default: one per core)' -r
complete -c callev -n "__fish_callev_using_subcommand timeline" -l call -d 'Only this call; repeatable; a unique prefix of the id (any case) or the shortened id a table shows' -r
complete -c callev -n "__fish_callev_using_subcommand timeline" -l event -d 'Only events whose vendor name or kind is NAME (repeatable). Kinds: started, ringing, answered, hold, unhold, dtmf, participant_joined, participant_left, transfer, media, recording, channel_ended, ended, failed, missed, other' -r
complete -c callev -n "__fish_callev_using_subcommand timeline" -l until -d 'Up to this time (a date or today: to its end); selects as --since does' -r
complete -c callev -n "__fish_callev_using_subcommand timeline" -l outcome -d 'Only calls with this outcome; repeatable' -r -f -a "answered\t''
missed\t''
busy\t''
no_answer\t''
rejected\t''
cancelled\t''
failed\t''
in_progress\t''
unknown\t''"
complete -c callev -n "__fish_callev_using_subcommand timeline" -l party -d 'Only calls in which this number or user id takes part (caller, callee, from, to, a participant); numbers match by their digits; repeatable' -r
complete -c callev -n "__fish_callev_using_subcommand timeline" -l since -d 'From this time (RFC 3339, a date, 15m/2h/3d ago, today, yesterday): the calls that reach it, with all their events; calls without a time are counted and left out' -r
complete -c callev -n "__fish_callev_using_subcommand timeline" -l full-ids -d 'Never shorten ids in tables (they are shortened only on a terminal, to fit)'
complete -c callev -n "__fish_callev_using_subcommand timeline" -s f -l follow -d 'Keep reading appended input and print records as they arrive'
complete -c callev -n "__fish_callev_using_subcommand timeline" -s h -l help -d 'Print help'
complete -c callev -n "__fish_callev_using_subcommand summary" -l by -d 'A row per group instead of per call: calls, answered share, outcomes, talk and total p50/p95 (repeatable: two levels)' -r -f -a "vendor\t''
outcome\t''
end_reason\t''
party\t''
hour\t''
day\t''"
complete -c callev -n "__fish_callev_using_subcommand summary" -l sort -d 'Order the calls by total, talk, ring, started or events; -FIELD for descending (unknown values last)' -r -f -a "total\t''
talk\t''
ring\t''
started\t''
events\t''
-total\t''
-talk\t''
-ring\t''
-started\t''
-events\t''"
complete -c callev -n "__fish_callev_using_subcommand summary" -s o -l output -d 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''
parquet\t''"
complete -c callev -n "__fish_callev_using_subcommand summary" -l color -d 'When to use colors: auto uses them on a terminal unless NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c callev -n "__fish_callev_using_subcommand summary" -l tz -d 'Zone for displayed times: UTC, local, an offset such as +02:00 or a zone such as Europe/Amsterdam (the offset is always shown)' -r
complete -c callev -n "__fish_callev_using_subcommand summary" -l source-tz -d 'Zone of times written without one (Xelion\'s `date`, bare log timestamps): UTC, local or ±HH:MM' -r
complete -c callev -n "__fish_callev_using_subcommand summary" -l vendor -d 'Only this vendor\'s records (repeatable); detection still runs, and the others are counted apart' -r -f -a "workonflow\t''
xelion\t''
voximplant\t''
bandwidth\t''"
complete -c callev -n "__fish_callev_using_subcommand summary" -l as -d 'Skip detection: read every record as this vendor\'s' -r -f -a "workonflow\t''
xelion\t''
voximplant\t''
bandwidth\t''"
complete -c callev -n "__fish_callev_using_subcommand summary" -l input-format -d 'How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves' -r -f -a "auto\t''
json\t''
ndjson\t''
log\t''"
complete -c callev -n "__fish_callev_using_subcommand summary" -l threads -d 'Worker threads for parsing (default: one per core)' -r
complete -c callev -n "__fish_callev_using_subcommand summary" -l call -d 'Only this call; repeatable; a unique prefix of the id (any case) or the shortened id a table shows' -r
complete -c callev -n "__fish_callev_using_subcommand summary" -l event -d 'Only events whose vendor name or kind is NAME (repeatable). Kinds: started, ringing, answered, hold, unhold, dtmf, participant_joined, participant_left, transfer, media, recording, channel_ended, ended, failed, missed, other' -r
complete -c callev -n "__fish_callev_using_subcommand summary" -l until -d 'Up to this time (a date or today: to its end); selects as --since does' -r
complete -c callev -n "__fish_callev_using_subcommand summary" -l outcome -d 'Only calls with this outcome; repeatable' -r -f -a "answered\t''
missed\t''
busy\t''
no_answer\t''
rejected\t''
cancelled\t''
failed\t''
in_progress\t''
unknown\t''"
complete -c callev -n "__fish_callev_using_subcommand summary" -l party -d 'Only calls in which this number or user id takes part (caller, callee, from, to, a participant); numbers match by their digits; repeatable' -r
complete -c callev -n "__fish_callev_using_subcommand summary" -l since -d 'From this time (RFC 3339, a date, 15m/2h/3d ago, today, yesterday): the calls that reach it, with all their events; calls without a time are counted and left out' -r
complete -c callev -n "__fish_callev_using_subcommand summary" -l anomalies -d 'List every call\'s anomalies under the table, not a tally of them by kind'
complete -c callev -n "__fish_callev_using_subcommand summary" -l full-ids -d 'Never shorten ids in tables (they are shortened only on a terminal, to fit)'
complete -c callev -n "__fish_callev_using_subcommand summary" -s f -l follow -d 'Keep reading appended input and print records as they arrive'
complete -c callev -n "__fish_callev_using_subcommand summary" -s h -l help -d 'Print help'
complete -c callev -n "__fish_callev_using_subcommand browse" -l color -d 'When to use colors: auto uses them unless NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c callev -n "__fish_callev_using_subcommand browse" -l tz -d 'Zone for displayed times: UTC, local, an offset such as +02:00 or a zone such as Europe/Amsterdam (the offset is always shown)' -r
complete -c callev -n "__fish_callev_using_subcommand browse" -l source-tz -d 'Zone of times written without one (Xelion\'s `date`, bare log timestamps): UTC, local or ±HH:MM' -r
complete -c callev -n "__fish_callev_using_subcommand browse" -l vendor -d 'Only this vendor\'s records (repeatable); detection still runs, and the others are counted apart' -r -f -a "workonflow\t''
xelion\t''
voximplant\t''
bandwidth\t''"
complete -c callev -n "__fish_callev_using_subcommand browse" -l as -d 'Skip detection: read every record as this vendor\'s' -r -f -a "workonflow\t''
xelion\t''
voximplant\t''
bandwidth\t''"
complete -c callev -n "__fish_callev_using_subcommand browse" -l input-format -d 'How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves' -r -f -a "auto\t''
json\t''
ndjson\t''
log\t''"
complete -c callev -n "__fish_callev_using_subcommand browse" -l threads -d 'Worker threads for parsing (default: one per core)' -r
complete -c callev -n "__fish_callev_using_subcommand browse" -l call -d 'Only this call; repeatable; a unique prefix of the id (any case) or the shortened id a table shows' -r
complete -c callev -n "__fish_callev_using_subcommand browse" -l event -d 'Only events whose vendor name or kind is NAME (repeatable). Kinds: started, ringing, answered, hold, unhold, dtmf, participant_joined, participant_left, transfer, media, recording, channel_ended, ended, failed, missed, other' -r
complete -c callev -n "__fish_callev_using_subcommand browse" -l until -d 'Up to this time (a date or today: to its end); selects as --since does' -r
complete -c callev -n "__fish_callev_using_subcommand browse" -l outcome -d 'Only calls with this outcome; repeatable' -r -f -a "answered\t''
missed\t''
busy\t''
no_answer\t''
rejected\t''
cancelled\t''
failed\t''
in_progress\t''
unknown\t''"
complete -c callev -n "__fish_callev_using_subcommand browse" -l party -d 'Only calls in which this number or user id takes part (caller, callee, from, to, a participant); numbers match by their digits; repeatable' -r
complete -c callev -n "__fish_callev_using_subcommand browse" -l since -d 'From this time (RFC 3339, a date, 15m/2h/3d ago, today, yesterday): the calls that reach it, with all their events; calls without a time are counted and left out' -r
complete -c callev -n "__fish_callev_using_subcommand browse" -l full-ids -d 'Never shorten ids in tables (they are shortened only on a terminal, to fit)'
complete -c callev -n "__fish_callev_using_subcommand browse" -s f -l follow -d 'Keep reading appended input and print records as they arrive'
complete -c callev -n "__fish_callev_using_subcommand browse" -s h -l help -d 'Print help'
complete -c callev -n "__fish_callev_using_subcommand listen" -l port -d 'The port to listen on; 0 picks a free one (printed at start)' -r
complete -c callev -n "__fish_callev_using_subcommand listen" -l bind -d 'The address to listen on; anything but loopback is reachable from other machines' -r
complete -c callev -n "__fish_callev_using_subcommand listen" -l capture -d 'The capture file (NDJSON, appended to); default callev-capture-DATE-TIME.ndjson here' -r -F
complete -c callev -n "__fish_callev_using_subcommand listen" -l max-body -d 'Bodies larger than this are answered 413 and not kept' -r
complete -c callev -n "__fish_callev_using_subcommand listen" -l basic-auth -d 'Require HTTP Basic credentials (USER:PASS); others get 401 and their bodies are not kept' -r
complete -c callev -n "__fish_callev_using_subcommand listen" -l reply -d 'Answer every request with this file (content type from its extension: .xml is BXML)' -r -F
complete -c callev -n "__fish_callev_using_subcommand listen" -l forward-to -d 'Pass every request on to your app (http or https) and its answer back unchanged' -r
complete -c callev -n "__fish_callev_using_subcommand listen" -l forward-timeout -d 'How long the app may take before the vendor gets 504 (Bandwidth waits 15 s by default)' -r
complete -c callev -n "__fish_callev_using_subcommand listen" -s o -l output -d 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''
parquet\t''"
complete -c callev -n "__fish_callev_using_subcommand listen" -l color -d 'When to use colors: auto uses them on a terminal unless NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c callev -n "__fish_callev_using_subcommand listen" -l tz -d 'Zone for displayed times: UTC, local, an offset such as +02:00 or a zone such as Europe/Amsterdam (the offset is always shown)' -r
complete -c callev -n "__fish_callev_using_subcommand listen" -l source-tz -d 'Zone of times written without one (Xelion\'s `date`, bare log timestamps): UTC, local or ±HH:MM' -r
complete -c callev -n "__fish_callev_using_subcommand listen" -l fsync -d 'Make each line durable (fsync) before answering; lines arriving together share one sync'
complete -c callev -n "__fish_callev_using_subcommand listen" -l full-ids -d 'Never shorten ids in tables (they are shortened only on a terminal, to fit)'
complete -c callev -n "__fish_callev_using_subcommand listen" -s h -l help -d 'Print help'
complete -c callev -n "__fish_callev_using_subcommand send" -l to -d 'Your handler\'s URL (http or https); a capture\'s request path goes under its path' -r
complete -c callev -n "__fish_callev_using_subcommand send" -l concurrency -d 'Calls sent at once (a call\'s own events always go one at a time)' -r
complete -c callev -n "__fish_callev_using_subcommand send" -l speed -d 'Keep the original gaps between a call\'s events, divided by N (1: real time); without it, as fast as the handler answers' -r
complete -c callev -n "__fish_callev_using_subcommand send" -l timeout -d 'How long a request may take, its answer included' -r
complete -c callev -n "__fish_callev_using_subcommand send" -l retries -d 'Try again this many times on a connection error or a 5xx answer, waiting longer each time' -r
complete -c callev -n "__fish_callev_using_subcommand send" -l basic-auth -d 'Send HTTP Basic credentials (USER:PASS) with every request' -r
complete -c callev -n "__fish_callev_using_subcommand send" -l header -d 'Add this header to every request, replacing one of the same name (\'Name: value\'; repeatable)' -r
complete -c callev -n "__fish_callev_using_subcommand send" -l cacert -d 'Trust this PEM certificate (a self-signed handler\'s) for https, besides the usual roots' -r -F
complete -c callev -n "__fish_callev_using_subcommand send" -s o -l output -d 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''
parquet\t''"
complete -c callev -n "__fish_callev_using_subcommand send" -l color -d 'When to use colors: auto uses them on a terminal unless NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c callev -n "__fish_callev_using_subcommand send" -l tz -d 'Zone for displayed times: UTC, local, an offset such as +02:00 or a zone such as Europe/Amsterdam (the offset is always shown)' -r
complete -c callev -n "__fish_callev_using_subcommand send" -l source-tz -d 'Zone of times written without one (Xelion\'s `date`, bare log timestamps): UTC, local or ±HH:MM' -r
complete -c callev -n "__fish_callev_using_subcommand send" -l vendor -d 'Only this vendor\'s records (repeatable); detection still runs, and the others are counted apart' -r -f -a "workonflow\t''
xelion\t''
voximplant\t''
bandwidth\t''"
complete -c callev -n "__fish_callev_using_subcommand send" -l as -d 'Skip detection: read every record as this vendor\'s' -r -f -a "workonflow\t''
xelion\t''
voximplant\t''
bandwidth\t''"
complete -c callev -n "__fish_callev_using_subcommand send" -l input-format -d 'How inputs are framed: auto tells JSON, NDJSON and log lines apart by themselves' -r -f -a "auto\t''
json\t''
ndjson\t''
log\t''"
complete -c callev -n "__fish_callev_using_subcommand send" -l threads -d 'Worker threads for parsing (default: one per core)' -r
complete -c callev -n "__fish_callev_using_subcommand send" -l call -d 'Only this call; repeatable; a unique prefix of the id (any case) or the shortened id a table shows' -r
complete -c callev -n "__fish_callev_using_subcommand send" -l event -d 'Only events whose vendor name or kind is NAME (repeatable). Kinds: started, ringing, answered, hold, unhold, dtmf, participant_joined, participant_left, transfer, media, recording, channel_ended, ended, failed, missed, other' -r
complete -c callev -n "__fish_callev_using_subcommand send" -l until -d 'Up to this time (a date or today: to its end); selects as --since does' -r
complete -c callev -n "__fish_callev_using_subcommand send" -l outcome -d 'Only calls with this outcome; repeatable' -r -f -a "answered\t''
missed\t''
busy\t''
no_answer\t''
rejected\t''
cancelled\t''
failed\t''
in_progress\t''
unknown\t''"
complete -c callev -n "__fish_callev_using_subcommand send" -l party -d 'Only calls in which this number or user id takes part (caller, callee, from, to, a participant); numbers match by their digits; repeatable' -r
complete -c callev -n "__fish_callev_using_subcommand send" -l since -d 'From this time (RFC 3339, a date, 15m/2h/3d ago, today, yesterday): the calls that reach it, with all their events; calls without a time are counted and left out' -r
complete -c callev -n "__fish_callev_using_subcommand send" -l repeats -d 'Send repeated deliveries of an event too (by default each event goes once)'
complete -c callev -n "__fish_callev_using_subcommand send" -l full-ids -d 'Never shorten ids in tables (they are shortened only on a terminal, to fit)'
complete -c callev -n "__fish_callev_using_subcommand send" -s f -l follow -d 'Keep reading appended input and print records as they arrive'
complete -c callev -n "__fish_callev_using_subcommand send" -s h -l help -d 'Print help'
complete -c callev -n "__fish_callev_using_subcommand trigger" -l direction -d 'Who placed the call (default: inbound where the scenario can be)' -r -f -a "inbound\t'A caller outside calls in'
outbound\t'The vendor\'s user or app calls out'"
complete -c callev -n "__fish_callev_using_subcommand trigger" -l count -d 'How many calls' -r
complete -c callev -n "__fish_callev_using_subcommand trigger" -l ring -d 'How long it rings' -r
complete -c callev -n "__fish_callev_using_subcommand trigger" -l talk -d 'How long the parties talk, once answered' -r
complete -c callev -n "__fish_callev_using_subcommand trigger" -l from -d 'The caller\'s number (default: a fictional one)' -r
complete -c callev -n "__fish_callev_using_subcommand trigger" -l to-number -d 'The callee\'s number (default: a fictional one)' -r
complete -c callev -n "__fish_callev_using_subcommand trigger" -l at -d 'When the first call starts: RFC 3339 or a date (default: now)' -r
complete -c callev -n "__fish_callev_using_subcommand trigger" -l seed -d 'Make the same ids and numbers on every run' -r
complete -c callev -n "__fish_callev_using_subcommand trigger" -l to -d 'Send the calls to your handler instead of printing them (as `callev send` does)' -r
complete -c callev -n "__fish_callev_using_subcommand trigger" -l concurrency -d 'Calls sent at once (a call\'s own events always go one at a time)' -r
complete -c callev -n "__fish_callev_using_subcommand trigger" -l speed -d 'Keep the original gaps between a call\'s events, divided by N (1: real time); without it, as fast as the handler answers' -r
complete -c callev -n "__fish_callev_using_subcommand trigger" -l timeout -d 'How long a request may take, its answer included' -r
complete -c callev -n "__fish_callev_using_subcommand trigger" -l retries -d 'Try again this many times on a connection error or a 5xx answer, waiting longer each time' -r
complete -c callev -n "__fish_callev_using_subcommand trigger" -l basic-auth -d 'Send HTTP Basic credentials (USER:PASS) with every request' -r
complete -c callev -n "__fish_callev_using_subcommand trigger" -l header -d 'Add this header to every request, replacing one of the same name (\'Name: value\'; repeatable)' -r
complete -c callev -n "__fish_callev_using_subcommand trigger" -l cacert -d 'Trust this PEM certificate (a self-signed handler\'s) for https, besides the usual roots' -r -F
complete -c callev -n "__fish_callev_using_subcommand trigger" -s o -l output -d 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''
parquet\t''"
complete -c callev -n "__fish_callev_using_subcommand trigger" -l color -d 'When to use colors: auto uses them on a terminal unless NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c callev -n "__fish_callev_using_subcommand trigger" -l list -d 'List every vendor\'s scenarios'
complete -c callev -n "__fish_callev_using_subcommand trigger" -l repeats -d 'Send repeated deliveries of an event too (by default each event goes once)'
complete -c callev -n "__fish_callev_using_subcommand trigger" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c callev -n "__fish_callev_using_subcommand schema" -s o -l output -d 'Output format: a table for people, or json, ndjson or csv for programs (events and summary: also parquet, to a file or a pipe)' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''
parquet\t''"
complete -c callev -n "__fish_callev_using_subcommand schema" -l color -d 'When to use colors: auto uses them on a terminal unless NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c callev -n "__fish_callev_using_subcommand schema" -l sql -d 'Print the SQL that makes the table the events records load into (`call_events`) and the view that gives the summary\'s calls from it (`call_summary`), for DuckDB or ClickHouse' -r -f -a "duckdb\t''
clickhouse\t''"
complete -c callev -n "__fish_callev_using_subcommand schema" -l json-schema -d 'Print a JSON Schema (draft 2020-12) instead'
complete -c callev -n "__fish_callev_using_subcommand schema" -l events -d 'Show the columns of callev\'s own events records (what `callev events` writes): name, type, meaning'
complete -c callev -n "__fish_callev_using_subcommand schema" -l capture -d 'Show the fields of the capture record `callev listen` writes'
complete -c callev -n "__fish_callev_using_subcommand schema" -s h -l help -d 'Print help'
complete -c callev -n "__fish_callev_using_subcommand completions" -s h -l help -d 'Print help'
complete -c callev -n "__fish_callev_using_subcommand man" -s h -l help -d 'Print help'
complete -c callev -n "__fish_callev_using_subcommand help; and not __fish_seen_subcommand_from detect validate events timeline summary browse listen send trigger schema completions man help" -f -a "detect" -d 'Which vendor format each record is, and why'
complete -c callev -n "__fish_callev_using_subcommand help; and not __fish_seen_subcommand_from detect validate events timeline summary browse listen send trigger schema completions man help" -f -a "validate" -d 'Check records against the vendors\' documented schemas'
complete -c callev -n "__fish_callev_using_subcommand help; and not __fish_seen_subcommand_from detect validate events timeline summary browse listen send trigger schema completions man help" -f -a "events" -d 'One row per event, normalized across vendors'
complete -c callev -n "__fish_callev_using_subcommand help; and not __fish_seen_subcommand_from detect validate events timeline summary browse listen send trigger schema completions man help" -f -a "timeline" -d 'Each call\'s events in time order'
complete -c callev -n "__fish_callev_using_subcommand help; and not __fish_seen_subcommand_from detect validate events timeline summary browse listen send trigger schema completions man help" -f -a "summary" -d 'One row per call: durations, outcome, counts; then totals'
complete -c callev -n "__fish_callev_using_subcommand help; and not __fish_seen_subcommand_from detect validate events timeline summary browse listen send trigger schema completions man help" -f -a "browse" -d 'A full-screen call list to browse: each call\'s timeline, its records as read, findings'
complete -c callev -n "__fish_callev_using_subcommand help; and not __fish_seen_subcommand_from detect validate events timeline summary browse listen send trigger schema completions man help" -f -a "listen" -d 'Receive vendor callbacks over HTTP: capture each request, show its event and findings'
complete -c callev -n "__fish_callev_using_subcommand help; and not __fish_seen_subcommand_from detect validate events timeline summary browse listen send trigger schema completions man help" -f -a "send" -d 'Replay records to your handler over HTTP: a call\'s events in order, as the vendor sent them'
complete -c callev -n "__fish_callev_using_subcommand help; and not __fish_seen_subcommand_from detect validate events timeline summary browse listen send trigger schema completions man help" -f -a "trigger" -d 'Make up a call\'s events in a vendor\'s own format: print them, or send them to your handler'
complete -c callev -n "__fish_callev_using_subcommand help; and not __fish_seen_subcommand_from detect validate events timeline summary browse listen send trigger schema completions man help" -f -a "schema" -d 'The documented schemas: vendors, their events, an event\'s fields'
complete -c callev -n "__fish_callev_using_subcommand help; and not __fish_seen_subcommand_from detect validate events timeline summary browse listen send trigger schema completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c callev -n "__fish_callev_using_subcommand help; and not __fish_seen_subcommand_from detect validate events timeline summary browse listen send trigger schema completions man help" -f -a "man" -d 'Print the man page (roff), or a subcommand\'s'
complete -c callev -n "__fish_callev_using_subcommand help; and not __fish_seen_subcommand_from detect validate events timeline summary browse listen send trigger schema completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
