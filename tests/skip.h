/* skip.h - a cmocka skip that ctest can see.
 *
 * cmocka's skip() marks a case skipped, but the test program still exits 0,
 * so ctest counts it as passed and nobody hears of it. Use LSN_SKIP(reason)
 * instead: it prints the reason and records the skip, and main() returns
 * lsn_test_exit(cmocka_run_group_tests(...)), which is 77 (ctest's
 * SKIP_RETURN_CODE in this tree) when no case failed and one was skipped.
 * .ci/check then fails on any skip that is not on its allow-list (.ci/skips).
 * The lint rejects a bare skip() in tests/. Include after <cmocka.h>. */
#ifndef LSN_TEST_SKIP_H
#define LSN_TEST_SKIP_H

static int lsn_skipped_cases;

#define LSN_SKIP(reason)                                                                           \
    do {                                                                                           \
        lsn_skipped_cases++;                                                                       \
        print_message("skipped: %s\n", (reason));                                                  \
        skip(); /* lsn-skip-ok */                                                                  \
    } while (0)

static inline int lsn_test_exit(int failed)
{
    if (failed != 0)
        return failed;
    return lsn_skipped_cases != 0 ? 77 : 0;
}

#endif
