/// What a principal may do with lists: the global `lists:get_all` /
/// `lists:manage_all` permissions and the per-list grants of its list role.
public struct ListAccess: Sendable, Equatable {
    public var getAll: Bool
    public var manageAll: Bool
    public var grants: [ListID: Set<ListPermission>]

    public init(getAll: Bool, manageAll: Bool, grants: [ListID: Set<ListPermission>]) {
        self.getAll = getAll
        self.manageAll = manageAll
        self.grants = grants
    }

    public init(permissions: PermissionSet, listRole: ListRole?) {
        var grants: [ListID: Set<ListPermission>] = [:]
        for grant in listRole?.lists ?? [] { grants[grant.listID, default: []].formUnion(grant.permissions) }
        self.init(
            getAll: permissions.contains(.listsGetAll), manageAll: permissions.contains(.listsManageAll),
            grants: grants)
    }

    public func canGet(_ list: ListID) -> Bool { getAll || grants[list]?.contains(.get) == true }

    public func canManage(_ list: ListID) -> Bool { manageAll || grants[list]?.contains(.manage) == true }

    /// The lists `GET /api/lists` shows: `nil` means all of them. As in listmonk, only
    /// `lists:get_all` or a per-list `list:get` make a list visible (not `list:manage`).
    public var visibleLists: Set<ListID>? {
        getAll ? nil : Set(grants.filter { $0.value.contains(.get) }.keys)
    }

    /// Whether `other` allows everything this access allows.
    public func isWithin(_ other: ListAccess) -> Bool {
        if getAll, !other.getAll { return false }
        if manageAll, !other.manageAll { return false }
        return grants.allSatisfy { list, permissions in
            permissions.allSatisfy { $0 == .get ? other.canGet(list) : other.canManage(list) }
        }
    }

    /// Narrows per-list access to `lists` (a token's list restriction). Global permissions then
    /// apply only to those lists.
    public func restricted(to lists: [ListID]) -> ListAccess {
        var narrowed: [ListID: Set<ListPermission>] = [:]
        for list in lists {
            var permissions = grants[list] ?? []
            if getAll { permissions.insert(.get) }
            if manageAll { permissions.insert(.manage) }
            if !permissions.isEmpty { narrowed[list] = permissions }
        }
        return ListAccess(getAll: false, manageAll: false, grants: narrowed)
    }
}

extension ListAccess {
    /// Lists whose subscribers the caller may see or act on: `nil` for
    /// every list (`lists:get_all` or `lists:manage_all`), else the lists with any per-list grant.
    public var subscriberLists: Set<ListID>? {
        getAll || manageAll ? nil : Set(grants.filter { !$0.value.isEmpty }.keys)
    }

    /// Lists whose subscriptions the caller may change: `nil` for every list.
    public var manageableLists: Set<ListID>? {
        manageAll ? nil : Set(grants.filter { $0.value.contains(.manage) }.keys)
    }
}
