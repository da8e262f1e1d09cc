/*
 * sg17/pqc_acvp.h - run NIST ACVP vector files (internalProjection shape,
 * as published by the ACVP server) against sg17's implementations.
 */
#ifndef SG17_PQC_ACVP_H
#define SG17_PQC_ACVP_H

#include <stdio.h>

#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sg17_acvp_result {
    unsigned long passed;
    unsigned long failed;
    unsigned long skipped;
    FILE *log;            /**< where failure/skip details go (NULL: nowhere) */
    unsigned long logged; /**< number of detail lines written (capped) */
} sg17_acvp_result;

/**
 * Run one ACVP file. Counts are added to *r. Returns 0 when the file could be
 * processed (whatever the verdicts), SG17_E_FORMAT / SG17_E_IO when it could
 * not be read or is not an ACVP file, SG17_E_UNSUPPORTED when no handler
 * exists for its algorithm (every test is then counted skipped).
 */
SG17_API SG17_MUST_CHECK int sg17_pqc_acvp_file(const char *path, sg17_acvp_result *r);

#ifdef __cplusplus
}
#endif
#endif
