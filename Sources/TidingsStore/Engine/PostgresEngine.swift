import Foundation
import Logging
import PostgresKit
import PostgresNIO
import SQLKit
import TidingsCore

/// PostgreSQL through `PostgresClient`. The client must be running (`run()`), which the server
/// does in its database service.
public final class PostgresEngine: DatabaseEngine {
    public let flavor = SQLFlavor.postgres
    public let client: PostgresClient
    let logger: Logger
    /// The row path's statements, prepared per connection.
    let preparedStatements = PostgresPreparedStatements()
    private let sandbox: PostgresQuerySandbox?
    private let queryRole: QueryRole?
    private let database: String?

    /// - Parameters:
    ///   - query: the login of the query sandbox (`nil`: callers' SQL expressions are refused).
    ///   - queryRole: the role to provision for that login, when Tidings manages it.
    public init(
        configuration: PostgresClient.Configuration, logger: Logger, query: PostgresClient.Configuration? = nil,
        queryRole: QueryRole? = nil, queryTimeLimit: Duration = .seconds(5)
    ) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        self.sandbox = query.map { PostgresQuerySandbox(configuration: $0, timeLimit: queryTimeLimit, logger: logger) }
        self.queryRole = queryRole
        self.database = configuration.database
        self.queryTimeLimit = queryTimeLimit
    }

    private let queryTimeLimit: Duration

    /// Creates or updates the query sandbox's role, when Tidings manages it. A login without the
    /// right to create roles cannot: that is logged, and SQL expressions answer 503 until an
    /// operator creates the role or sets TIDINGS_QUERY_DATABASE_URL.
    public func afterMigration() async { await provisionQueryRole() }

    public func authChangeChannel(logger: Logger) -> (any AuthChangeChannel)? {
        PostgresAuthChannel(engine: self, logger: logger)
    }

    func provisionQueryRole() async {
        guard let queryRole, let database else { return }
        do {
            try await client.withConnection { connection in
                try await queryRole.provision(
                    on: connection, database: database, timeLimit: queryTimeLimit, logger: logger)
            }
        } catch {
            logger.warning(
                "could not provision the query role; SQL queries stay unavailable until it exists",
                metadata: ["role": "\(queryRole.name)", "error": "\(String(reflecting: error))"])
        }
    }

    /// Parses `postgres://user:pass@host:port/database` (also `postgresql://`).
    /// An engine for the database at `url`. Callers' SQL expressions run as `queryURL`'s user
    /// when one is given; otherwise as a role Tidings manages: named after the database, with a
    /// password derived from `secretKey` (read only in that case), created by `afterMigration`
    /// (docs/segmentation.md).
    public static func connecting(
        url: String, queryURL: String? = nil, secretKey: () throws -> [UInt8], logger: Logger
    ) throws -> PostgresEngine {
        let main = try configuration(url: url)
        if let queryURL {
            return PostgresEngine(configuration: main, logger: logger, query: try configuration(url: queryURL))
        }
        let role = QueryRole(database: main.database ?? main.username, secretKey: try secretKey())
        var query = main
        query.username = role.name
        query.password = role.password
        return PostgresEngine(configuration: main, logger: logger, query: query, queryRole: role)
    }

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
        await withDiscardingTaskGroup { group in
            group.addTask { await self.client.run() }
            if let sandbox = self.sandbox { group.addTask { await sandbox.client.run() } }
        }
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

    public var querySandbox: (any QuerySandbox)? { sandbox }
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
