import Foundation
import SQLKit
import TidingsCore

extension SQLStore: RoleStore {
    static func userRole(from row: any SQLRow) throws -> UserRole {
        let id = RoleID(try row.int("id"))
        let stored = JSONColumn.decode([String].self, from: try row.string("permissions")) ?? []
        let permissions =
            id == UserRole.superAdminID ? Permission.allCases : stored.compactMap(Permission.init(rawValue:))
        return UserRole(
            id: id, name: try row.string("name"), permissions: permissions, createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"))
    }

    public func userRoles() async throws -> [UserRole] {
        try await engine.read { database in
            try await database.raw(
                "SELECT id, name, permissions, created_at, updated_at FROM roles WHERE type = 'user' ORDER BY created_at, id"
            ).all().map(Self.userRole(from:))
        }
    }

    public func userRole(id: RoleID) async throws -> UserRole? {
        try await engine.read { database in
            try await database.raw(
                "SELECT id, name, permissions, created_at, updated_at FROM roles WHERE type = 'user' AND id = \(bind: id.rawValue)"
            ).first().map(Self.userRole(from:))
        }
    }

    public func listRoles() async throws -> [ListRole] {
        try await engine.read { database in try await Self.listRoles(in: database, id: nil) }
    }

    public func listRole(id: RoleID) async throws -> ListRole? {
        try await engine.read { database in try await Self.listRoles(in: database, id: id).first }
    }

    private static func listRoles(in database: any SQLDatabase, id: RoleID?) async throws -> [ListRole] {
        let filter: SQLQueryString = id.map { "AND id = \(bind: $0.rawValue)" } ?? ""
        let roleRows = try await database.raw(
            "SELECT id, name, created_at, updated_at FROM roles WHERE type = 'list' \(filter) ORDER BY created_at, id"
        ).all()
        let grantFilter: SQLQueryString = id.map { "WHERE g.role_id = \(bind: $0.rawValue)" } ?? ""
        let grantRows = try await database.raw(
            """
            SELECT g.role_id, g.list_id, l.name, g.permissions FROM list_role_grants g
            JOIN lists l ON l.id = g.list_id \(grantFilter) ORDER BY g.list_id
            """
        ).all()
        var grants: [RoleID: [ListGrant]] = [:]
        for row in grantRows {
            let permissions = (JSONColumn.decode([String].self, from: try row.string("permissions")) ?? [])
                .compactMap(ListPermission.init(rawValue:))
            grants[RoleID(try row.int("role_id")), default: []].append(
                ListGrant(
                    listID: ListID(try row.int("list_id")), listName: try row.string("name"), permissions: permissions))
        }
        return try roleRows.map { row in
            let id = RoleID(try row.int("id"))
            return ListRole(
                id: id, name: try row.string("name"), lists: grants[id] ?? [], createdAt: try row.date("created_at"),
                updatedAt: try row.date("updated_at"))
        }
    }

    public func createUserRole(name: String, permissions: [Permission], at now: Date) async throws -> UserRole {
        try await engine.write { database in
            try await Self.refuseTakenRoleName(name, type: "user", except: nil, in: database)
            let row = try await database.raw(
                """
                INSERT INTO roles (type, name, permissions, created_at, updated_at)
                VALUES ('user', \(bind: name), \(bind: JSONColumn.encode(permissions.map(\.rawValue))), \(bind: now), \(bind: now))
                RETURNING id, name, permissions, created_at, updated_at
                """
            ).first()
            guard let row else { throw StoreFailure.notFound }
            return try Self.userRole(from: row)
        }
    }

    public func updateUserRole(
        id: RoleID, name: String, permissions: [Permission], at now: Date
    ) async throws
        -> UserRole
    {
        try await engine.write { database in
            try await Self.refuseTakenRoleName(name, type: "user", except: id, in: database)
            let row = try await database.raw(
                """
                UPDATE roles SET name = \(bind: name), permissions = \(bind: JSONColumn.encode(permissions.map(\.rawValue))),
                    updated_at = \(bind: now)
                WHERE id = \(bind: id.rawValue) AND type = 'user'
                RETURNING id, name, permissions, created_at, updated_at
                """
            ).first()
            guard let row else { throw StoreFailure.notFound }
            return try Self.userRole(from: row)
        }
    }

    public func createListRole(name: String, grants: [ListID: [ListPermission]], at now: Date) async throws -> ListRole
    {
        try await engine.write { database in
            try await Self.refuseTakenRoleName(name, type: "list", except: nil, in: database)
            let row = try await database.raw(
                """
                INSERT INTO roles (type, name, permissions, created_at, updated_at)
                VALUES ('list', \(bind: name), '[]', \(bind: now), \(bind: now)) RETURNING id
                """
            ).first()
            guard let row else { throw StoreFailure.notFound }
            let id = RoleID(try row.int("id"))
            try await Self.writeGrants(grants, role: id, in: database)
            guard let role = try await Self.listRoles(in: database, id: id).first else {
                throw StoreFailure.notFound
            }
            return role
        }
    }

    public func updateListRole(
        id: RoleID, name: String, grants: [ListID: [ListPermission]], at now: Date
    )
        async throws -> ListRole
    {
        try await engine.write { database in
            try await Self.refuseTakenRoleName(name, type: "list", except: id, in: database)
            let updated = try await database.raw(
                """
                UPDATE roles SET name = \(bind: name), updated_at = \(bind: now)
                WHERE id = \(bind: id.rawValue) AND type = 'list' RETURNING id
                """
            ).first()
            guard updated != nil else { throw StoreFailure.notFound }
            try await database.raw("DELETE FROM list_role_grants WHERE role_id = \(bind: id.rawValue)").run()
            try await Self.writeGrants(grants, role: id, in: database)
            guard let role = try await Self.listRoles(in: database, id: id).first else {
                throw StoreFailure.notFound
            }
            return role
        }
    }

    public func deleteRole(id: RoleID) async throws {
        try await engine.write { database in
            let holders =
                try await database.raw(
                    """
                    SELECT COUNT(*) AS n FROM users WHERE user_role_id = \(bind: id.rawValue) OR list_role_id = \(bind: id.rawValue)
                    """
                ).first()?.int("n") ?? 0
            guard holders == 0 else {
                throw StoreFailure.inUse(holders: holders)
            }
            try await database.raw("DELETE FROM roles WHERE id = \(bind: id.rawValue)").run()
        }
    }

    public func ensureSuperAdminRole(at now: Date) async throws {
        try await engine.write { database in
            // ON CONFLICT: several instances may start at once.
            try await database.raw(
                """
                INSERT INTO roles (id, type, name, permissions, created_at, updated_at)
                VALUES (1, 'user', \(bind: UserRole.superAdminName),
                    \(bind: JSONColumn.encode(Permission.allCases.map(\.rawValue))), \(bind: now), \(bind: now))
                ON CONFLICT (id) DO NOTHING
                """
            ).run()
            if flavor == .postgres {
                try await database.raw(
                    "SELECT setval(pg_get_serial_sequence('roles', 'id'), GREATEST((SELECT MAX(id) FROM roles), 1))"
                ).run()
            }
        }
    }

    private static func writeGrants(
        _ grants: [ListID: [ListPermission]], role: RoleID, in database: any SQLDatabase
    )
        async throws
    {
        for (list, permissions) in grants.sorted(by: { $0.key < $1.key }) where !permissions.isEmpty {
            let exists = try await database.raw("SELECT 1 AS found FROM lists WHERE id = \(bind: list.rawValue)")
                .first()
            guard exists != nil else {
                throw StoreFailure.missingReference(field: "lists", id: list.rawValue)
            }
            try await database.raw(
                """
                INSERT INTO list_role_grants (role_id, list_id, permissions)
                VALUES (\(bind: role.rawValue), \(bind: list.rawValue), \(bind: JSONColumn.encode(permissions.map(\.rawValue))))
                """
            ).run()
        }
    }

    private static func refuseTakenRoleName(
        _ name: String, type: String, except id: RoleID?, in database: any SQLDatabase
    )
        async throws
    {
        let taken = try await database.raw(
            """
            SELECT 1 AS found FROM roles WHERE type = \(bind: type) AND name = \(bind: name) AND id <> \(bind: id?.rawValue ?? 0)
            """
        ).first()
        if taken != nil { throw StoreFailure.taken(field: "name", value: name) }
    }
}
