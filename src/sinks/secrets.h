// Secrets of the push sinks (passwords, tokens): inline in the config file,
// in a file of their own, or in an environment variable.
#ifndef HOST_EXPORTER_SINKS_SECRETS_H_
#define HOST_EXPORTER_SINKS_SECRETS_H_

#include <string>
#include <vector>

namespace host_exporter::sinks {

/// Where to look for one secret, in this order: inline value, file,
/// environment variable.
struct SecretSpec {
  std::string key;    ///< config key of the inline value ("database.password")
  std::string value;  ///< the inline value
  std::string file_key;  ///< config key of the file ("database.password_file")
  std::string file;      ///< path, or ""
  std::string env;       ///< environment variable consulted last
};

/// Resolves `spec` into *out ("" if none of the three is set). A file's
/// trailing line break is removed. A file that other users can read adds a
/// warning. False with *error naming the key and the file if it cannot be
/// read.
bool ResolveSecret(const SecretSpec& spec, std::string* out,
                   std::vector<std::string>* warnings, std::string* error);

/// "file <path> holding <what> is readable by other users (mode 0644) ..."
/// if the file's mode lets others read it, else "".
std::string OtherReadableWarning(const std::string& path,
                                 const std::string& what);

}  // namespace host_exporter::sinks

#endif  // HOST_EXPORTER_SINKS_SECRETS_H_
