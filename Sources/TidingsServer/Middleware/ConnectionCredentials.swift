import NIOCore
import Synchronization
import TidingsCore

/// The token each open connection last authenticated with: a client that sends the same
/// `Authorization` header again on a keep-alive connection (what HTTP client libraries do) is
/// not parsed and hashed again. `CredentialVerifier.verifyAgain` still runs every check that
/// depends on time, state or the request (revocation, grace, expiry, the user's state, allowed
/// networks for the request's address, idle expiry) and records the use; the remembered result
/// only stands while the snapshot it came from is current, so any change to users, roles or
/// tokens, here or on another instance, makes the next request verify in full.
///
/// What is remembered is a pure function of the header's bytes and the snapshot: a header equal
/// byte for byte, compared in constant time, verifies the same way wherever it comes from, so
/// even an entry outliving its connection could only ever give a correct answer. Only successes
/// are remembered: failures always take the full path and its throttle. The header, a secret,
/// stays in memory only while its connection is open (NIO's buffers held it already).
final class ConnectionCredentials: Sendable {
    private struct Remembered {
        let header: String
        let verified: Verified
    }

    private let byConnection = Mutex<[ObjectIdentifier: Remembered]>([:])

    init() {}

    /// What `header` verified as when `channel` last sent it, if `channel` sends the same bytes.
    func earlier(header: String, on channel: any Channel) -> Verified? {
        guard let remembered = byConnection.withLock({ $0[ObjectIdentifier(channel)] }),
            constantTimeEquals(remembered.header, header)
        else { return nil }
        return remembered.verified
    }

    /// Remembers that `header` verified as `verified` on `channel`, until the channel closes or
    /// sends another header that verifies.
    func remember(header: String, verified: Verified, on channel: any Channel) {
        let key = ObjectIdentifier(channel)
        let isNew = byConnection.withLock { entries in
            entries.updateValue(Remembered(header: header, verified: verified), forKey: key) == nil
        }
        // Also right for a channel that closed meanwhile: the callback then runs straight away.
        if isNew { channel.closeFuture.whenComplete { [self] _ in forget(key) } }
    }

    /// How many connections have a remembered credential (for tests).
    var count: Int { byConnection.withLock { $0.count } }

    private func forget(_ key: ObjectIdentifier) {
        _ = byConnection.withLock { $0.removeValue(forKey: key) }
    }
}
