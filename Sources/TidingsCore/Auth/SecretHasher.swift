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

    /// HMAC-SHA-256 of the secret, as lower-case hex (what the database stores).
    public func hash(_ secret: String) -> String { digest(secret).hex }

    /// HMAC-SHA-256 of the secret.
    public func digest(_ secret: String) -> SecretDigest {
        var innerHash = states.inner
        var text = secret
        text.withUTF8 { innerHash.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        var outerHash = states.outer
        innerHash.finalize().withUnsafeBytes { outerHash.update(bufferPointer: $0) }
        return outerHash.finalize().withUnsafeBytes { SecretDigest(bytes: $0)! }
    }

    /// Whether `secret` hashes to `stored`, compared in constant time.
    public func matches(_ secret: String, digest stored: SecretDigest) -> Bool {
        digest(secret).constantTimeEquals(stored)
    }

    /// Whether `secret` hashes to the hex `storedHash`, compared in constant time.
    public func matches(_ secret: String, storedHash: String) -> Bool {
        guard let stored = SecretDigest(hex: storedHash) else { return false }
        return matches(secret, digest: stored)
    }
}

/// A 256-bit hash held in four words, so that keeping one costs no allocation and comparing two
/// costs four XORs. It is deliberately not `Equatable`: the only comparison is constant-time.
public struct SecretDigest: Sendable {
    private let words: (UInt64, UInt64, UInt64, UInt64)

    /// From exactly 32 bytes.
    public init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 32 else { return nil }
        func word(_ index: Int) -> UInt64 {
            UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
        }
        words = (word(0), word(1), word(2), word(3))
    }

    /// From 64 hex digits (either case).
    public init?(hex: String) {
        var bytes = [UInt8]()
        bytes.reserveCapacity(32)
        var high: UInt8?
        for character in hex.utf8 {
            guard let nibble = character.hexDigitValue else { return nil }
            if let first = high {
                bytes.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        guard high == nil, let digest = bytes.withUnsafeBytes({ SecretDigest(bytes: $0) }) else { return nil }
        self = digest
    }

    /// Lower-case hex, 64 digits.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for word in [words.0, words.1, words.2, words.3] {
            for shift in stride(from: 60, through: 0, by: -4) {
                out.append(digits[Int((word >> UInt64(shift)) & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Equality in time independent of where the digests differ.
    public func constantTimeEquals(_ other: SecretDigest) -> Bool {
        let difference =
            (words.0 ^ other.words.0) | (words.1 ^ other.words.1) | (words.2 ^ other.words.2)
            | (words.3 ^ other.words.3)
        return difference == 0
    }
}
