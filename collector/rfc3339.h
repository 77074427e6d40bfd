/* rfc3339.h - private to collector/: a time as RFC 3339 UTC text, without
 * libc's time zone code (write.c: the envelope; change.c: the events). */
#ifndef LISTENERS_RFC3339_H
#define LISTENERS_RFC3339_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* "YYYY-MM-DDTHH:MM:SSZ" of t (seconds since the epoch, UTC; the
 * proleptic Gregorian calendar, days from civil by H. Hinnant's method):
 * no libc time zone code, no locale. 20 bytes and a NUL in dst. */
static inline size_t lsn_rfc3339(int64_t t, char dst[32])
{
    int64_t days = t / 86400, sec = t % 86400;
    if (sec < 0) {
        sec += 86400;
        days--;
    }
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t day = doy - (153 * mp + 2) / 5 + 1;
    int64_t month = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = yoe + era * 400 + (month <= 2);
    if (year < 0 || year > 9999) { /* RFC 3339 has four digits: clamp */
        memcpy(dst, year < 0 ? "0000-01-01T00:00:00Z" : "9999-12-31T23:59:59Z", 21);
        return 20;
    }
    const int64_t parts[6] = {year, month, day, sec / 3600, sec / 60 % 60, sec % 60};
    static const char seps[] = "--T::Z";
    size_t n = 0;
    for (int k = 0; k < 6; k++) {
        int64_t v = parts[k];
        if (k == 0) {
            dst[n++] = (char)('0' + v / 1000);
            dst[n++] = (char)('0' + v / 100 % 10);
        }
        dst[n++] = (char)('0' + v / 10 % 10);
        dst[n++] = (char)('0' + v % 10);
        dst[n++] = seps[k];
    }
    dst[n] = '\0';
    return n;
}

#endif
