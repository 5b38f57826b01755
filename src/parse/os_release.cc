#include "parse/os_release.h"

#include <cstdint>

namespace host_exporter::parse {
namespace {

bool IsKeyStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool IsKeyChar(char c) {
  return IsKeyStart(c) || (c >= '0' && c <= '9') || c == '.' || c == '/';
}

// Reads four hex digits at s[pos..pos+3] into *out.
bool ReadHex4(std::string_view s, size_t pos, uint32_t* out) {
  if (pos + 4 > s.size()) return false;
  uint32_t v = 0;
  for (size_t i = pos; i < pos + 4; ++i) {
    int d = HexDigit(s[i]);
    if (d < 0) return false;
    v = v * 16 + static_cast<uint32_t>(d);
  }
  *out = v;
  return true;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes the value part of one line; returns "" on success or the reason.
std::string DecodeValue(std::string_view value, std::string* out) {
  enum Mode { kNormal, kDouble, kSingle, kEscape } mode = kNormal;
  // Length of the value up to its last significant (non-blank or quoted)
  // character, so that blanks before a trailing comment are dropped.
  size_t last_sig = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (c < 32) {
      static const char kHex[] = "0123456789abcdef";
      return std::string("0x") + kHex[c >> 4] + kHex[c & 15] +
             " is an invalid value character";
    }
    if (c > 127) {  // part of a multibyte character: always literal
      if (mode == kEscape) {
        return "multibyte characters disallowed in escape sequences";
      }
      out->push_back(static_cast<char>(c));
      last_sig = out->size();
      continue;
    }
    switch (mode) {
      case kNormal:
        if (c == '"') {
          mode = kDouble;
        } else if (c == '\'') {
          mode = kSingle;
        } else if (c == '#') {
          out->resize(last_sig);
          return "";
        } else {
          out->push_back(static_cast<char>(c));
          if (c != ' ' && c != '\t') last_sig = out->size();
        }
        break;
      case kDouble:
        if (c == '"') {
          mode = kNormal;
        } else if (c == '\\') {
          mode = kEscape;
        } else {
          out->push_back(static_cast<char>(c));
          last_sig = out->size();
        }
        break;
      case kSingle:
        if (c == '\'') {
          mode = kNormal;
        } else {
          out->push_back(static_cast<char>(c));
          last_sig = out->size();
        }
        break;
      case kEscape:
        switch (c) {
          case '"':
          case '\\':
          case '/':
            out->push_back(static_cast<char>(c));
            break;
          case 'b':
            out->push_back('\b');
            break;
          case 'f':
            out->push_back('\f');
            break;
          case 'r':
            out->push_back('\r');
            break;
          case 'n':
            out->push_back('\n');
            break;
          case 't':
            out->push_back('\t');
            break;
          case 'u': {
            uint32_t cp = 0;
            if (!ReadHex4(value, i + 1, &cp)) return "bad \\u escape";
            i += 4;
            if (cp >= 0xD800 && cp < 0xE000) {  // UTF-16 surrogate pair
              uint32_t lo = 0;
              if (i + 2 >= value.size() || value[i + 1] != '\\' ||
                  value[i + 2] != 'u') {
                return "incomplete Unicode surrogate pair";
              }
              if (!ReadHex4(value, i + 3, &lo)) return "bad \\u escape";
              i += 6;
              // An invalid pair decodes to U+FFFD, as Go's utf16.DecodeRune.
              const bool valid = cp < 0xDC00 && lo >= 0xDC00 && lo < 0xE000;
              cp = valid ? 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
                         : 0xFFFD;
            }
            AppendUtf8(cp, out);
            break;
          }
          default:
            return std::string("invalid escape sequence: \\") +
                   static_cast<char>(c);
        }
        last_sig = out->size();
        mode = kDouble;
        break;
    }
  }
  switch (mode) {
    case kNormal:
      return "";
    case kDouble:
      return "unmatched \"";
    case kSingle:
      return "unmatched '";
    case kEscape:
      return "incomplete escape sequence";
  }
  return "";
}

}  // namespace

Result<EnvFile> ParseEnvFile(std::string_view text) {
  Result<EnvFile> r;
  const auto lines = SplitLines(text);
  for (size_t n = 0; n < lines.size(); ++n) {
    std::string_view line = Trim(lines[n]);
    if (line.empty() || line.front() == '#') continue;
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return Result<EnvFile>::Fail(LineError(n, "missing '='"));
    }
    std::string_view key = Trim(line.substr(0, eq));
    const std::string_view value = Trim(line.substr(eq + 1));
    constexpr std::string_view kExport = "export ";
    if (key.size() > kExport.size() &&
        key.substr(0, kExport.size()) == kExport) {
      key.remove_prefix(kExport.size());
    }
    if (key.empty()) return Result<EnvFile>::Fail(LineError(n, "empty key"));
    if (!IsKeyStart(key.front())) {
      return Result<EnvFile>::Fail(LineError(
          n, "key must start with [A-Za-z_]: '" + std::string(key) + "'"));
    }
    for (char c : key.substr(1)) {
      if (!IsKeyChar(c)) {
        return Result<EnvFile>::Fail(
            LineError(n, "key characters must be [A-Za-z0-9/_.]: '" +
                             std::string(key) + "'"));
      }
    }
    std::string decoded;
    std::string why = DecodeValue(value, &decoded);
    if (!why.empty()) return Result<EnvFile>::Fail(LineError(n, why));
    r.value[std::string(key)] = std::move(decoded);
  }
  return r;
}

double OsVersionNumber(std::string_view version_id) {
  // The leading match of ^[0-9]+\.?[0-9]*
  size_t i = 0;
  while (i < version_id.size() && version_id[i] >= '0' && version_id[i] <= '9')
    ++i;
  if (i == 0) return 0;
  if (i < version_id.size() && version_id[i] == '.') {
    ++i;
    while (i < version_id.size() && version_id[i] >= '0' &&
           version_id[i] <= '9') {
      ++i;
    }
  }
  std::string_view head = version_id.substr(0, i);
  if (head.back() == '.') head.remove_suffix(1);
  auto v = ParseDouble(head);
  return v ? *v : 0;
}

}  // namespace host_exporter::parse
