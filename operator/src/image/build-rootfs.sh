#!/usr/bin/env bash
# The image's root filesystem, built with no base image to pull (the image is FROM scratch):
#   /opt/java   a Java runtime made by jlink from the building JDK, with only the modules the operator needs
#   /lib...     the shared libraries that runtime links against, as ldd finds them on the build machine
#   /etc        passwd and group entries for the non-root user 65532
#   /tmp        writable scratch space (mount an emptyDir there with a read-only root filesystem)
# Usage: build-rootfs.sh <output-dir>
set -euo pipefail
out="$1"
modules="java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.security.sasl,java.sql,java.xml,jdk.crypto.ec,jdk.unsupported,jdk.zipfs,jdk.management,jdk.naming.dns"
jlink_bin="${JAVA_HOME:+$JAVA_HOME/bin/}jlink"
if ! command -v "$jlink_bin" >/dev/null 2>&1; then
  jlink_bin="$(dirname "$(readlink -f "$(command -v java)")")/jlink"
fi
rm -rf "$out"
mkdir -p "$out/opt" "$out/etc" "$out/tmp"
"$jlink_bin" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/opt/java"
# every library the runtime's executables and shared objects need, with the dynamic loader itself
find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 \
  | xargs -0 -n1 ldd 2>/dev/null \
  | awk '/=> \// {print $3} /^[[:space:]]*\/[^ ]+ \(/ {print $1}' \
  | sort -u \
  | grep -v "^$out/" \
  | while read -r lib; do
      mkdir -p "$out$(dirname "$lib")"
      cp -L "$lib" "$out$lib"
    done
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$out/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$out/etc/group"
chmod 1777 "$out/tmp"
echo "root filesystem in $out: $(du -sh "$out" | cut -f1)"
