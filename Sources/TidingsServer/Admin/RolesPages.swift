import Foundation
import Hummingbird
import TidingsCore

/// Admin → Roles: user roles (the permission catalogue as grouped checkboxes; Super Admin shown
/// read-only) and list roles (get, or get and manage, per list). Deleting a role that users
/// hold is refused with the reason, as `DELETE /api/roles/{id}` refuses it.
struct RolesPages {
    let roles: RoleService
    let lists: ListService

    var routes: [AdminRoute] {
        [
            AdminRoute(.get, "roles", [.rolesGet], list),
            AdminRoute(.get, "roles/users/new", [.rolesManage], newUserRole),
            AdminRoute(.post, "roles/users/new", [.rolesManage], saveUserRole),
            AdminRoute(.get, "roles/users/:id", [.rolesGet], showUserRole),
            AdminRoute(.post, "roles/users/:id", [.rolesManage], saveUserRole),
            AdminRoute(.get, "roles/lists/new", [.rolesManage], newListRole),
            AdminRoute(.post, "roles/lists/new", [.rolesManage], saveListRole),
            AdminRoute(.get, "roles/lists/:id", [.rolesGet], showListRole),
            AdminRoute(.post, "roles/lists/:id", [.rolesManage], saveListRole),
            AdminRoute(.get, "roles/:id/delete", [.rolesManage], confirmDelete),
            AdminRoute(.post, "roles/:id/delete", [.rolesManage], delete),
        ]
    }

    @Sendable func list(_ request: Request, context: AdminContext) async throws -> Response {
        let manage = context.has(.rolesManage)
        let userRoles: [[String: Any]] = try await roles.userRoles().map { role in
            [
                "id": role.id.rawValue, "name": role.name, "superAdmin": role.isSuperAdmin,
                "summary": role.isSuperAdmin ? "every permission" : "\(role.permissions.count) permission(s)",
                "canDelete": manage && !role.isSuperAdmin,
            ]
        }
        let listRoles: [[String: Any]] = try await roles.listRoles().map { role in
            [
                "id": role.id.rawValue, "name": role.name, "canDelete": manage,
                "summary": role.lists.map { "\($0.listName) (\($0.permissions.contains(.manage) ? "manage" : "get"))" }
                    .joined(separator: ", "),
            ]
        }
        return context.page(
            "roles", title: "Roles", ["userRoles": userRoles, "listRoles": listRoles, "canManage": manage],
            notice: request.param("notice"))
    }

    // MARK: User roles

    @Sendable func newUserRole(_ request: Request, context: AdminContext) async throws -> Response {
        userRoleForm(context, role: nil, name: "", permissions: [], error: nil)
    }

    @Sendable func showUserRole(_ request: Request, context: AdminContext) async throws -> Response {
        let role = try await userRole(context)
        return userRoleForm(
            context, role: role, name: role.name,
            permissions: role.isSuperAdmin
                ? Set(Permission.allCases.map(\.rawValue)) : Set(role.permissions.map(\.rawValue)),
            error: nil)
    }

    private func userRole(_ context: AdminContext) async throws -> UserRole {
        let id = RoleID(try context.id())
        guard let role = try await roles.userRoles().first(where: { $0.id == id }) else {
            throw TidingsError.notFound("Role")
        }
        return role
    }

    private func userRoleForm(
        _ context: AdminContext, role: UserRole?, name: String, permissions: Set<String>, error: String?
    ) -> Response {
        let readOnly = role?.isSuperAdmin == true || !context.has(.rolesManage)
        let groups: [[String: Any]] = Permission.catalogue.map { group in
            [
                "group": group.group,
                "permissions": group.permissions.map { ["name": $0, "checked": permissions.contains($0)] },
            ]
        }
        var data: [String: Any] = ["name": name, "groups": groups, "readOnly": readOnly]
        if let role { data["id"] = role.id.rawValue }
        data["superAdmin"] = role?.isSuperAdmin == true
        return context.page(
            "user-role", title: "Roles · User role", data, status: error == nil ? .ok : .badRequest, error: error)
    }

    @Sendable func saveUserRole(_ request: Request, context: AdminContext) async throws -> Response {
        let name = context.field("name")
        let permissions = context.fields("permissions")
        let existing = context.parameters.get("id") == nil ? nil : try await userRole(context)
        do {
            let role =
                if let existing {
                    try await roles.updateUserRole(
                        existing.id, name: name, permissions: permissions, by: context.principal)
                } else {
                    try await roles.createUserRole(name: name, permissions: permissions, by: context.principal)
                }
            return context.redirect("/admin/roles", notice: "Saved the user role \(role.name).")
        } catch let error as TidingsError where error.kind == .badRequest || error.kind == .conflict {
            return userRoleForm(
                context, role: existing, name: name, permissions: Set(permissions),
                error: error.details["reason"] ?? error.message)
        }
    }

