#ifndef TIDINGS_MEMORY_TUNING_H
#define TIDINGS_MEMORY_TUNING_H

/// Caps glibc's heap arenas at `arenas` (no-op where glibc's mallopt is missing); 1 when set.
int tidings_limit_malloc_arenas(int arenas);

#endif
