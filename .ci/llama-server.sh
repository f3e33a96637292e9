#!/usr/bin/env bash
# llama.cpp's OpenAI-compatible server (`llama-server`) for the provider-parity test (tests/agents/llama-server.test.ts),
# built from the llama.cpp sources vendored in the llama-cpp-python source package on PyPI, with Debian's compilers.
# A generic build (GGML_NATIVE=OFF): a native one died with SIGILL on machines other than the one that built it.
# Cached: built once into ${LINGUACODUS_HOME:-~/.linguacodus}/llama.cpp/bin/llama-server (about 20–30 minutes on 2
# busy cores, nice'd; the step's line says how long it took).
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh

LLAMA_CPP_PYTHON_VERSION="0.3.16"

llama_server() {
  local home="${LINGUACODUS_HOME:-$HOME/.linguacodus}"
  local bin="$home/llama.cpp/bin/llama-server"
  if [[ -x "$bin" ]] && "$bin" --version >/dev/null 2>&1; then
    step_note "cached"
    return 0
  fi
  local src="$home/cache/llama-cpp-src"
  local tree="$src/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION"
  local started=$SECONDS
  mkdir -p "$src" "$(dirname "$bin")"
  if [[ ! -f "$tree/vendor/llama.cpp/CMakeLists.txt" ]]; then
    python3 -m pip download --disable-pip-version-check --no-input --no-deps --no-binary :all: \
      "llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION" -d "$src"
    tar xzf "$src/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION.tar.gz" -C "$src"
  fi
  cmake -S "$tree/vendor/llama.cpp" -B "$tree/build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=OFF -DBUILD_SHARED_LIBS=OFF \
    -DLLAMA_CURL=OFF -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF
  nice -n 19 cmake --build "$tree/build" --target llama-server -j "$(nproc)"
  install -m 755 "$tree/build/bin/llama-server" "$bin.partial"
  mv -f "$bin.partial" "$bin"
  step_note "built in $((SECONDS - started)) s"
}

step "llama.cpp server" llama_server
