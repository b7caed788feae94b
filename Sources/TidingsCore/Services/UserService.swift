import Foundation

/// Creating, changing and deleting users with listmonk's rules, and the fixes Tidings makes
/// (documented in docs/compatibility.md).
public struct UserService: Sendable {
    /// A request to create a user (`POST /api/users`).
    public struct Creation: Sendable {
        public var username: String
        public var name: String?
        public var email: String?
        public var password: String?
        public var passwordLogin: Bool
        public var type: UserType
        public var status: UserStatus
        public var userRoleID: RoleID
        public var listRoleID: RoleID?

        public init(
            username: String, name: String? = nil, email: String? = nil, password: String? = nil,
            passwordLogin: Bool = false, type: UserType = .user, status: UserStatus = .enabled,
            userRoleID: RoleID, listRoleID: RoleID? = nil
        ) {
            self.username = username
            self.name = name
            self.email = email
            self.password = password
            self.passwordLogin = passwordLogin
            self.type = type
            self.status = status
            self.userRoleID = userRoleID
            self.listRoleID = listRoleID
        }
    }

    /// A request to change a user (`PUT /api/users/{id}`): `nil` or empty keeps a value.
    public struct Update: Sendable {
        public var username: String?
        public var name: String?
        public var email: String?
        public var password: String?
        public var passwordLogin: Bool?
        public var type: UserType?
        public var status: UserStatus?
        public var userRoleID: RoleID?
        /// `.keep`, `.remove` or `.set(id)`.
        public var listRole: ListRoleChange

        public init() { listRole = .remove }
    }

    public enum ListRoleChange: Sendable, Equatable {
        case keep, remove
        case set(RoleID)
    }

    /// The result of creating a user: the user, and for an API user its first token's secret.
    public struct Created: Sendable {
        public let user: User
        public let token: String?
    }

    private let userStore: any UserStore
    private let roleStore: any RoleStore
    private let sessionStore: any SessionStore
    private let directory: AuthDirectory
    private let passwords: any PasswordHasher
    private let tokens: TokenService
    private let clock: WallClock

    public init(
        userStore: any UserStore, roleStore: any RoleStore, sessionStore: any SessionStore, directory: AuthDirectory,
        passwords: any PasswordHasher, tokens: TokenService,
        clock: WallClock
    ) {
        self.userStore = userStore
        self.roleStore = roleStore
        self.sessionStore = sessionStore
        self.directory = directory
        self.passwords = passwords
        self.tokens = tokens
        self.clock = clock
    }

    /// `400 Invalid fields: user_role_id` for a user asked for without a role, naming the user
    /// roles that exist: no user gets a role by default, least of all Super Admin.
    public func userRoleRequired() async throws -> TidingsError {
        let roles = try await roleStore.userRoles().map { "\($0.id) \($0.name)" }.joined(separator: ", ")
        return TidingsError.invalidField(
            "user_role_id", "Invalid fields: user_role_id (a user role is required; user roles: \(roles))")
    }

    public func users() async throws -> [User] { try await userStore.users() }

    public func user(_ id: UserID) async throws -> User {
        guard let user = try await userStore.user(id: id) else { throw TidingsError.notFound("User") }
        return user
    }

