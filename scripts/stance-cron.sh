#!/bin/sh
# Run `stance run` from cron: a known environment, a log file, and stance's exit code passed on.
#
#   stance-cron.sh PROJECT_FOLDER [CONFIG]
#
# PROJECT_FOLDER holds the config (CONFIG, default stance.toml, relative to the folder).
# The stance command is $STANCE if set, else PROJECT_FOLDER/.venv/bin/stance if it exists,
# else `stance` on the PATH below. Output is appended to $STANCE_LOG (default
# PROJECT_FOLDER/logs/stance-run.log); when the run does not exit 0, one line goes to standard
# error as well, so cron mails it.
#
# Exit codes are stance's: 0 done, 1 bad config, 2 some inputs failed (the run completed),
# 3 another run holds the lock, 4 the run failed (database or output not writable);
# 64 wrong usage of this script.

set -u

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: stance-cron.sh PROJECT_FOLDER [CONFIG]" >&2
    exit 64
fi
project=$1
config=${2:-stance.toml}

PATH=/usr/local/bin:/usr/bin:/bin
LC_ALL=C.UTF-8
LANG=C.UTF-8
PYTHONIOENCODING=utf-8
export PATH LC_ALL LANG PYTHONIOENCODING
umask 022

cd "$project" || exit 1

if [ -z "${STANCE:-}" ]; then
    if [ -x .venv/bin/stance ]; then
        STANCE=.venv/bin/stance
    else
        STANCE=stance
    fi
fi
log=${STANCE_LOG:-logs/stance-run.log}
mkdir -p "$(dirname "$log")" || exit 1

stamp() { date -u +%Y-%m-%dT%H:%M:%SZ; }

echo "=== $(stamp) stance run --config $config (pid $$)" >>"$log"
"$STANCE" run --config "$config" --quiet >>"$log" 2>&1
status=$?
echo "=== $(stamp) exit $status" >>"$log"

if [ "$status" -ne 0 ]; then
    echo "stance run in $project exited with $status; see $project/$log" >&2
fi
exit "$status"
