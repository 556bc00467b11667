// The C library allocator's tuning knobs (glibc's mallopt), which Swift cannot import from
// <malloc.h> by itself. Where the C library has no such knobs the call does nothing.
#if defined(__linux__) && __has_include(<malloc.h>)
#include <malloc.h>
#endif

/// Sets glibc's mmap threshold, trim threshold and top pad (bytes); returns 1 when all three were
/// set, 0 when the C library has no such settings or refused one.
static inline int rastro_malloc_tune(int mmap_threshold, int trim_threshold, int top_pad) {
#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD) && defined(M_TOP_PAD)
    return mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1
        && mallopt(M_TRIM_THRESHOLD, trim_threshold) == 1
        && mallopt(M_TOP_PAD, top_pad) == 1;
#else
    (void)mmap_threshold; (void)trim_threshold; (void)top_pad;
    return 0;
#endif
}
