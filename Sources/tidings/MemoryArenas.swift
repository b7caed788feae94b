import CMemoryTuning
import Foundation

/// glibc gives threads heap arenas of their own, up to eight per CPU, and keeps what each has
/// held: a million-row import peaked at 115 MB without a cap and 103 MB with this one (160 MB
/// against 105 when every SQLite connection had a thread). One arena per CPU (at least two)
/// keeps contention low without that cost. An operator's `MALLOC_ARENA_MAX` wins.
enum MemoryArenas {
    static func limit() {
        guard ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil else { return }
        _ = tidings_limit_malloc_arenas(Int32(max(2, ProcessInfo.processInfo.activeProcessorCount)))
    }
}
