#!/bin/sh
# onnxruntime-node chores for the worker image, run against a `pnpm deploy` output folder.
#
#   onnxruntime.sh APP_DIR prune          keep only the native binaries of this platform
#   onnxruntime.sh APP_DIR install-cuda   fetch the CUDA 12 execution provider libraries
#   onnxruntime.sh APP_DIR check-cuda     fail unless every library the CUDA provider links
#                                         against resolves in this image (run on the CUDA base)
set -eu

app_dir=$1
action=$2

manifest=$(find "$app_dir/node_modules/.pnpm" -path '*/node_modules/onnxruntime-node/package.json' \
  | head -n 1)
if [ -z "$manifest" ]; then
  echo "onnxruntime-node is not installed under $app_dir" >&2
  exit 1
fi
ort_dir=$(dirname "$manifest")
case $(uname -m) in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) echo "unsupported architecture: $(uname -m)" >&2; exit 1 ;;
esac
bin_dir="$ort_dir/bin/napi-v6/linux/$arch"

prune() {
  # The package ships binaries for every OS and CPU (~250 MB that this image never loads).
  find "$ort_dir/bin/napi-v6" -mindepth 2 -maxdepth 2 -type d ! -path "$bin_dir" \
    -exec rm -rf {} +
  test -f "$bin_dir/onnxruntime_binding.node"
}

install_cuda() {
  if [ "$arch" != x64 ]; then
    echo "the CUDA provider exists for linux/x64 only; build with --platform linux/amd64" >&2
    exit 1
  fi
  # The package's own installer, which pnpm does not run (install scripts are off). It
  # downloads the provider libraries that match this onnxruntime version from NuGet.
  (cd "$ort_dir" && ONNXRUNTIME_NODE_INSTALL=cuda12 node script/install.js)
  test -f "$bin_dir/libonnxruntime_providers_cuda.so"
  test -f "$bin_dir/libonnxruntime_providers_shared.so"
}

check_cuda() {
  lib="$bin_dir/libonnxruntime_providers_cuda.so"
  test -f "$lib"
  if ! links=$(LD_LIBRARY_PATH="$bin_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ldd "$lib"); then
    echo "ldd cannot read $lib" >&2
    exit 1
  fi
  # libcuda.so.1 comes from the host driver, mounted by the NVIDIA container runtime.
  missing=$(printf '%s\n' "$links" | awk '/not found/ { print $1 }' | grep -v '^libcuda\.so' \
    || true)
  if [ -n "$missing" ]; then
    echo "the CUDA provider needs libraries this base image lacks:" $missing >&2
    exit 1
  fi
}

case $action in
  prune) prune ;;
  install-cuda) install_cuda ;;
  check-cuda) check_cuda ;;
  *) echo "unknown action: $action" >&2; exit 2 ;;
esac
