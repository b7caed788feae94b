/// An immutable picture of everything the authentication path needs: users, roles and tokens,
/// with each user's permissions already resolved. Built in one go from the stores.
public final class AuthSnapshot: Sendable {
    public struct Access: Sendable {
        public let role: UserRole
        public let listRole: ListRole?
        public let permissions: PermissionSet
        public let lists: ListAccess
    }

    public let usersByID: [UserID: User]
    public let usersByName: [String: User]
    public let tokensByKeyID: [String: APIToken]
    public let accessByUserID: [UserID: Access]
    /// The principal of each token, built once per snapshot rather than once per request.
    public let principalsByKeyID: [String: Principal]

    public init(users: [User], userRoles: [UserRole], listRoles: [ListRole], tokens: [APIToken]) {
        let roles = Dictionary(userRoles.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let listRolesByID = Dictionary(listRoles.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var access: [UserID: Access] = [:]
        for user in users {
            guard let role = roles[user.userRoleID] else { continue }
            let listRole = user.listRoleID.flatMap { listRolesByID[$0] }
            let permissions = role.permissionSet
            access[user.id] = Access(
                role: role, listRole: listRole, permissions: permissions,
                lists: ListAccess(permissions: permissions, listRole: listRole))
        }
        usersByID = Dictionary(users.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        usersByName = Dictionary(users.map { ($0.username, $0) }, uniquingKeysWith: { first, _ in first })
        tokensByKeyID = Dictionary(tokens.map { ($0.keyID, $0) }, uniquingKeysWith: { first, _ in first })
        accessByUserID = access
        var principals: [String: Principal] = [:]
        for token in tokensByKeyID.values {
            guard let user = usersByID[token.userID], let access = access[token.userID] else { continue }
            principals[token.keyID] = Self.principal(
                for: user, access: access, credential: .token(keyID: token.keyID), token: token)
        }
        principalsByKeyID = principals
    }

    /// The principal for `user` presenting `credential`, narrowed by `token` when given.
    public func principal(for user: User, credential: Principal.Credential, token: APIToken? = nil) -> Principal? {
        guard let access = accessByUserID[user.id] else { return nil }
        return Self.principal(for: user, access: access, credential: credential, token: token)
    }

    private static func principal(
        for user: User, access: Access, credential: Principal.Credential, token: APIToken?
    )
        -> Principal
    {
        var permissions = access.permissions
        var lists = access.lists
        if let scopes = token?.scopes {
            permissions = permissions.intersection(PermissionSet(scopes))
            lists = ListAccess(
                getAll: permissions.contains(.listsGetAll), manageAll: permissions.contains(.listsManageAll),
                grants: lists.grants)
        }
        if let restriction = token?.lists { lists = lists.restricted(to: restriction) }
        return Principal(
            user: user, role: access.role, listRole: access.listRole, credential: credential,
            permissions: permissions, lists: lists)
    }
}
