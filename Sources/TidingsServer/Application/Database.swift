import Logging
import TidingsCore
import TidingsStore

/// Opening the configured database.
public enum Database {
    /// Opens the engine for `configuration`. A PostgreSQL engine must be run as a service (the
    /// server does this; the CLI uses `withEngine`).
    public static func open(_ configuration: TidingsConfiguration, logger: Logger) async throws -> any DatabaseEngine {
        switch try configuration.database {
        case .sqlite(let path):
            return try await SQLiteEngine.open(path: path, logger: logger)
        case .postgres(let url):
            let main = try PostgresEngine.configuration(url: url)
            if let queryURL = configuration.queryDatabaseURL {
                return PostgresEngine(
                    configuration: main, logger: logger, query: try PostgresEngine.configuration(url: queryURL))
            }
            // Tidings manages the sandbox's role: named after the database, its password derived
            // from the secret key (docs/segmentation.md).
            let key = try SecretKeyFile.key(
                configured: configuration.secretKey, dataDirectory: configuration.dataDirectory)
            let role = QueryRole(database: main.database ?? main.username, secretKey: key)
            var query = main
            query.username = role.name
            query.password = role.password
            return PostgresEngine(configuration: main, logger: logger, query: query, queryRole: role)
        }
    }

    /// Runs `body` with an open, running engine and closes it afterwards (for the CLI and tests).
    public static func withEngine<T: Sendable>(
        _ configuration: TidingsConfiguration, logger: Logger, _ body: @Sendable (any DatabaseEngine) async throws -> T
    ) async throws -> T {
        let engine = try await open(configuration, logger: logger)
        return try await engine.whileRunning { try await body(engine) }
    }

    /// Creates or upgrades the schema and the Super Admin role; returns the versions applied.
    @discardableResult
    public static func migrate(_ engine: any DatabaseEngine, clock: WallClock = .system) async throws -> [Int] {
        try await Schema.migrate(engine, clock: clock)
    }
}
