/*
 * Internal test hook for sg17_file_write_atomic: lets a test simulate a crash
 * between the steps of an atomic replacement. Not part of the public API.
 */
#ifndef SG17_FILE_INTERNAL_H
#define SG17_FILE_INTERNAL_H

/** Steps at which the hook is consulted, in order. */
enum sg17_file_step {
    SG17_FILE_STEP_TEMP_WRITTEN = 1, /* temp file written, not yet fsynced */
    SG17_FILE_STEP_TEMP_SYNCED = 2,  /* temp fsynced, not yet renamed */
    SG17_FILE_STEP_RENAMED = 3,      /* renamed over path, directory not yet fsynced */
};

/**
 * If set and it returns non-zero at a step, sg17_file_write_atomic stops
 * right there as if the process had died (no cleanup of the temp file) and
 * returns SG17_E_IO. Tests only; not thread-safe.
 */
extern int (*sg17_file_test_hook)(void *ctx, int step);
extern void *sg17_file_test_hook_ctx;

#endif
