import Foundation
import Logging
import ServiceLifecycle
import TidingsCore

/// Removes sessions past their absolute or idle lifetime, every `interval` seconds, so expired
/// rows do not pile up (they are refused on use either way).
struct SessionSweeper: Service {
    let store: any SessionStore
    /// Sessions unused for this long are expired.
    let idleLifetime: TimeInterval
    let clock: WallClock
    let interval: Duration
    let logger: Logger

    /// One sweep; returns how many sessions it removed.
    @discardableResult
    func sweep() async throws -> Int {
        let now = clock.now()
        return try await store.deleteExpiredSessions(now: now, idleBefore: now.addingTimeInterval(-idleLifetime))
    }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let removed = try await sweep()
                    if removed > 0 { logger.debug("removed expired sessions", metadata: ["count": "\(removed)"]) }
                } catch {
                    logger.warning("sweeping expired sessions failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
