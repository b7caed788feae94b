import Foundation
import SQLKit
import Testing
import TidingsCore
import TidingsStoreTestSupport

@testable import TidingsStore

/// UUIDs are stored as the API prints them, in lower case, on both databases (on SQLite the
/// column is text, and a caller's SQL compares it as text).
@Suite struct UUIDCaseTests {
    /// Every `uuid` of `table` as the database holds it, as text.
    static func stored(_ table: String, _ stores: TestStores) async throws -> [String] {
        try await stores.engine.read { database in
            try await database.raw("SELECT CAST(uuid AS TEXT) AS uuid FROM \(unsafeRaw: table) ORDER BY id").all()
                .map { try $0.decode(column: "uuid", as: String.self) }
        }
    }

    @Test("creating a list, a subscriber and an import batch stores lower-case UUIDs", arguments: TestBackend.enabled)
    func writePaths(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let list = try await stores.lists.createList(Drafts.list("A"), at: Date())
            let subscriber = try await stores.subscribers.createSubscriber(
                SubscriberDraft(email: "one@example.com", name: "One", attributes: [:], status: .enabled),
                lists: [list.id], status: .confirmed, at: Date())
            try await stores.imports.importSubscribers(
                [ImportRow(line: 2, email: "two@example.com", name: "Two", attributesJSON: "{}")],
                options: SubscriberImportStoreTests.options([list.id]), at: Date())

            let lists = try await Self.stored("lists", stores)
            let subscribers = try await Self.stored("subscribers", stores)
            #expect(lists == [list.uuid.uuidString.lowercased()])
            #expect(subscribers.count == 2)
            #expect(subscribers.first == subscriber.uuid.uuidString.lowercased())
            for uuid in lists + subscribers { #expect(uuid == uuid.lowercased() && UUID(uuidString: uuid) != nil) }
            // The lookup by UUID finds what was stored.
            #expect(try await stores.subscribers.subscriber(uuid: subscriber.uuid)?.id == subscriber.id)
        }
    }

    @Test(
        "upgrading lowers the upper-case UUIDs earlier versions wrote, and adds no default lists",
        arguments: TestBackend.enabled)
    func migration(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            // Rows as versions before migration 6 wrote them on SQLite (upper-case text);
            // PostgreSQL's uuid type reads the same text and keeps no case.
            let subscriberUUID = UUID()
            let listUUID = UUID()
            try await stores.engine.write { database in
                try await database.raw(
                    """
                    INSERT INTO subscribers (uuid, email, name, status, created_at, updated_at)
                    VALUES (\(bind: subscriberUUID), 'old@example.com', 'Old', 'enabled', \(bind: Date()), \(bind: Date()))
                    """
                ).run()
                try await database.raw(
                    """
                    INSERT INTO lists (uuid, name, type, optin, status, created_at, updated_at)
                    VALUES (\(bind: listUUID), 'Old list', 'private', 'single', 'active', \(bind: Date()), \(bind: Date()))
                    """
                ).run()
                try await database.raw("DELETE FROM schema_migrations WHERE version >= 6").run()
            }
            if backend == .sqlite {
                #expect(try await Self.stored("subscribers", stores) == [subscriberUUID.uuidString])
            }

            #expect(try await Migrator(engine: stores.engine).migrate() == [6, 7])

            #expect(try await Self.stored("subscribers", stores) == [subscriberUUID.uuidString.lowercased()])
            #expect(try await Self.stored("lists", stores) == [listUUID.uuidString.lowercased()])
            #expect(try await stores.lists.lists(ListQuery()).items.map(\.name) == ["Old list"])
            #expect(try await stores.subscribers.subscriber(uuid: subscriberUUID)?.email == "old@example.com")
        }
    }
}
