/*
 * libFuzzer harness for the V2X message parser and checker: each input line
 * is one message. Oracle: no crash/UB; observation counts bounded; names and
 * evidence are NUL-terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/v2x.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sg17_v2x_checker *c;
    if (sg17_v2x_checker_new(&c) != 0)
        abort();
    size_t off = 0;
    while (off < size) {
        const uint8_t *nl = memchr(data + off, '\n', size - off);
        size_t len = nl ? (size_t)(nl - (data + off)) : size - off;
        sg17_v2x_msg m;
        char err[200];
        if (sg17_v2x_parse((const char *)data + off, len, &m, err, sizeof err) == 0) {
            if (memchr(m.station, 0, sizeof m.station) == NULL || m.station[0] == 0)
                abort();
            if (m.is_denm && (memchr(m.origin, 0, sizeof m.origin) == NULL || m.origin[0] == 0 ||
                              m.validity < 0 || m.validity > 86400 || m.relevance > 7))
                abort();
            sg17_v2x_obs o[SG17_V2X_MAX_OBS];
            size_t n = sg17_v2x_check(c, &m, o);
            if (n > SG17_V2X_MAX_OBS)
                abort();
            for (size_t i = 0; i < n; i++)
                if (!o[i].name || memchr(o[i].evidence, 0, sizeof o[i].evidence) == NULL)
                    abort();
        } else if (memchr(err, 0, sizeof err) == NULL) {
            abort();
        }
        off += len + 1;
    }
    sg17_v2x_checker_free(c);
    return 0;
}
