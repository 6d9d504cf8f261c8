#!/usr/bin/env bash
# Installs what hostprep needs to build and test, from Debian's packages, and
# builds it. Installs only what is missing, so it is safe (and quick) to run
# again.
# Usage: tests/setup.sh [--demo] [BUILD_DIR]   (default: build/)
#   --demo   only what the demo needs: the build tools and libraries, the SSH
#            test hosts' tools, and the hostprep binary (not the tests)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
demo=0
if [ "${1:-}" = --demo ]; then
  demo=1
  shift
fi
build_dir=${1:-$root/build}

# What building hostprep and running the demo's SSH test hosts need.
packages=(
  build-essential cmake ninja-build pkg-config git ccache
  libssh-dev libcrypt-dev libyaml-cpp-dev libfmt-dev libspdlog-dev libboost-program-options-dev
  doctest-dev nlohmann-json3-dev libtomlplusplus-dev
  util-linux coreutils
  openssh-server openssh-client sudo iproute2 openssl procps findutils jq
)
# What the whole test suite needs beside them: the fuzzers' clang, Ansible as
# the oracle, real components (cron, containerd, Prometheus' promtool), the nspawn
# and VM test hosts.
if ((!demo)); then
  packages+=(
    clang libclang-rt-14-dev
    shellcheck busybox nftables python3 bash-completion man-db
    libxml2-utils
    ansible python3-selinux
    cron unzip zip
    prometheus
    containerd
    debootstrap systemd-container dpkg-dev
    qemu-system-x86 qemu-utils e2fsprogs
  )
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -q
  # openssh-server's postinst would start the machine's own sshd: the test hosts run their
  # own, so deny service starts during the install (policy-rc.d) unless a policy exists.
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod 755 "$policy"
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" ||
    { if [ -n "$policy" ]; then $sudo rm -f "$policy"; fi; exit 1; }
  if [ -n "$policy" ]; then $sudo rm -f "$policy"; fi
fi

cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHOSTPREP_WERROR=ON \
  >/dev/null
if ((demo)); then
  cmake --build "$build_dir" --target hostprep
else
  cmake --build "$build_dir"
fi
