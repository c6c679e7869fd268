#!/usr/bin/env bash
# Builds Veil's demo image from Debian packages (nothing from outside the machine's package registry): Debian's
# kernel, an initrd whose init is busybox printing a marker to the serial console, and a small blank qcow2 disk.
# Writes .veil/images/demo/ with image.json: each file's size and SHA-256, as Veil registers it.
# Idempotent: a build of the same recipe is kept. Booted directly, its guest prints the size of every disk it
# sees, then "VEIL-DEMO-GUEST: up" (virtio-blk is a module in Debian's kernel, so the initrd loads it); then, if it
# has a config drive (a CD-ROM on virtio-scsi labelled config-2), its user data and the public keys it names.
set -euo pipefail
recipe=5
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$repo/.veil/images/demo"
[ "$(cat "$out/recipe" 2>/dev/null)" = "$recipe" ] && exit 0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

kernel_package=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
[ -n "$kernel_package" ] || { echo "build-demo-image: apt knows no linux-image-amd64 kernel package" >&2; exit 1; }
apt-get download -qq "$kernel_package" busybox-static 2>/dev/null
dpkg-deb --fsys-tarfile "$kernel_package"_*.deb | tar -x --wildcards './boot/vmlinuz-*'
dpkg-deb --fsys-tarfile busybox-static_*.deb | tar -x ./bin/busybox

# In dependency order (each module's .modinfo "depends=").
modules="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk scsi_common scsi_mod cdrom sr_mod virtio_scsi isofs"
mkdir -p root/bin root/proc root/sys root/dev root/modules root/mnt
cp bin/busybox root/bin/busybox
dpkg-deb -c "$kernel_package"_*.deb | awk '{print $6}' > contents
for module in $modules; do
  path=$(grep -m1 "/$module\.ko\$" contents || true)
  [ -n "$path" ] || continue
  dpkg-deb --fsys-tarfile "$kernel_package"_*.deb | tar -x "$path"
  cp "$path" "root/modules/$module.ko"
  echo "$module" >> root/modules/order
done
cat > root/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for module in $(cat /modules/order); do insmod /modules/$module.ko 2>/dev/null; done
sleep 1
for disk in /sys/block/*; do echo "VEIL-DEMO-GUEST: disk ${disk##*/} $(cat "$disk/size") sectors"; done
echo "VEIL-DEMO-GUEST: up, kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) vCPU, $(awk '/MemTotal/{print $2}' /proc/meminfo) kB"
# A SCSI CD-ROM may show up some seconds after the modules load (slower still under TCG on a busy host).
for try in $(seq 1 60); do [ -b /dev/sr0 ] && break; sleep 1; done
if [ -b /dev/sr0 ] && mount -t iso9660 -o ro /dev/sr0 /mnt 2>/dev/null && [ -f /mnt/openstack/latest/meta_data.json ]; then
  echo "VEIL-DEMO-GUEST: config drive $(cat /sys/block/sr0/size 2>/dev/null) sectors"
  [ -f /mnt/openstack/latest/user_data ] && echo "VEIL-DEMO-GUEST: user data $(head -c 200 /mnt/openstack/latest/user_data)"
  grep -o '"ssh-[a-z0-9]* [A-Za-z0-9+/=]*' /mnt/openstack/latest/meta_data.json | sort -u | while read -r key; do echo "VEIL-DEMO-GUEST: public key ${key#?}"; done
fi
while true; do sleep 3600; done
INIT
chmod +x root/init
(cd root && find . | cpio -o -H newc --quiet | gzip -9) > initrd.img

mkdir -p "$out.part"
cp boot/vmlinuz-* "$out.part/vmlinuz"
cp initrd.img "$out.part/initrd.img"
qemu-img create -q -f qcow2 "$out.part/disk.qcow2" 1G
file_json() { printf '{"source":"file://%s","sizeBytes":%s,"sha256":"%s"%s}' "$out/$1" "$(stat -c %s "$out.part/$1")" "$(sha256sum "$out.part/$1" | cut -d' ' -f1)" "$2"; }
echo "$recipe" > "$out.part/recipe"
printf '{"disk":%s,"kernel":%s,"initrd":%s}\n' "$(file_json disk.qcow2 ',"format":"qcow2"')" "$(file_json vmlinuz '')" "$(file_json initrd.img '')" > "$out.part/image.json"
rm -rf "$out" && mv "$out.part" "$out"
echo "build-demo-image: $out ($kernel_package)"
