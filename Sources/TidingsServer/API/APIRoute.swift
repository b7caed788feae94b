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

    public init(_ method: HTTPRequest.Method, _ path: String, _ requirement: Requirement, _ handler: @escaping Handler)
    {
        self.method = method
        self.path = path
        self.requirement = requirement
        self.handler = handler
    }

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
    func mount(_ routes: [APIRoute], authenticator: APIAuthenticator) {
        for route in routes {
            on(RouterPath(route.path), method: route.method) { request, context in
                let authenticated: AuthenticatedContext
                do throws(AuthFailure) {
                    authenticated = try await authenticator.authenticate(request, context: context)
                } catch {
                    // Answered here rather than unwound through the router: floods of bad
                    // credentials should cost as little as possible.
                    return ErrorMiddleware<AppRequestContext>.response(for: error)
                }
                try route.checkRequirement(authenticated.principal)
                return try await route.handler(request, authenticated)
            }
        }
    }
}
