#!/bin/sh
# Build MCX-CL (the OpenCL port of MCX, Yu et al. 2018, J Biomed Opt 23:010504) for the
# side-by-side voxel benchmarks, on Debian's PoCL CPU OpenCL driver.
#
#   benchmarks/setup_mcxcl.sh MIRROR [BUILD_DIR]
#
# MIRROR is a git directory of github.com/fangq/mcxcl (a mirror fetched for reading and
# benchmarking only; nothing of it is committed). BUILD_DIR defaults to
# build/mcxcl (git-ignored). Prints the path of the mcxcl binary on its last line.
set -eu
MIRROR=${1:?usage: setup_mcxcl.sh MIRROR [BUILD_DIR]}
BUILD=${2:-build/mcxcl}
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  dpkg -s pocl-opencl-icd ocl-icd-opencl-dev opencl-headers >/dev/null 2>&1 || \
    apt-get install -y -qq pocl-opencl-icd ocl-icd-opencl-dev opencl-headers >/dev/null
fi
mkdir -p "$BUILD"
if [ ! -x "$BUILD/bin/mcxcl" ]; then
  git --git-dir="$MIRROR" archive HEAD | tar -x -C "$BUILD"
  make -C "$BUILD/src" -j2 >"$BUILD/build.log" 2>&1 || { tail -30 "$BUILD/build.log"; exit 1; }
fi
echo "$(cd "$BUILD/bin" && pwd)/mcxcl"
