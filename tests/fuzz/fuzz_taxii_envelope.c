/*
 * libFuzzer harness for the body of a TAXII "Add Objects" request
 * (sg17_taxii_envelope_parse). Oracles: the result is 0 or FORMAT/LIMIT with
 * a reason; every accepted item has an id that starts with its type and "--",
 * a spec_version of 2.0 or 2.1, its JSON, and a version that parses back to
 * version_us; every refused item says why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/taxii.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sg17_taxii_envelope env;
    char err[200];
    int rc;
    if (size > 1 << 16)
        return 0;
    rc = sg17_taxii_envelope_parse((const char *)data, size, 64, &env, err, sizeof err);
    if (rc != 0) {
        if (rc != SG17_E_FORMAT && rc != SG17_E_LIMIT && rc != SG17_E_NOMEM)
            abort();
        if (rc != SG17_E_NOMEM && err[0] == '\0')
            abort();
        return 0;
    }
    for (size_t i = 0; i < env.n; i++) {
        const sg17_taxii_item *it = &env.items[i];
        size_t tl = strlen(it->type);
        if (!it->ok) {
            if (it->message[0] == '\0' || it->json != NULL)
                abort();
            continue;
        }
        if (it->json == NULL || tl == 0 || strncmp(it->id, it->type, tl) != 0 ||
            strncmp(it->id + tl, "--", 2) != 0)
            abort();
        if (strcmp(it->spec_version, "2.0") != 0 && strcmp(it->spec_version, "2.1") != 0)
            abort();
        if (it->version[0] != '\0') {
            int64_t us;
            if (sg17_taxii_time_parse(it->version, strlen(it->version), &us) != 0 ||
                us != it->version_us)
                abort();
        }
    }
    sg17_taxii_envelope_free(&env);
    return 0;
}
