#!/bin/sh
# The layer libraries (docs/ARCHITECTURE.md, "Layers and what each may
# include") find headers only through include/ and src/layers/<layer>/, so a
# wrong "http/x.h" in core does not compile. A quoted include that climbs
# ("../http/x.h") or is absolute goes around that: the including file's own
# directory is searched first. This test lists every such line and fails.
set -u
root=${1:?usage: check_layer_includes.sh SOURCE_ROOT}
hits=$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(([^"]*/)?\.\./|/)' \
  --include='*.h' --include='*.cc' --include='*.inc' \
  "$root/src" "$root/include")
if [ -n "$hits" ]; then
  echo "includes that bypass the layer include roots (spell them" >&2
  echo "\"parse/x.h\", \"collectors/x.h\", \"http/x.h\", ... instead):" >&2
  echo "$hits" >&2
  exit 1
fi
echo "no quoted include climbs out of its directory"
