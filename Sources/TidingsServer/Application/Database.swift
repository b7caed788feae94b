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
            return try PostgresEngine.connecting(
                url: url, queryURL: configuration.queryDatabaseURL,
                secretKey: {
                    try SecretKeyFile.key(
                        configured: configuration.secretKey, dataDirectory: configuration.dataDirectory)
                }, logger: logger)
        }
    }

    /// Runs `body` with an open, running engine and closes it afterwards (for the CLI and tests).
    public static func withEngine<T: Sendable>(
        _ configuration: TidingsConfiguration, logger: Logger, _ body: @Sendable (any DatabaseEngine) async throws -> T
    ) async throws -> T {
        let engine = try await open(configuration, logger: logger)
        return try await engine.whileRunning { try await body(engine) }
    }
}
