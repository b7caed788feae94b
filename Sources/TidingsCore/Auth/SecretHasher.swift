import Crypto

/// Keyed hashes of secrets (API tokens, session ids). The key lives outside the database, so a
/// stolen database alone cannot be used to check guesses.
///
/// The hash is HMAC-SHA-256 (RFC 2104). Since the key never changes, the two SHA-256 states after
/// absorbing the padded key are computed once and copied per call, which halves the work of
/// the hot path; the result is the standard HMAC (a test checks it against swift-crypto's).
public struct SecretHasher: Sendable {
    /// The keyed starting states. `SHA256` is a copy-on-write value that is only ever copied
    /// here, never mutated in place; it lacks a `Sendable` conformance only by omission.
    private struct States: @unchecked Sendable {
        let inner: SHA256
        let outer: SHA256
    }

    private let states: States

    public init(key: [UInt8]) {
        var block = key.count > 64 ? Array(SHA256.hash(data: key)) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        var inner = SHA256()
        inner.update(data: block.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(data: block.map { $0 ^ 0x5C })
        states = States(inner: inner, outer: outer)
    }

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
        var innerHash = states.inner
        var text = secret
        text.withUTF8 { innerHash.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        var outerHash = states.outer
        innerHash.finalize().withUnsafeBytes { outerHash.update(bufferPointer: $0) }
        var out = [UInt8]()
        out.reserveCapacity(64)
        outerHash.finalize().withUnsafeBytes { bytes in
            for byte in bytes {
                out.append(Self.digits[Int(byte >> 4)])
                out.append(Self.digits[Int(byte & 0x0F)])
            }
        }
        return out
    }

    private static let digits = Array("0123456789abcdef".utf8)
}
