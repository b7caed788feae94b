import Crypto

/// Keyed hashes of secrets (API tokens, session ids). The key lives outside the database, so a
/// stolen database alone cannot be used to check guesses.
public struct SecretHasher: Sendable {
    /// `SymmetricKey` is an immutable value; it lacks a `Sendable` conformance only by omission.
    private struct Key: @unchecked Sendable {
        let value: SymmetricKey
    }

    private let key: Key

    public init(key: [UInt8]) { self.key = Key(value: SymmetricKey(data: key)) }

    /// HMAC-SHA-256 of the secret, as lower-case hex.
    public func hash(_ secret: String) -> String {
        String(decoding: hexDigest(secret), as: UTF8.self)
    }

    /// Whether `secret` hashes to `storedHash`, compared in constant time.
    public func matches(_ secret: String, storedHash: String) -> Bool {
        let computed = hexDigest(secret)
        var stored = storedHash
        return stored.withUTF8 { storedBytes in
            guard storedBytes.count == computed.count else { return false }
            var difference: UInt8 = 0
            for index in 0..<computed.count { difference |= computed[index] ^ storedBytes[index] }
            return difference == 0
        }
    }

    private func hexDigest(_ secret: String) -> [UInt8] {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(secret.utf8), using: key.value)
        var out = [UInt8]()
        out.reserveCapacity(64)
        mac.withUnsafeBytes { bytes in
            for byte in bytes {
                out.append(Self.digits[Int(byte >> 4)])
                out.append(Self.digits[Int(byte & 0x0F)])
            }
        }
        return out
    }

    private static let digits = Array("0123456789abcdef".utf8)
}
