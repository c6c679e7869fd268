#!/usr/bin/env bash
# Installs what Veil needs on a Debian 12 (bookworm) machine: libvirt 11.x and QEMU 10 from bookworm-backports
# (bookworm's own libvirt 9.0 rejects <launchSecurity type='sev-snp'>) with the daemon, so a real host can run
# guests; genisoimage, which builds a guest's config drive (as nova's does); Debian's Chromium for the browser
# tests; Azurite from the npm registry at the version pinned in infra/package-lock.json; and Veil's demo image (infra/build-demo-image.sh), built from Debian packages.
# Idempotent: a second run only checks. No registry host is named here: the backports suite reuses the
# mirror that this machine's own apt sources already name.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=0
libvirt_major() { dpkg-query -W -f='${Version}' libvirt0 2>/dev/null | cut -d. -f1; }
[ "$(libvirt_major)" -ge 11 ] 2>/dev/null || need_apt=1
command -v virt-xml-validate >/dev/null || need_apt=1
command -v chromium >/dev/null || need_apt=1
command -v curl >/dev/null || need_apt=1
command -v xmllint >/dev/null || need_apt=1
command -v libvirtd >/dev/null || need_apt=1
command -v qemu-system-x86_64 >/dev/null || need_apt=1
command -v qemu-img >/dev/null || need_apt=1
command -v cpio >/dev/null || need_apt=1
command -v genisoimage >/dev/null || need_apt=1
[ -d /usr/share/OVMF ] || need_apt=1

if [ "$need_apt" = 1 ]; then
  mirror=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    # deb822: take the URIs of the stanza whose suites include plain "bookworm".
    mirror=$(awk '/^URIs:/{u=$2} /^Suites:/{for(i=2;i<=NF;i++) if($i=="bookworm") print u}' \
      /etc/apt/sources.list.d/debian.sources | head -n1)
  fi
  if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
    mirror=$(awk '$1=="deb" && $3=="bookworm" {print $2; exit}' /etc/apt/sources.list)
  fi
  [ -n "$mirror" ] || { echo "install-deps: no apt source for bookworm found; cannot add bookworm-backports" >&2; exit 1; }
  list=/etc/apt/sources.list.d/veil-bookworm-backports.list
  line="deb $mirror bookworm-backports main"
  if ! grep -qxF "$line" "$list" 2>/dev/null; then
    echo "$line" | sudo_ tee "$list" >/dev/null
  fi
  sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_ apt-get install -y -qq -t bookworm-backports \
    libvirt0 libvirt-clients libvirt-daemon libvirt-daemon-driver-qemu qemu-system-x86 qemu-utils ovmf >/dev/null
  DEBIAN_FRONTEND=noninteractive sudo_ apt-get install -y -qq chromium libxml2-utils curl cpio genisoimage >/dev/null
fi

command -v dotnet >/dev/null || {
  echo "install-deps: the .NET 10 SDK is not installed; Veil's machines come with it (see README)." >&2
  exit 1
}

if ! command -v npm >/dev/null; then
  sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_ apt-get install -y -qq nodejs npm >/dev/null
fi

if [ ! -x "$here/node_modules/.bin/azurite" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

"$here/build-demo-image.sh"

echo "install-deps: libvirt $(dpkg-query -W -f='${Version}' libvirt0), $(chromium --version 2>/dev/null | head -n1), azurite $("$here/node_modules/.bin/azurite" --version)"
