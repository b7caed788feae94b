import Foundation
import TidingsCore

/// Bringing a database to the schema this Tidings knows.
public enum Schema {
    /// Creates or upgrades the schema and the Super Admin role, then runs the engine's
    /// `afterMigration`; returns the versions applied (empty when it was up to date).
    @discardableResult
    public static func migrate(_ engine: any DatabaseEngine, clock: WallClock = .system) async throws -> [Int] {
        // Two processes starting on one new SQLite file can meet SQLITE_BUSY outside the busy
        // timeout (while one converts the file to WAL); the migration is idempotent, so retry.
        var attempt = 0
        while true {
            do {
                let applied = try await Migrator(engine: engine).migrate(at: clock.now())
                try await SQLStore(engine: engine).ensureSuperAdminRole(at: clock.now())
                await engine.afterMigration()
                return applied
            } catch  where engine.flavor == .sqlite && attempt < 5 && SQLiteEngine.isBusy(error) {
                attempt += 1
                try await Task.sleep(for: .milliseconds(200 * attempt))
            }
        }
    }
}
