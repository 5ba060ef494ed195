#!/usr/bin/env bash
# Installs what Ember needs to build on Debian 12, if it is missing:
# the compiler and build tools, and the libraries Ember uses
# (libcaf-dev, libcereal-dev, libspdlog-dev, doctest-dev, meson, ninja-build).
set -euo pipefail

packages=(g++ pkg-config meson ninja-build libcaf-dev libcereal-dev
          libspdlog-dev doctest-dev)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  else
    echo "setup: missing packages (${missing[*]}) and not root; install them or rerun as root" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
