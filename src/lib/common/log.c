/* One-line-per-event logger on stderr (see sg17/log.h). */
#include "sg17/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static sg17_log_level min_level = SG17_LOG_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void sg17_log_set_level(sg17_log_level level)
{
    min_level = level;
}

static const char *level_name(sg17_log_level l)
{
    switch (l) {
    case SG17_LOG_DEBUG: return "DEBUG";
    case SG17_LOG_INFO: return "INFO";
    case SG17_LOG_WARN: return "WARN";
    default: return "ERROR";
    }
}

void sg17_log(sg17_log_level level, const char *component, const char *fmt, ...)
{
    char msg[2048], line[4096 + 128];
    struct timespec ts;
    struct tm tm;
    va_list ap;
    size_t o = 0;

    if (level < min_level)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    o = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
    o += (size_t)snprintf(line + o, sizeof line - o, ".%03ldZ %s %s: ", ts.tv_nsec / 1000000L,
                          level_name(level), component ? component : "sg17");
    /* Escape control characters so that one event stays one line. */
    for (const char *p = msg; *p && o + 5 < sizeof line; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f)
            o += (size_t)snprintf(line + o, sizeof line - o, "\\x%02x", c);
        else
            line[o++] = (char)c;
    }
    line[o++] = '\n';
    pthread_mutex_lock(&log_lock);
    fwrite(line, 1, o, stderr);
    fflush(stderr);
    pthread_mutex_unlock(&log_lock);
}
