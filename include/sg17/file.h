/*
 * sg17/file.h - small, careful file helpers shared by every module:
 * crash-safe atomic replacement (write temp, fsync, rename, fsync dir) and
 * capped whole-file reads.
 */
#ifndef SG17_FILE_H
#define SG17_FILE_H

#include <sys/types.h>

#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Hard upper bound for sg17_file_read (1 GiB), whatever max_len says. */
#define SG17_FILE_READ_HARD_MAX ((size_t)1 << 30)

/**
 * Atomically replace (or create) the file at path with data[0..len).
 *
 * Writes a fresh temporary file in the same directory (created with the
 * given permission bits, e.g. 0600 for secrets, and fchmod'ed to exactly
 * that mode), fsyncs it, renames it over path and fsyncs the directory.
 * After a crash at any point, path holds either the complete old content
 * or the complete new content, never a mixture; once this returns 0 the new
 * content is durable. A crash may leave a stray temporary named
 * ".<name>.tmp.XXXXXX" beside path; it is never read back by anyone.
 * A symlink at path is replaced, not followed.
 *
 * @return 0, SG17_E_INVAL (NULL path / data with len > 0), SG17_E_IO.
 */
SG17_API SG17_MUST_CHECK int sg17_file_write_atomic(const char *path, const void *data, size_t len,
                                                    mode_t mode);

/**
 * Read the whole regular file at path into a malloc'd buffer (*buf, *len).
 * The buffer has one extra NUL byte after the content (not counted in *len)
 * so text can be parsed in place. Refuses files larger than max_len (and
 * larger than SG17_FILE_READ_HARD_MAX) with SG17_E_LIMIT, non-regular files
 * with SG17_E_FORMAT. On error *buf is NULL and *len is 0.
 *
 * @return 0, SG17_E_INVAL, SG17_E_NOTFOUND (no such file), SG17_E_IO,
 *         SG17_E_LIMIT, SG17_E_FORMAT, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_file_read(const char *path, uint8_t **buf, size_t *len,
                                            size_t max_len);

#ifdef __cplusplus
}
#endif
#endif /* SG17_FILE_H */
