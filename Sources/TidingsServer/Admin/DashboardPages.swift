import Foundation
import Hummingbird
import TidingsCore

/// The admin home, logging out, and the page-not-found of the admin area.
struct DashboardPages {
    let services: AppServices
    let cookie: SessionCookie

    var routes: [AdminRoute] {
        [
            AdminRoute(.get, "", [], dashboard),
            AdminRoute(.post, "logout", [], logout),
            AdminRoute(.get, "**", [], notFound),
        ]
    }

    @Sendable func dashboard(_ request: Request, context: AdminContext) async throws -> Response {
        context.page(
            "dashboard", title: "Dashboard",
            [
                "username": context.principal.user.username, "role": context.principal.role.name,
                "canUsers": context.has(.usersGet),
            ])
    }

    /// Ends the session on the server and clears the cookie (the gate has checked the CSRF token).
    @Sendable func logout(_ request: Request, context: AdminContext) async throws -> Response {
        if case .session(let hash) = context.principal.credential {
            try await services.sessions.logout(sessionHash: hash)
        }
        var response = Response(status: .seeOther, headers: [.location: "/admin/login"])
        response.setCookie(cookie.clearing)
        return response
    }

    @Sendable func notFound(_ request: Request, context: AdminContext) async throws -> Response {
        context.page(
            "problem", title: "Not found", ["message": "There is no such page (yet) in the admin area."],
            status: .notFound)
    }
}
