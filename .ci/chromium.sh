# Sourced by .ci/run (and usable by hand: `source .ci/chromium.sh`): makes
# sure headless Chromium is there for the browser tests (internal/browsertest:
# the simulation report, charter graph's SVG) and exports
# CHARTER_TEST_CHROMIUM, its path. It installs Debian's chromium package when
# /usr/bin/chromium is missing (CI runs as root on a fresh clone); a second
# run finds it and only exports. With CI set the browser tests fail rather
# than skip without it.
if [ -n "${CHARTER_TEST_CHROMIUM:-}" ]; then
  echo "using CHARTER_TEST_CHROMIUM from the environment"
  return 0 2>/dev/null || exit 0
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  if [ ! -x /usr/bin/chromium ]; then
    echo "chromium installed, but no /usr/bin/chromium" >&2
    return 1 2>/dev/null || exit 1
  fi
fi
export CHARTER_TEST_CHROMIUM=/usr/bin/chromium
echo "Chromium at $CHARTER_TEST_CHROMIUM: $(/usr/bin/chromium --version 2>/dev/null | head -1)"
