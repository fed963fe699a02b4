#!/usr/bin/env bash
# Compiles Kindling's CUDA kernels for the host (src/test/cuda/emulation.h) with a C++20 compiler and
# runs the kernel checks of kernels_test.cpp. No GPU or CUDA toolkit needed. Usage, from the
# project root: src/test/cuda/run-kernel-tests.sh   (CXX may name the compiler; default g++)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"${CXX:-g++}" -std=c++20 -O1 -pthread -I"$root/src/main/cuda" -include "$here/emulation.h" "$here/kernels_test.cpp" -o "$out/kernels_test"
"$out/kernels_test"
