#!/usr/bin/env bash
# Install the Debian packages this project needs:
#   chromium           - headless browser for browser/UI tests
#   fonts-wqy-microhei - CJK font (a copy is also vendored in static/fonts/)
#   poppler-utils      - pdftotext/pdftoppm for checking generated PDFs
# Idempotent and fast when everything is already installed: apt-get update
# only runs when a package is missing.
set -euo pipefail

PACKAGES=(chromium fonts-wqy-microhei poppler-utils)

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! is_installed "$pkg"; then
        missing+=("$pkg")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install_system_packages: all present (${PACKAGES[*]})"
    exit 0
fi

# Run a command as root: directly when root, else through sudo (if present).
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        DEBIAN_FRONTEND=noninteractive "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo DEBIAN_FRONTEND=noninteractive "$@"
    else
        echo "install_system_packages: need root or sudo to install: ${missing[*]}" >&2
        exit 1
    fi
}

export DEBIAN_FRONTEND=noninteractive
echo "install_system_packages: installing ${missing[*]}"
as_root apt-get update -q
as_root apt-get install -y -q "${missing[@]}"

for pkg in "${missing[@]}"; do
    if ! is_installed "$pkg"; then
        echo "install_system_packages: $pkg failed to install" >&2
        exit 1
    fi
done
echo "install_system_packages: done"
