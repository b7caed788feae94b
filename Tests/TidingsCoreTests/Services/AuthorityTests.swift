import Foundation
import Testing
import TidingsCore

/// `Authority`'s rule, without a server: nobody acts on, or defines, access beyond their own.
@Suite struct AuthorityTests {
    static let teamRole = ListRole(
        id: RoleID(20), name: "team",
        lists: [
            ListGrant(listID: ListID(1), listName: "A", permissions: [.get, .manage]),
            ListGrant(listID: ListID(2), listName: "B", permissions: [.get]),
        ], createdAt: .distantPast, updatedAt: .distantPast)

    @Test("a token's scopes narrow the permissions, and global list access with them; its lists narrow the grants")
    func narrowing() {
        let editor = UserRole(
            id: RoleID(10), name: "editor", permissions: [.usersGet, .listsGetAll, .listsManageAll],
            createdAt: .distantPast, updatedAt: .distantPast)
        let whole = Authority.Reach(role: editor, listRole: Self.teamRole)
        #expect(whole.permissions == PermissionSet([.usersGet, .listsGetAll, .listsManageAll]))
        #expect(whole.lists.getAll && whole.lists.manageAll && !whole.isSuperAdmin)

        let scoped = Authority.Reach(role: editor, listRole: Self.teamRole, scopes: [.listsGetAll, .subscribersGet])
        #expect(scoped.permissions == PermissionSet([.listsGetAll]))
        #expect(scoped.lists.getAll && !scoped.lists.manageAll)
        #expect(scoped.lists.canManage(ListID(1)) && !scoped.lists.canManage(ListID(2)))

        let listed = Authority.Reach(role: editor, listRole: Self.teamRole, scopes: [], lists: [ListID(2)])
        #expect(listed.permissions.isEmpty && !listed.lists.getAll)
        #expect(listed.lists.canGet(ListID(2)) && !listed.lists.canGet(ListID(1)) && !listed.lists.canManage(ListID(1)))
        #expect(Authority.Reach(role: FakeStore.superAdmin, listRole: nil, scopes: [.usersGet]).isSuperAdmin)
    }

    @Test("defining a role: within the author's permissions and list access, or refused")
    func defining() throws {
        let author = principal(
            [.usersGet, .listsGetAll], lists: ListAccess(getAll: true, manageAll: false, grants: [ListID(1): [.manage]])
        )
        try Authority.requireMayDefine(permissions: [.usersGet, .listsGetAll], by: author)
        try Authority.requireMayDefine(permissions: [.usersManage, .listsManageAll], by: nil)
        for permissions: [Permission] in [[.usersManage], [.listsManageAll], [.usersGet, .auditGet]] {
            let error = #expect(throws: TidingsError.self, "\(permissions)") {
                try Authority.requireMayDefine(permissions: permissions, by: author)
            }
            #expect(error?.code == "beyond_own_access" && error?.kind == .forbidden)
        }
        try Authority.requireMayDefine(grants: [(ListID(1), [.get, .manage]), (ListID(5), [.get])], by: author)
        #expect(throws: TidingsError.self) {
            try Authority.requireMayDefine(grants: [(ListID(5), [.manage])], by: author)
        }
        #expect(Authority.mayGrant(Self.teamRole, by: principal([.listsGetAll, .listsManageAll])))
        #expect(Authority.mayGrant(Self.teamRole, by: author))
        #expect(!Authority.mayGrant(Self.teamRole, by: principal([.listsGetAll])))
        #expect(!Authority.mayGrant(FakeStore.superAdmin, by: principal(Permission.allCases)))
        #expect(Authority.mayGrant(FakeStore.superAdmin, by: principal([], superAdmin: true)))
    }

    @Test("acting on a user: a Super Admin only by a Super Admin, anyone else only within the actor's reach")
    func managing() async throws {
        let fake = FakeStore()
        let staff = UserRole(
            id: RoleID(10), name: "staff", permissions: [.usersGet, .subscribersGet], createdAt: .distantPast,
            updatedAt: .distantPast)
        fake.state.withLock { $0.userRoles.append(staff) }
        let authority = Authority(roleStore: fake)
        let root = FakeStore.user(1, "root")
        let clerk = FakeStore.user(2, "clerk", role: staff.id)
        let manager = principal([.usersGet, .usersManage, .subscribersGet])
        let narrow = principal([.usersGet, .usersManage])

        try await authority.requireMayManage(clerk, by: manager, to: "change")
        try await authority.requireMayManage(root, by: principal([], superAdmin: true), to: "change")
        try await authority.requireMayManage(root, by: nil, to: "change")
        let superAdminOnly = await #expect(throws: TidingsError.self) {
            try await authority.requireMayManage(root, by: manager, to: "delete")
        }
        #expect(superAdminOnly?.message == "permission denied: only a Super Admin can delete a Super Admin")
        let beyond = await #expect(throws: TidingsError.self) {
            try await authority.requireMayManage(clerk, by: narrow, to: "delete")
        }
        #expect(beyond?.code == "beyond_own_access")
        // A token narrowed to what the actor holds may be issued for the stronger user.
        try await authority.requireMayManage(clerk, by: narrow, to: "create a token for", scopes: [.usersGet])
        try await authority.requireMayGrant(userRole: staff.id, listRole: nil, by: manager)
        await #expect(throws: TidingsError.self) {
            try await authority.requireMayGrant(userRole: UserRole.superAdminID, listRole: nil, by: manager)
        }
    }
}
