import Foundation
import Hummingbird
import TidingsCore

/// Admin → Profile, for every signed-in user: name and e-mail, a password change that needs the
/// current password (and ends the user's other sessions), TOTP enrolment and removal, and the
/// user's active sessions with "log out other sessions".
struct ProfilePages {
    let configuration: TidingsConfiguration
    let sessions: SessionService
    let users: UserService
    let twoFactor: TwoFactorService

    var routes: [AdminRoute] {
        [
            AdminRoute(.get, "profile", [], show),
            AdminRoute(.post, "profile", [], updateDetails),
            AdminRoute(.post, "profile/password", [], changePassword),
            AdminRoute(.get, "profile/twofa", [], twoFactorOffer),
            AdminRoute(.post, "profile/twofa", [], enableTwoFactor),
            AdminRoute(.post, "profile/twofa/disable", [], disableTwoFactor),
            AdminRoute(.post, "profile/sessions/logout-others", [], logoutOthers),
        ]
    }

    /// Pages a session may open before it enrols when the instance requires two-factor.
    static let allowedBeforeTwoFactor: Set<String> = ["profile", "profile/twofa", "logout"]

    @Sendable func show(_ request: Request, context: AdminContext) async throws -> Response {
        try await page(context, notice: request.param("notice"))
    }

    private func page(
        _ context: AdminContext, errors: [String: String] = [:], message: String? = nil, notice: String? = nil
    ) async throws -> Response {
        let user = context.principal.user
        let current = context.sessionHash
        let sessions: [[String: Any]] = try await sessions.sessions(of: user.id).map { session in
            [
                "created": AdminFormat.time(session.createdAt), "lastSeen": AdminFormat.time(session.lastSeenAt),
                "ip": session.clientIP ?? "—", "agent": session.userAgent ?? "—", "current": session.idHash == current,
            ]
        }
        let failed = !errors.isEmpty || message != nil
        return context.page(
            "profile", title: "Profile",
            [
                "username": user.username, "name": user.name, "email": user.email ?? "", "errors": errors,
                "twoFactor": user.twoFactor == .totp, "sessions": sessions, "others": sessions.count > 1,
            ],
            status: failed ? .badRequest : .ok, notice: notice,
            error: message ?? (errors.isEmpty ? nil : "Please correct the marked fields."))
    }

    /// Runs a profile change; a validation error is shown at its field.
    private func attempt(
        _ context: AdminContext, fields: Set<String>, success: String, _ change: () async throws -> Void
    ) async throws -> Response {
        do {
            try await change()
            return context.redirect("/admin/profile", notice: success)
        } catch let error as TidingsError where error.kind == .badRequest || error.kind == .forbidden {
            if let field = error.details["field"], fields.contains(field) {
                return try await page(context, errors: [field: error.message])
            }
            return try await page(context, message: error.message)
        }
    }

    @Sendable func updateDetails(_ request: Request, context: AdminContext) async throws -> Response {
        try await attempt(context, fields: ["name", "email"], success: "Profile saved.") {
            _ = try await users.updateProfile(
                of: context.principal, name: context.field("name"), email: context.field("email"), password: nil,
                currentPassword: nil, keepingSession: nil)
        }
    }

    @Sendable func changePassword(_ request: Request, context: AdminContext) async throws -> Response {
        let password = context.form.first { $0.0 == "password" }?.1 ?? ""
        guard password == (context.form.first { $0.0 == "password2" }?.1 ?? "") else {
            return try await page(context, errors: ["password2": "The passwords do not match."])
        }
        guard !password.isEmpty else { return try await page(context, errors: ["password": "Enter a new password."]) }
        let keeping = context.sessionHash
        return try await attempt(
            context, fields: ["password", "current_password"],
            success: "Password changed. Your other sessions have been logged out."
        ) {
            _ = try await users.updateProfile(
                of: context.principal, name: nil, email: nil, password: password,
                currentPassword: context.form.first { $0.0 == "current_password" }?.1, keepingSession: keeping)
        }
    }

    @Sendable func twoFactorOffer(_ request: Request, context: AdminContext) async throws -> Response {
        try await offerPage(context, error: nil)
    }

    private func offerPage(_ context: AdminContext, secret: String? = nil, error: String?) async throws -> Response {
        let user = context.principal.user
        if user.twoFactor == .totp { return context.redirect("/admin/profile") }
        let offer = try twoFactor.offer(for: user)
        let chosen = secret ?? offer.secret
        let url =
            secret == nil
            ? offer.provisioningURL : offer.provisioningURL.replacingOccurrences(of: offer.secret, with: chosen)
        return context.page(
            "twofa-enrol", title: "Profile · Two-factor",
            [
                "secret": chosen, "url": url, "qr": QRCode(bytes: Array(url.utf8))?.svg as Any,
                "required": configuration.requireTwoFactor,
            ],
            status: error == nil ? .ok : .badRequest, error: error)
    }

    @Sendable func enableTwoFactor(_ request: Request, context: AdminContext) async throws -> Response {
        let secret = context.field("secret")
        do {
            try await twoFactor.enable(
                for: context.principal.user, secret: secret,
                code: context.field("code").replacingOccurrences(of: " ", with: ""))
        } catch let error as TidingsError where error.kind == .badRequest {
            return try await offerPage(context, secret: secret, error: error.message)
        }
        return context.redirect("/admin/profile", notice: "Two-factor authentication is on.")
    }

    @Sendable func disableTwoFactor(_ request: Request, context: AdminContext) async throws -> Response {
        try await attempt(context, fields: ["twofa_password"], success: "Two-factor authentication is off.") {
            try await twoFactor.disable(
                for: context.principal.user, by: context.principal,
                password: context.form.first { $0.0 == "twofa_password" }?.1)
        }
    }

    @Sendable func logoutOthers(_ request: Request, context: AdminContext) async throws -> Response {
        try await sessions.logoutOthers(of: context.principal.user.id, keeping: context.sessionHash)
        return context.redirect("/admin/profile", notice: "Your other sessions have been logged out.")
    }
}
