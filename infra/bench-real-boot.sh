#!/usr/bin/env bash
# Time per real boot and memory per guest, on this machine's QEMU (TCG unless --kvm): boots Veil's demo image
# (infra/build-demo-image.sh) N times, one at a time, on a private libvirtd (infra/private-libvirtd.sh), in the
# shape Veil defines a plain direct-kernel guest (q35, qcow2 overlay on virtio, serial console to a file, user-mode
# network), and reports define+start -> marker on the console, and the QEMU process's resident memory once the
# marker is there. Usage: infra/bench-real-boot.sh [N=5] [MEMORY_MIB=256]. Figures go to docs/benchmarks.md.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}" memory="${2:-256}"
demo="$repo/.veil/images/demo"
[ -f "$demo/image.json" ] || "$repo/infra/build-demo-image.sh"
root="$(mktemp -d /tmp/veil-bench-libvirtd-XXXXXX)"
"$repo/infra/private-libvirtd.sh" "$root" $$ > "$root.log" 2>&1 &
supervisor=$!
trap 'kill $supervisor 2>/dev/null; wait $supervisor 2>/dev/null; rm -rf "$root" "$root.log"' EXIT
for _ in $(seq 1 600); do [ -S "$root/sock/libvirt-sock" ] && break; sleep 0.1; done
virsh=(virsh -q -c "qemu:///system?socket=$root/sock/libvirt-sock")
mkdir -p "$root/instances"
echo "run  define+start->marker  qemu RSS (MiB)  guest memory ${memory} MiB, $(nproc) cores, $(uname -r)"
for i in $(seq 1 "$runs"); do
  id="$(cat /proc/sys/kernel/random/uuid)"
  dir="$root/instances/$id"; mkdir -p "$dir"
  qemu-img create -q -f qcow2 -b "$demo/disk.qcow2" -F qcow2 "$root/instances/$id.qcow2" 1G
  cat > "$dir/domain.xml" <<XML
<domain type='qemu'><name>veil-$id</name><uuid>$id</uuid><memory unit='MiB'>$memory</memory><vcpu placement='static'>1</vcpu>
<os><type arch='x86_64' machine='q35'>hvm</type><kernel>$demo/vmlinuz</kernel><initrd>$demo/initrd.img</initrd><cmdline>console=ttyS0</cmdline></os>
<features><acpi/><apic/></features><clock offset='utc'/><on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot><on_crash>destroy</on_crash>
<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$root/instances/$id.qcow2'/><target dev='vda' bus='virtio'/></disk>
<interface type='user'><model type='virtio'/></interface>
<serial type='file'><source path='$dir/console.log'/></serial><console type='file'><source path='$dir/console.log'/></console>
<video><model type='virtio'/></video><rng model='virtio'><backend model='random'>/dev/urandom</backend></rng><memballoon model='virtio'/></devices></domain>
XML
  start=$(date +%s%N)
  "${virsh[@]}" define "$dir/domain.xml" >/dev/null
  "${virsh[@]}" start "veil-$id" >/dev/null
  until grep -q "VEIL-DEMO-GUEST: up" "$dir/console.log" 2>/dev/null; do sleep 0.05; done
  took=$(( ($(date +%s%N) - start) / 1000000 ))
  pid=$(cat "$root/ns/run/libvirt/qemu/veil-$id.pid")
  rss=$(awk '/VmRSS/{printf "%d", $2/1024}' "/proc/$pid/status")
  printf '%3d  %8d ms              %6d\n' "$i" "$took" "$rss"
  "${virsh[@]}" destroy "veil-$id" >/dev/null
  "${virsh[@]}" undefine "veil-$id" >/dev/null
done
