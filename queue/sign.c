/*
 * Ed25519 keys with libcrypto: making, storing and reading the database's
 * key pair, signing and checking the audit chain's heads, and deriving the
 * redaction HMAC key from it.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>

#include "queue.h"
#include "sign.h"
#include "xmalloc.h"

/*
 * What is signed: a fixed label, the first and last events a transaction
 * wrote, and the chain hash at the last.
 */
#define SIGN_LABEL "hitl audit events v1\n"

/* Key files are small; anything larger is not one of ours. */
#define SIGN_FILE_MAX 16384

struct sign_key {
	EVP_PKEY	*pkey;
	int		 private;
	char		 id[SIGN_ID_LEN + 1];
};

static const char *
sign_ssl_error(void)
{
	static char	buf[256];
	unsigned long	e = ERR_get_error();

	if (e == 0)
		return ("unknown error");
	ERR_error_string_n(e, buf, sizeof buf);
	ERR_clear_error();
	return (buf);
}

static int
sign_key_wrap(EVP_PKEY *pkey, int private, struct sign_key **out,
    char **cause)
{
	struct sign_key	*k;
	unsigned char	 raw[64], md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	size_t		 len = sizeof raw;

	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_ED25519) {
		xasprintf(cause, "not an Ed25519 key");
		EVP_PKEY_free(pkey);
		return (EX_DATAERR);
	}
	if (EVP_PKEY_get_raw_public_key(pkey, raw, &len) != 1 ||
	    EVP_Digest(raw, len, md, &mdlen, EVP_sha256(), NULL) != 1) {
		xasprintf(cause, "cannot read the public key: %s",
		    sign_ssl_error());
		EVP_PKEY_free(pkey);
		return (EX_SOFTWARE);
	}
	k = xcalloc(1, sizeof *k);
	k->pkey = pkey;
	k->private = private;
	queue_hex(md, SIGN_ID_LEN / 2, k->id);
	*out = k;
	return (0);
}

int
sign_key_create(const char *path, mode_t mode, struct sign_key **out,
    char **cause)
{
	EVP_PKEY	*pkey;
	BIO		*bio = NULL;
	char		*tmp = NULL, *pem;
	long		 len;
	int		 fd = -1, rc, error;

	*out = NULL;
	if ((pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL) {
		xasprintf(cause, "cannot make a signing key: %s",
		    sign_ssl_error());
		return (EX_SOFTWARE);
	}
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL,
	    NULL) != 1) {
		xasprintf(cause, "cannot encode the signing key: %s",
		    sign_ssl_error());
		rc = EX_SOFTWARE;
		goto fail;
	}
	len = BIO_get_mem_data(bio, &pem);
	/*
	 * Written under a private name and linked into place, so the key
	 * file is never seen half written, and never replaces another one.
	 */
	xasprintf(&tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		error = errno;
		xasprintf(cause, "cannot create the signing key %s: %s", path,
		    strerror(error));
		free(tmp);
		tmp = NULL;
		rc = error == ENOSPC ? EX_IOERR : EX_CANTCREAT;
		goto fail;
	}
	if (fchmod(fd, mode) != 0 || write(fd, pem, (size_t)len) != len ||
	    fsync(fd) != 0) {
		error = errno;
		xasprintf(cause, "cannot write the signing key %s: %s", path,
		    strerror(error));
		rc = error == ENOSPC ? EX_IOERR : EX_CANTCREAT;
		goto fail;
	}
	close(fd);
	fd = -1;
	if (link(tmp, path) != 0) {
		error = errno;
		xasprintf(cause, "cannot create the signing key %s: %s", path,
		    strerror(error));
		rc = EX_CANTCREAT;
		goto fail;
	}
	unlink(tmp);
	free(tmp);
	BIO_free(bio);
	return (sign_key_wrap(pkey, 1, out, cause));

fail:
	if (fd != -1)
		close(fd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	return (rc);
}

