/* Forced into civetweb.c (-include, meson.build): the OpenSSL functions our
 * patch (host_exporter.patch) calls that CivetWeb's table of dynamically
 * loaded functions (src/openssl_dl.inl) lacks, resolved by ssl_dl_extra.c
 * from the libssl that CivetWeb loaded. */
#ifndef HOST_EXPORTER_CIVETWEB_SSL_DL_EXTRA_H
#define HOST_EXPORTER_CIVETWEB_SSL_DL_EXTRA_H

struct ssl_st;
int host_exporter_ssl_peek(struct ssl_st *ssl, void *buf, int num);
#define SSL_peek host_exporter_ssl_peek

#endif
