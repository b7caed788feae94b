/// What a client put in its `Authorization` header (credentials.md §2).
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
    /// no header, as listmonk does), and a `credentialsMalformed` failure naming what is wrong.
    public static func parse(authorization raw: String) -> Result<PresentedCredential, AuthFailure>? {
        var raw = raw
        return raw.withUTF8 { parse(bytes: $0) }
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Result<PresentedCredential, AuthFailure>? {
        guard bytes.count <= maximumHeaderLength else {
            return .failure(
                .credentialsMalformed("the Authorization header is longer than \(maximumHeaderLength) bytes"))
        }
        let value = trimmed(bytes[...])
        guard !value.isEmpty else { return nil }
        let schemeEnd = value.firstIndex(of: space) ?? value.endIndex
        let scheme = value[..<schemeEnd]
        let rest = trimmed(value[schemeEnd...])
        if equalsIgnoringCase(scheme, "basic") {
            guard !rest.isEmpty else { return .failure(.credentialsMalformed("api_key:token missing")) }
            guard let decoded = Base64.decode(rest) else {
                return .failure(.credentialsMalformed("invalid Base64 value in Basic Authorization header"))
            }
            return decoded.withUnsafeBufferPointer { pair($0[...]) }.map { .basic(username: $0.0, secret: $0.1) }
        }
        if equalsIgnoringCase(scheme, "token") {
            return pair(rest).map { .tokenScheme(username: $0.0, secret: $0.1) }
        }
        if equalsIgnoringCase(scheme, "bearer") {
            guard !rest.isEmpty else { return .failure(.credentialsMalformed("empty Bearer token")) }
            guard !rest.contains(space) else { return .failure(.credentialsMalformed("a Bearer token has no spaces")) }
            return .success(.bearer(secret: String(decoding: rest, as: UTF8.self)))
        }
        let shown = scheme.count <= 20 && scheme.allSatisfy(Base62.isBase62)
        return .failure(
            .credentialsMalformed(
                "unknown Authorization scheme" + (shown ? " \"\(String(decoding: scheme, as: UTF8.self))\"" : "")))
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

    private static func pair(_ text: Slice<UnsafeBufferPointer<UInt8>>) -> Result<(String, String), AuthFailure> {
        guard let separator = text.firstIndex(of: colon) else {
            return .failure(.credentialsMalformed("api_key:token missing"))
        }
        let username = text[..<separator]
        let secret = text[(separator + 1)...]
        guard !username.isEmpty, !secret.isEmpty else {
            return .failure(.credentialsMalformed("empty `api_key` or `token`"))
        }
        return .success((String(decoding: username, as: UTF8.self), String(decoding: secret, as: UTF8.self)))
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
    private static let table: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(index)
        }
        return table
    }()

    /// The decoded bytes, or `nil` for anything that is not base64 (or not valid UTF-8 text).
    static func decode(_ text: Slice<UnsafeBufferPointer<UInt8>>) -> [UInt8]? {
        var end = text.endIndex
        var padding = 0
        while end > text.startIndex, text[end - 1] == UInt8(ascii: "="), padding < 2 {
            end -= 1
            padding += 1
        }
        let count = end - text.startIndex
        guard count % 4 != 1, padding == 0 || (count + padding) % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in text[text.startIndex..<end] {
            let value = table[Int(byte)]
            guard value != 0xFF else { return nil }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        guard String(validating: out, as: UTF8.self) != nil else { return nil }
        return out
    }
}
