#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs a word count over
# the text that ships with the repo, in local mode. Extra arguments go to
# `ember run wordcount` (e.g. --top 20 --conf key=value).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh src/cli/ember
exec build/src/cli/ember run wordcount data/sample.txt --top 10 "$@"
