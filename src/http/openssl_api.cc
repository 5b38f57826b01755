#include "http/openssl_api.h"

#include <atomic>
#include <mutex>

#include "parse/shared_library.h"

namespace host_exporter::http {
namespace {

std::atomic<bool> loaded{false};

}  // namespace

const OpenSslApi* OpenSsl(std::string* error) {
  static OpenSslApi api;
  static std::string failure;
  static bool ok = false;
  static std::once_flag once;
  std::call_once(once, [] {
    // OpenSSL 3's sonames; libssl's handle also finds libcrypto's symbols
    // (a dependency of libssl).
    SharedLibrary lib;
    if (!lib.Open("libssl.so.3")) {
      failure = lib.error();
      return;
    }
    lib.Get(&api.ERR_get_error, "ERR_get_error");
    lib.Get(&api.ERR_error_string_n, "ERR_error_string_n");
    lib.Get(&api.ERR_clear_error, "ERR_clear_error");
    lib.Get(&api.PEM_read_X509, "PEM_read_X509");
    lib.Get(&api.PEM_read_PrivateKey, "PEM_read_PrivateKey");
    lib.Get(&api.X509_free, "X509_free");
    lib.Get(&api.X509_check_private_key, "X509_check_private_key");
    lib.Get(&api.EVP_PKEY_free, "EVP_PKEY_free");
    lib.Get(&api.EVP_Digest, "EVP_Digest");
    lib.Get(&api.EVP_sha256, "EVP_sha256");
    lib.Get(&api.CRYPTO_memcmp, "CRYPTO_memcmp");
    lib.Get(&api.OPENSSL_sk_new_null, "OPENSSL_sk_new_null");
    lib.Get(&api.OPENSSL_sk_push, "OPENSSL_sk_push");
    lib.Get(&api.OPENSSL_sk_pop_free, "OPENSSL_sk_pop_free");
    lib.Get(&api.OPENSSL_sk_num, "OPENSSL_sk_num");
    lib.Get(&api.OPENSSL_sk_value, "OPENSSL_sk_value");
    lib.Get(&api.SSL_CTX_ctrl, "SSL_CTX_ctrl");
    lib.Get(&api.SSL_ctrl, "SSL_ctrl");
    lib.Get(&api.SSL_CTX_set_options, "SSL_CTX_set_options");
    lib.Get(&api.SSL_CTX_clear_options, "SSL_CTX_clear_options");
    lib.Get(&api.SSL_CTX_get_ciphers, "SSL_CTX_get_ciphers");
    lib.Get(&api.SSL_CTX_set_cipher_list, "SSL_CTX_set_cipher_list");
    lib.Get(&api.SSL_CTX_load_verify_locations,
            "SSL_CTX_load_verify_locations");
    lib.Get(&api.SSL_CTX_set_client_CA_list, "SSL_CTX_set_client_CA_list");
    lib.Get(&api.SSL_load_client_CA_file, "SSL_load_client_CA_file");
    lib.Get(&api.SSL_CTX_set_verify, "SSL_CTX_set_verify");
    lib.Get(&api.SSL_CTX_set_cert_cb, "SSL_CTX_set_cert_cb");
    lib.Get(&api.SSL_CIPHER_standard_name, "SSL_CIPHER_standard_name");
    lib.Get(&api.SSL_CIPHER_get_name, "SSL_CIPHER_get_name");
    lib.Get(&api.SSL_use_certificate, "SSL_use_certificate");
    lib.Get(&api.SSL_use_PrivateKey, "SSL_use_PrivateKey");
    lib.Get(&api.SSL_new, "SSL_new");
    lib.Get(&api.SSL_set_fd, "SSL_set_fd");
    lib.Get(&api.SSL_accept, "SSL_accept");
    lib.Get(&api.SSL_read, "SSL_read");
    lib.Get(&api.SSL_write, "SSL_write");
    lib.Get(&api.SSL_shutdown, "SSL_shutdown");
    lib.Get(&api.SSL_get_error, "SSL_get_error");
    if (!lib.ok()) {
      failure = lib.error();
      return;
    }
    ok = true;
    loaded = true;
  });
  if (!ok && error != nullptr) *error = failure;
  return ok ? &api : nullptr;
}

bool OpenSslLoaded() { return loaded.load(); }

}  // namespace host_exporter::http
