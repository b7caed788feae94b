/// What a client put in its `Authorization` header.
///
/// Parsing runs on every API request, so it works on UTF-8 bytes and never goes through
/// Foundation's string machinery.
public enum PresentedCredential: Sendable, Equatable {
    /// `Basic base64(username:secret)`, what `curl -u username:token` sends.
    case basic(username: String, secret: String)
    /// listmonk's `token username:secret`.
    case tokenScheme(username: String, secret: String)
    /// `Bearer <token>`: the token names its own user.
    case bearer(secret: String)

    /// The longest header value looked at; anything longer is refused unparsed.
    public static let maximumHeaderLength = 4096

    /// Parses a header value. Returns `nil` for a value that is empty after trimming (treated as
    /// no header, as listmonk does), and throws `credentialsMalformed` naming what is wrong.
    public static func parse(authorization raw: String) throws(AuthFailure) -> PresentedCredential? {
        var raw = raw
        var failure: AuthFailure?  // `withUTF8` rethrows untyped errors; carry the typed one out
        let parsed = raw.withUTF8 { bytes -> PresentedCredential? in
            do throws(AuthFailure) { return try parse(bytes: bytes) } catch {
                failure = error
                return nil
            }
        }
        if let failure { throw failure }
        return parsed
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>) throws(AuthFailure) -> PresentedCredential? {
        guard bytes.count <= maximumHeaderLength else {
            throw .credentialsMalformed("the Authorization header is longer than \(maximumHeaderLength) bytes")
        }
        let value = trimmed(bytes[...])
        guard !value.isEmpty else { return nil }
        let schemeEnd = value.firstIndex(of: space) ?? value.endIndex
        let scheme = value[..<schemeEnd]
        let rest = trimmed(value[schemeEnd...])
        if equalsIgnoringCase(scheme, "basic") {
            guard !rest.isEmpty else { throw .credentialsMalformed("api_key:token missing") }
            let invalid = AuthFailure.credentialsMalformed("invalid Base64 value in Basic Authorization header")
            // Decoded on the stack: the header is at most 4 KiB, and this runs on every request.
            let (username, secret) = try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: rest.count) {
                buffer throws(AuthFailure) in
                guard let count = Base64.decode(rest, into: buffer) else { throw invalid }
                return try pair(UnsafeBufferPointer(rebasing: buffer[..<count])[...], invalidUTF8: invalid)
            }
            return .basic(username: username, secret: secret)
        }
        if equalsIgnoringCase(scheme, "token") {
            let (username, secret) = try pair(rest, invalidUTF8: .credentialsMalformed("the header is not valid UTF-8"))
            return .tokenScheme(username: username, secret: secret)
        }
        if equalsIgnoringCase(scheme, "bearer") {
            guard !rest.isEmpty else { throw .credentialsMalformed("empty Bearer token") }
            guard !rest.contains(space) else { throw .credentialsMalformed("a Bearer token has no spaces") }
            return .bearer(secret: String(decoding: rest, as: UTF8.self))
        }
        let shown = scheme.count <= 20 && scheme.allSatisfy(Base62.isBase62)
        throw .credentialsMalformed(
            "unknown Authorization scheme" + (shown ? " \"\(String(decoding: scheme, as: UTF8.self))\"" : ""))
    }

    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let colon = UInt8(ascii: ":")

    private static func trimmed(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Slice<UnsafeBufferPointer<UInt8>> {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == space || bytes[start] == tab { start += 1 }
        while end > start, bytes[end - 1] == space || bytes[end - 1] == tab { end -= 1 }
        return bytes[start..<end]
    }

    /// Compares ASCII case-insensitively with a lower-case word.
    private static func equalsIgnoringCase(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for (offset, byte) in bytes.enumerated() where byte | 0x20 != expected[offset] { return false }
        return true
    }

    /// `username:secret`, split at the first colon; both parts must be non-empty UTF-8.
    private static func pair(
        _ text: Slice<UnsafeBufferPointer<UInt8>>, invalidUTF8: AuthFailure
    ) throws(AuthFailure) -> (String, String) {
        guard let separator = text.firstIndex(of: colon) else { throw .credentialsMalformed("api_key:token missing") }
        let username = text[..<separator]
        let secret = text[(separator + 1)...]
        guard !username.isEmpty, !secret.isEmpty else { throw .credentialsMalformed("empty `api_key` or `token`") }
        guard let username = String(utf8: username), let secret = String(utf8: secret) else { throw invalidUTF8 }
        return (username, secret)
    }

    /// The username the client named, if the form carries one.
    public var username: String? {
        switch self {
        case .basic(let username, _), .tokenScheme(let username, _): return username
        case .bearer: return nil
        }
    }

    public var secret: String {
        switch self {
        case .basic(_, let secret), .tokenScheme(_, let secret), .bearer(let secret): return secret
        }
    }
}

/// Standard base64 decoding (padded or not), strict about the alphabet.
enum Base64 {
    /// The 6-bit value of one base64 character, or `0xFF`. Arithmetic rather than a lookup
    /// table: a global table costs a lazy-initialisation check on every access.
    @inline(__always)
    private static func value(of byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte &- UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return byte &- UInt8(ascii: "a") &+ 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte &- UInt8(ascii: "0") &+ 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return 0xFF
        }
    }

    /// Decodes `text` into `output` (which must hold at least `text.count` bytes) and returns
    /// the number of bytes written, or `nil` for anything that is not base64.
    static func decode(
        _ text: Slice<UnsafeBufferPointer<UInt8>>, into output: UnsafeMutableBufferPointer<UInt8>
    )
        -> Int?
    {
        var end = text.endIndex
        var padding = 0
        while end > text.startIndex, text[end - 1] == UInt8(ascii: "="), padding < 2 {
            end -= 1
            padding += 1
        }
        let count = end - text.startIndex
        guard count % 4 != 1, padding == 0 || (count + padding) % 4 == 0, output.count >= count * 3 / 4 else {
            return nil
        }
        var written = 0
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in text[text.startIndex..<end] {
            let value = value(of: byte)
            guard value != 0xFF else { return nil }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output[written] = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
                written += 1
            }
        }
        return written
    }
}

extension String {
    /// The bytes as a string if they are valid UTF-8. Credentials are nearly always ASCII, which
    /// is checked here directly; the standard library's generic validation is the fallback.
    init?(utf8 bytes: Slice<UnsafeBufferPointer<UInt8>>) {
        if bytes.allSatisfy({ $0 < 0x80 }) {
            self.init(decoding: bytes, as: UTF8.self)
        } else {
            guard let validated = String(validating: bytes, as: UTF8.self) else { return nil }
            self = validated
        }
    }
}
