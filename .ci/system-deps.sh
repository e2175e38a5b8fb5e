#!/usr/bin/env bash
# Debian packages the tests and the workbench use: Jupyter (classic Notebook server, nbclient,
# the kernel conformance suite), Chromium for browser tests, and pandas/networkx/sklearn as
# reference peers. Installed only when missing; needs root (apt-get) on Debian.
set -euo pipefail
need=()
[ -x /usr/bin/jupyter-notebook ] || need+=(jupyter-notebook)
/usr/bin/python3 -c "import nbclient" 2>/dev/null || need+=(python3-nbclient python3-nbconvert)
[ -x /usr/bin/jupyter ] || need+=(jupyter-client)
/usr/bin/python3 -c "import jupyter_kernel_test" 2>/dev/null || need+=(python3-jupyter-kernel-test)
[ -x /usr/bin/chromium ] || need+=(chromium)
/usr/bin/python3 -c "import pandas, networkx, sklearn" 2>/dev/null || need+=(python3-pandas python3-networkx python3-sklearn)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "missing system packages: ${need[*]} (install them with apt-get as root)" >&2
    exit 1
  fi
  echo "installing system packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
