import ServiceLifecycle
import TidingsCore

/// Writes the queued audit events every `interval`, and the last ones at shutdown.
struct AuditFlushService: Service {
    let audit: AuditLog
    let interval: Duration

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                await audit.flush()
            }
        }
        await audit.flush()
    }
}
