/* See ssl_dl_extra.h. */
#include "ssl_dl_extra.h"

#include <dlfcn.h>
#include <stddef.h>

int
host_exporter_ssl_peek(struct ssl_st *ssl, void *buf, int num)
{
	/* Called only on a TLS connection, so CivetWeb has loaded libssl:
	 * RTLD_NOLOAD finds it (the handle's reference is kept, once). */
	static void *sym; /* the same value from every thread that looks */
	void *p = __atomic_load_n(&sym, __ATOMIC_ACQUIRE);
	if (p == NULL) {
		void *h = dlopen(SSL_LIB, RTLD_NOW | RTLD_NOLOAD);
		if (h != NULL) {
			p = dlsym(h, "SSL_peek");
		}
		if (p == NULL) {
			return -1;
		}
		__atomic_store_n(&sym, p, __ATOMIC_RELEASE);
	}
	return ((int (*)(struct ssl_st *, void *, int))p)(ssl, buf, num);
}
