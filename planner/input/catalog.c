/* SPDX-License-Identifier: MIT */
/* catalog.c: the loaded catalogs: look-ups by name, and freeing (loading: catalog_load.c). */
#include <stdlib.h>
#include <string.h>

#include "input/catalog.h"

void kc_catalog_free(kc_catalog *catalog)
{
    if (!catalog)
        return;
    free(catalog->devices);
    free(catalog->flavors);
    free(catalog->profiles);
    free(catalog->hosts);
    free(catalog);
}

const kc_device_type *kc_catalog_device(const kc_catalog *catalog, const char *name)
{
    for (size_t i = 0; catalog && i < catalog->n_devices; i++)
        if (strcmp(catalog->devices[i].name, name) == 0)
            return &catalog->devices[i];
    return NULL;
}

const kc_flavor *kc_catalog_flavor(const kc_catalog *catalog, const char *name)
{
    for (size_t i = 0; catalog && i < catalog->n_flavors; i++)
        if (strcmp(catalog->flavors[i].name, name) == 0)
            return &catalog->flavors[i];
    return NULL;
}

const kc_profile *kc_catalog_profile(const kc_catalog *catalog, const char *name)
{
    for (size_t i = 0; catalog && i < catalog->n_profiles; i++)
        if (strcmp(catalog->profiles[i].name, name) == 0)
            return &catalog->profiles[i];
    return NULL;
}
