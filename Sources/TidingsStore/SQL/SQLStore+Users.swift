import Foundation
import SQLKit
import TidingsCore

extension SQLStore: UserStore {
    static let userColumns = """
        id, username, password_login, email, name, type, status, avatar, twofa_type, loggedin_at, \
        user_role_id, list_role_id, created_at, updated_at
        """

    static func user(from row: any SQLRow) throws -> User {
        User(
            id: UserID(try row.int("id")), username: try row.string("username"),
            passwordLogin: try row.bool("password_login"), email: try row.optionalString("email"),
            name: try row.string("name"), type: UserType(rawValue: try row.string("type")) ?? .user,
            status: UserStatus(rawValue: try row.string("status")) ?? .disabled,
            avatar: try row.optionalString("avatar"),
            twoFactor: TwoFactorType(rawValue: try row.string("twofa_type")) ?? .none,
            loggedInAt: try row.optionalDate("loggedin_at"), userRoleID: RoleID(try row.int("user_role_id")),
            listRoleID: (try row.optionalInt("list_role_id")).map { RoleID($0) },
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }

    public func users() async throws -> [User] {
        try await engine.read { database in
            try await database.raw("SELECT \(unsafeRaw: Self.userColumns) FROM users ORDER BY created_at, id")
                .all().map(Self.user(from:))
        }
    }

    public func user(id: UserID) async throws -> User? {
        try await engine.read { database in
            try await database.raw(
                "SELECT \(unsafeRaw: Self.userColumns) FROM users WHERE id = \(bind: id.rawValue)"
            ).first().map(Self.user(from:))
        }
    }

    public func user(username: String) async throws -> User? {
        try await engine.read { database in
            try await database.raw(
                "SELECT \(unsafeRaw: Self.userColumns) FROM users WHERE username = \(bind: username)"
            ).first().map(Self.user(from:))
        }
    }

    public func passwordHash(userID: UserID) async throws -> String? {
        try await engine.read { database in
            try await database.raw("SELECT password_hash FROM users WHERE id = \(bind: userID.rawValue)")
                .first()?.optionalString("password_hash")
        }
    }

    public func createUser(_ user: NewUser, at now: Date) async throws -> User {
        try await engine.write { database in
            try await Self.refuseTaken(username: user.username, email: user.email, except: nil, in: database)
            let row = try await database.raw(
                """
                INSERT INTO users (username, password_login, password_hash, email, name, type, status,
                    user_role_id, list_role_id, created_at, updated_at)
                VALUES (\(bind: user.username), \(bind: user.passwordLogin), \(bind: user.passwordHash),
                    \(bind: user.email), \(bind: user.name), \(bind: user.type.rawValue), \(bind: user.status.rawValue),
                    \(bind: user.userRoleID.rawValue), \(bind: user.listRoleID?.rawValue), \(bind: now), \(bind: now))
                RETURNING \(unsafeRaw: Self.userColumns)
                """
            ).first()
            guard let row else { throw StoreFailure.notFound }
            return try Self.user(from: row)
        }
    }

    public func updateUser(id: UserID, changes: UserChanges, at now: Date) async throws -> User {
        try await engine.write { database in
            let adminsBefore = try await Self.enabledSuperAdmins(in: database)
            if changes.username != nil || changes.email != nil {
                try await Self.refuseTaken(username: changes.username, email: changes.email, except: id, in: database)
            }
            let update = database.update("users").set("updated_at", to: now)
            if let value = changes.username { update.set("username", to: value) }
            if let value = changes.passwordLogin { update.set("password_login", to: value) }
            if let value = changes.passwordHash { update.set("password_hash", to: value) }
            if let value = changes.email { update.set("email", to: value) }
            if let value = changes.name { update.set("name", to: value) }
            if let value = changes.status { update.set("status", to: value.rawValue) }
            if let value = changes.userRoleID { update.set("user_role_id", to: value.rawValue) }
            if let value = changes.listRoleID { update.set("list_role_id", to: value?.rawValue) }
            try await update.where("id", .equal, id.rawValue).run()
            guard
                let row = try await database.raw(
                    "SELECT \(unsafeRaw: Self.userColumns) FROM users WHERE id = \(bind: id.rawValue)"
                ).first()
            else { throw StoreFailure.notFound }
            if adminsBefore > 0, try await Self.enabledSuperAdmins(in: database) == 0 {
                throw StoreFailure.noSuperAdminLeft
            }
            return try Self.user(from: row)
        }
    }

    public func deleteUsers(ids: [UserID]) async throws {
        guard !ids.isEmpty else { return }
        try await engine.write { database in
            let adminsBefore = try await Self.enabledSuperAdmins(in: database)
            try await database.delete(from: "users").where("id", .in, ids.map(\.rawValue)).run()
            if adminsBefore > 0, try await Self.enabledSuperAdmins(in: database) == 0 {
                throw StoreFailure.noSuperAdminLeft
            }
        }
    }

    public func recordLogin(userID: UserID, at now: Date) async throws {
        try await engine.write { database in
            try await database.raw("UPDATE users SET loggedin_at = \(bind: now) WHERE id = \(bind: userID.rawValue)")
                .run()
        }
    }

    public func countLoginUsers() async throws -> Int {
        try await engine.read { database in
            try await database.raw("SELECT COUNT(*) AS n FROM users WHERE type = 'user'").first()?.int("n") ?? 0
        }
    }

    /// Enabled login users holding role 1: the invariant is that this never drops to zero.
    private static func enabledSuperAdmins(in database: any SQLDatabase) async throws -> Int {
        try await database.raw(
            """
            SELECT COUNT(*) AS n FROM users
            WHERE type = 'user' AND status = 'enabled' AND user_role_id = \(bind: UserRole.superAdminID.rawValue)
            """
        ).first()?.int("n") ?? 0
    }

    private static func refuseTaken(
        username: String?, email: String?, except id: UserID?, in database: any SQLDatabase
    )
        async throws
    {
        let other = id?.rawValue ?? 0
        if let username,
            try await database.raw(
                "SELECT 1 AS taken FROM users WHERE username = \(bind: username) AND id <> \(bind: other)"
            ).first() != nil
        {
            throw StoreFailure.taken(field: "username", value: username)
        }
        if let email,
            try await database.raw(
                "SELECT 1 AS taken FROM users WHERE email = \(bind: email) AND id <> \(bind: other)"
            ).first() != nil
        {
            throw StoreFailure.taken(field: "email", value: email)
        }
    }
}
