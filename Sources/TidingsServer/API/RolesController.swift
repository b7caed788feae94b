import Foundation
import Hummingbird
import TidingsCore

/// `/api/roles/*`.
struct RolesController {
    let roles: RoleService

    var routes: [APIRoute] {
        [
            APIRoute(.get, "roles/users", .anyOf([.rolesGet]), userRoles),
            APIRoute(.get, "roles/lists", .anyOf([.rolesGet]), listRoles),
            APIRoute(.post, "roles/users", .anyOf([.rolesManage]), createUserRole),
            APIRoute(.post, "roles/lists", .anyOf([.rolesManage]), createListRole),
            APIRoute(.put, "roles/users/:id", .anyOf([.rolesManage]), updateUserRole),
            APIRoute(.put, "roles/lists/:id", .anyOf([.rolesManage]), updateListRole),
            APIRoute(.delete, "roles/:id", .anyOf([.rolesManage]), delete),
        ]
    }

    struct UserRoleBody: Decodable {
        var name: String?
        var permissions: [String]?
    }

    struct ListRoleBody: Decodable {
        struct Entry: Decodable {
            var id: Int
            var permissions: [String]?
        }
        var name: String?
        var lists: [Entry]?

        var grants: [(ListID, [String])] { (lists ?? []).map { (ListID($0.id), $0.permissions ?? []) } }
    }

    @Sendable func userRoles(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try ok(try await roles.userRoles().map(UserRoleJSON.init), request)
    }

    @Sendable func listRoles(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try ok(try await roles.listRoles().map(ListRoleJSON.init), request)
    }

    @Sendable func createUserRole(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try await request.decode(as: UserRoleBody.self, context: context)
        let role = try await roles.createUserRole(
            name: body.name, permissions: body.permissions, by: context.principal)
        context.audit?.target = ("role", "\(role.id.rawValue)")
        return try ok(UserRoleJSON(role: role), request)
    }

    @Sendable func updateUserRole(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = RoleID(try context.id())
        let body = try await request.decode(as: UserRoleBody.self, context: context)
        let role = try await roles.updateUserRole(
            id, name: body.name, permissions: body.permissions, by: context.principal)
        return try ok(UserRoleJSON(role: role), request)
    }

    @Sendable func createListRole(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try await request.decode(as: ListRoleBody.self, context: context)
        let role = try await roles.createListRole(name: body.name, grants: body.grants, by: context.principal)
        context.audit?.target = ("role", "\(role.id.rawValue)")
        return try ok(ListRoleJSON(role: role), request)
    }

    @Sendable func updateListRole(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = RoleID(try context.id())
        let body = try await request.decode(as: ListRoleBody.self, context: context)
        let role = try await roles.updateListRole(
            id, name: body.name, grants: body.grants, by: context.principal)
        return try ok(ListRoleJSON(role: role), request)
    }

    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await roles.delete(RoleID(try context.id()))
        return try ok(true, request)
    }
}
