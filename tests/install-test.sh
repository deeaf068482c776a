#!/bin/sh
# install-test - `make install` into a temporary prefix, then build docs/examples/gemv.c the
# way a user would (pkg-config, shared and static) and run it; check DESTDIR staging too.
set -eu
cd "$(dirname "$0")/.."
make=${MAKE:-make}
cc=${CC:-cc}
prefix=$(mktemp -d)
stage=$(mktemp -d)
trap 'rm -rf "$prefix" "$stage"' EXIT

$make -s install PREFIX="$prefix" >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
pkg-config --exists bitnet || { echo "install-test: pkg-config does not find bitnet" >&2; exit 1; }
flags="-std=c11 -Wall -Wextra -Werror"

# shellcheck disable=SC2046,SC2086 # pkg-config output and flags are word lists
$cc $flags -o "$prefix/gemv" docs/examples/gemv.c $(pkg-config --cflags --libs bitnet)
LD_LIBRARY_PATH="$prefix/lib" "$prefix/gemv"

# static: the archive and the libraries of Libs.private are enough
# shellcheck disable=SC2046,SC2086
$cc $flags -o "$prefix/gemv-static" docs/examples/gemv.c $(pkg-config --cflags bitnet) "$prefix/lib/libbitnet.a" \
    $(pkg-config --static --libs-only-l bitnet | sed 's/-lbitnet //')
"$prefix/gemv-static"

# DESTDIR stages the files under another root while the .pc keeps the real prefix
$make -s install DESTDIR="$stage" PREFIX=/opt/bitnet >/dev/null
for f in include/bitnet.h lib/libbitnet.a lib/libbitnet.so lib/pkgconfig/bitnet.pc; do
    [ -e "$stage/opt/bitnet/$f" ] || { echo "install-test: DESTDIR install lacks $f" >&2; exit 1; }
done
grep -qx 'prefix=/opt/bitnet' "$stage/opt/bitnet/lib/pkgconfig/bitnet.pc" ||
    { echo "install-test: bitnet.pc does not name the prefix /opt/bitnet" >&2; exit 1; }
echo "install-test: ok (shared and static builds of docs/examples/gemv.c, DESTDIR staging)"
