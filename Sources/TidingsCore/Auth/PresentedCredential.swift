import Foundation

/// What a client put in its `Authorization` header (credentials.md §2).
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
        guard raw.utf8.count <= maximumHeaderLength else {
            return .failure(
                .credentialsMalformed("the Authorization header is longer than \(maximumHeaderLength) bytes"))
        }
        let value = raw.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else { return nil }
        let scheme = value.prefix { $0 != " " }
        let rest = value.dropFirst(scheme.count).trimmingCharacters(in: .whitespaces)
        switch scheme.lowercased() {
        case "basic":
            guard !rest.isEmpty else { return .failure(.credentialsMalformed("api_key:token missing")) }
            guard let decoded = decodeBase64(rest) else {
                return .failure(.credentialsMalformed("invalid Base64 value in Basic Authorization header"))
            }
            return pair(decoded).map { .basic(username: $0.0, secret: $0.1) }
        case "token":
            return pair(rest).map { .tokenScheme(username: $0.0, secret: $0.1) }
        case "bearer":
            guard !rest.isEmpty else { return .failure(.credentialsMalformed("empty Bearer token")) }
            guard !rest.contains(" ") else { return .failure(.credentialsMalformed("a Bearer token has no spaces")) }
            return .success(.bearer(secret: rest))
        default:
            let shown = scheme.count <= 20 && scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
            return .failure(
                .credentialsMalformed("unknown Authorization scheme" + (shown ? " \"\(scheme)\"" : "")))
        }
    }

    private static func pair(_ text: String) -> Result<(String, String), AuthFailure> {
        guard let colon = text.firstIndex(of: ":") else {
            return .failure(.credentialsMalformed("api_key:token missing"))
        }
        let username = String(text[..<colon])
        let secret = String(text[text.index(after: colon)...])
        guard !username.isEmpty, !secret.isEmpty else {
            return .failure(.credentialsMalformed("empty `api_key` or `token`"))
        }
        return .success((username, secret))
    }

    /// Standard base64, padded or not; the result must be UTF-8.
    private static func decodeBase64(_ text: String) -> String? {
        var padded = text
        let remainder = padded.utf8.count % 4
        if remainder == 1 { return nil }
        if remainder > 0 { padded += String(repeating: "=", count: 4 - remainder) }
        guard let data = Data(base64Encoded: padded) else { return nil }
        return String(bytes: data, encoding: .utf8)
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
