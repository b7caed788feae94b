import CMemoryTuning
import Foundation

/// glibc gives threads heap arenas of their own, up to eight per CPU, and keeps what each has
/// held: with SQLite's connections each on a thread, a million-row import peaked at 160 MB instead
/// of about 105 MB. One arena per CPU (at least two) keeps contention low without that cost.
/// An operator's `MALLOC_ARENA_MAX` wins.
enum MemoryArenas {
    static func limit() {
        guard ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil else { return }
        _ = tidings_limit_malloc_arenas(Int32(max(2, ProcessInfo.processInfo.activeProcessorCount)))
    }
}
