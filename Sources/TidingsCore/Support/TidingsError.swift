/// The one error type of the domain. It knows nothing of HTTP: the server maps `kind` to a status
/// once, at the edge, and sends `message` and `code` as `{"message", "code"}`.
public struct TidingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case badRequest
        case unauthenticated
        case forbidden
        case notFound
        case conflict
        case tooManyRequests(retryAfterSeconds: Int)
        case payloadTooLarge
        case unsupportedMediaType
        case unavailable
        /// The server cannot take this on right now (a bounded queue is full): 503 with
        /// `Retry-After`, at once, instead of a wait that would hold up other requests.
        case busy(retryAfterSeconds: Int)
    }

    public var kind: Kind
    /// A stable, machine-readable code such as `invalid_fields` or `permission_denied`.
    public var code: String
    /// Human-readable text; where listmonk has a text for the same failure, it is listmonk's.
    public var message: String
    /// Extra machine-readable fields sent beside `message` and `code` (e.g. `permission`, `field`).
    public var details: [String: String]

    public init(_ kind: Kind, code: String, message: String, details: [String: String] = [:]) {
        self.kind = kind
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { "\(code): \(message)" }
}

extension TidingsError {
    /// listmonk's `Invalid fields: <name>`.
    public static func invalidField(_ field: String, _ message: String? = nil) -> TidingsError {
        TidingsError(
            .badRequest, code: "invalid_fields", message: message ?? "Invalid fields: \(field)",
            details: ["field": field])
    }

    /// `<Thing> not found` (listmonk's text; the status is 404, where listmonk mostly answers 400).
    public static func notFound(_ thing: String) -> TidingsError {
        TidingsError(.notFound, code: "not_found", message: "\(thing) not found")
    }

    /// listmonk's route-level text, `permission denied: <perm>`.
    public static func permissionDenied(_ permission: String) -> TidingsError {
        TidingsError(
            .forbidden, code: "permission_denied", message: "permission denied: \(permission)",
            details: ["permission": permission])
    }

    /// An action only a Super Admin may take (granting or changing the Super Admin role).
    public static func superAdminOnly(_ action: String) -> TidingsError {
        TidingsError(
            .forbidden, code: "permission_denied", message: "permission denied: only a Super Admin can \(action)",
            details: ["permission": "super_admin"])
    }

    /// listmonk's bare `permission denied` for per-list checks.
    public static func listPermissionDenied(_ permission: ListPermission, list: ListID) -> TidingsError {
        TidingsError(
            .forbidden, code: "permission_denied", message: "permission denied",
            details: ["permission": permission.rawValue, "list_id": list.description])
    }

    public static func badRequest(_ message: String, code: String = "bad_request") -> TidingsError {
        TidingsError(.badRequest, code: code, message: message)
    }

    public static func conflict(_ message: String, field: String? = nil) -> TidingsError {
        TidingsError(.conflict, code: "conflict", message: message, details: field.map { ["field": $0] } ?? [:])
    }

    /// listmonk's text when a change would leave no enabled Super Admin login user.
    public static let needsSuperAdmin = TidingsError(
        .badRequest, code: "needs_super_admin",
        message: "User(s) couldn't be updated. There has to be at least one active Super Admin user.")

    public static let invalidID = TidingsError(.badRequest, code: "invalid_id", message: "invalid ID")
}
