import Foundation
import Testing
import TidingsCore
import TidingsServer
import TidingsStore
import TidingsTestSupport

/// Opening and migrating the configured database, as `tidings serve` and the CLI do.
@Suite struct DatabaseTests {
    @Test(
        "concurrent migrations from two engines both succeed, and make the default lists once",
        arguments: TestBackend.enabled)
    func concurrent(backend: TestBackend) async throws {
        try await backend.withFreshDatabase { configuration async throws in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        _ = try await Database.withEngine(configuration, logger: .init(label: "test")) {
                            engine async throws in
                            try await Schema.migrate(engine)
                        }
                    }
                }
                try await group.waitForAll()
            }
            try await Database.withEngine(configuration, logger: .init(label: "test")) { engine async throws in
                #expect(try await Migrator(engine: engine).currentVersion() == Migrator.latestVersion)
                // Two installs at once still make the default lists once.
                #expect(try await SQLStore(engine: engine).lists(ListQuery()).items.count == 2)
                #expect(try await Schema.migrate(engine).isEmpty)
            }
        }
    }
}
