import Foundation
import Logging
import PostgresKit
import PostgresNIO
import SQLKit
import ServiceLifecycle

/// PostgreSQL through `PostgresClient`. The client must be running (`run()`), which the server
/// does by adding the engine to its services.
public final class PostgresEngine: DatabaseEngine, Service {
    public let flavor = SQLFlavor.postgres
    public let client: PostgresClient
    private let logger: Logger

    public init(configuration: PostgresClient.Configuration, logger: Logger) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    /// Parses `postgres://user:pass@host:port/database` (also `postgresql://`).
    public static func configuration(url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url),
            components.scheme == "postgres" || components.scheme == "postgresql",
            let host = components.host, !host.isEmpty
        else {
            throw StoreError.invalidURL("expected postgres://user:password@host:port/database")
        }
        let database = String(components.path.drop { $0 == "/" })
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: database.isEmpty ? nil : database, tls: .disable)
        configuration.options.maximumConnections = 16
        return configuration
    }

    public func run() async throws {
        await client.run()
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await body(connection.sql())
        }
    }

    public func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await connection.sql().inTransaction(body)
        }
    }

    public func shutdown() async {}

    /// Not yet: the least-privilege login role comes with `tidings install` (docs/segmentation.md).
    public var querySandbox: (any QuerySandbox)? { nil }
}

/// Failures of the storage layer that are not domain errors.
public enum StoreError: Error, CustomStringConvertible {
    case invalidURL(String)
    case schemaTooNew(found: Int, known: Int)
    case notInstalled

    public var description: String {
        switch self {
        case .invalidURL(let detail): return "invalid database URL: \(detail)"
        case .schemaTooNew(let found, let known):
            return
                "the database schema is at version \(found), newer than this Tidings knows (\(known)): upgrade Tidings"
        case .notInstalled: return "the database is not installed: run `tidings install`"
        }
    }
}