int
sign_key_load(const char *path, struct sign_key **out, char **cause)
{
	EVP_PKEY	*pkey = NULL;
	BIO		*bio;
	char		 buf[SIGN_FILE_MAX];
	ssize_t		 n;
	int		 fd, error;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		error = errno;
		xasprintf(cause, "cannot read the signing key %s: %s", path,
		    strerror(error));
		return (error == ENOENT ? EX_NOINPUT : EX_NOPERM);
	}
	n = read(fd, buf, sizeof buf);
	error = errno;
	close(fd);
	if (n < 0 || n == (ssize_t)sizeof buf) {
		xasprintf(cause, "cannot read the signing key %s: %s", path,
		    n < 0 ? strerror(error) : "too large to be a key");
		return (EX_DATAERR);
	}
	if ((bio = BIO_new_mem_buf(buf, (int)n)) != NULL)
		pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	OPENSSL_cleanse(buf, sizeof buf);
	if (pkey == NULL) {
		xasprintf(cause, "%s is not a signing key (PEM, Ed25519): %s",
		    path, sign_ssl_error());
		return (EX_DATAERR);
	}
	return (sign_key_wrap(pkey, 1, out, cause));
}

int
sign_key_copy(const char *from, const char *to, mode_t mode, char **cause)
{
	struct sign_key	*k = NULL;
	char		 buf[SIGN_FILE_MAX], *tmp = NULL;
	ssize_t		 n;
	int		 fd, out = -1, rc, error;

	/* Only a key goes over: read it as one first. */
	if ((rc = sign_key_load(from, &k, cause)) != 0)
		return (rc);
	sign_key_free(k);
	if ((fd = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1 ||
	    (n = read(fd, buf, sizeof buf)) <= 0) {
		error = errno;
		if (fd != -1)
			close(fd);
		xasprintf(cause, "cannot read the signing key %s: %s", from,
		    strerror(error));
		return (EX_NOINPUT);
	}
	close(fd);
	xasprintf(&tmp, "%s.XXXXXX", to);
	rc = EX_CANTCREAT;
	if ((out = mkstemp(tmp)) == -1 || fchmod(out, mode) != 0 ||
	    write(out, buf, (size_t)n) != n || fsync(out) != 0 ||
	    rename(tmp, to) != 0) {
		error = errno;
		xasprintf(cause, "cannot write the signing key %s: %s", to,
		    strerror(error));
		if (out != -1)
			unlink(tmp);
	} else
		rc = 0;
	if (out != -1)
		close(out);
	OPENSSL_cleanse(buf, sizeof buf);
	free(tmp);
	return (rc);
}

int
sign_key_from_pem(const char *pem, size_t len, struct sign_key **out,
    char **cause)
{
	EVP_PKEY	*pkey = NULL;
	BIO		*bio;
	int		 private = 0;

	*out = NULL;
	if (len > SIGN_FILE_MAX) {
		xasprintf(cause, "too large to be a key");
		return (EX_DATAERR);
	}
	if ((bio = BIO_new_mem_buf(pem, (int)len)) != NULL)
		pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	if (pkey == NULL && bio != NULL) {
		ERR_clear_error();
		BIO_reset(bio);
		if ((pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL,
		    NULL)) != NULL)
			private = 1;
	}
	BIO_free(bio);
	if (pkey == NULL) {
		xasprintf(cause, "not a PEM Ed25519 key: %s",
		    sign_ssl_error());
		return (EX_DATAERR);
	}
	return (sign_key_wrap(pkey, private, out, cause));
}

