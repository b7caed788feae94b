import Foundation
import Hummingbird
import TidingsCore

/// Admin → Users → an API user's tokens: the table, and create, rotate, revoke, revoke all.
/// The same service calls, with the same permissions, as `/api/users/{id}/tokens`.
struct TokensPages {
    let tokens: TokenService
    let users: UserService
    /// Where the API is, for the pasteable lines of a new secret.
    let rootURL: String
    let lists: ListService

    var routes: [AdminRoute] {
        [
            AdminRoute(.get, "users/:id/tokens", [.usersGet], list),
            AdminRoute(.post, "users/:id/tokens", [.usersManage], create),
            AdminRoute(.post, "users/:id/tokens/:token_id/rotate", [.usersManage], rotate),
            AdminRoute(.post, "users/:id/tokens/:token_id/revoke", [.usersManage], revoke),
            AdminRoute(.post, "users/:id/tokens/revoke-all", [.usersManage], revokeAll),
        ]
    }

    @Sendable func list(_ request: Request, context: AdminContext) async throws -> Response {
        try await page(
            context, user: try await user(context), notice: request.param("notice"))
    }

    private func user(_ context: AdminContext) async throws -> User {
        let user = try await users.user(UserID(try context.id()))
        guard user.type == .api else { throw TidingsError.notFound("API user") }
        return user
    }

    private func page(
        _ context: AdminContext, user: User, form: [String: String] = [:], notice: String? = nil, error: String? = nil
    ) async throws -> Response {
        let policy = tokens.policy
        let rows: [[String: Any]] = try await tokens.tokens(of: user.id, by: context.principal).map { token in
            let state = token.state(at: context.now, idleLifetime: policy.idleLifetime)
            let soon =
                state == .active
                && (token.expiresAt.map { $0.timeIntervalSince(context.now) < policy.warningWindow } ?? false)
            return [
                "keyID": token.keyID, "userID": user.id.rawValue, "name": token.name, "display": token.display,
                "scopes": token.scopes.map { $0.map(\.rawValue).joined(separator: ", ") } ?? "all of the user's",
                "listIDs": token.lists.map { "lists " + $0.map(\.description).joined(separator: ", ") } as Any,
                "cidrs": (token.allowedCIDRs.isEmpty ? nil : token.allowedCIDRs.joined(separator: ", ")) as Any,
                "expires": AdminFormat.time(token.expiresAt), "expiresSoon": soon,
                "lastUsed": token.lastUsedAt.map { "\(AdminFormat.time($0)) from \(token.lastUsedIP ?? "?")" }
                    ?? "never",
                "lastUsedAgent": token.lastUsedUserAgent as Any,
                "recentIPs": token.recentIPs.isEmpty ? "—" : token.recentIPs.joined(separator: ", "),
                "state": soon ? "expires soon" : state.rawValue, "active": state == .active, "csrf": context.csrf,
                "stateClass": state == .active ? (soon ? "warn" : "ok") : "bad",
                "rowClass": state == .active ? (soon ? "expiring" : "") : "expired",
            ]
        }
        let scopeGroups: [[String: Any]] = Permission.catalogue.map { group in
            ["group": group.group, "permissions": group.permissions.map { ["name": $0] }]
        }
        let lists: [[String: Any]] = try await ListsPages.visibleLists(lists, context).map {
            ["id": $0.id.rawValue, "name": $0.name]
        }
        return context.page(
            "tokens", title: "Users · Tokens",
            [
                "username": user.username, "userID": user.id.rawValue, "tokens": rows,
                "hasActive": rows.contains { $0["active"] as? Bool == true }, "canManage": context.has(.usersManage),
                "scopeGroups": scopeGroups, "form": form, "lists": lists,
                "maxDays": Int(policy.maximumLifetime / 86_400), "defaultDays": Int(policy.defaultLifetime / 86_400),
            ],
            status: error == nil ? .ok : .badRequest, notice: notice, error: error)
    }

    @Sendable func create(_ request: Request, context: AdminContext) async throws -> Response {
        let user = try await user(context)
        let form = ["name": context.field("name"), "cidrs": context.field("cidrs")]
        let cidrs = form["cidrs", default: ""].split(whereSeparator: \.isNewline).map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        var expiry = TokenService.Request.Expiry.standard
        let daysText = context.field("expires_days")
        if !daysText.isEmpty {
            guard let days = Int(daysText), days > 0, days <= 36_500 else {
                return try await page(context, user: user, form: form, error: "Expires after: a number of days.")
            }
            expiry = .at(context.now.addingTimeInterval(TimeInterval(days) * 86_400))
        }
        let scopes = context.fields("scopes")
        let lists = context.fields("token_lists").compactMap(Int.init).filter { $0 > 0 }
        do {
            let issued = try await tokens.create(
                for: user.id,
                TokenService.Request(
                    name: form["name"] ?? "", expiry: expiry, scopes: scopes.isEmpty ? nil : scopes,
                    lists: lists.isEmpty ? nil : lists, allowedCIDRs: cidrs),
                by: context.principal)
            return TokenIssuedPage.response(
                context, rootURL: rootURL, user: user, token: issued.token, secret: issued.secret,
                heading: "Token \(issued.token.name) created")
        } catch let error as TidingsError where error.kind == .badRequest {
            return try await page(context, user: user, form: form, error: error.message)
        }
    }

    @Sendable func rotate(_ request: Request, context: AdminContext) async throws -> Response {
        let user = try await user(context)
        let grace = Int(context.field("grace_seconds"))
        do {
            let issued = try await tokens.rotate(
                try tokenID(context), of: user.id, graceSeconds: grace, by: context.principal)
            return TokenIssuedPage.response(
                context, rootURL: rootURL, user: user, token: issued.token, secret: issued.secret,
                heading: "Token \(issued.token.name) rotated", graceUntil: issued.token.graceUntil)
        } catch let error as TidingsError where error.kind == .badRequest {
            return try await page(context, user: user, error: error.message)
        }
    }

    @Sendable func revoke(_ request: Request, context: AdminContext) async throws -> Response {
        let user = try await user(context)
        let token = try await tokens.revoke(try tokenID(context), of: user.id, by: context.principal)
        return context.redirect(
            "/admin/users/\(user.id.rawValue)/tokens", notice: "Revoked \(token.name): it no longer works anywhere.")
    }

    @Sendable func revokeAll(_ request: Request, context: AdminContext) async throws -> Response {
        let user = try await user(context)
        let count = try await tokens.revokeAll(of: user.id, by: context.principal)
        return context.redirect(
            "/admin/users/\(user.id.rawValue)/tokens", notice: "Revoked \(count) token\(count == 1 ? "" : "s").")
    }

    private func tokenID(_ context: AdminContext) throws -> String {
        try TokensController.tokenID(in: context.parameters)
    }
}