    /// Creates a user. An API user gets its first token, named "default".
    public func create(_ request: Creation, by actor: Principal?) async throws -> Created {
        let username = request.username.trimmingCharacters(in: .whitespacesAndNewlines)
        guard Validation.isValidUsername(username) else { throw TidingsError.invalidField("username") }
        try await checkRoles(userRole: request.userRoleID, listRole: request.listRoleID, actor: actor)
        var email: String?
        var passwordHash: String?
        var passwordLogin = false
        if request.type == .user {
            let normalized = (request.email ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            guard Validation.isValidEmail(normalized) else { throw TidingsError.invalidField("email") }
            email = normalized
            if request.passwordLogin {
                guard let password = request.password, Validation.isValidPassword(password) else {
                    throw TidingsError.invalidField("password")
                }
                passwordHash = try await passwords.hash(password)
                passwordLogin = true
            }
        }
        let name = try Self.name(request.name, defaultingTo: username)
        let user = try await storeCall(.user) {
            try await userStore.createUser(
                NewUser(
                    username: username, passwordLogin: passwordLogin, passwordHash: passwordHash, email: email,
                    name: name, type: request.type, status: request.status, userRoleID: request.userRoleID,
                    listRoleID: request.listRoleID),
                at: clock.now())
        }
        await directory.invalidate()
        guard user.type == .api else { return Created(user: user, token: nil) }
        let issued = try await tokens.create(for: user.id, TokenService.Request(name: "default"), by: actor)
        return Created(user: user, token: issued.secret)
    }

    /// Changes a user. A new password, or disabling, ends the user's sessions.
    public func update(_ id: UserID, _ request: Update, by actor: Principal?) async throws -> User {
        guard let existing = try await userStore.user(id: id) else { throw TidingsError.notFound("User") }
        try await authority.requireMayManage(existing, by: actor, to: "change")
        var changes = UserChanges()
        if let username = nonEmpty(request.username) {
            guard Validation.isValidUsername(username) else { throw TidingsError.invalidField("username") }
            changes.username = username
        }
        if let type = request.type, type != existing.type {
            throw TidingsError.invalidField("type", "Invalid fields: type (a user's type cannot change)")
        }
        if existing.type == .user {
            if let email = nonEmpty(request.email)?.lowercased() {
                guard Validation.isValidEmail(email) else { throw TidingsError.invalidField("email") }
                changes.email = email
            }
            let wantsPasswordLogin = request.passwordLogin ?? existing.passwordLogin
            changes.passwordLogin = wantsPasswordLogin
            if let password = request.password, !password.isEmpty {
                guard Validation.isValidPassword(password) else { throw TidingsError.invalidField("password") }
                changes.passwordHash = try await passwords.hash(password)
            } else if wantsPasswordLogin, try await userStore.passwordHash(userID: id) == nil {
                throw TidingsError.invalidField("password")
            }
        }
        changes.name = try Self.name(request.name, defaultingTo: changes.username ?? existing.username)
        changes.status = request.status
        changes.userRoleID = request.userRoleID
        switch request.listRole {
        case .keep: break
        case .remove: changes.listRoleID = .some(nil)
        case .set(let role): changes.listRoleID = .some(role)
        }
        let listRole: RoleID?
        switch request.listRole {
        case .keep: listRole = existing.listRoleID
        case .remove: listRole = nil
        case .set(let role): listRole = role
        }
        try await checkRoles(userRole: request.userRoleID ?? existing.userRoleID, listRole: listRole, actor: actor)
        let user = try await storeCall(.user) {
            try await userStore.updateUser(id: id, changes: changes, at: clock.now())
        }
        if changes.passwordHash != nil || user.status == .disabled {
            try await sessionStore.deleteSessions(userID: id, keeping: nil)
        }
        await directory.invalidate()
        return user
    }

    /// Deletes users (their sessions and tokens go with them).
    public func delete(_ ids: [UserID], by actor: Principal?) async throws {
        if actor != nil {
            for id in ids {
                if let user = try await userStore.user(id: id) {
                    try await authority.requireMayManage(user, by: actor, to: "delete")
                }
            }
        }
        try await storeCall(.user) { try await userStore.deleteUsers(ids: ids) }
        await directory.invalidate()
    }

    /// `PUT /api/profile`: name, e-mail, and a password change that needs the current password.
    public func updateProfile(
        of principal: Principal, name: String?, email: String?, password: String?, currentPassword: String?,
        keepingSession: String?
    ) async throws -> User {
        let user = principal.user
        var changes = UserChanges()
        changes.name = try Self.name(name, defaultingTo: user.username)
        if user.type == .user, let email = nonEmpty(email) {
            guard Validation.isValidEmail(email) else { throw TidingsError.invalidField("email") }
            changes.email = email.lowercased()
        }
        if let password, !password.isEmpty {
            guard user.type == .user else {
                throw TidingsError.invalidField(
                    "password", "API users have no password: create or rotate a token instead")
            }
            guard Validation.isValidPassword(password) else { throw TidingsError.invalidField("password") }
            guard let currentPassword, let hash = try await userStore.passwordHash(userID: user.id),
                try await passwords.verify(currentPassword, hash: hash)
            else {
                throw TidingsError.invalidField(
                    "current_password", "Invalid fields: current_password (the current password is required)")
            }
            changes.passwordHash = try await passwords.hash(password)
            changes.passwordLogin = true
        }
        let updated = try await storeCall(.user) {
            try await userStore.updateUser(id: user.id, changes: changes, at: clock.now())
        }
        if changes.passwordHash != nil {
            try await sessionStore.deleteSessions(userID: user.id, keeping: keepingSession)
        }
        await directory.invalidate()
        return updated
    }

    /// The roles exist, and `actor` may grant them (the roles a user ends up with after an update,
    /// too: an actor who may change a user may also keep its roles as they are).
    private func checkRoles(
        userRole: RoleID, listRole: RoleID?, actor: Principal?
    )
        async throws
    {
        guard try await roleStore.userRole(id: userRole) != nil else {
            throw TidingsError.invalidField("user_role_id", "Invalid fields: user_role_id (no such user role)")
        }
        if let listRole, try await roleStore.listRole(id: listRole) == nil {
            throw TidingsError.invalidField("list_role_id", "Invalid fields: list_role_id (no such list role)")
        }
        try await authority.requireMayGrant(userRole: userRole, listRole: listRole, by: actor)
    }

    private var authority: Authority { Authority(roleStore: roleStore) }

    private static func name(_ name: String?, defaultingTo fallback: String) throws -> String {
        let trimmed = (name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count <= Validation.maxFieldBytes else { throw TidingsError.invalidField("name") }
        return trimmed.isEmpty ? fallback : trimmed
    }

    private func nonEmpty(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }
}
