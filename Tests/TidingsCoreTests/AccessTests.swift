import Foundation
import Testing
import TidingsCore

@Suite struct AccessTests {
    @Test("the catalogue is listmonk's 28 permissions, group by group, then Tidings' audit:get")
    func catalogue() {
        #expect(
            Permission.catalogue.map(\.group) == [
                "lists", "subscribers", "campaigns", "bounces", "media", "templates", "users", "settings", "audit",
            ])
        #expect(Permission.catalogue.last?.permissions == ["audit:get"])
        #expect(
            Permission.catalogue[1].permissions == [
                "subscribers:get", "subscribers:get_all", "subscribers:manage", "subscribers:import",
                "subscribers:sql_query", "tx:send",
            ])
        #expect(Permission.catalogue[6].permissions == ["users:get", "users:manage", "roles:get", "roles:manage"])
        #expect(Permission.catalogue.flatMap(\.permissions).count == Permission.allCases.count)
    }

    @Test("permission sets")
    func sets() {
        let set = PermissionSet([.usersGet, .listsGetAll])
        #expect(set.contains(.usersGet) && !set.contains(.usersManage))
        #expect(set.intersection(PermissionSet([.usersGet])).permissions == [.usersGet])
        #expect(PermissionSet.all.permissions == Permission.allCases)
        #expect(PermissionSet().isEmpty)
    }

    @Test("list access follows listmonk's rules")
    func listAccess() {
        let a = ListID(1)
        let b = ListID(2)
        let role = ListRole(
            id: RoleID(5), name: "team",
            lists: [
                ListGrant(listID: a, listName: "A", permissions: [.get]),
                ListGrant(listID: b, listName: "B", permissions: [.manage]),
            ], createdAt: Date(), updatedAt: Date())
        let access = ListAccess(permissions: PermissionSet(), listRole: role)
        #expect(access.canGet(a) && !access.canManage(a))
        #expect(!access.canGet(b) && access.canManage(b))
        #expect(access.visibleLists == [a])
        let manageAll = ListAccess(permissions: PermissionSet([.listsManageAll]), listRole: nil)
        #expect(manageAll.canManage(a) && manageAll.visibleLists == [])
        let getAll = ListAccess(permissions: PermissionSet([.listsGetAll]), listRole: nil)
        #expect(getAll.visibleLists == nil)
        let narrowed = getAll.restricted(to: [b])
        #expect(narrowed.canGet(b) && !narrowed.canGet(a) && narrowed.visibleLists == [b])
    }

    @Test("a principal's route check names the last alternative")
    func require() throws {
        let user = User(
            id: UserID(1), username: "u", passwordLogin: false, email: nil, name: "u", type: .api, status: .enabled,
            userRoleID: RoleID(2), listRoleID: nil, createdAt: Date(), updatedAt: Date())
        let principal = Principal(
            user: user, role: UserRole(id: RoleID(2), name: "r", permissions: [], createdAt: Date(), updatedAt: Date()),
            listRole: nil, credential: .token(keyID: "k"), permissions: PermissionSet([.campaignsManage]),
            lists: ListAccess(getAll: false, manageAll: false, grants: [:]))
        try principal.require(anyOf: [.campaignsManage, .campaignsManageAll])
        #expect(throws: TidingsError.permissionDenied("users:manage")) {
            try principal.require(anyOf: [.usersGet, .usersManage])
        }
    }
}
