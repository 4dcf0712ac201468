#!/usr/bin/env bash
# Runs the netem checks, or any command, inside a small VM that boots Debian's stock kernel, which ships sch_netem
# (a machine whose kernel lacks it, or cannot load modules, can still test the netem backend live).
#
#   scripts/netem-vm.sh                  the netem checks (scripts/netem-checks.sh): the tests tagged netem, then
#                                        quick-geo short, plain against split, with calibration tables
#   scripts/netem-vm.sh SCENARIO [ARG…]  testbed run SCENARIO --backend netem ARG… inside the VM, then its
#                                        calibration tables; the report in $NETEM_VM_OUT/scenario/SCENARIO
#   scripts/netem-vm.sh -- CMD [ARG…]    CMD inside the VM, from this checkout's top folder
#
# The first two need the build of `mvn -B -DskipTests -Pnetem-vm package`, and widen calibration's tolerances to
# TCG's (NetemLinkTest.TCG says what they are and how they were measured).
# The VM is QEMU with TCG (no KVM needed). Its root file system is this machine's, exported read-only over 9p with
# a tmpfs on top, so it runs this checkout's build with this machine's JDK, iproute2 and iperf3; only the kernel
# and its modules come from the Debian package (apt-get download, cached by version). What the command writes to
# $NETEM_VM_OUT (default testbed/target/netem-vm) comes back; the rest goes with the VM.
# Exit status: the command's (124 when the VM outlived NETEM_VM_TIMEOUT seconds). Log: $NETEM_VM_OUT/console.log.
# Run as root (QEMU reads the whole file system on the VM's behalf).
set -euo pipefail

if [ "${1:-}" = --guest ]; then
  # Inside the VM, as PID 1, after the initramfs switched to the overlay of the host's file system.
  out=$2 modules=$3 busybox=$4
  # Whatever happens, the VM powers off (PID 1 exiting would panic it instead).
  trap 'sync; "$busybox" poweroff -f' EXIT
  export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
  mount -t proc proc /proc
  mount -t sysfs sys /sys
  mount -t devtmpfs dev /dev
  mkdir -p /dev/pts /dev/shm
  mount -t devpts devpts /dev/pts
  mount -t tmpfs tmpfs /dev/shm
  mount -t tmpfs tmpfs /run
  # /tmp stays the overlay's (writable already): a tmpfs there would hide a checkout under /tmp, as CI's may be.
  mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null || true
  mkdir -p "$out"
  mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 out "$out"
  # The Debian kernel's modules, loaded on demand by busybox's modprobe (this machine may have no kmod).
  release=$(uname -r)
  mkdir -p "/lib/modules/$release" /run/netem-vm/bin
  mount --bind "$modules" "/lib/modules/$release"
  ln -s "$busybox" /run/netem-vm/bin/modprobe
  echo /run/netem-vm/bin/modprobe >/proc/sys/kernel/modprobe
  for module in sch_netem sch_tbf veth bridge tun ifb tcp_bbr; do
    /run/netem-vm/bin/modprobe "$module"
  done
  ip link set lo up
  hostname netem-vm
  # PID 1 starts with the kernel's 1024/4096 descriptors; the PEP checks its --conns against RLIMIT_NOFILE
  # (2112 connections need about 4300), so give the command what a service manager gives a root session.
  ulimit -n 1048576
  status=0
  (cd "$(cat "$out/cwd")" && exec bash "$out/command.sh") </dev/null || status=$?
  echo "$status" >"$out/status"
  exit
fi

cd "$(dirname "$0")/.."
top=$PWD
cache=${NETEM_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pepsal-netem-vm}
out=$(realpath -m "${NETEM_VM_OUT:-testbed/target/netem-vm}")
timeout_seconds=${NETEM_VM_TIMEOUT:-1800}
cpus=${NETEM_VM_CPUS:-2}
memory=${NETEM_VM_MEMORY:-3G}
[ "$(id -u)" = 0 ] || { echo "netem-vm: run as root" >&2; exit 2; }
scripts/setup.sh qemu-system-x86

