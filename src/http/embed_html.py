#!/usr/bin/env python3
"""Turns an HTML file into a C++ header: embed_html.py IN OUT NAME.

The header defines `inline constexpr std::string_view NAME`, the file's bytes
as a raw string literal, so the binary serves the page without reading files.
"""
import sys

src, dst, name = sys.argv[1:4]
with open(src, encoding="utf-8") as f:
    text = f.read()
delim = "HTML"
while ")" + delim + '"' in text:
    delim += "_"
guard = "HOST_EXPORTER_GENERATED_" + name.upper() + "_H_"
with open(dst, "w", encoding="utf-8") as f:
    f.write("// Generated from %s by embed_html.py; do not edit.\n" % src.rsplit("/", 1)[-1])
    f.write("#ifndef %s\n#define %s\n\n#include <string_view>\n\n" % (guard, guard))
    f.write("namespace host_exporter::http {\n\n")
    f.write("inline constexpr std::string_view %s = R\"%s(%s)%s\";\n\n" % (name, delim, text, delim))
    f.write("}  // namespace host_exporter::http\n\n#endif  // %s\n" % guard)
