import Foundation
import SQLKit
import Testing
import TidingsCore
import TidingsServer
import TidingsStore
import TidingsTestSupport

/// A new database starts with listmonk's two default lists, once.
@Suite struct DefaultListsTests {
    static func lists(_ services: AppServices) async throws -> [MailingList] {
        try await services.stores.lists.lists(ListQuery()).items.sorted { $0.id < $1.id }
    }

    @Test("a new database has list 1, Default list, and list 2, Opt-in list", arguments: TestBackend.enabled)
    func created(backend: TestBackend) async throws {
        try await backend.withServices(keepDefaultLists: true) { services async throws in
            let lists = try await Self.lists(services)
            #expect(lists.map(\.id.rawValue) == [1, 2])
            #expect(lists.map(\.name) == ["Default list", "Opt-in list"])
            #expect(lists.map(\.type) == [.private, .public])
            #expect(lists.map(\.optin) == [.single, .double])
            #expect(lists.map(\.status) == [.active, .active])
            #expect(lists.map(\.tags) == [["test"], ["test"]])
            #expect(lists.map(\.description) == ["", ""])
            #expect(Set(lists.map(\.uuid)).count == 2)
            // A list made next takes the next id.
            #expect(try await services.lists.create(UserRoleStoreTests.draft("Mine")).id.rawValue == 3)
        }
    }

    @Test("deleted default lists are never created again", arguments: TestBackend.enabled)
    func deleted(backend: TestBackend) async throws {
        try await backend.withServices(keepDefaultLists: true) { services async throws in
            try await services.stores.lists.deleteLists(ids: try await Self.lists(services).map(\.id))
            // Every start migrates; none brings them back.
            #expect(try await Database.migrate(services.engine).isEmpty)
            #expect(try await Database.migrate(services.engine).isEmpty)
            #expect(try await Self.lists(services).isEmpty)
        }
    }

    @Test(
        "a database in use before this version gets none: not with a user, a list or a subscriber",
        arguments: TestBackend.enabled)
    func upgraded(backend: TestBackend) async throws {
        try await backend.withServices { services async throws in
            // As before migration 7, with one login user and nothing else.
            _ = try await services.users.create(
                .init(
                    username: "admin", email: "admin@example.com", password: "password-123", passwordLogin: true,
                    type: .user, status: .enabled, userRoleID: UserRole.superAdminID), by: nil)
            try await services.engine.write { database in
                try await database.raw("DELETE FROM schema_migrations WHERE version >= 7").run()
            }
            #expect(try await Migrator(engine: services.engine).migrate() == [7])
            #expect(try await Self.lists(services).isEmpty)
        }
    }
}
