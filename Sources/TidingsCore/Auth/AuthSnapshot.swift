import Synchronization

/// An immutable picture of everything the authentication path needs: users, roles and tokens,
/// with each user's permissions already resolved. Built in one go from the stores.
public final class AuthSnapshot: Sendable {
    public struct Access: Sendable {
        public let role: UserRole
        public let listRole: ListRole?
        public let permissions: PermissionSet
        public let lists: ListAccess
    }

    /// Everything the token path needs about one token, found with a single lookup (a class, so
    /// that finding it costs one retain rather than a copy of every field). What can be worked
    /// out once (decoded hashes, parsed networks, header texts) is.
    public final class TokenEntry: Sendable {
        public let token: APIToken
        public let user: User
        /// The stored hash, decoded once rather than compared as text per request.
        public let digest: SecretDigest
        /// The secret before the last rotation, if any.
        public let previousDigest: SecretDigest?
        /// Where the token may be used from; empty means anywhere.
        public let allowedNetworks: [CIDRBlock]
        /// The token's principal, built once per snapshot rather than once per request.
        public let principal: Principal
        /// `Tidings-Token-Expires`, formatted once.
        public let expiresHeader: String?
        /// `Tidings-Token-Warning` for a use of the previous secret within grace.
        public let supersededWarning: String?

        init(token: APIToken, user: User, digest: SecretDigest, networks: [CIDRBlock], principal: Principal) {
            self.token = token
            self.user = user
            self.digest = digest
            self.previousDigest = token.previousSecretHash.flatMap(SecretDigest.init(hex:))
            self.allowedNetworks = networks
            self.principal = principal
            self.expiresHeader = token.expiresAt.map(Timestamp.rfc3339)
            self.supersededWarning = token.graceUntil.map { "superseded; valid until \(Timestamp.rfc3339($0))" }
        }
    }

    public let usersByID: [UserID: User]
    public let usersByName: [String: User]
    public let accessByUserID: [UserID: Access]
    /// Tokens by key id. A token whose user, role or stored hash is missing has no entry, and so
    /// is refused like an unknown one.
    public let tokensByKeyID: [String: TokenEntry]
    /// Unique to this snapshot in this process (a later snapshot has a larger one), so that a
    /// result computed from it can tell whether it still holds without keeping it alive.
    public let serial: UInt64

    private static let lastSerial = Atomic<UInt64>(0)

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
        accessByUserID = access
        var entries: [String: TokenEntry] = [:]
        for token in tokens where entries[token.keyID] == nil {
            guard let user = usersByID[token.userID], let access = access[token.userID],
                let digest = SecretDigest(hex: token.secretHash)
            else { continue }
            let networks = token.allowedCIDRs.compactMap(CIDRBlock.init)
            guard networks.count == token.allowedCIDRs.count else { continue }  // fail closed on a corrupt network
            let principal = Self.principal(
                for: user, access: access, credential: .token(keyID: token.keyID), token: token)
            entries[token.keyID] = TokenEntry(
                token: token, user: user, digest: digest, networks: networks, principal: principal)
        }
        tokensByKeyID = entries
        serial = Self.lastSerial.add(1, ordering: .relaxed).newValue
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
        let reach = Authority.Reach(permissions: access.permissions, lists: access.lists)
            .narrowed(scopes: token?.scopes, lists: token?.lists)
        return Principal(
            user: user, role: access.role, listRole: access.listRole, credential: credential,
            permissions: reach.permissions, lists: reach.lists)
    }
}
