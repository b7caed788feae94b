/// The authenticated caller of a request: a user and what it may do on this request. A class, so
/// that request contexts, which are copied from middleware to middleware, carry one reference.
public final class Principal: Sendable {
    /// How the caller proved itself.
    public enum Credential: Sendable, Equatable {
        /// A login user's browser session; `sessionHash` is the stored (hashed) session id.
        case session(sessionHash: String)
        /// An API token, by its public key id.
        case token(keyID: String)
        /// The command line, run by an operator on the server.
        case commandLine
    }

    public let user: User
    public let role: UserRole
    public let listRole: ListRole?
    public let credential: Credential
    /// The user's role permissions, narrowed by the token's scopes.
    public let permissions: PermissionSet
    /// The user's list access, narrowed by the token's list restriction.
    public let lists: ListAccess

    public init(
        user: User, role: UserRole, listRole: ListRole?, credential: Credential, permissions: PermissionSet,
        lists: ListAccess
    ) {
        self.user = user
        self.role = role
        self.listRole = listRole
        self.credential = credential
        self.permissions = permissions
        self.lists = lists
    }

    public func has(_ permission: Permission) -> Bool { permissions.contains(permission) }

    /// Throws listmonk's `permission denied: <perm>` unless the caller holds one of `anyOf`;
    /// the message names the last alternative, as listmonk's does.
    public func require(anyOf alternatives: [Permission]) throws {
        guard alternatives.contains(where: has) else {
            throw TidingsError.permissionDenied(alternatives.last?.rawValue ?? "")
        }
    }
}
