import Foundation

/// User roles and list roles, with listmonk's validation; fixes listmonk's type confusion and
/// non-atomic list-role creation, and refuses to delete a role that users hold.
public struct RoleService: Sendable {
    private let roleStore: any RoleStore
    private let directory: AuthDirectory
    private let clock: WallClock

    public init(roleStore: any RoleStore, directory: AuthDirectory, clock: WallClock) {
        self.roleStore = roleStore
        self.directory = directory
        self.clock = clock
    }

    public func userRoles() async throws -> [UserRole] { try await roleStore.userRoles() }
    public func listRoles() async throws -> [ListRole] { try await roleStore.listRoles() }

    /// Creates a user role. `actor` may grant only what it holds itself (see `Authority`).
    public func createUserRole(name: String?, permissions: [String]?, by actor: Principal?) async throws -> UserRole {
        let (name, permissions) = try Self.validateUserRole(name: name, permissions: permissions)
        try Authority.requireMayDefine(permissions: permissions, by: actor)
        let role = try await storeCall(.userRole) {
            try await roleStore.createUserRole(name: name, permissions: permissions, at: clock.now())
        }
        await directory.invalidate()
        return role
    }

    /// Changes a user role. `actor` must hold what the role grants, before and after.
    public func updateUserRole(
        _ id: RoleID, name: String?, permissions: [String]?, by actor: Principal?
    ) async throws -> UserRole {
        try Self.refuseSuperAdmin(id)
        let (name, permissions) = try Self.validateUserRole(name: name, permissions: permissions)
        if let existing = try await roleStore.userRole(id: id) {
            try Authority.requireMayDefine(permissions: existing.permissions, by: actor)
        }
        try Authority.requireMayDefine(permissions: permissions, by: actor)
        let role = try await storeCall(.userRole) {
            try await roleStore.updateUserRole(id: id, name: name, permissions: permissions, at: clock.now())
        }
        await directory.invalidate()
        return role
    }

    /// `grants`: list id → permission names; entries with no permissions are dropped.
    public func createListRole(
        name: String?, grants: [(ListID, [String])], by actor: Principal?
    ) async throws
        -> ListRole
    {
        let (name, grants) = try Self.validateListRole(name: name, grants: grants)
        try Authority.requireMayDefine(grants: grants.map { ($0.key, $0.value) }, by: actor)
        let role = try await storeCall(.listRole) {
            try await roleStore.createListRole(name: name, grants: grants, at: clock.now())
        }
        await directory.invalidate()
        return role
    }

    /// Changes a list role. `actor` must hold what the role grants, before and after.
    public func updateListRole(
        _ id: RoleID, name: String?, grants: [(ListID, [String])], by actor: Principal?
    ) async throws -> ListRole {
        try Self.refuseSuperAdmin(id)
        let (name, grants) = try Self.validateListRole(name: name, grants: grants)
        if let existing = try await roleStore.listRole(id: id) {
            try Authority.requireMayDefine(grants: existing.lists.map { ($0.listID, $0.permissions) }, by: actor)
        }
        try Authority.requireMayDefine(grants: grants.map { ($0.key, $0.value) }, by: actor)
        let role = try await storeCall(.listRole) {
            try await roleStore.updateListRole(id: id, name: name, grants: grants, at: clock.now())
        }
        await directory.invalidate()
        return role
    }

    public func delete(_ id: RoleID) async throws {
        try Self.refuseSuperAdmin(id)
        try await storeCall(.role) { try await roleStore.deleteRole(id: id) }
        await directory.invalidate()
    }

    private static func refuseSuperAdmin(_ id: RoleID) throws {
        if id == UserRole.superAdminID {
            throw TidingsError(
                .badRequest, code: "invalid_id", message: "Invalid ID(s)",
                details: ["reason": "the Super Admin role cannot be changed or deleted"])
        }
    }

    private static func validateName(_ name: String?) throws -> String {
        guard let name = Validation.trimmedName(name) else { throw TidingsError.invalidField("name") }
        return name
    }

    static func validateUserRole(name: String?, permissions: [String]?) throws -> (String, [Permission]) {
        let name = try validateName(name)
        var seen = Set<Permission>()
        var result: [Permission] = []
        for raw in permissions ?? [] {
            guard let permission = Permission(rawValue: raw) else {
                throw TidingsError.invalidField("permissions", "Invalid fields: permission: \(raw)")
            }
            if seen.insert(permission).inserted { result.append(permission) }
        }
        return (name, result)
    }

    static func validateListRole(
        name: String?, grants: [(ListID, [String])]
    ) throws -> (
        String, [ListID: [ListPermission]]
    ) {
        let name = try validateName(name)
        var result: [ListID: [ListPermission]] = [:]
        for (list, raws) in grants {
            guard list.rawValue > 0 else {
                throw TidingsError.invalidField("lists", "Invalid fields: lists (invalid list id)")
            }
            for raw in raws {
                guard let permission = ListPermission(rawValue: raw) else {
                    throw TidingsError.invalidField("lists", "Invalid fields: list permission: \(raw)")
                }
                if result[list]?.contains(permission) != true { result[list, default: []].append(permission) }
            }
        }
        return (name, result)
    }
}
