/// The one rule for acting on another user's account and credentials, and for granting access:
/// **nobody obtains, or acts on, a credential that can do more than they can themselves.**
///
/// Every path that issues, rotates, lists or revokes a token, sets a password, assigns a role,
/// resets two-factor authentication, deletes a user, or defines a role asks this type, so the rule
/// lives in one place:
///
/// - A Super Admin's account is touched only by a Super Admin (listmonk's rule).
/// - Otherwise the target's reach (its role's permissions, narrowed by a token's scopes, and its
///   list access, narrowed by a token's lists) must lie within the actor's own reach on this
///   request, which is itself narrowed by the actor's token. A `users:manage` token scoped to
///   `users:manage` cannot mint a token for a user who may do more.
/// - The command line (`actor == nil`) is the operator on the server and is not limited.
public struct Authority: Sendable {
    private let roleStore: any RoleStore

    public init(roleStore: any RoleStore) { self.roleStore = roleStore }

    /// What a credential may do: permissions and list access.
    public struct Reach: Sendable, Equatable {
        public var isSuperAdmin: Bool
        public var permissions: PermissionSet
        public var lists: ListAccess

        public init(isSuperAdmin: Bool = false, permissions: PermissionSet, lists: ListAccess) {
            self.isSuperAdmin = isSuperAdmin
            self.permissions = permissions
            self.lists = lists
        }

        /// The reach of a user holding `role` and `listRole`, narrowed by a token's `scopes` and
        /// `lists` (each `nil`: not narrowed).
        public init(
            role: UserRole, listRole: ListRole?, scopes: [Permission]? = nil, lists restriction: [ListID]? = nil
        ) {
            let permissions = role.permissionSet
            self = Reach(
                isSuperAdmin: role.isSuperAdmin, permissions: permissions,
                lists: ListAccess(permissions: permissions, listRole: listRole)
            ).narrowed(scopes: scopes, lists: restriction)
        }

        /// This reach narrowed by a token's `scopes` and list restriction (each `nil`: not
        /// narrowed). The authentication snapshot builds every token's principal with it, so the
        /// rule above judges exactly what a token would be able to do.
        public func narrowed(scopes: [Permission]?, lists restriction: [ListID]?) -> Reach {
            var permissions = self.permissions
            var lists = self.lists
            if let scopes {
                permissions = permissions.intersection(PermissionSet(scopes))
                lists = ListAccess(
                    getAll: permissions.contains(.listsGetAll), manageAll: permissions.contains(.listsManageAll),
                    grants: lists.grants)
            }
            if let restriction { lists = lists.restricted(to: restriction) }
            return Reach(isSuperAdmin: isSuperAdmin, permissions: permissions, lists: lists)
        }

        /// Whether `actor` can do everything this reach allows.
        public func isWithin(_ actor: Principal) -> Bool {
            permissions.isSubset(of: actor.permissions) && lists.isWithin(actor.lists)
        }
    }

    /// Throws unless `actor` may act on `target`'s account or credentials. `scopes` and `lists`
    /// narrow the credential in question (a token being created or rotated); `nil` means the
    /// user's whole reach. `verb` names the action in the refusal ("only a Super Admin can
    /// <verb> a Super Admin", "… so you cannot <verb> it").
    public func requireMayManage(
        _ target: User, by actor: Principal?, to verb: String, scopes: [Permission]? = nil, lists: [ListID]? = nil
    ) async throws {
        guard let actor, let reach = try await reach(target.userRoleID, target.listRoleID, scopes, lists) else {
            return
        }
        if reach.isSuperAdmin, !actor.role.isSuperAdmin { throw TidingsError.superAdminOnly("\(verb) a Super Admin") }
        guard reach.isWithin(actor) else {
            throw Self.beyondOwnAccess("this user has access you do not hold, so you cannot \(verb) it")
        }
    }

    /// Throws unless `actor` may hand out `userRole` and `listRole` (creating a user, or changing
    /// its roles): whoever sets a user's password or receives its token holds that access.
    /// Unknown role ids are left to the caller's own validation.
    public func requireMayGrant(userRole: RoleID, listRole: RoleID?, by actor: Principal?) async throws {
        guard let actor, let reach = try await reach(userRole, listRole, nil, nil) else { return }
        if reach.isSuperAdmin, !actor.role.isSuperAdmin {
            throw TidingsError.superAdminOnly("grant the Super Admin role")
        }
        guard reach.isWithin(actor) else { throw Self.beyondOwnAccess("this role grants access you do not hold") }
    }

    private func reach(
        _ userRole: RoleID, _ listRole: RoleID?, _ scopes: [Permission]?, _ lists: [ListID]?
    ) async throws -> Reach? {
        guard let role = try await roleStore.userRole(id: userRole) else { return nil }
        var list: ListRole?
        if let listRole { list = try await roleStore.listRole(id: listRole) }
        return Reach(role: role, listRole: list, scopes: scopes, lists: lists)
    }

    /// Whether `actor` may give a user `role` (the choices a form offers).
    public static func mayGrant(_ role: UserRole, by actor: Principal) -> Bool {
        (!role.isSuperAdmin || actor.role.isSuperAdmin) && Reach(role: role, listRole: nil).isWithin(actor)
    }

    /// Whether `actor` may give a user `listRole`.
    public static func mayGrant(_ listRole: ListRole, by actor: Principal) -> Bool {
        (try? requireMayDefine(grants: listRole.lists.map { ($0.listID, $0.permissions) }, by: actor)) != nil
    }

    /// Throws unless `actor` may define a user role granting `permissions`.
    public static func requireMayDefine(permissions: [Permission], by actor: Principal?) throws {
        guard let actor else { return }
        let set = PermissionSet(permissions)
        let reach = Reach(permissions: set, lists: ListAccess(permissions: set, listRole: nil))
        guard reach.isWithin(actor) else { throw beyondOwnAccess("a role cannot grant access you do not hold") }
    }

    /// Throws unless `actor` may define a list role with `grants` (list → permissions).
    public static func requireMayDefine(grants: [(ListID, [ListPermission])], by actor: Principal?) throws {
        guard let actor else { return }
        var lists: [ListID: Set<ListPermission>] = [:]
        for (list, permissions) in grants { lists[list, default: []].formUnion(permissions) }
        let reach = Reach(
            permissions: PermissionSet(), lists: ListAccess(getAll: false, manageAll: false, grants: lists))
        guard reach.isWithin(actor) else { throw beyondOwnAccess("a role cannot grant access you do not hold") }
    }

    /// `403 beyond_own_access`. It names no permission: the caller may not be allowed to read
    /// the target's role.
    static func beyondOwnAccess(_ reason: String) -> TidingsError {
        TidingsError(
            .forbidden, code: "beyond_own_access", message: "permission denied: \(reason)",
            details: ["permission": "beyond_own_access"])
    }
}
