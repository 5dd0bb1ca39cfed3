/*
 * The database's signing key: an Ed25519 key pair in a file beside the
 * database (PATH.key), readable only by its owner, or by the shared
 * install's group. It signs the audit chain's head at the end of every write
 * transaction, so that a chain recomputed without it fails verification, and
 * it keys the HMAC of hash redaction, so that reviewers who can read the
 * database cannot recompute the hashes. Nothing outside queue/ includes this.
 */
#ifndef HITL_SIGN_H
#define HITL_SIGN_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#define SIGN_KEY_SUFFIX	".key"
#define SIGN_ID_LEN	16		/* hex digits of a key's id */
#define SIGN_HEX_LEN	128		/* hex digits of a signature */

struct sign_key;

/*
 * Makes a new key pair and writes it to path with mode (O_EXCL: never over
 * an existing file). EX_CANTCREAT if path exists.
 */
int		 sign_key_create(const char *path, mode_t mode,
		     struct sign_key **, char **cause);
/* Reads a private key; EX_NOINPUT if the file does not exist. */
int		 sign_key_load(const char *path, struct sign_key **,
		     char **cause);
/* Copies a key file (it must hold a key) to another path, with mode. */
int		 sign_key_copy(const char *from, const char *to, mode_t mode,
		     char **cause);
/* A public key (or the public half of a private one) from PEM text. */
int		 sign_key_from_pem(const char *pem, size_t len,
		     struct sign_key **, char **cause);
void		 sign_key_free(struct sign_key *);

int		 sign_key_is_private(const struct sign_key *);
/* The first 64 bits of SHA-256 of the raw public key, as hex. */
const char	*sign_key_id(const struct sign_key *);
/* The public key as PEM (SubjectPublicKeyInfo); the caller frees it. */
char		*sign_key_public_pem(const struct sign_key *);

/*
 * Signs the events first to seq that one transaction wrote, by the chain
 * hash at seq; sig gets SIGN_HEX_LEN hex digits.
 */
int		 sign_head(const struct sign_key *, int64_t first, int64_t seq,
		     const char *hash, char sig[SIGN_HEX_LEN + 1],
		     char **cause);
/* 1 if sig is this key's signature of events first to seq, else 0. */
int		 sign_check(const struct sign_key *, int64_t first, int64_t seq,
		     const char *hash, const char *sig);

/* The HMAC key of hash redaction, derived from the private key (HKDF). */
int		 sign_redaction_key(const struct sign_key *,
		     unsigned char out[32], char **cause);

#endif
