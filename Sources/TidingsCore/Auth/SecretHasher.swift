import Crypto
import Foundation

/// Keyed hashes of secrets (API tokens, session ids). The key lives outside the database, so a
/// stolen database alone cannot be used to check guesses.
public struct SecretHasher: Sendable {
    private let key: [UInt8]

    public init(key: [UInt8]) { self.key = key }

    /// HMAC-SHA-256 of the secret, as lower-case hex.
    public func hash(_ secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(secret.utf8), using: SymmetricKey(data: key))
        return Self.hex(Array(mac))
    }

    /// Whether `secret` hashes to `storedHash`, compared in constant time.
    public func matches(_ secret: String, storedHash: String) -> Bool {
        constantTimeEquals(Array(hash(secret).utf8), Array(storedHash.utf8))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
