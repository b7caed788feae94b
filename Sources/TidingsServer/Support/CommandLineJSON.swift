import Foundation
import TidingsCore

/// JSON for the command line, in exactly the shapes the API answers (`data` of the token and
/// audit routes), so that scripts can use either.
public enum CommandLineJSON {
    /// A token object; `secret` only right after create or rotate.
    public static func token(_ token: APIToken, secret: String?, policy: TokenPolicy, now: Date) throws -> String {
        try text(TokenJSON(token, policy: policy, now: now, secret: secret))
    }

    public static func tokens(_ tokens: [APIToken], policy: TokenPolicy, now: Date) throws -> String {
        try text(tokens.map { TokenJSON($0, policy: policy, now: now) })
    }

    public static func auditEvents(_ events: [AuditEvent]) throws -> String {
        try text(events.map(AuditEventJSON.init))
    }

    private static func text(_ value: some Encodable) throws -> String {
        String(decoding: try OrderedJSONEncoder(pretty: true).encode(value), as: UTF8.self)
    }
}
