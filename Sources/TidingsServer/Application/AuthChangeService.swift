import Logging
import ServiceLifecycle
import TidingsCore

/// Keeps this process's authentication cache in step with the database when others change it:
/// it listens for the announcements of other instances (LISTEN/NOTIFY on
/// PostgreSQL), and reloads in the background every `reloadInterval` in case one was lost or the
/// change came from a process that cannot announce (the CLI on SQLite). It also writes the
/// token last-use records still held in memory, periodically and at shutdown.
struct AuthChangeService: Service {
    let directory: AuthDirectory
    let tokenUsage: TokenUsageRecorder
    let clock: WallClock
    let channel: (any AuthChangeChannel)?
    let reloadInterval: Duration
    let logger: Logger

    func run() async throws {
        await withDiscardingTaskGroup { group in
            if let channel {
                group.addTask { await listen(to: channel) }
            }
            group.addTask { await reloadAndFlushPeriodically() }
        }
        await tokenUsage.flush(at: clock.now())
    }

    private func listen(to channel: any AuthChangeChannel) async {
        let directory = directory
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await channel.listen { directory.invalidateAfterRemoteChange() }
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning(
                        "listening for changes by other instances failed; retrying", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func reloadAndFlushPeriodically() async {
        try? await cancelWhenGracefulShutdown {
            var sinceFlush: Duration = .zero
            while !Task.isCancelled {
                try await Task.sleep(for: reloadInterval)
                directory.refreshInBackground()
                sinceFlush += reloadInterval
                if sinceFlush >= .seconds(60) {
                    sinceFlush = .zero
                    await tokenUsage.flush(at: clock.now())
                }
            }
        }
    }
}
