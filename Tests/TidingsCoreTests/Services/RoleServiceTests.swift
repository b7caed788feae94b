import Foundation
import Testing

@testable import TidingsCore

/// `RoleService`: listmonk's validation of role definitions, the Super Admin role left alone, and
/// no role granting more than its author holds.
@Suite struct RoleServiceTests {
    static func service(_ fake: FakeStore) -> RoleService {
        RoleService(roleStore: fake, directory: fake.directory(), clock: ManualClock().clock)
    }

    @Test("a user role: the name trimmed, permissions in the order given without repeats, unknown ones refused")
    func userRoleDefinition() throws {
        let (name, permissions) = try RoleService.validateUserRole(
            name: "  Editors ", permissions: ["users:get", "lists:get_all", "users:get"])
        #expect(name == "Editors")
        #expect(permissions == [.usersGet, .listsGetAll])
        #expect(try RoleService.validateUserRole(name: "x", permissions: nil).1.isEmpty)
        let unknown = #expect(throws: TidingsError.self) {
            try RoleService.validateUserRole(name: "x", permissions: ["users:get", "users:fly"])
        }
        #expect(unknown?.code == "invalid_fields" && unknown?.message == "Invalid fields: permission: users:fly")
        for name in [nil, "", "   ", String(repeating: "n", count: 2_001)] {
            let error = #expect(throws: TidingsError.self) {
                try RoleService.validateUserRole(name: name, permissions: [])
            }
            #expect(error?.details["field"] == "name")
        }
    }

    @Test("a list role: positive list ids, known permissions without repeats, empty grants dropped")
    func listRoleDefinition() throws {
        let (name, grants) = try RoleService.validateListRole(
            name: "Team", grants: [(ListID(2), ["list:get", "list:manage", "list:get"]), (ListID(3), [])])
        #expect(name == "Team")
        #expect(grants == [ListID(2): [.get, .manage]])
        for (list, raw, message) in [
            (ListID(0), "list:get", "Invalid fields: lists (invalid list id)"),
            (ListID(-4), "list:get", "Invalid fields: lists (invalid list id)"),
            (ListID(1), "list:fly", "Invalid fields: list permission: list:fly"),
        ] {
            let error = #expect(throws: TidingsError.self) {
                try RoleService.validateListRole(name: "Team", grants: [(list, [raw])])
            }
            #expect(error?.message == message && error?.details["field"] == "lists")
        }
    }

    @Test("the Super Admin role cannot be changed or deleted, and the store is not asked")
    func superAdmin() async throws {
        let fake = FakeStore()
        let service = Self.service(fake)
        let attempts: [@Sendable () async throws -> Void] = [
            { _ = try await service.updateUserRole(UserRole.superAdminID, name: "x", permissions: [], by: nil) },
            { _ = try await service.updateListRole(UserRole.superAdminID, name: "x", grants: [], by: nil) },
            { try await service.delete(UserRole.superAdminID) },
        ]
        for attempt in attempts {
            let error = await #expect(throws: TidingsError.self) { try await attempt() }
            #expect(error?.code == "invalid_id")
        }
        #expect(fake.read(\.deletedRoles).isEmpty)
        #expect(fake.read(\.userRoles) == [FakeStore.superAdmin])
        try await service.delete(RoleID(7))
        #expect(fake.read(\.deletedRoles) == [RoleID(7)])
    }

    @Test("a role may grant only what its author holds; the command line is not limited")
    func withinAuthor() async throws {
        let fake = FakeStore()
        let service = Self.service(fake)
        let author = principal(
            [.usersGet, .rolesManage], lists: ListAccess(getAll: false, manageAll: false, grants: [ListID(1): [.get]]))
        let role = try await service.createUserRole(name: "r", permissions: ["users:get"], by: author)
        #expect(role.permissions == [.usersGet])
        let beyond = await #expect(throws: TidingsError.self) {
            _ = try await service.createUserRole(name: "r2", permissions: ["users:manage"], by: author)
        }
        #expect(beyond?.code == "beyond_own_access")
        _ = try await service.createListRole(name: "l", grants: [(ListID(1), ["list:get"])], by: author)
        let wider = await #expect(throws: TidingsError.self) {
            _ = try await service.createListRole(name: "l2", grants: [(ListID(1), ["list:manage"])], by: author)
        }
        #expect(wider?.code == "beyond_own_access")
        #expect(fake.read(\.userRoles).map(\.name) == [UserRole.superAdminName, "r"])
        #expect(fake.read(\.listRoles).map(\.name) == ["l"])
        _ = try await service.createUserRole(name: "all", permissions: Permission.allCases.map(\.rawValue), by: nil)
        #expect(fake.read(\.userRoles).count == 3)
    }
}
