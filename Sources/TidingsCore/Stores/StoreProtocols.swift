import Foundation

/// Persistence of users. Every method is atomic.
public protocol UserStore: Sendable {
    /// All users, oldest first.
    func users() async throws -> [User]
    /// The user with this id, or `nil`.
    func user(id: UserID) async throws -> User?
    /// The user with this exact (case-sensitive) username, or `nil`.
    func user(username: String) async throws -> User?
    /// The stored password hash of a login user, or `nil` when it has none.
    func passwordHash(userID: UserID) async throws -> String?
    /// Inserts a user. Throws `TidingsError` `conflict` when the username or e-mail is taken and
    /// `invalid_fields` when a role id does not name a role of the right type.
    func createUser(_ user: NewUser, at: Date) async throws -> User
    /// Applies `changes`. Throws `needs_super_admin` (and changes nothing) when afterwards no
    /// enabled login user would hold the Super Admin role, `not_found` for an unknown id, and
    /// `conflict` for a taken username or e-mail.
    func updateUser(id: UserID, changes: UserChanges, at: Date) async throws -> User
    /// Deletes users. Throws `needs_super_admin` (and deletes nothing) when none of them exists
    /// or when afterwards no enabled login user would hold the Super Admin role.
    func deleteUsers(ids: [UserID]) async throws
    /// Records a successful interactive login.
    func recordLogin(userID: UserID, at: Date) async throws
    /// The number of login users (`type = user`), enabled or not.
    func countLoginUsers() async throws -> Int
}

/// Persistence of user roles and list roles. Every method is atomic.
public protocol RoleStore: Sendable {
    /// User roles, oldest first.
    func userRoles() async throws -> [UserRole]
    /// List roles with their per-list grants, oldest first.
    func listRoles() async throws -> [ListRole]
    func userRole(id: RoleID) async throws -> UserRole?
    func listRole(id: RoleID) async throws -> ListRole?
    /// Throws `conflict` when a user role of that name exists.
    func createUserRole(name: String, permissions: [Permission], at: Date) async throws -> UserRole
    /// Throws `not_found` unless `id` is a user role, `conflict` on a taken name.
    func updateUserRole(id: RoleID, name: String, permissions: [Permission], at: Date) async throws -> UserRole
    /// Throws `conflict` on a taken name and `invalid_fields` for an unknown list; nothing is left
    /// behind on failure.
    func createListRole(name: String, grants: [ListID: [ListPermission]], at: Date) async throws -> ListRole
    /// Replaces the name and every grant. Throws `not_found` unless `id` is a list role.
    func updateListRole(
        id: RoleID, name: String, grants: [ListID: [ListPermission]], at: Date
    ) async throws
        -> ListRole
    /// Deletes a role of either kind. Throws `role_in_use` (a conflict) when a user holds it.
    /// Deleting an unknown id is not an error.
    func deleteRole(id: RoleID) async throws
    /// Creates role 1, the Super Admin, unless it exists.
    func ensureSuperAdminRole(at: Date) async throws
}

/// Persistence of mailing lists. Every method is atomic.
public protocol ListStore: Sendable {
    /// One page of lists matching `query`, with the total across pages.
    func lists(_ query: ListQuery) async throws -> Page<MailingList>
    /// Every list matching `query`'s filters, in id order, without counts (listmonk's `minimal`).
    func minimalLists(status: ListStatus?, onlyIDs: Set<ListID>?) async throws -> [MailingList]
    func list(id: ListID) async throws -> MailingList?
    func createList(_ draft: ListDraft, at: Date) async throws -> MailingList
    /// Writes `draft` over the list; `nil` when there is no such list.
    func updateList(id: ListID, draft: ListDraft, at: Date) async throws -> MailingList?
    /// Deletes lists (and their subscriptions and list-role grants). Unknown ids are ignored.
    func deleteLists(ids: [ListID]) async throws
    /// Ids of lists whose name contains `search` (case-insensitively), within `onlyIDs` if given.
    func listIDs(matching search: String, onlyIDs: Set<ListID>?) async throws -> [ListID]
}

/// Persistence of API tokens. Every method is atomic.
public protocol TokenStore: Sendable {
    /// Inserts a token. Throws `conflict` when its key id exists.
    func createToken(_ token: APIToken) async throws
    /// A user's tokens, newest first.
    func tokens(userID: UserID) async throws -> [APIToken]
    /// Every token (the authentication cache is built from these).
    func allTokens() async throws -> [APIToken]
    /// Marks every unrevoked token of a user revoked.
    func revokeTokens(userID: UserID, at: Date, reason: String) async throws
}

/// Persistence of browser sessions, by the keyed hash of their ids.
public protocol SessionStore: Sendable {
    func createSession(_ session: StoredSession) async throws
    /// The session with this id hash, or `nil`.
    func session(idHash: String) async throws -> StoredSession?
    /// Moves `lastSeenAt` forward (for the idle lifetime).
    func touchSession(idHash: String, at: Date) async throws
    func deleteSession(idHash: String) async throws
    /// Ends a user's sessions, except the one with `keeping` if given.
    func deleteSessions(userID: UserID, keeping: String?) async throws
    /// Removes sessions past their absolute or idle lifetime; returns how many.
    @discardableResult
    func deleteExpiredSessions(now: Date, idleBefore: Date) async throws -> Int
}

/// All stores, as the services receive them.
public struct Stores: Sendable {
    public let users: any UserStore
    public let roles: any RoleStore
    public let lists: any ListStore
    public let tokens: any TokenStore
    public let sessions: any SessionStore

    public init(
        users: any UserStore, roles: any RoleStore, lists: any ListStore, tokens: any TokenStore,
        sessions: any SessionStore
    ) {
        self.users = users
        self.roles = roles
        self.lists = lists
        self.tokens = tokens
        self.sessions = sessions
    }
}
