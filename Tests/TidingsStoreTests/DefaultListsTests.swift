import Foundation
import SQLKit
import Testing
import TidingsCore
import TidingsStore
import TidingsStoreTestSupport

/// A new database starts with listmonk's two default lists, once.
@Suite struct DefaultListsTests {
    static func lists(_ stores: TestStores) async throws -> [MailingList] {
        try await stores.lists.lists(ListQuery()).items.sorted { $0.id < $1.id }
    }

    @Test("a new database has list 1, Default list, and list 2, Opt-in list", arguments: TestBackend.enabled)
    func created(backend: TestBackend) async throws {
        try await backend.withStores(keepDefaultLists: true) { stores async throws in
            let lists = try await Self.lists(stores)
            #expect(lists.map(\.id.rawValue) == [1, 2])
            #expect(lists.map(\.name) == ["Default list", "Opt-in list"])
            #expect(lists.map(\.type) == [.private, .public])
            #expect(lists.map(\.optin) == [.single, .double])
            #expect(lists.map(\.status) == [.active, .active])
            #expect(lists.map(\.tags) == [["test"], ["test"]])
            #expect(lists.map(\.description) == ["", ""])
            #expect(Set(lists.map(\.uuid)).count == 2)
            // A list made next takes the next id.
            #expect(try await stores.list("Mine").id.rawValue == 3)
        }
    }

    @Test("deleted default lists are never created again", arguments: TestBackend.enabled)
    func deleted(backend: TestBackend) async throws {
        try await backend.withStores(keepDefaultLists: true) { stores async throws in
            try await stores.lists.deleteLists(ids: try await Self.lists(stores).map(\.id))
            // Every start migrates; none brings them back.
            #expect(try await Schema.migrate(stores.engine).isEmpty)
            #expect(try await Schema.migrate(stores.engine).isEmpty)
            #expect(try await Self.lists(stores).isEmpty)
        }
    }

    @Test(
        "a database in use before this version gets none: not with a user, a list or a subscriber",
        arguments: TestBackend.enabled)
    func upgraded(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            // As before migration 7, with one login user and nothing else.
            try await stores.user("admin")
            try await stores.engine.write { database in
                try await database.raw("DELETE FROM schema_migrations WHERE version >= 7").run()
            }
            #expect(try await Migrator(engine: stores.engine).migrate() == [7])
            #expect(try await Self.lists(stores).isEmpty)
        }
    }
}
