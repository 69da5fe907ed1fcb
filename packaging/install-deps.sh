#!/usr/bin/env bash
# Installs the Debian 12 packages Gatehouse needs to build, test, run and benchmark.
# Idempotent and quiet when nothing is missing. Usage: install-deps.sh [build|test|bench]
set -euo pipefail

build_packages=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev qt6-declarative-dev qt6-charts-dev libgl-dev
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
  qml6-module-qtquick-window qml6-module-qtquick-templates qml6-module-qtqml-workerscript
  qml6-module-qtcharts qml6-module-qtquick-dialogs
  qtkeychain-qt6-dev # the console keeps GitLab tokens in the OS keychain (Secret Service, KWallet)
  libboost-dev libboost-system-dev libssl-dev libsqlite3-dev libspdlog-dev libfmt-dev
  libyaml-cpp-dev libsimdjson-dev libcli11-dev nlohmann-json3-dev
  fonts-dejavu-core # the console draws text with it; without a font Qt warns (and the QML tests fail on warnings)
)
test_packages=(qml6-module-qttest qt6-declarative-dev-tools nodejs npm xvfb xauth curl python3 openssl git nginx-light fcgiwrap)
bench_packages=(nginx-light wrk sqlite3)

wanted=("${build_packages[@]}")
case "${1:-build}" in
  build) ;;
  test) wanted+=("${test_packages[@]}") ;;
  bench) wanted+=("${test_packages[@]}" "${bench_packages[@]}") ;;
  *) echo "install-deps.sh: unknown profile '$1' (use build, test or bench)" >&2; exit 2 ;;
esac

missing=()
for pkg in "${wanted[@]}"; do
  # A tool that is already on PATH (e.g. node, npm from another source) counts as present.
  case "$pkg" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
    python3) [ -x /usr/bin/python3 ] && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing Debian packages: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