# The command the VM runs, from this folder.
if [ "${1:-}" = -- ]; then
  shift
  [ $# -gt 0 ] || { echo "usage: scripts/netem-vm.sh [SCENARIO [ARG...] | -- CMD [ARG...]]" >&2; exit 2; }
else
  scripts/netem-checks.sh ready
  if [ $# -eq 0 ]; then
    set -- scripts/netem-checks.sh
  else
    set -- scripts/netem-checks.sh scenario "$@"
  fi
fi

# The kernel: the package linux-image-amd64 depends on, cached by its version.
kernel_package() {
  apt-cache depends linux-image-amd64 2>/dev/null | awk '$1 == "Depends:" && $2 ~ /^linux-image-/ {print $2; exit}'
}
package=$(kernel_package)
if [ -z "$package" ]; then
  apt-get update -qq
  package=$(kernel_package)
fi
[ -n "$package" ] || { echo "netem-vm: apt knows no linux-image-amd64" >&2; exit 2; }
version=$(apt-cache show --no-all-versions "$package" | awk '$1 == "Version:" {print $2; exit}')
kernel_dir=$cache/$package-$version
if [ ! -f "$kernel_dir/ready" ]; then
  echo "netem-vm: fetching $package $version"
  rm -rf "$kernel_dir"
  mkdir -p "$kernel_dir/download"
  (cd "$kernel_dir/download" && apt-get download -qq -o APT::Sandbox::User=root "$package" busybox-static)
  dpkg-deb -x "$kernel_dir"/download/linux-image-*.deb "$kernel_dir/root"
  dpkg-deb -x "$kernel_dir"/download/busybox-static_*.deb "$kernel_dir/busybox"
  rm -rf "$kernel_dir/download"
  release=$(ls "$kernel_dir/root/lib/modules")
  "$kernel_dir/busybox/bin/busybox" depmod -b "$kernel_dir/root" "$release"
  touch "$kernel_dir/ready"
fi
release=$(ls "$kernel_dir/root/lib/modules")
busybox=$kernel_dir/busybox/bin/busybox
modules=$kernel_dir/root/lib/modules/$release

# The initramfs: busybox and the modules that mount the host's file system, which is all it does.
read -r -d '' init <<'EOF' || true
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev
for module in virtio_pci 9pnet_virtio 9p overlay; do modprobe "$module"; done
set -- $(cat /proc/cmdline)
for word; do case $word in netemvm.*=*) key=${word%%=*}; eval "${key#netemvm.}=\${word#*=}";; esac; done
mkdir -p /host /rw /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=512000 hostroot /host
mount -t tmpfs -o mode=0755 tmpfs /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work overlay /newroot
umount /proc
exec switch_root /newroot /bin/bash "$script" --guest "$out" "$modules" "$busybox"
EOF
initramfs=$kernel_dir/initramfs-$(printf '%s' "$init" | sha256sum | cut -c1-12).cpio.gz
if [ ! -f "$initramfs" ]; then
  staging=$(mktemp -d)
  trap 'rm -rf "$staging"' EXIT
  mkdir -p "$staging"/{bin,dev,proc,lib/modules/$release}
  cp "$busybox" "$staging/bin/busybox"
  printf '%s\n' "$init" >"$staging/init"
  chmod 755 "$staging/init"
  cp "$modules"/modules.* "$staging/lib/modules/$release/"
  # Each module of the init's list with the modules it depends on, by modules.dep.
  needed=(virtio_pci 9pnet_virtio 9p overlay)
  for name in "${needed[@]}"; do
    awk -v name="$name" -F': ?' '{n = $1; sub(/.*\//, "", n); sub(/\.ko$/, "", n); gsub(/-/, "_", n)} n == name {print $1; if ($2 != "") print $2}' \
      "$modules/modules.dep" | tr ' ' '\n'
  done | sort -u | while read -r file; do
    [ -n "$file" ] || continue
    mkdir -p "$staging/lib/modules/$release/$(dirname "$file")"
    cp "$modules/$file" "$staging/lib/modules/$release/$file"
  done
  (cd "$staging" && find . | "$busybox" cpio -o -H newc 2>/dev/null | gzip -1) >"$initramfs.tmp"
  mv "$initramfs.tmp" "$initramfs"
  rm -rf "$staging"
  trap - EXIT
fi

mkdir -p "$out"
rm -rf "$out/status" "$out/console.log" "$out/junit"
printf '%s\n' "$top" >"$out/cwd"
{
  echo "export CI='${CI:-}' TESTBED_PREFIX='${TESTBED_PREFIX:-}' NETEM_VM_GUEST=1 NETEM_VM_OUT='$out'"
  printf '%q ' "$@"
  echo
} >"$out/command.sh"

echo "netem-vm: booting $package $version (QEMU/TCG, $cpus CPUs, $memory); log in $out/console.log"
started=$(date +%s)
touch "$out/console.log"
nice -n 10 qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp "$cpus" -m "$memory" \
  -nodefaults -no-user-config -display none -no-reboot \
  -kernel "$kernel_dir/root/boot/vmlinuz-$release" -initrd "$initramfs" \
  -append "console=ttyS0 panic=-1 quiet netemvm.out=$out netemvm.modules=$modules netemvm.busybox=$busybox netemvm.script=$top/scripts/netem-vm.sh" \
  -serial "file:$out/console.log" \
  -fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap" \
  -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
  -fsdev "local,id=out,path=$out,security_model=none,multidevs=remap" \
  -device virtio-9p-pci,fsdev=out,mount_tag=out &
qemu=$!
trap 'kill "$qemu" 2>/dev/null || true' EXIT
tail -n +1 -f --pid="$qemu" "$out/console.log" &
( sleep "$timeout_seconds" && kill "$qemu" 2>/dev/null ) &
watchdog=$!
wait "$qemu" || true
kill "$watchdog" 2>/dev/null || true
wait 2>/dev/null || true
trap - EXIT
echo "netem-vm: the VM ran $(( $(date +%s) - started )) s"
if [ ! -f "$out/status" ]; then
  echo "netem-vm: the VM stopped without a result (timeout ${timeout_seconds} s, or a boot failure: see above)" >&2
  exit 124
fi
exit "$(cat "$out/status")"
