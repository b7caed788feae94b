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
    /// Inserts a user. Throws `StoreFailure.taken` when the username or e-mail is taken.
    func createUser(_ user: NewUser, at: Date) async throws -> User
    /// Applies `changes`. Throws `StoreFailure.noSuperAdminLeft` (and changes nothing) when
    /// afterwards no enabled login user would hold the Super Admin role, `notFound` for an unknown
    /// id, and `taken` for a taken username or e-mail.
    func updateUser(id: UserID, changes: UserChanges, at: Date) async throws -> User
    /// Deletes users. Throws `StoreFailure.noSuperAdminLeft` (and deletes nothing) when none of
    /// them exists or when afterwards no enabled login user would hold the Super Admin role.
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
    /// Throws `StoreFailure.taken` when a user role of that name exists.
    func createUserRole(name: String, permissions: [Permission], at: Date) async throws -> UserRole
    /// Throws `StoreFailure.notFound` unless `id` is a user role, `taken` on a taken name.
    func updateUserRole(id: RoleID, name: String, permissions: [Permission], at: Date) async throws -> UserRole
    /// Throws `StoreFailure.taken` on a taken name and `missingReference` for an unknown list;
    /// nothing is left
    /// behind on failure.
    func createListRole(name: String, grants: [ListID: [ListPermission]], at: Date) async throws -> ListRole
    /// Replaces the name and every grant. Throws `StoreFailure.notFound` unless `id` is a list
    /// role.
    func updateListRole(
        id: RoleID, name: String, grants: [ListID: [ListPermission]], at: Date
    ) async throws
        -> ListRole
    /// Deletes a role of either kind. Throws `StoreFailure.inUse` when a user holds it.
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
    /// Writes `draft` over the list. Throws `StoreFailure.notFound` when there is no such list.
    func updateList(id: ListID, draft: ListDraft, at: Date) async throws -> MailingList
    /// Deletes lists (and their subscriptions and list-role grants). Unknown ids are ignored.
    func deleteLists(ids: [ListID]) async throws
    /// Ids of lists whose name contains `search` (case-insensitively), within `onlyIDs` if given.
    func listIDs(matching search: String, onlyIDs: Set<ListID>?) async throws -> [ListID]
}

/// Persistence of API tokens. Every method is atomic.
public protocol TokenStore: Sendable {
    /// Inserts a token. Throws `StoreFailure.taken` when its key id exists.
    func createToken(_ token: APIToken) async throws
    /// A user's tokens, newest first.
    func tokens(userID: UserID) async throws -> [APIToken]
    /// Every token (the authentication cache is built from these).
    func allTokens() async throws -> [APIToken]
    /// The token with this key id, or `nil`.
    func token(keyID: String) async throws -> APIToken?
    /// Replaces an unrevoked token's secret, keeping the old hash as the previous one until
    /// `graceUntil`. Returns the updated token; throws `StoreFailure.notFound` when none
    /// unrevoked has this key id.
    func rotateToken(keyID: String, to rotation: TokenRotation) async throws -> APIToken
    /// Marks one token revoked. Returns it, or `nil` when none unrevoked has this key id.
    func revokeToken(keyID: String, at: Date, by: UserID?, reason: String) async throws -> APIToken?
    /// Marks every unrevoked token of a user revoked; returns how many.
    @discardableResult
    func revokeTokens(userID: UserID, at: Date, by: UserID?, reason: String) async throws -> Int
    /// Records a token's latest use and merges `addresses` (most recent first) into its recent
    /// addresses, keeping `TokenUse.recentAddressLimit`.
    func recordTokenUse(keyID: String, _ use: TokenUse) async throws
}

/// A token's new secret, from a rotation.
public struct TokenRotation: Sendable {
    public var secretHash: String
    public var lastFour: String
    public var graceUntil: Date
    public var expiresAt: Date?

    public init(secretHash: String, lastFour: String, graceUntil: Date, expiresAt: Date?) {
        self.secretHash = secretHash
        self.lastFour = lastFour
        self.graceUntil = graceUntil
        self.expiresAt = expiresAt
    }
}

/// What is remembered about a token's use.
public struct TokenUse: Sendable, Equatable {
    /// How many distinct recent addresses a token keeps.
    public static let recentAddressLimit = 5

    public var at: Date
    public var address: String?
    public var userAgent: String?
    /// Addresses seen since the last record, most recent first.
    public var addresses: [String]

    public init(at: Date, address: String?, userAgent: String?, addresses: [String]) {
        self.at = at
        self.address = address
        self.userAgent = userAgent
        self.addresses = addresses
    }

    /// `fresh` in front of `existing`, without duplicates, at most `recentAddressLimit`.
    public static func merge(_ fresh: [String], into existing: [String]) -> [String] {
        var seen = Set<String>()
        return Array((fresh + existing).filter { seen.insert($0).inserted }.prefix(recentAddressLimit))
    }
}

/// Persistence of browser sessions, by the keyed hash of their ids.
public protocol SessionStore: Sendable {
    func createSession(_ session: StoredSession) async throws
    /// The session with this id hash, or `nil`.
    func session(idHash: String) async throws -> StoredSession?
    /// A user's sessions (expired ones included until the sweeper removes them), most recently
    /// used first.
    func sessions(userID: UserID) async throws -> [StoredSession]
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
    public let subscribers: any SubscriberStore
    public let imports: any SubscriberImportStore
    public let tokens: any TokenStore
    public let sessions: any SessionStore
    public let audit: any AuditStore
    public let twoFactor: any TwoFactorStore

    public init(
        users: any UserStore, roles: any RoleStore, lists: any ListStore, subscribers: any SubscriberStore,
        imports: any SubscriberImportStore, tokens: any TokenStore,
        sessions: any SessionStore, audit: any AuditStore, twoFactor: any TwoFactorStore
    ) {
        self.audit = audit
        self.twoFactor = twoFactor
        self.users = users
        self.roles = roles
        self.lists = lists
        self.subscribers = subscribers
        self.imports = imports
        self.tokens = tokens
        self.sessions = sessions
    }
}