    // MARK: List roles

    @Sendable func newListRole(_ request: Request, context: AdminContext) async throws -> Response {
        try await listRoleForm(context, role: nil, name: "", grants: [:], error: nil)
    }

    @Sendable func showListRole(_ request: Request, context: AdminContext) async throws -> Response {
        let role = try await listRole(context)
        let grants = Dictionary(
            role.lists.map { ($0.listID, $0.permissions.contains(.manage) ? "manage" : "get") },
            uniquingKeysWith: { $1 })
        return try await listRoleForm(context, role: role, name: role.name, grants: grants, error: nil)
    }

    private func listRole(_ context: AdminContext) async throws -> ListRole {
        let id = RoleID(try context.id())
        guard let role = try await roles.listRoles().first(where: { $0.id == id }) else {
            throw TidingsError.notFound("Role")
        }
        return role
    }

    private func listRoleForm(
        _ context: AdminContext, role: ListRole?, name: String, grants: [ListID: String], error: String?
    ) async throws -> Response {
        let lists: [[String: Any]] = try await ListsPages.visibleLists(lists, context).map { list in
            let grant = grants[list.id] ?? "none"
            return [
                "id": list.id.rawValue, "name": list.name, "none": grant == "none", "get": grant == "get",
                "manage": grant == "manage",
            ]
        }
        var data: [String: Any] = ["name": name, "lists": lists, "readOnly": !context.has(.rolesManage)]
        if let role { data["id"] = role.id.rawValue }
        return context.page(
            "list-role", title: "Roles · List role", data, status: error == nil ? .ok : .badRequest, error: error)
    }

    @Sendable func saveListRole(_ request: Request, context: AdminContext) async throws -> Response {
        let name = context.field("name")
        var grants: [(ListID, [String])] = []
        var chosen: [ListID: String] = [:]
        for (field, value) in context.form where field.hasPrefix("list-") {
            guard let id = Int(field.dropFirst("list-".count)), id > 0 else { continue }
            chosen[ListID(id)] = value
            switch value {
            case "get": grants.append((ListID(id), [ListPermission.get.rawValue]))
            case "manage": grants.append((ListID(id), [ListPermission.get.rawValue, ListPermission.manage.rawValue]))
            default: continue
            }
        }
        let existing = context.parameters.get("id") == nil ? nil : try await listRole(context)
        do {
            let role =
                if let existing {
                    try await roles.updateListRole(
                        existing.id, name: name, grants: grants, by: context.principal)
                } else {
                    try await roles.createListRole(name: name, grants: grants, by: context.principal)
                }
            return context.redirect("/admin/roles", notice: "Saved the list role \(role.name).")
        } catch let error as TidingsError where error.kind == .badRequest || error.kind == .conflict {
            return try await listRoleForm(context, role: existing, name: name, grants: chosen, error: error.message)
        }
    }

    // MARK: Deleting

    private func anyRole(_ context: AdminContext) async throws -> (RoleID, String) {
        let id = RoleID(try context.id())
        if let role = try await roles.userRoles().first(where: { $0.id == id }) { return (id, role.name) }
        if let role = try await roles.listRoles().first(where: { $0.id == id }) { return (id, role.name) }
        throw TidingsError.notFound("Role")
    }

    @Sendable func confirmDelete(_ request: Request, context: AdminContext) async throws -> Response {
        let (id, name) = try await anyRole(context)
        return context.page("role-delete", title: "Roles · Delete", ["id": id.rawValue, "name": name])
    }

    @Sendable func delete(_ request: Request, context: AdminContext) async throws -> Response {
        let (id, name) = try await anyRole(context)
        do {
            try await roles.delete(id)
        } catch let error as TidingsError where error.kind == .conflict || error.kind == .badRequest {
            return context.page(
                "role-delete", title: "Roles · Delete", ["id": id.rawValue, "name": name, "inUse": true],
                status: error.kind == .conflict ? .conflict : .badRequest,
                error: error.details["reason"] ?? error.message)
        }
        return context.redirect("/admin/roles", notice: "Deleted the role \(name).")
    }
}
