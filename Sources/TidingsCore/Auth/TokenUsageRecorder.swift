import Foundation
import Synchronization

/// Remembers when and from where each token is used, without a database write per request:
/// at most one write per token per `writeInterval` (a minute), carrying every address seen since
/// the previous one. It also answers the idle-expiry question from the freshest knowledge (its
/// own memory, else the stored last use), so a token in steady use never looks idle.
public final class TokenUsageRecorder: Sendable {
    /// What happened to a use.
    public enum Outcome: Sendable, Equatable {
        /// Recorded (in memory, and in the database when a write was due).
        case recorded
        /// The token had been unused since `lastUse` for longer than the idle lifetime: refused,
        /// and not recorded (a refused attempt does not keep a token alive).
        case idle(since: Date)
    }

    private struct Usage {
        var lastUse: Date?
        var lastWritten: Date?
        /// Addresses seen since the last write, most recent first.
        var pending: [IPAddress] = []
    }

    private let state = Mutex<[String: Usage]>([:])
    private let store: any TokenStore
    private let writeInterval: TimeInterval
    private let onWriteError: @Sendable (any Error) -> Void

    public init(
        store: any TokenStore, writeInterval: TimeInterval = 60,
        onWriteError: @escaping @Sendable (any Error) -> Void = { _ in }
    ) {
        self.store = store
        self.writeInterval = writeInterval
        self.onWriteError = onWriteError
    }

    /// Records a use of `entry`'s token at `now` from `address`, unless it has been idle for
    /// longer than `idleLifetime`. `userAgent` is read only when a write is due.
    public func record(
        _ entry: AuthSnapshot.TokenEntry, at now: Date, from address: IPAddress?, idleLifetime: TimeInterval,
        userAgent: () -> String?
    ) -> Outcome {
        let keyID = entry.token.keyID
        let stored = entry.token.lastUsedAt ?? entry.token.createdAt
        let writeInterval = writeInterval
        // Mutated in place in the dictionary: one hash per use, and the address list is never copied.
        let step: Step = state.withLock { usages in
            Self.use(
                &usages[keyID, default: Usage()], at: now, from: address, storedLastUse: stored,
                idleLifetime: idleLifetime, writeInterval: writeInterval
            ) { pending in
                TokenUse(
                    at: now, address: address?.description, userAgent: userAgent(),
                    addresses: pending.map(\.description))
            }
        }
        switch step {
        case .idle(let since): return .idle(since: since)
        case .remembered: return .recorded
        case .write(let use):
            write(keyID, use)
            return .recorded
        }
    }

    private enum Step {
        case idle(Date)
        case remembered
        case write(TokenUse)
    }

    /// One use applied to a token's remembered usage: refused when idle, else remembered, and
    /// turned into a database write when one is due (`makeUse` builds it before `pending` is
    /// cleared).
    private static func use(
        _ usage: inout Usage, at now: Date, from address: IPAddress?, storedLastUse stored: Date,
        idleLifetime: TimeInterval, writeInterval: TimeInterval, makeUse: ([IPAddress]) -> TokenUse
    ) -> Step {
        let lastUse = max(usage.lastUse ?? stored, stored)
        if now.timeIntervalSince(lastUse) >= idleLifetime { return .idle(lastUse) }
        usage.lastUse = now
        if let address, usage.pending.first != address {
            usage.pending.removeAll { $0 == address }
            usage.pending.insert(address, at: 0)
            if usage.pending.count > TokenUse.recentAddressLimit { usage.pending.removeLast() }
        }
        guard usage.lastWritten.map({ now.timeIntervalSince($0) >= writeInterval }) ?? true else {
            return .remembered
        }
        usage.lastWritten = now
        let use = makeUse(usage.pending)
        usage.pending = []
        return .write(use)
    }

    /// Writes every use not yet written (a periodic flush, and at shutdown).
    public func flush(at now: Date) async {
        let due: [(String, TokenUse)] = state.withLock { usages in
            var due: [(String, TokenUse)] = []
            for (keyID, usage) in usages {
                guard let lastUse = usage.lastUse,
                    lastUse > (usage.lastWritten ?? .distantPast) || !usage.pending.isEmpty
                else { continue }
                due.append(
                    (
                        keyID,
                        TokenUse(
                            at: lastUse, address: usage.pending.first?.description, userAgent: nil,
                            addresses: usage.pending.map(\.description))
                    ))
                usages[keyID]?.lastWritten = now
                usages[keyID]?.pending = []
            }
            return due
        }
        for (keyID, use) in due {
            do { try await store.recordTokenUse(keyID: keyID, use) } catch { onWriteError(error) }
        }
    }

    private func write(_ keyID: String, _ use: TokenUse) {
        let store = store
        let onWriteError = onWriteError
        Task {
            do { try await store.recordTokenUse(keyID: keyID, use) } catch { onWriteError(error) }
        }
    }
}
