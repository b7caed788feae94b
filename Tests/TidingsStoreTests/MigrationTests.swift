import Foundation
import SQLKit
import Testing
import TidingsCore
import TidingsServer
import TidingsStore
import TidingsTestSupport

@Suite struct MigrationTests {
    @Test("migrating is idempotent and records the version", arguments: TestBackend.enabled)
    func idempotent(backend: TestBackend) async throws {
        try await backend.withServices { services async throws in
            let migrator = Migrator(engine: services.engine)
            #expect(try await migrator.currentVersion() == Migrator.latestVersion)
            #expect(try await migrator.migrate().isEmpty)
            #expect(try await Database.migrate(services.engine).isEmpty)
            #expect(try await services.stores.roles.userRoles().map(\.name) == ["Super Admin"])
        }
    }

    @Test("a schema newer than this build is refused, not touched", arguments: TestBackend.enabled)
    func tooNew(backend: TestBackend) async throws {
        try await backend.withServices { services async throws in
            try await services.engine.write { database in
                try await database.raw(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', \(bind: Date()))"
                ).run()
            }
            await #expect(throws: StoreError.self) { try await Migrator(engine: services.engine).migrate() }
        }
    }

    @Test(
        "concurrent migrations from two engines both succeed, and create the default lists once",
        arguments: TestBackend.enabled)
    func concurrent(backend: TestBackend) async throws {
        try await backend.withFreshDatabase { configuration async throws in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        _ = try await Database.withEngine(configuration, logger: .init(label: "test")) {
                            engine async throws in
                            try await Database.migrate(engine)
                        }
                    }
                }
                try await group.waitForAll()
            }
            try await Database.withEngine(configuration, logger: .init(label: "test")) { engine async throws in
                #expect(try await Migrator(engine: engine).currentVersion() == Migrator.latestVersion)
                #expect(try await SQLStore(engine: engine).lists(ListQuery()).items.count == 2)
            }
        }
    }
}
