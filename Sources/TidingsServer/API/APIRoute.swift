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

    /// The handler behind the route-level permission check, which runs before anything else.
    var guardedHandler: Handler {
        let requirement = requirement
        let handler = handler
        return { request, context in
            if case .anyOf(let permissions) = requirement {
                try context.principal.require(anyOf: permissions)
            }
            return try await handler(request, context)
        }
    }
}

extension RouterMethods where Context == AppRequestContext {
    /// Registers each route behind authentication and its permission check.
    func mount(_ routes: [APIRoute], authenticator: APIAuthenticator) {
        for route in routes {
            let handler = route.guardedHandler
            on(RouterPath(route.path), method: route.method) { request, context in
                let authenticated: AuthenticatedContext
                do {
                    authenticated = try await authenticator.authenticate(request, context: context)
                } catch let failure as AuthFailure {
                    // Answered here rather than unwound through the router: floods of bad
                    // credentials should cost as little as possible.
                    return ErrorMiddleware<AppRequestContext>.response(for: failure)
                }
                return try await handler(request, authenticated)
            }
        }
    }
}
