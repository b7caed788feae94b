import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TidingsCore

/// Who the client is, network-wise: the socket's peer, or — only when that
/// peer is a configured trusted proxy — the nearest untrusted address in `X-Forwarded-For`.
struct ClientAddressResolver: Sendable {
    let trustedProxies: [CIDRBlock]

    /// The client's address, or `nil` when the peer is not an IP socket.
    func address(of request: Request, peer: SocketAddress?) -> IPAddress? {
        guard let peer = peer.flatMap(IPAddress.init(socketAddress:)) else { return nil }
        guard !trustedProxies.isEmpty, isTrusted(peer) else { return peer }
        // The rightmost entries were added by our own proxies; the first one that is not a
        // trusted proxy is the client. Anything unreadable ends the walk: the peer is used.
        let entries = request.headers[values: .xForwardedFor].flatMap { $0.split(separator: ",") }
        var client = peer
        for entry in entries.reversed() {
            guard let address = IPAddress(entry.trimmingCharacters(in: .whitespaces)) else { return peer }
            client = address
            if !isTrusted(address) { break }
        }
        return client
    }

    /// Whether `connection`'s peer may speak for other clients (it is a trusted proxy): then one
    /// connection can carry many clients. Asks the connection for its peer only when proxies are
    /// configured.
    func mayForward(_ connection: any Channel) -> Bool {
        guard !trustedProxies.isEmpty, let peer = connection.remoteAddress.flatMap(IPAddress.init(socketAddress:))
        else { return false }
        return isTrusted(peer)
    }

    private func isTrusted(_ address: IPAddress) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}

extension IPAddress {
    /// The address of an IPv4 or IPv6 socket, read from its bytes (no text round trip).
    init?(socketAddress: SocketAddress) {
        switch socketAddress {
        case .v4(let address):
            self.init(ipv4: UInt32(bigEndian: address.address.sin_addr.s_addr))
        case .v6(let address):
            var storage = address.address.sin6_addr
            let (high, low) = withUnsafeBytes(of: &storage) { bytes in
                (
                    UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                    UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
                )
            }
            self.init(high: high, low: low)
        case .unixDomainSocket:
            return nil
        }
    }
}
