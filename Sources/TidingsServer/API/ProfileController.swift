import Foundation
import Hummingbird
import TidingsCore

/// `/api/profile` and `/api/logout`: the caller's own account.
struct ProfileController {
    let sessions: SessionService
    let throttledCheck: ThrottledCheck
    let users: UserService
    let directory: AuthDirectory
    let cookie: SessionCookie

    var routes: [APIRoute] {
        [
            APIRoute(.get, "profile", .authenticated, get),
            APIRoute(.put, "profile", .authenticated, update),
            APIRoute(.post, "logout", .authenticated, logout),
        ]
    }

    struct ProfileBody: Decodable {
        var name: String?
        var email: String?
        var password: String?
        var current_password: String?
    }

    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try await users.user(context.principal.user.id)
        return try ok(try await UserPresenter(directory: directory).json(user), request)
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try await request.decode(as: ProfileBody.self, context: context)
        var keeping: String?
        if case .session(let hash) = context.principal.credential { keeping = hash }
        let user = try await throttledCheck(
            username: context.principal.user.username, address: context.clientAddress,
            isFailure: { $0.details["field"] == "current_password" }
        ) {
            try await users.updateProfile(
                of: context.principal, name: body.name, email: body.email, password: body.password,
                currentPassword: body.current_password, keepingSession: keeping)
        }
        return try ok(try await UserPresenter(directory: directory).json(user), request)
    }

    /// Ends the caller's browser session. A token has no session: it is revoked instead.
    @Sendable func logout(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        guard case .session(let hash) = context.principal.credential else {
            throw TidingsError.badRequest(
                "logout ends a browser session; an API token is revoked instead", code: "no_session")
        }
        try await sessions.logout(sessionHash: hash)
        var response = try ok(true, request)
        response.setCookie(cookie.clearing)
        return response
    }
}
