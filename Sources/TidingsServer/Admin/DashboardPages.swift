import Foundation
import Hummingbird
import TidingsCore

/// The admin home, logging out, and the page-not-found of the admin area.
struct DashboardPages {
    let sessions: SessionService
    let cookie: SessionCookie

    var routes: [AdminRoute] {
        [
            AdminRoute(.get, "", [], dashboard),
            AdminRoute(.post, "logout", [], logout),
            AdminRoute(.get, "**", [], Self.notFound),
        ]
    }

    /// What any unknown `/admin/…` page answers, through the gate: the login form when signed
    /// out, else a framed 404. (The router cannot always fall back to `**`: `/admin/lists/5`
    /// goes down `lists/:id/…` and stops there, so `AdminNotFoundMiddleware` sends it here.)
    static let notFoundRoute = AdminRoute(.get, "**", [], notFound)

    @Sendable func dashboard(_ request: Request, context: AdminContext) async throws -> Response {
        context.page(
            "dashboard", title: "Dashboard",
            [
                "username": context.principal.user.username, "role": context.principal.role.name,
                "areas": AdminNavigation.open(to: context.principal).filter { !$0.summary.isEmpty }.map {
                    ["label": $0.label, "href": $0.href, "summary": $0.summary]
                },
            ])
    }

    /// Ends the session on the server and clears the cookie (the gate has checked the CSRF token).
    @Sendable func logout(_ request: Request, context: AdminContext) async throws -> Response {
        try await sessions.logout(sessionHash: context.sessionHash)
        var response = Response(status: .seeOther, headers: [.location: "/admin/login"])
        response.setCookie(cookie.clearing)
        return response
    }

    @Sendable static func notFound(_ request: Request, context: AdminContext) async throws -> Response {
        context.page(
            "problem", title: "Not found", ["message": "There is no such page (yet) in the admin area."],
            status: .notFound)
    }
}

/// Unknown pages under `/admin/` get the admin area's answer (login redirect or framed 404)
/// rather than the router's bare one.
struct AdminNotFoundMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let gate: AdminGate
    let renderer: AdminRenderer
    let audit: AuditLog

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError
            where error.status == .notFound && request.method == .get
            && request.uri.path.hasPrefix("/admin/")
        {
            return try await gate.run(
                DashboardPages.notFoundRoute, request: request, context: context, renderer: renderer, audit: audit)
        }
    }
}
