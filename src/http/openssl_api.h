// OpenSSL (libssl.so.3 and libcrypto.so.3), loaded with dlopen() when the
// web config first needs it (TLS, basic auth) instead of linked: linked,
// the two libraries are mapped and relocated in every exporter, about
// 1.7 MB of resident memory in the many that serve plain HTTP. CivetWeb
// loads the same libraries itself for its TLS connections (built without
// NO_SSL_DL, subprojects/civetweb/meson.build).
#ifndef HOST_EXPORTER_HTTP_OPENSSL_API_H_
#define HOST_EXPORTER_HTTP_OPENSSL_API_H_

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <string>

namespace host_exporter::http {

/// The OpenSSL functions host_exporter calls itself, by their C names
/// (OpenSSL's macros such as SSL_CTX_set_mode() and sk_X509_push() are
/// spelled out through the functions they expand to).
struct OpenSslApi {
  // libcrypto
  decltype(&::ERR_get_error) ERR_get_error;
  decltype(&::ERR_error_string_n) ERR_error_string_n;
  decltype(&::ERR_clear_error) ERR_clear_error;
  decltype(&::PEM_read_X509) PEM_read_X509;
  decltype(&::PEM_read_PrivateKey) PEM_read_PrivateKey;
  decltype(&::X509_free) X509_free;
  decltype(&::X509_check_private_key) X509_check_private_key;
  decltype(&::EVP_PKEY_free) EVP_PKEY_free;
  decltype(&::EVP_Digest) EVP_Digest;
  decltype(&::EVP_sha256) EVP_sha256;
  decltype(&::CRYPTO_memcmp) CRYPTO_memcmp;
  decltype(&::OPENSSL_sk_new_null) OPENSSL_sk_new_null;
  decltype(&::OPENSSL_sk_push) OPENSSL_sk_push;
  decltype(&::OPENSSL_sk_pop_free) OPENSSL_sk_pop_free;
  decltype(&::OPENSSL_sk_num) OPENSSL_sk_num;
  decltype(&::OPENSSL_sk_value) OPENSSL_sk_value;
  // libssl
  decltype(&::SSL_CTX_ctrl) SSL_CTX_ctrl;
  decltype(&::SSL_ctrl) SSL_ctrl;
  decltype(&::SSL_CTX_set_options) SSL_CTX_set_options;
  decltype(&::SSL_CTX_clear_options) SSL_CTX_clear_options;
  decltype(&::SSL_CTX_get_ciphers) SSL_CTX_get_ciphers;
  decltype(&::SSL_CTX_set_cipher_list) SSL_CTX_set_cipher_list;
  decltype(&::SSL_CTX_load_verify_locations) SSL_CTX_load_verify_locations;
  decltype(&::SSL_CTX_set_client_CA_list) SSL_CTX_set_client_CA_list;
  decltype(&::SSL_load_client_CA_file) SSL_load_client_CA_file;
  decltype(&::SSL_CTX_set_verify) SSL_CTX_set_verify;
  decltype(&::SSL_CTX_set_cert_cb) SSL_CTX_set_cert_cb;
  decltype(&::SSL_CIPHER_standard_name) SSL_CIPHER_standard_name;
  decltype(&::SSL_CIPHER_get_name) SSL_CIPHER_get_name;
  decltype(&::SSL_use_certificate) SSL_use_certificate;
  decltype(&::SSL_use_PrivateKey) SSL_use_PrivateKey;
  decltype(&::SSL_new) SSL_new;
  decltype(&::SSL_set_fd) SSL_set_fd;
  decltype(&::SSL_accept) SSL_accept;
  decltype(&::SSL_read) SSL_read;
  decltype(&::SSL_write) SSL_write;
  decltype(&::SSL_shutdown) SSL_shutdown;
  decltype(&::SSL_get_error) SSL_get_error;
};

/// OpenSSL, loaded on the first call (thread-safe); null if it cannot be
/// loaded, with the reason in *error if given.
const OpenSslApi* OpenSsl(std::string* error = nullptr);

/// Whether OpenSSL is loaded by OpenSsl() in this process.
bool OpenSslLoaded();

}  // namespace host_exporter::http

#endif  // HOST_EXPORTER_HTTP_OPENSSL_API_H_
