/// The shape of an API token:
///
///     tdg_ 3kT9xQ2mZa 8fJ2…(30 chars)…Qw 0aB3cD
///     ^    ^          ^                    ^
///     |    key id     secret (≥178 bits)   CRC-32 of everything before it, base62
///     prefix (configurable per instance)
///
/// written without spaces: `tdg_` followed by 46 base62 characters. The key id is public and
/// finds the token's row; the checksum lets a mistyped or truncated token be refused before any
/// lookup. Secret scanners can match `\b<prefix>[0-9A-Za-z]{46}\b`.
public struct TokenFormat: Sendable, Equatable {
    public static let keyIDLength = 10
    public static let secretLength = 30
    public static let checksumLength = 6
    public static let bodyLength = keyIDLength + secretLength + checksumLength

    public let prefix: String
    /// `prefix` as bytes, compared against every presented token.
    private let prefixBytes: [UInt8]

    /// - Parameter prefix: lower-case letters and digits ending in `_`, e.g. `tdg_`.
    public init(prefix: String = "tdg_") throws {
        guard Self.isValidPrefix(prefix) else {
            throw TidingsError.badRequest(
                "token prefix must be 2–16 lower-case letters or digits followed by `_`, starting with a letter")
        }
        self.prefix = prefix
        self.prefixBytes = Array(prefix.utf8)
    }

    public static func isValidPrefix(_ prefix: String) -> Bool {
        let bytes = Array(prefix.utf8)
        guard bytes.count >= 3, bytes.count <= 17, bytes.last == UInt8(ascii: "_") else { return false }
        let body = bytes.dropLast()
        guard let first = body.first, first >= 0x61, first <= 0x7A else { return false }
        return body.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
    }

    /// The regular expression that matches this instance's tokens.
    public var regularExpression: String { "\\b\(prefix)[0-9A-Za-z]{\(Self.bodyLength)}\\b" }

    /// A new token with a new key id.
    public func generate() -> IssuedToken {
        generate(keyID: Base62.random(count: Self.keyIDLength))
    }

    /// A new secret for an existing key id (rotation keeps the id).
    public func generate(keyID: String) -> IssuedToken {
        let unchecked = prefix + keyID + Base62.random(count: Self.secretLength)
        let token = unchecked + Base62.encode(CRC32.checksum(unchecked.utf8))
        return IssuedToken(keyID: keyID, token: token)
    }

    /// Whether a presented secret claims to be a token of this instance (begins with the prefix).
    /// Anything else sent where a token belongs is treated as a password.
    public func looksLikeToken(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable(startsWithPrefix) ?? text.utf8.starts(with: prefixBytes)
    }

    private func startsWithPrefix(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= prefixBytes.count else { return false }
        return prefixBytes.withUnsafeBufferPointer { prefix in
            prefix.indices.allSatisfy { bytes[$0] == prefix[$0] }
        }
    }

    /// The key id of a well-formed token; throws a description of what is wrong with it.
    public func parse(_ text: String) throws(AuthFailure) -> String {
        var text = text
        var failure: AuthFailure?  // `withUTF8` rethrows untyped errors; carry the typed one out
        let keyID = text.withUTF8 { bytes -> String? in
            do throws(AuthFailure) { return try self.keyID(in: bytes) } catch {
                failure = error
                return nil
            }
        }
        guard let keyID, failure == nil else { throw failure ?? .credentialsMalformed("the token is malformed") }
        return keyID
    }

    private func keyID(in bytes: UnsafeBufferPointer<UInt8>) throws(AuthFailure) -> String {
        let prefixLength = prefixBytes.count
        guard startsWithPrefix(bytes) else {
            throw .credentialsMalformed("the token does not start with \(prefix)")
        }
        let bodyCount = bytes.count - prefixLength
        guard bodyCount == Self.bodyLength else {
            throw .credentialsMalformed(
                "the token has \(bodyCount) characters after \(prefix), expected \(Self.bodyLength): it was truncated or extended"
            )
        }
        guard bytes[prefixLength...].allSatisfy(Base62.isBase62) else {
            throw .credentialsMalformed("the token contains characters outside 0-9, A-Z, a-z")
        }
        let checkedEnd = bytes.count - Self.checksumLength
        guard Base62.matches(CRC32.checksum(bytes[..<checkedEnd]), bytes[checkedEnd...]) else {
            throw .credentialsMalformed("the token's checksum does not match: it was mistyped or truncated")
        }
        return String(decoding: bytes[prefixLength..<(prefixLength + Self.keyIDLength)], as: UTF8.self)
    }

    /// What may be shown of a token after creation: prefix and key id, then the last four.
    public static func display(prefix: String, keyID: String, lastFour: String) -> String {
        "\(prefix)\(keyID)…\(lastFour)"
    }
}

/// A freshly generated token: the only moment its secret exists in clear.
public struct IssuedToken: Sendable, Equatable {
    public let keyID: String
    public let token: String

    public var lastFour: String { String(token.suffix(4)) }
}

/// Compares two byte strings in time that depends only on their lengths.
public func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    lhs.withUnsafeBufferPointer { left in rhs.withUnsafeBufferPointer { right in constantTimeEquals(left, right) } }
}

/// Compares the UTF-8 of two texts in time that depends only on their lengths, without copying.
public func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
    var lhs = lhs
    var rhs = rhs
    return lhs.withUTF8 { left in rhs.withUTF8 { right in constantTimeEquals(left, right) } }
}

private func constantTimeEquals(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
    return difference == 0
}
