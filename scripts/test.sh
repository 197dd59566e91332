#!/usr/bin/env bash
# Quick start, second command: installs what is missing (scripts/setup.sh), then runs the whole
# test suite: formatting, clippy with warnings as errors, and every crate's tests.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
bash scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
