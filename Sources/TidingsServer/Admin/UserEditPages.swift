import Foundation
import Hummingbird
import TidingsCore

/// Admin → Users → one user: edit, disable or enable, delete (after a confirmation page, so it
/// works without JavaScript). The same service calls and rules as `PUT`/`DELETE /api/users/{id}`.
struct UserEditPages {
    let users: UserService
    let roles: RoleService

    var routes: [AdminRoute] {
        [
            AdminRoute(.get, "users/:id/edit", [.usersManage], editForm),
            AdminRoute(.post, "users/:id/edit", [.usersManage], update),
            AdminRoute(.post, "users/:id/status", [.usersManage], setStatus),
            AdminRoute(.get, "users/:id/delete", [.usersManage], confirmDelete),
            AdminRoute(.post, "users/:id/delete", [.usersManage], delete),
        ]
    }

    private func user(_ context: AdminContext) async throws -> User {
        try await users.user(UserID(try context.id()))
    }

    @Sendable func editForm(_ request: Request, context: AdminContext) async throws -> Response {
        let user = try await user(context)
        return try await form(
            context, user: user,
            values: [
                "username": user.username, "name": user.name, "email": user.email ?? "",
                "user_role_id": "\(user.userRoleID.rawValue)",
                "list_role_id": user.listRoleID.map { "\($0.rawValue)" } ?? "",
            ],
            errors: [:])
    }

    private func form(
        _ context: AdminContext, user: User, values: [String: String], errors: [String: String], message: String? = nil
    ) async throws -> Response {
        var data = try await UserFormData.roles(roles, selected: values, for: context.principal)
        for (key, value) in values where key != "password" { data[key] = value }
        data["errors"] = errors
        data["id"] = user.id.rawValue
        data["isAPI"] = user.type == .api
        data["enabled"] = user.status == .enabled
        data["isSelf"] = user.id == context.principal.user.id
        let failed = !errors.isEmpty || message != nil
        return context.page(
            "user-edit", title: "Users · Edit", data, status: failed ? .badRequest : .ok,
            error: message ?? (errors.isEmpty ? nil : "Please correct the marked fields."))
    }

    @Sendable func update(_ request: Request, context: AdminContext) async throws -> Response {
        let user = try await user(context)
        let names = ["username", "name", "email", "password", "user_role_id", "list_role_id"]
        var values: [String: String] = [:]
        for name in names { values[name] = context.field(name) }
        var update = UserService.Update()
        update.username = values["username"]
        update.name = values["name"]
        update.email = values["email"]
        update.password = values["password"]
        update.userRoleID = Int(values["user_role_id"] ?? "").flatMap { $0 > 0 ? RoleID($0) : nil }
        update.listRole = Int(values["list_role_id"] ?? "").flatMap { $0 > 0 ? .set(RoleID($0)) : nil } ?? .remove
        do {
            let updated = try await users.update(user.id, update, by: context.principal)
            return context.redirect("/admin/users", notice: "Saved \(updated.username).")
        } catch let error as TidingsError
            where error.kind == .badRequest || error.kind == .conflict || error.code == "beyond_own_access"
        {
            if let field = error.details["field"], names.contains(field) {
                return try await form(context, user: user, values: values, errors: [field: error.message])
            }
            return try await form(context, user: user, values: values, errors: [:], message: error.message)
        }
    }

    @Sendable func setStatus(_ request: Request, context: AdminContext) async throws -> Response {
        let user = try await user(context)
        let status: UserStatus = context.field("status") == "disabled" ? .disabled : .enabled
        if user.id == context.principal.user.id, status == .disabled {
            throw TidingsError.badRequest("You cannot disable yourself.", code: "invalid_status")
        }
        var update = UserService.Update()
        update.status = status
        update.listRole = .keep
        _ = try await users.update(user.id, update, by: context.principal)
        let verb = status == .disabled ? "Disabled" : "Enabled"
        let effect = status == .disabled ? ": its sessions and tokens stopped working at once." : "."
        return context.redirect("/admin/users", notice: "\(verb) \(user.username)\(effect)")
    }

    @Sendable func confirmDelete(_ request: Request, context: AdminContext) async throws -> Response {
        let user = try await user(context)
        return context.page(
            "user-delete", title: "Users · Delete",
            ["id": user.id.rawValue, "username": user.username, "isAPI": user.type == .api])
    }

    @Sendable func delete(_ request: Request, context: AdminContext) async throws -> Response {
        let user = try await user(context)
        if user.id == context.principal.user.id {
            throw TidingsError.badRequest("You cannot delete yourself.", code: "invalid_id")
        }
        try await users.delete([user.id], by: context.principal)
        return context.redirect("/admin/users", notice: "Deleted \(user.username).")
    }
}

/// The role choices of the user forms: only the roles the signed-in user may give.
enum UserFormData {
    static func roles(
        _ roleService: RoleService, selected values: [String: String], for principal: Principal
    ) async throws -> [String: Any] {
        let selectedRole = Int(values["user_role_id"] ?? "")
        let selectedListRole = Int(values["list_role_id"] ?? "")
        let grantable = try await roleService.userRoles().filter { Authority.mayGrant($0, by: principal) }
        let roles = grantable.map { role -> [String: Any] in
            ["id": role.id.rawValue, "name": role.name, "selected": role.id.rawValue == selectedRole]
        }
        let grantableLists = try await roleService.listRoles().filter { Authority.mayGrant($0, by: principal) }
        let listRoles = grantableLists.map { role -> [String: Any] in
            ["id": role.id.rawValue, "name": role.name, "selected": role.id.rawValue == selectedListRole]
        }
        return ["roles": roles, "listRoles": listRoles]
    }
}
