import NIOCore
import Synchronization
import TidingsCore

/// How each open connection last authenticated.
///
/// **Verified.** A client that sends the same `Authorization` header again on a keep-alive
/// connection (what HTTP client libraries do) is not parsed and hashed again.
/// `CredentialVerifier.verifyAgain` still runs every check that depends on time, state or the
/// request (revocation, grace, expiry, the user's state, allowed networks for the request's
/// address, idle expiry) and records the use; the remembered result only stands while the
/// snapshot it came from is current, so any change to users, roles or tokens, here or on another
/// instance, makes the next request verify in full. What is remembered is a pure function of the
/// header's bytes and the snapshot: a header equal byte for byte, compared in constant time,
/// verifies the same way wherever it comes from, so even an entry outliving its connection could
/// only ever give a correct answer. The header, a secret, stays in memory only while its
/// connection is open (NIO's buffers held it already).
///
/// **Failed.** The connection's last attempt was a failure the throttle counts (a guess), sent
/// straight from the client (no trusted proxy, which may carry many clients on one connection).
/// While the client's address is made to wait, such a connection is answered 429 before anything
/// it sends is parsed or hashed: a flood of guesses on a keep-alive connection costs less than
/// real traffic. Other connections, from the same address too, are verified as usual.
final class ConnectionCredentials: Sendable {
    private enum Remembered {
        case verified(header: String, Verified)
        case failed
    }

    /// What a connection's last attempt says about this request.
    enum Recall {
        /// The same header verified last time, as this.
        case verified(Verified)
        /// The last attempt was a counted failure.
        case failed
        /// Nothing that helps: verify in full.
        case none
    }

    private let byConnection = Mutex<[ObjectIdentifier: Remembered]>([:])

    init() {}

    /// What `channel`'s last attempt says about a request carrying `header`.
    func recall(header: String?, on channel: any Channel) -> Recall {
        switch byConnection.withLock({ $0[ObjectIdentifier(channel)] }) {
        case .verified(let remembered, let verified):
            guard let header, constantTimeEquals(remembered, header) else { return .none }
            return .verified(verified)
        case .failed: return .failed
        case nil: return .none
        }
    }

    /// Remembers that `header` verified as `verified` on `channel`, until the channel closes or
    /// its next attempt verifies another header or fails.
    func remember(header: String, verified: Verified, on channel: any Channel) {
        store(.verified(header: header, verified), on: channel)
    }

    /// Remembers that `channel`'s last attempt was a failure the throttle counted, until the
    /// channel closes or an attempt on it verifies.
    func rememberFailure(on channel: any Channel) {
        store(.failed, on: channel)
    }

    /// How many connections have something remembered (for tests).
    var count: Int { byConnection.withLock { $0.count } }

    private func store(_ remembered: Remembered, on channel: any Channel) {
        let key = ObjectIdentifier(channel)
        let isNew = byConnection.withLock { entries in entries.updateValue(remembered, forKey: key) == nil }
        // Also right for a channel that closed meanwhile: the callback then runs straight away.
        if isNew { channel.closeFuture.whenComplete { [self] _ in forget(key) } }
    }

    private func forget(_ key: ObjectIdentifier) {
        _ = byConnection.withLock { $0.removeValue(forKey: key) }
    }
}
