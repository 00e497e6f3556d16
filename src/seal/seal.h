/*
 * seal: personal fields sealed at rest (issue 14, item 4). Victims' names, addresses and notes
 * and reporters' and contacts' identities are kept in the database as sealed text, so a copy
 * of the database file, its WAL or a backup holds no names. Pure: no SQL, no HTTP; libsodium.
 *
 * Sealed text: "s1:<key id>:<base64url of nonce || ciphertext>", XChaCha20-Poly1305 (IETF)
 * with a random 24-byte nonce per value. The associated data is "s1:<key id>:<field>", where
 * field names the column ("case_victims.name"): a value moved to another column, or given
 * another key id, does not open.
 *
 * Key ring: one or more 32-byte keys, each known by its id, the first 16 hex digits of a
 * BLAKE2b hash of the key (a fingerprint: it says nothing of the key). The first key seals;
 * every key opens, so a rotation can add a new key in front, re-seal, then drop the old one,
 * and a crash at any step leaves every value openable.
 *
 * Key file: text, mode 0600, written to a temporary file, fsync'd and linked into place (an
 * existing file is never replaced unless the caller says so):
 *     # comment lines
 *     waspada-key 1
 *     key <id> <base64 of the 32-byte key>
 *     key <id> <base64 ...>             (older keys, during a rotation)
 *
 * Ownership: a keyring is allocated by seal_keyring_* and freed with seal_keyring_free,
 * which wipes the key bytes (kept in locked memory where the system allows). Sealed and
 * opened text is malloc'd and freed by the caller (opened text with seal_wipe_free). A keyring
 * is read-only once built: several threads may seal and open with it at once.
 *
 * Errors: 0 or a negative WSP_E* code with err filled; messages name the file or field,
 * never a key or a plaintext. Reading a key file: WSP_ENOTFOUND when it does not exist,
 * WSP_EPERM when group or others may read it, WSP_EINVAL for a bad format, WSP_EIO for other
 * I/O. Opening: WSP_EPERM when no key of the ring has the value's key id, WSP_EINVAL when the
 * text is not sealed text or does not open (altered, another field's, another key's).
 */
#ifndef WSP_SEAL_H
#define WSP_SEAL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/base.h"

#define SEAL_KEY_BYTES 32
#define SEAL_ID_LEN 16 /* hex digits of a key id */
#define SEAL_PREFIX "s1:"

struct seal_keyring; /* opaque */

/* A ring of one new random key. */
int seal_keyring_generate(struct seal_keyring **out, struct error *err);
/* Read a key file. */
int seal_keyring_read(struct seal_keyring **out, const char *path, struct error *err);
/* Write the ring to path (mode 0600; temporary file, fsync, then into place, and the
 * directory fsync'd). replace false: WSP_EEXIST when path exists, which is left as it was. */
int seal_keyring_write(const struct seal_keyring *kr, const char *path, bool replace,
                       struct error *err);
void seal_keyring_free(struct seal_keyring *kr); /* NULL-safe; wipes the keys */

/* Put a new random key in front (it seals from now on); the others stay to open. */
int seal_keyring_add_new(struct seal_keyring *kr, struct error *err);
/* Keep only the first key. */
void seal_keyring_keep_first(struct seal_keyring *kr);
size_t seal_keyring_count(const struct seal_keyring *kr);
/* The id of key i (0 = the sealing key): SEAL_ID_LEN hex digits, owned by the ring. */
const char *seal_keyring_id(const struct seal_keyring *kr, size_t i);
/* Whether the ring has a key with this id. */
bool seal_keyring_has(const struct seal_keyring *kr, const char *id);

/* Seal len bytes of plain for field under the first key; *out is malloc'd sealed text. */
int seal_text(const struct seal_keyring *kr, const char *field, const char *plain, size_t len,
              char **out, struct error *err);
/* The most bytes text can open to (0 when it is not sealed text): size out for seal_open. */
size_t seal_open_max(const char *text);
/* Open sealed text of field into out (outsz >= seal_open_max(text) + 1), NUL-terminated;
 * *len (may be NULL) gets its length. On failure out holds "". */
int seal_open(const struct seal_keyring *kr, const char *field, const char *text, char *out,
              size_t outsz, size_t *len, struct error *err);
/* Whether text has the form of sealed text (prefix and key id); it may still not open. */
bool seal_is_sealed(const char *text);
/* The key id of sealed text copied into id (SEAL_ID_LEN + 1 bytes); false when not sealed. */
bool seal_text_key_id(const char *text, char id[SEAL_ID_LEN + 1]);
/* Wipe and free opened text. NULL-safe. */
void seal_wipe_free(char *p, size_t n);

#endif
