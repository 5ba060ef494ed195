#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs Ember's demo in
# local mode. Extra arguments go to the demo (e.g. --conf key=value).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh examples/local_demo
exec build/examples/local_demo "$@"
