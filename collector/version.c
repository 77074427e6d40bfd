/* version.c - the library's version, as it was built (listeners.h's macros). */
#include "listeners.h"

const char *lsn_version(void)
{
    return LISTENERS_VERSION_STRING;
}

int lsn_version_number(void)
{
    return LISTENERS_VERSION_NUMBER;
}
