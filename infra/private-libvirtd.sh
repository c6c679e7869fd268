#!/usr/bin/env bash
# A libvirtd (with its virtlogd) of one's own, for guests on QEMU: private-libvirtd.sh ROOT [OWNER_PID]
# It runs in a mount namespace of its own in which libvirt's system directories (/run/libvirt, /var/lib/libvirt,
# /etc/libvirt, /var/log/libvirt, /var/cache/libvirt, and /etc/qemu for firmware descriptors) are folders under
# ROOT/ns, so several can run on one machine without seeing each other's domains, pools or locks. Its socket is
# ROOT/sock/libvirt-sock: connect with qemu:///system?socket=ROOT/sock/libvirt-sock. It stops the daemons and every
# QEMU they started on SIGTERM/SIGINT, and when OWNER_PID is gone. Needs root (mount namespaces). Used by the tests
# (tests/Veil.Testing/PrivateLibvirtd.cs) and by ./veil bench-real.
set -u
root="$1"
owner="${2:-}"
if [ -z "${VEIL_PRIVATE_LIBVIRTD:-}" ]; then
  VEIL_PRIVATE_LIBVIRTD=1 exec unshare --mount --propagation private "$0" "$@"
fi

mkdir -p "$root/sock"
chmod 755 "$root"  # QEMU runs as libvirt-qemu and must reach guests' files below ROOT
cat > "$root/libvirtd.conf" <<CONF
unix_sock_dir = "$root/sock"
auth_unix_rw = "none"
auth_unix_ro = "none"
CONF
for d in /run/libvirt /var/lib/libvirt /etc/libvirt /var/log/libvirt /var/cache/libvirt /etc/qemu; do
  mkdir -p "$d" "$root/ns$d"
  case "$d" in /etc/*) cp -a "$d"/. "$root/ns$d/" ;; esac
  mount --bind "$root/ns$d" "$d"
done

virtlogd & logd=$!
# libvirtd opens every QEMU guest's log through virtlogd's socket: start it only once that socket is there (on a
# busy machine a guest started in between failed with "Failed to connect socket to '/run/libvirt/virtlogd-sock'").
for _ in $(seq 1 300); do [ -S /run/libvirt/virtlogd-sock ] && break; sleep 0.1; done
libvirtd -f "$root/libvirtd.conf" --pid-file "$root/libvirtd.pid" & daemon=$!
stop() {
  for pid in "$root"/ns/run/libvirt/qemu/*.pid; do [ -f "$pid" ] && kill -9 "$(cat "$pid")" 2>/dev/null; done
  kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null
  kill "$logd" 2>/dev/null; wait "$logd" 2>/dev/null
  exit 0
}
trap stop TERM INT EXIT
while { [ -z "$owner" ] || kill -0 "$owner" 2>/dev/null; } && kill -0 "$daemon" 2>/dev/null; do sleep 1; done
