#!/bin/sh
# Installs the Debian 12 packages libgenapi needs to build, test and document itself.
# Only missing packages are installed; uses sudo when not run as root.
set -eu
pkgs="build-essential clang cmake pkg-config libcurl4-openssl-dev libjson-c-dev libsodium-dev libmicrohttpd-dev libspng-dev zlib1g-dev libjpeg62-turbo-dev libwebp-dev libcmocka-dev doxygen python3 python3-venv python3-setuptools python3-wheel curl luajit love xvfb xauth python3-pil wrk valgrind libclang-rt-14-dev"
missing=""
for p in $pkgs; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq $missing
