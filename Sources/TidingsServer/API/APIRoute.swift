import HTTPTypes
import Hummingbird
import TidingsCore

/// One authenticated API route: method, path, the permission it needs and its handler.
/// Controllers list their routes as values of this type, so that the whole table can be read in
/// one place per area, mounted in one way, and walked by a test that checks every permission.
public struct APIRoute: Sendable {
    /// What a caller must hold before the handler runs.
    public enum Requirement: Sendable, Equatable {
        /// Any authenticated user (listmonk's "—"); handlers may check more (e.g. per-list access).
        case authenticated
        /// At least one of these permissions; the error names the last (listmonk's rule).
        case anyOf([Permission])
    }

    public typealias Handler = @Sendable (Request, AuthenticatedContext) async throws -> Response

    public let method: HTTPRequest.Method
    /// Relative to `/api`, in Hummingbird's syntax (`users/:id`).
    public let path: String
    public let requirement: Requirement
    public let handler: Handler

    /// The audit log's name for a call that changes state (`users.create`, `users.tokens.rotate`);
    /// `nil` for reads, which are not audited.
    public let action: String?

    public init(_ method: HTTPRequest.Method, _ path: String, _ requirement: Requirement, _ handler: @escaping Handler)
    {
        self.method = method
        self.path = path
        self.requirement = requirement
        self.handler = handler
        self.action = Self.action(method, path)
    }

    /// The path's fixed parts joined by dots, then the verb the method implies; a path that ends
    /// in a verb of its own (`…/rotate`, `logout`, `…/blocklist`, `…/query/delete`) keeps it.
    static func action(_ method: HTTPRequest.Method, _ path: String) -> String? {
        let verb: String
        switch method {
        case .post: verb = "create"
        case .put, .patch: verb = "update"
        case .delete: verb = "delete"
        default: return nil
        }
        let parts = path.split(separator: "/").filter { !$0.hasPrefix(":") }
        let named = parts.joined(separator: ".")
        return ["rotate", "logout", "delete", "blocklist"].contains(parts.last ?? "") ? named : "\(named).\(verb)"
    }

    /// Routes a session may use before it enrols in TOTP when the instance requires it.
    static let allowedBeforeTwoFactor: Set<String> = [
        "users/:id/twofa/totp", "users/:id/twofa", "profile", "logout", "config", "health",
    ]

    /// Refuses a principal that lacks the route's permission; runs before the handler.
    @inline(__always)
    func checkRequirement(_ principal: Principal) throws {
        if case .anyOf(let permissions) = requirement {
            try principal.require(anyOf: permissions)
        }
    }
}

extension RouterMethods where Context == AppRequestContext {
    /// Registers each route behind authentication and its permission check.
    func mount(
        _ routes: [APIRoute], authenticator: APIAuthenticator, tokenHeaders: TokenHeaders, audit: AuditLog,
        requireTwoFactor: Bool
    ) {
        for route in routes {
            on(RouterPath(route.path), method: route.method) { request, context in
                let authenticated: AuthenticatedContext
                do throws(AuthFailure) {
                    switch try authenticator.start(request, context: context, noting: route.action != nil) {
                    case .authenticated(let ready): authenticated = ready
                    case .waiting(let pending):
                        authenticated = try await authenticator.finish(pending, request: request, context: context)
                    }
                } catch {
                    // Answered here rather than unwound through the router: floods of bad
                    // credentials should cost as little as possible.
                    return ErrorMiddleware<AppRequestContext>.response(for: error)
                }
                if requireTwoFactor, case .session = authenticated.principal.credential,
                    authenticated.principal.user.twoFactor == .none,
                    !APIRoute.allowedBeforeTwoFactor.contains(route.path)
                {
                    return ErrorMiddleware<AppRequestContext>.response(for: AuthFailure.twoFactorRequired)
                }
                var response: Response
                do {
                    try route.checkRequirement(authenticated.principal)
                    response = try await route.handler(request, authenticated)
                } catch {
                    // Converted here, so that error responses carry the token headers too.
                    response = ErrorMiddleware<AppRequestContext>.response(
                        for: error, request: request, logger: context.logger)
                }
                if let token = authenticated.token { tokenHeaders.add(for: token, to: &response) }
                if let action = route.action {
                    audit.recordCall(
                        action, route: route, request: request, context: authenticated, status: response.status)
                }
                return response
            }
        }
    }
}

/// The headers every token-authenticated response carries: the token's
/// expiry, and a warning when it expires soon or an old secret was used within its grace.
struct TokenHeaders: Sendable {
    static let expires = HTTPField.Name("Tidings-Token-Expires")!
    static let warning = HTTPField.Name("Tidings-Token-Warning")!

    let policy: TokenPolicy

    func add(for token: Verified, to response: inout Response) {
        let entry = token.entry
        // Appended, not set: handlers never write these headers, so there is nothing to search for.
        if let expires = entry.expiresHeader { response.headers.append(HTTPField(name: Self.expires, value: expires)) }
        if token.usedPreviousSecret, let superseded = entry.supersededWarning {
            response.headers.append(HTTPField(name: Self.warning, value: superseded))
        } else if let expiresAt = entry.token.expiresAt, expiresAt.timeIntervalSince(token.at) < policy.warningWindow {
            response.headers.append(HTTPField(name: Self.warning, value: "expires-soon"))
        }
    }
}