void
sign_key_free(struct sign_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

int
sign_key_is_private(const struct sign_key *k)
{
	return (k->private);
}

const char *
sign_key_id(const struct sign_key *k)
{
	return (k->id);
}

char *
sign_key_public_pem(const struct sign_key *k)
{
	BIO	*bio;
	char	*data, *out = NULL;
	long	 len;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return (NULL);
	if (PEM_write_bio_PUBKEY(bio, k->pkey) == 1) {
		len = BIO_get_mem_data(bio, &data);
		out = xmalloc((size_t)len + 1);
		memcpy(out, data, (size_t)len);
		out[len] = '\0';
	}
	BIO_free(bio);
	return (out);
}

static char *
sign_message(int64_t first, int64_t seq, const char *hash, size_t *len)
{
	char *msg;

	*len = (size_t)xasprintf(&msg, "%s%lld\n%lld\n%s", SIGN_LABEL,
	    (long long)first, (long long)seq, hash);
	return (msg);
}

int
sign_head(const struct sign_key *k, int64_t first, int64_t seq,
    const char *hash, char sig[SIGN_HEX_LEN + 1], char **cause)
{
	unsigned char	 raw[SIGN_HEX_LEN / 2];
	size_t		 rawlen = sizeof raw, len;
	EVP_MD_CTX	*ctx;
	char		*msg;
	int		 ok;

	if (!k->private) {
		xasprintf(cause, "internal error: signing with a public key");
		return (EX_SOFTWARE);
	}
	msg = sign_message(first, seq, hash, &len);
	ok = (ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
	    EVP_DigestSign(ctx, raw, &rawlen, (unsigned char *)msg,
	    len) == 1 && rawlen == sizeof raw;
	EVP_MD_CTX_free(ctx);
	free(msg);
	if (!ok) {
		xasprintf(cause, "cannot sign the audit log: %s",
		    sign_ssl_error());
		return (EX_SOFTWARE);
	}
	queue_hex(raw, sizeof raw, sig);
	return (0);
}

static int
sign_unhex(const char *hex, unsigned char *out, size_t n)
{
	size_t	i;
	int	hi, lo;

	if (strlen(hex) != 2 * n)
		return (-1);
	for (i = 0; i < n; i++) {
		hi = hex[2 * i];
		lo = hex[2 * i + 1];
		hi = hi >= '0' && hi <= '9' ? hi - '0' :
		    hi >= 'a' && hi <= 'f' ? hi - 'a' + 10 : -1;
		lo = lo >= '0' && lo <= '9' ? lo - '0' :
		    lo >= 'a' && lo <= 'f' ? lo - 'a' + 10 : -1;
		if (hi < 0 || lo < 0)
			return (-1);
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return (0);
}

int
sign_check(const struct sign_key *k, int64_t first, int64_t seq,
    const char *hash, const char *sig)
{
	unsigned char	 raw[SIGN_HEX_LEN / 2];
	EVP_MD_CTX	*ctx;
	char		*msg;
	size_t		 len;
	int		 ok;

	if (sig == NULL || hash == NULL ||
	    sign_unhex(sig, raw, sizeof raw) != 0)
		return (0);
	msg = sign_message(first, seq, hash, &len);
	ok = (ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
	    EVP_DigestVerify(ctx, raw, sizeof raw, (unsigned char *)msg,
	    len) == 1;
	EVP_MD_CTX_free(ctx);
	free(msg);
	ERR_clear_error();
	return (ok);
}

int
sign_redaction_key(const struct sign_key *k, unsigned char out[32],
    char **cause)
{
	static const char	 info[] = "hitl redaction v1";
	unsigned char		 seed[64];
	size_t			 len = sizeof seed;
	EVP_KDF			*kdf = NULL;
	EVP_KDF_CTX		*kctx = NULL;
	OSSL_PARAM		 params[4];
	int			 ok;

	if (!k->private || EVP_PKEY_get_raw_private_key(k->pkey, seed,
	    &len) != 1) {
		xasprintf(cause, "hash redaction needs the database's signing "
		    "key, which cannot be read");
		return (EX_NOPERM);
	}
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    seed, len);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    (char *)info, sizeof info - 1);
	params[3] = OSSL_PARAM_construct_end();
	ok = (kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) != NULL &&
	    (kctx = EVP_KDF_CTX_new(kdf)) != NULL &&
	    EVP_KDF_derive(kctx, out, 32, params) == 1;
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	OPENSSL_cleanse(seed, sizeof seed);
	if (!ok) {
		xasprintf(cause, "cannot derive the redaction key: %s",
		    sign_ssl_error());
		return (EX_SOFTWARE);
	}
	return (0);
}
