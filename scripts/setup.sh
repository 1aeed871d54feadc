#!/usr/bin/env bash
# Installs what bpfci and its tests need on a Debian 12 machine, idempotently:
# apt-get runs only when a package is missing, npm ci only when the lockfile
# changed since the last install. Safe to run before every `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # kernel and selftests build
  build-essential flex bison bc libelf-dev libssl-dev zlib1g-dev libcap-dev dwarves ccache
  clang llvm lld python3-docutils rsync cpio kmod xz-utils linux-source-6.1 git
  # sandbox, VM and the guest's userspace
  bubblewrap qemu-system-x86 busybox-static linux-image-amd64
  # the older-kernel matrix: bpf_testmod is built against the stock kernel's headers
  linux-headers-amd64
  iputils-ping ethtool keyutils iptables iproute2
  # real mail servers for the tests
  public-inbox dovecot-imapd
  # the fleet's job engine (issue 18): graphile-worker on PostgreSQL
  postgresql
  # the web page in a real browser
  chromium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

stamp=node_modules/.bpfci-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi
