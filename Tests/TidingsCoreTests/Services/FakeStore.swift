import Foundation
import Synchronization
import TidingsCore

/// The stores in memory, for testing Core services without a database. Users, roles, lists and
/// sessions are kept, and the writes a test may want to see are recorded; everything a service
/// under test should not reach throws `FakeStore.Unsupported`.
final class FakeStore: Sendable {
    struct Unsupported: Error {}

    struct State {
        var users: [User] = []
        var passwordHashes: [UserID: String] = [:]
        var userRoles: [UserRole] = [FakeStore.superAdmin]
        var listRoles: [ListRole] = []
        var lists: [MailingList] = []
        var sessions: [String: StoredSession] = [:]
        /// What was asked of the store.
        var listQueries: [ListQuery] = []
        var writtenDrafts: [ListDraft] = []
        var deletedLists: [[ListID]] = []
        var deletedRoles: [RoleID] = []
        var logins: [UserID] = []
        var touches: [String] = []
    }

    let state = Mutex(State())

    /// A directory whose snapshots come from these stores.
    func directory() -> AuthDirectory { AuthDirectory(userStore: self, roleStore: self, tokenStore: self) }

    func read<T: Sendable>(_ body: (State) -> T) -> T { state.withLock { body($0) } }

    static let superAdmin = UserRole(
        id: UserRole.superAdminID, name: UserRole.superAdminName, permissions: Permission.allCases,
        createdAt: .distantPast, updatedAt: .distantPast)

    static func list(_ id: Int, _ name: String) -> MailingList {
        MailingList(
            id: ListID(id), uuid: UUID(), name: name, type: .private, optin: .single, status: .active, tags: [],
            description: "", createdAt: .distantPast, updatedAt: .distantPast)
    }

    static func user(
        _ id: Int, _ username: String, role: RoleID = UserRole.superAdminID, type: UserType = .user,
        status: UserStatus = .enabled, passwordLogin: Bool = true
    ) -> User {
        User(
            id: UserID(id), username: username, passwordLogin: passwordLogin, email: "\(username)@example.com",
            name: username, type: type, status: status, userRoleID: role, listRoleID: nil, createdAt: .distantPast,
            updatedAt: .distantPast)
    }
}

extension FakeStore: UserStore {
    func users() async throws -> [User] { read(\.users) }
    func user(id: UserID) async throws -> User? { read { $0.users.first { $0.id == id } } }
    func user(username: String) async throws -> User? { read { $0.users.first { $0.username == username } } }
    func passwordHash(userID: UserID) async throws -> String? { read { $0.passwordHashes[userID] } }
    func createUser(_ user: NewUser, at: Date) async throws -> User { throw Unsupported() }
    func updateUser(id: UserID, changes: UserChanges, at: Date) async throws -> User { throw Unsupported() }
    func deleteUsers(ids: [UserID]) async throws { throw Unsupported() }
    func recordLogin(userID: UserID, at: Date) async throws { state.withLock { $0.logins.append(userID) } }
    func countLoginUsers() async throws -> Int { throw Unsupported() }
}

extension FakeStore: RoleStore {
    func userRoles() async throws -> [UserRole] { read(\.userRoles) }
    func listRoles() async throws -> [ListRole] { read(\.listRoles) }
    func userRole(id: RoleID) async throws -> UserRole? { read { $0.userRoles.first { $0.id == id } } }
    func listRole(id: RoleID) async throws -> ListRole? { read { $0.listRoles.first { $0.id == id } } }

    func createUserRole(name: String, permissions: [Permission], at now: Date) async throws -> UserRole {
        state.withLock { state in
            let role = UserRole(
                id: RoleID(100 + state.userRoles.count), name: name, permissions: permissions, createdAt: now,
                updatedAt: now)
            state.userRoles.append(role)
            return role
        }
    }

    func updateUserRole(id: RoleID, name: String, permissions: [Permission], at now: Date) async throws -> UserRole {
        throw Unsupported()
    }

    func createListRole(name: String, grants: [ListID: [ListPermission]], at now: Date) async throws -> ListRole {
        state.withLock { state in
            let role = ListRole(
                id: RoleID(200 + state.listRoles.count), name: name,
                lists: grants.sorted { $0.key < $1.key }.map {
                    ListGrant(listID: $0.key, listName: "", permissions: $0.value)
                }, createdAt: now, updatedAt: now)
            state.listRoles.append(role)
            return role
        }
    }

    func updateListRole(id: RoleID, name: String, grants: [ListID: [ListPermission]], at: Date) async throws -> ListRole
    {
        throw Unsupported()
    }

    func deleteRole(id: RoleID) async throws { state.withLock { $0.deletedRoles.append(id) } }
    func ensureSuperAdminRole(at: Date) async throws {}
}

extension FakeStore: ListStore {
    func lists(_ query: ListQuery) async throws -> Page<MailingList> {
        state.withLock { state in
            state.listQueries.append(query)
            let lists = state.lists.filter { query.onlyIDs?.contains($0.id) ?? true }
            return Page(items: lists, total: lists.count)
        }
    }

    func minimalLists(status: ListStatus?, onlyIDs: Set<ListID>?) async throws -> [MailingList] {
        read { $0.lists.filter { onlyIDs?.contains($0.id) ?? true } }
    }

    func list(id: ListID) async throws -> MailingList? { read { $0.lists.first { $0.id == id } } }

    func createList(_ draft: ListDraft, at: Date) async throws -> MailingList {
        state.withLock { state in
            state.writtenDrafts.append(draft)
            var list = Self.list(state.lists.count + 1, draft.name)
            list.tags = draft.tags
            state.lists.append(list)
            return list
        }
    }

    func updateList(id: ListID, draft: ListDraft, at: Date) async throws -> MailingList {
        let updated = state.withLock { state -> MailingList? in
            state.writtenDrafts.append(draft)
            guard let index = state.lists.firstIndex(where: { $0.id == id }) else { return nil }
            (state.lists[index].name, state.lists[index].tags) = (draft.name, draft.tags)
            return state.lists[index]
        }
        guard let updated else { throw StoreFailure.notFound }
        return updated
    }

    func deleteLists(ids: [ListID]) async throws {
        state.withLock { state in
            state.deletedLists.append(ids)
            state.lists.removeAll { ids.contains($0.id) }
        }
    }

    func listIDs(matching search: String, onlyIDs: Set<ListID>?) async throws -> [ListID] {
        read { state in
            state.lists.filter {
                (search.isEmpty || $0.name.lowercased().contains(search.lowercased()))
                    && (onlyIDs?.contains($0.id) ?? true)
            }.map(\.id)
        }
    }
}

extension FakeStore: SessionStore {
    func createSession(_ session: StoredSession) async throws {
        state.withLock { $0.sessions[session.idHash] = session }
    }
    func session(idHash: String) async throws -> StoredSession? { read { $0.sessions[idHash] } }
    func sessions(userID: UserID) async throws -> [StoredSession] {
        read { $0.sessions.values.filter { $0.userID == userID }.sorted { $0.lastSeenAt > $1.lastSeenAt } }
    }
    func touchSession(idHash: String, at now: Date) async throws {
        state.withLock { state in
            state.touches.append(idHash)
            state.sessions[idHash]?.lastSeenAt = now
        }
    }
    func deleteSession(idHash: String) async throws { _ = state.withLock { $0.sessions.removeValue(forKey: idHash) } }
    func deleteSessions(userID: UserID, keeping: String?) async throws {
        state.withLock { state in
            state.sessions = state.sessions.filter { $0.value.userID != userID || $0.key == keeping }
        }
    }
    func deleteExpiredSessions(now: Date, idleBefore: Date) async throws -> Int { throw Unsupported() }
}

extension FakeStore: TokenStore {
    func createToken(_ token: APIToken) async throws { throw Unsupported() }
    func tokens(userID: UserID) async throws -> [APIToken] { throw Unsupported() }
    /// No tokens: the authentication snapshot reads them.
    func allTokens() async throws -> [APIToken] { [] }
    func token(keyID: String) async throws -> APIToken? { throw Unsupported() }
    func rotateToken(keyID: String, to rotation: TokenRotation) async throws -> APIToken { throw Unsupported() }
    func revokeToken(keyID: String, at: Date, by: UserID?, reason: String) async throws -> APIToken? {
        throw Unsupported()
    }
    func revokeTokens(userID: UserID, at: Date, by: UserID?, reason: String) async throws -> Int { throw Unsupported() }
    func recordTokenUse(keyID: String, _ use: TokenUse) async throws { throw Unsupported() }
}

extension FakeStore: SubscriberStore, SubscriberImportStore, AuditStore, TwoFactorStore {
    func subscribers(_ query: SubscriberQuery) async throws -> Page<Subscriber> { throw Unsupported() }
    func subscriber(id: SubscriberID) async throws -> Subscriber? { throw Unsupported() }
    func subscriber(uuid: UUID) async throws -> Subscriber? { throw Unsupported() }
    func subscriberBatch(_ query: SubscriberQuery, after: SubscriberID?, limit: Int) async throws -> [SubscriberRow] {
        throw Unsupported()
    }
    func subscribers(
        _ query: SubscriberQuery, after cursor: SubscriberCursor?, limit: Int
    ) async throws -> (subscribers: [Subscriber], next: SubscriberCursor?) { throw Unsupported() }
    func createSubscriber(
        _ draft: SubscriberDraft, lists: [ListID], status: SubscriptionStatus, at: Date
    ) async throws -> Subscriber { throw Unsupported() }
    func updateSubscriber(
        id: SubscriberID, draft: SubscriberDraft, subscriptions: SubscriptionReplacement?, at: Date
    ) async throws -> Subscriber { throw Unsupported() }
    func deleteSubscribers(ids: [SubscriberID]) async throws { throw Unsupported() }
    func blocklistSubscribers(ids: [SubscriberID], at: Date) async throws { throw Unsupported() }
    func changeSubscriptions(
        ids: [SubscriberID], action: SubscriptionAction, lists: [ListID], status: SubscriptionStatus?,
        overwrite: Bool, at: Date
    ) async throws { throw Unsupported() }
    func confirmSubscriptions(of id: SubscriberID, lists: [ListID], at: Date) async throws -> Int {
        throw Unsupported()
    }
    func subscribedLists(of ids: [SubscriberID]) async throws -> [SubscriberID: Set<ListID>] { throw Unsupported() }
    func importSubscribers(_ rows: [ImportRow], options: ImportOptions, at: Date) async throws -> [Int] {
        throw Unsupported()
    }
    func appendAuditEvents(_ events: [AuditEvent]) async throws { throw Unsupported() }
    func auditEvents(_ query: AuditQuery) async throws -> Page<AuditEvent> { throw Unsupported() }
    func sealedTwoFactorKey(userID: UserID) async throws -> String? { throw Unsupported() }
    func setTwoFactor(userID: UserID, sealedKey: String?, at: Date) async throws { throw Unsupported() }
    func claimTwoFactorStep(userID: UserID, step: Int64) async throws -> Bool { throw Unsupported() }
}

/// A clock a test moves by hand.
final class ManualClock: Sendable {
    private let now = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var clock: WallClock { WallClock { self.now.withLock { $0 } } }
    func advance(_ seconds: TimeInterval) { now.withLock { $0 += seconds } }
}

/// A principal holding `permissions` and `lists`, for the service under test to judge.
func principal(
    _ permissions: [Permission], lists: ListAccess? = nil, superAdmin: Bool = false, user: User? = nil
) -> Principal {
    let set = PermissionSet(permissions)
    let role =
        superAdmin
        ? FakeStore.superAdmin
        : UserRole(
            id: RoleID(50), name: "caller", permissions: permissions, createdAt: .distantPast, updatedAt: .distantPast)
    return Principal(
        user: user ?? FakeStore.user(99, "caller", role: role.id), role: role, listRole: nil,
        credential: .commandLine, permissions: superAdmin ? .all : set,
        lists: lists ?? ListAccess(permissions: superAdmin ? .all : set, listRole: nil))
}
