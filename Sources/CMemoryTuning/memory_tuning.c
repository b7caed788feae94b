#include "memory_tuning.h"

#include <stdlib.h>  // defines __GLIBC__ on glibc

#if defined(__GLIBC__)
#include <malloc.h>

int tidings_limit_malloc_arenas(int arenas) { return mallopt(M_ARENA_MAX, arenas); }
#else
int tidings_limit_malloc_arenas(int arenas) {
    (void)arenas;
    return 0;
}
#endif
