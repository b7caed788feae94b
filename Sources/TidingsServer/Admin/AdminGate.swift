import Foundation
import HTTPTypes
import Hummingbird
import TidingsCore

/// The checks in front of every admin page: a live session (else to the login form, keeping
/// where the user was going), for forms a same-origin request carrying the session's CSRF token,
/// two-factor enrolment when the instance requires it, and the route's permission. Form actions
/// are written to the audit log.
struct AdminGate: Sendable {
    let configuration: TidingsConfiguration
    let clock: WallClock
    let sessions: SessionService
    let secretHasher: SecretHasher
    let cookie: SessionCookie
    let origin: OriginCheck
    let addresses: ClientAddressResolver

    /// The CSRF token of a session: a keyed hash of the session's (already hashed) id, so it
    /// needs no storage, differs per session and dies with it.
    func csrfToken(sessionHash: String) -> String { secretHasher.hash("admin-csrf:\(sessionHash)") }

    /// Whether `presented` is the CSRF token `expected` (constant time).
    static func matches(_ expected: String, _ presented: String) -> Bool {
        constantTimeEquals(Array(expected.utf8), Array(presented.utf8))
    }

    /// The signed-in user of `request`, if its session is alive.
    func principal(of request: Request) async -> Principal? {
        guard let sessionID = cookie.sessionID(in: request) else { return nil }
        return try? await sessions.principal(forSessionID: sessionID)
    }

    /// To the login form, coming back to this page (a `GET`) or to the admin home (a form).
    static func toLogin(from request: Request) -> Response {
        let target = request.method == .get ? request.uri.description : "/admin"
        let escaped = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "%2Fadmin"
        return Response(status: .seeOther, headers: [.location: "/admin/login?next=\(escaped)"])
    }

    func run(
        _ route: AdminRoute, request: Request, context: AppRequestContext, renderer: AdminRenderer, audit: AuditLog
    ) async throws -> Response {
        guard let principal = await principal(of: request) else { return Self.toLogin(from: request) }
        guard case .session(let hash) = principal.credential else { return Self.toLogin(from: request) }
        let csrf = csrfToken(sessionHash: hash)
        var form: [(String, String)] = []
        if route.method == .post {
            do {
                try origin.check(request)
                if !route.multipart { form = try await FormBody.pairs(of: request) }
            } catch {
                return renderer.problem(
                    .forbidden, "This form came from another site, or was malformed. Nothing was changed.")
            }
            let presented = form.first { $0.0 == "_csrf" }?.1 ?? ""
            guard route.multipart || Self.matches(csrf, presented) else {
                return renderer.problem(
                    .forbidden, "This form has expired (you may have logged in again since). Reload the page and retry."
                )
            }
        }
        let frame = AdminContext(
            principal: principal, sessionHash: hash, csrf: csrf, parameters: context.parameters,
            clientIP: addresses.address(of: request, peer: context.channel?.remoteAddress)?.description, form: form,
            renderer: renderer, now: clock.now())
        if configuration.requireTwoFactor, principal.user.twoFactor == .none,
            !ProfilePages.allowedBeforeTwoFactor.contains(route.path)
        {
            return Response(status: .seeOther, headers: [.location: "/admin/profile/twofa"])
        }
        var response: Response
        if !route.anyOf.isEmpty, !route.anyOf.contains(where: principal.has) {
            response = renderer.problem(
                .forbidden,
                "You do not have permission for this page (\(route.anyOf.map(\.rawValue).joined(separator: " or "))).",
                frame: frame)
        } else {
            do {
                response = try await route.handler(request, frame)
            } catch let error as TidingsError {
                response = renderer.problem(
                    ErrorMiddleware<AppRequestContext>.status(of: error.kind), error.message, frame: frame)
            }
        }
        if let action = route.action {
            audit.record(
                AuditEvent(
                    at: frame.now, action: action, outcome: response.status.code < 400 ? .success : .failure,
                    actor: AuditEvent.Actor(principal), clientIP: frame.clientIP,
                    userAgent: request.headers[.userAgent], method: "POST", route: "/admin/\(route.path)",
                    status: response.status.code, targetType: nil, targetID: context.parameters.get("id")))
        }
        return response
    }
}
