#!/usr/bin/env bash
# Compiles Kindling's CUDA kernels (src/main/cuda/*.cu) to PTX and writes them as resources of the
# CUDA backend (src/main/resources/dev/kindling/backend/cuda/NAME.ptx), which are committed: the jar
# needs no CUDA toolkit, only the NVIDIA driver, which JIT-compiles the PTX for the GPU at hand.
#
# Target: virtual architecture compute_75 (Turing and every later GPU; CUDA 13 dropped older ones)
# and PTX ISA 7.0, which every CUDA 12 and CUDA 13 driver loads (a CUDA 12.0 driver reads ISA up
# to 8.0). nvcc writes its own, newer ISA number; the kernels use nothing newer than 7.0, so the
# number is lowered, and ptxas then assembles every file for sm_75 and sm_90 to prove that the PTX is
# valid at that ISA level.
#
# Each PTX starts with the SHA-256 of kindling.cuh followed by its .cu file and the nvcc version;
# PtxResourcesTest fails when a .cu changed without recompiling, and (where nvcc exists) compares a
# fresh compilation with the committed file.
#
# Usage: src/main/cuda/compile-ptx.sh [output-dir]     (NVCC and PTXAS may name the tools)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:-$root/src/main/resources/dev/kindling/backend/cuda}

ARCH=compute_75
PTX_ISA=7.0
CHECK_SMS="sm_75 sm_90"

find_tool() {  # $1: tool name; prints its path or fails
    local t
    t=$(command -v "$1" 2>/dev/null || true)
    if [[ -z $t ]]; then t=$(ls /usr/local/cuda*/bin/"$1" 2>/dev/null | sort -V | tail -1 || true); fi
    [[ -n $t ]] || { echo "compile-ptx: $1 not found (install the CUDA toolkit or set ${1^^})" >&2; exit 2; }
    echo "$t"
}
NVCC=${NVCC:-$(find_tool nvcc)}
PTXAS=${PTXAS:-$(find_tool ptxas)}
nvcc_version=$("$NVCC" --version | grep -o 'release [0-9.]*, V[0-9.]*' | head -1)

mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for cu in "$here"/*.cu; do
    name=$(basename "$cu" .cu)
    "$NVCC" -ptx -arch="$ARCH" -O3 -std=c++17 -I"$here" -o "$tmp/$name.raw" "$cu"
    hash=$(cat "$here/kindling.cuh" "$cu" | sha256sum | cut -d' ' -f1)
    {
        echo "// Generated from src/main/cuda/$name.cu by src/main/cuda/compile-ptx.sh: do not edit."
        echo "// kindling-source-sha256: $hash"
        echo "// kindling-nvcc: $nvcc_version"
        sed -e '/^[[:space:]]*\/\//d' -e '/^[[:space:]]*$/d' -e "s/^\.version .*/.version $PTX_ISA/" "$tmp/$name.raw"
    } > "$tmp/$name.ptx"
    for sm in $CHECK_SMS; do
        "$PTXAS" -arch="$sm" -o /dev/null "$tmp/$name.ptx" || {
            echo "compile-ptx: ptxas rejected $name.ptx for $sm at PTX ISA $PTX_ISA" >&2
            exit 1
        }
    done
    cp "$tmp/$name.ptx" "$out/$name.ptx"
    echo "compile-ptx: $name.ptx ($(wc -c < "$out/$name.ptx") bytes, checked with ptxas for $CHECK_SMS)"
done
