import Foundation
import SQLKit

/// Applies the numbered migrations a database lacks, each in its own transaction.
public struct Migrator: Sendable {
    private let engine: any DatabaseEngine

    public init(engine: any DatabaseEngine) { self.engine = engine }

    /// The newest schema version this build knows.
    public static var latestVersion: Int { Migration.all.map(\.version).max() ?? 0 }

    /// The version the database is at (0 when nothing is installed).
    public func currentVersion() async throws -> Int {
        try await engine.read { database in
            try await Self.version(in: database, flavor: engine.flavor)
        }
    }

    /// Brings the schema to `latestVersion`; returns the versions it applied. Safe to run
    /// concurrently from several instances (PostgreSQL takes an advisory lock).
    @discardableResult
    public func migrate(at now: Date = Date()) async throws -> [Int] {
        let flavor = engine.flavor
        return try await engine.write { database in
            if flavor == .postgres {
                try await database.raw("SELECT pg_advisory_xact_lock(\(literal: 7_121_921))").run()
            }
            try await database.raw(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at \(unsafeRaw: SchemaDialect.render("{{time}}", for: flavor)) NOT NULL)
                """
            ).run()
            let current = try await Self.version(in: database, flavor: flavor)
            guard current <= Self.latestVersion else {
                throw StoreError.schemaTooNew(found: current, known: Self.latestVersion)
            }
            var applied: [Int] = []
            for migration in Migration.all where migration.version > current {
                for statement in migration.statements(for: flavor) {
                    try await database.raw(SQLQueryString(statement)).run()
                }
                try await migration.seed?(database, flavor, now)
                try await database.raw(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: now))"
                ).run()
                applied.append(migration.version)
            }
            return applied
        }
    }

    private static func version(in database: any SQLDatabase, flavor: SQLFlavor) async throws -> Int {
        let exists: Bool
        switch flavor {
        case .sqlite:
            exists =
                try await database.raw(
                    "SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
                ).first() != nil
        case .postgres:
            exists =
                try await database.raw(
                    "SELECT 1 AS found FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
                ).first() != nil
        }
        guard exists else { return 0 }
        let row = try await database.raw("SELECT MAX(version) AS version FROM schema_migrations").first()
        return try row?.decode(column: "version", as: Int?.self) ?? 0
    }
}
