import Foundation
import Synchronization

/// Records audit events without making anyone wait for the database: events are queued in
/// memory and written in batches (by `flush()`, which the server calls every second, at shutdown,
/// and before reading the log). The queue is bounded: in a flood, the newest events beyond
/// `capacity` are dropped and one `audit.dropped` event says how many.
public final class AuditLog: Sendable {
    private struct Queue {
        var events: [AuditEvent] = []
        var dropped = 0
    }

    private let queue = Mutex(Queue())
    private let flushing = AsyncFlushGate()
    private let store: any AuditStore
    /// The time events are stamped with.
    public let clock: WallClock
    private let capacity: Int
    private let onWriteError: @Sendable (any Error) -> Void

    public init(
        store: any AuditStore, clock: WallClock, capacity: Int = 50_000,
        onWriteError: @escaping @Sendable (any Error) -> Void = { _ in }
    ) {
        self.store = store
        self.clock = clock
        self.capacity = capacity
        self.onWriteError = onWriteError
    }

    /// Queues an event (never blocks, never fails).
    public func record(_ event: AuditEvent) {
        queue.withLock { queue in
            if queue.events.count < capacity {
                queue.events.append(event)
            } else {
                queue.dropped += 1
            }
        }
    }

    /// Queues an event built from its parts, stamped with the current time.
    public func record(
        _ action: String, _ outcome: AuditEvent.Outcome, actor: AuditEvent.Actor, clientIP: String? = nil,
        userAgent: String? = nil, target: (type: String, id: String)? = nil, code: String? = nil,
        details: [String: String] = [:]
    ) {
        record(
            AuditEvent(
                at: clock.now(), action: action, outcome: outcome, actor: actor, clientIP: clientIP,
                userAgent: userAgent, targetType: target?.type, targetID: target?.id, code: code, details: details))
    }

    /// Writes every queued event. Concurrent calls wait for one another, so events stay in order.
    public func flush() async {
        await flushing.run { [self] in
            let (events, dropped) = queue.withLock { queue -> ([AuditEvent], Int) in
                defer { queue = Queue() }
                return (queue.events, queue.dropped)
            }
            var batch = events
            if dropped > 0 {
                batch.append(
                    AuditEvent(
                        at: clock.now(), action: "audit.dropped", outcome: .failure, actor: .anonymous,
                        details: ["count": "\(dropped)"]))
            }
            guard !batch.isEmpty else { return }
            do {
                for chunk in stride(from: 0, to: batch.count, by: 500) {
                    try await store.appendAuditEvents(Array(batch[chunk..<min(chunk + 500, batch.count)]))
                }
            } catch {
                onWriteError(error)
            }
        }
    }

    /// Reads the log, after writing what is queued (so a caller sees its own actions).
    public func events(_ query: AuditQuery) async throws -> Page<AuditEvent> {
        await flush()
        return try await store.auditEvents(query)
    }
}

/// Runs one async operation at a time, in call order.
final class AsyncFlushGate: Sendable {
    private let tail = Mutex<Task<Void, Never>?>(nil)

    func run(_ operation: @escaping @Sendable () async -> Void) async {
        let task = tail.withLock { tail -> Task<Void, Never> in
            let previous = tail
            let next = Task {
                await previous?.value
                await operation()
            }
            tail = next
            return next
        }
        await task.value
    }
}
