import Foundation
import Hummingbird
import TidingsCore

/// Admin → Users: the list, and a new user of either type. Creating an API user answers with its
/// first token, shown this once.
struct UsersPages {
    let configuration: TidingsConfiguration
    let tokens: TokenService
    let users: UserService
    let roles: RoleService
    let directory: AuthDirectory

    var routes: [AdminRoute] {
        [
            AdminRoute(.get, "users", [.usersGet], list),
            AdminRoute(.get, "users/new", [.usersManage], newForm),
            AdminRoute(.post, "users/new", [.usersManage], create),
        ]
    }

    @Sendable func list(_ request: Request, context: AdminContext) async throws -> Response {
        let users = try await users.users()
        let snapshot = try await directory.snapshot()
        let rows: [[String: Any]] = users.map { user in
            let access = snapshot.accessByUserID[user.id]
            return [
                "id": user.id.rawValue, "username": user.username, "name": (user.name.isEmpty ? nil : user.name) as Any,
                "isAPI": user.type == .api, "enabled": user.status == .enabled, "role": access?.role.name ?? "—",
                "listRole": access?.listRole?.name as Any,
                "lastLogin": user.type == .api ? "—" : AdminFormat.time(user.loggedInAt),
                "canManage": context.has(.usersManage), "csrf": context.csrf,
                "isSelf": user.id == context.principal.user.id,
            ]
        }
        return context.page(
            "users", title: "Users", ["users": rows, "canManage": context.has(.usersManage)],
            notice: request.param("notice"))
    }

    @Sendable func newForm(_ request: Request, context: AdminContext) async throws -> Response {
        try await form(context, values: [:], errors: [:])
    }

    /// The form, filled with what was posted and each error at its field.
    private func form(
        _ context: AdminContext, values: [String: String], errors: [String: String], message: String? = nil
    ) async throws -> Response {
        var data = try await UserFormData.roles(roles, selected: values, for: context.principal)
        data["errors"] = errors
        for (key, value) in values where key != "password" { data[key] = value }
        data["isAPI"] = values["type"] == "api"
        return context.page(
            "user-new", title: "Users · New", data, status: errors.isEmpty && message == nil ? .ok : .badRequest,
            error: message ?? (errors.isEmpty ? nil : "Please correct the marked fields."))
    }

    @Sendable func create(_ request: Request, context: AdminContext) async throws -> Response {
        let names = ["type", "username", "name", "email", "password", "user_role_id", "list_role_id"]
        var values: [String: String] = [:]
        for name in names { values[name] = context.field(name) }
        let type: UserType = values["type"] == "api" ? .api : .user
        guard let roleID = Int(values["user_role_id"] ?? ""), roleID > 0 else {
            return try await form(context, values: values, errors: ["user_role_id": "Choose a user role."])
        }
        let creation = UserService.Creation(
            username: values["username"] ?? "", name: values["name"],
            email: type == .user ? values["email"] : nil, password: type == .user ? values["password"] : nil,
            passwordLogin: type == .user, type: type, status: .enabled, userRoleID: RoleID(roleID),
            listRoleID: Int(values["list_role_id"] ?? "").flatMap { $0 > 0 ? RoleID($0) : nil })
        let created: UserService.Created
        do {
            created = try await users.create(creation, by: context.principal)
        } catch let error as TidingsError
            where error.kind == .badRequest || error.kind == .conflict || error.code == "beyond_own_access"
        {
            let field = error.details["field"] ?? (error.kind == .conflict ? "username" : nil)
            guard let field, names.contains(field) else {
                return try await form(context, values: values, errors: [:], message: error.message)
            }
            return try await form(context, values: values, errors: [field: error.message])
        }
        guard let secret = created.token else {
            return context.redirect("/admin/users", notice: "Created the login user \(created.user.username).")
        }
        let tokens = try await tokens.tokens(of: created.user.id, by: context.principal)
        return TokenIssuedPage.response(
            context, rootURL: configuration.rootURL, user: created.user, token: tokens.first, secret: secret,
            heading: "API user \(created.user.username) created")
    }
}

/// The page that shows a new secret once, with the three ways to send it.
enum TokenIssuedPage {
    static func response(
        _ context: AdminContext, rootURL: String, user: User, token: APIToken?, secret: String, heading: String,
        graceUntil: Date? = nil
    ) -> Response {
        var root = rootURL
        while root.hasSuffix("/") { root.removeLast() }
        return context.page(
            "token-issued", title: "Users · Token",
            [
                "heading": heading, "username": user.username, "userID": user.id.rawValue, "secret": secret,
                "tokenName": token?.name ?? "default", "rootURL": root,
                "expires": token?.expiresAt.map { AdminFormat.time($0) } as Any,
                "graceUntil": graceUntil.map { AdminFormat.time($0) } as Any,
            ])
    }
}

/// How the admin UI writes times: UTC, to the minute, so that pages are the same for everyone.
enum AdminFormat {
    static func time(_ date: Date?) -> String {
        guard let date else { return "never" }
        return Timestamp.rfc3339(date).prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC"
    }
}
