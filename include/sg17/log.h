/*
 * sg17/log.h - one line per event on stderr:
 *   2026-11-26T23:59:59.123Z LEVEL component: message
 * The library itself never logs on bad input; programs do.
 */
#ifndef SG17_LOG_H
#define SG17_LOG_H

#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sg17_log_level {
    SG17_LOG_DEBUG = 0,
    SG17_LOG_INFO = 1,
    SG17_LOG_WARN = 2,
    SG17_LOG_ERROR = 3,
} sg17_log_level;

/** Set the minimum level written (default INFO). */
SG17_API void sg17_log_set_level(sg17_log_level level);

/** Write one line; newlines and control characters in the message are escaped. */
SG17_API void sg17_log(sg17_log_level level, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#ifdef __cplusplus
}
#endif
#endif
