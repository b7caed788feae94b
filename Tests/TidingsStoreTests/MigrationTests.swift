import Foundation
import SQLKit
import Testing
import TidingsCore
import TidingsStore
import TidingsStoreTestSupport

@Suite struct MigrationTests {
    @Test("migrating is idempotent and records the version", arguments: TestBackend.enabled)
    func idempotent(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let migrator = Migrator(engine: stores.engine)
            #expect(try await migrator.currentVersion() == Migrator.latestVersion)
            #expect(try await migrator.migrate().isEmpty)
            try await TestStores.migrate(stores.engine, at: Date())
            #expect(try await stores.roles.userRoles().map(\.name) == ["Super Admin"])
        }
    }

    @Test("a schema newer than this build is refused, not touched", arguments: TestBackend.enabled)
    func tooNew(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            try await stores.engine.write { database in
                try await database.raw(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', \(bind: Date()))"
                ).run()
            }
            await #expect(throws: StoreError.self) { try await Migrator(engine: stores.engine).migrate() }
            #expect(try await stores.roles.userRoles().map(\.name) == ["Super Admin"])
        }
    }
}
