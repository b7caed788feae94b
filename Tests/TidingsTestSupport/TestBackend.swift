import Foundation
import Logging
import PostgresNIO
import SQLKit
import Testing
import TidingsCore
import TidingsServer
import TidingsStore

/// A database the tests run against. Every store and HTTP test runs once per enabled backend.
///
/// SQLite is always enabled. PostgreSQL is enabled when `TIDINGS_TEST_POSTGRES_URL` names a
/// server where the tests may create databases (the test script starts a throwaway cluster
/// and sets it); with `TIDINGS_TEST_REQUIRE_POSTGRES=1` its absence is an error.
public enum TestBackend: String, Sendable, CustomTestStringConvertible, CaseIterable {
    case sqlite
    case postgres

    public var testDescription: String { rawValue }

    public static let postgresAdminURL = ProcessInfo.processInfo.environment["TIDINGS_TEST_POSTGRES_URL"]

    public static var enabled: [TestBackend] {
        if postgresAdminURL != nil { return [.sqlite, .postgres] }
        if ProcessInfo.processInfo.environment["TIDINGS_TEST_REQUIRE_POSTGRES"] == "1" {
            fatalError("TIDINGS_TEST_REQUIRE_POSTGRES=1 but TIDINGS_TEST_POSTGRES_URL is not set")
        }
        return [.sqlite]
    }

    static let logger: Logger = {
        var logger = Logger(label: "tidings-test")
        logger.logLevel = .error
        return logger
    }()

    /// A fresh, empty database of this backend: its configuration (bcrypt cost 4 for speed, a
    /// fixed secret key, a temporary data directory), removed again when `body` returns.
    public func withFreshDatabase<T: Sendable>(
        _ body: @Sendable (TidingsConfiguration) async throws -> T
    ) async throws
        -> T
    {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tidings-test-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = TidingsConfiguration()
        configuration.dataDirectory = directory
        configuration.secretKey = "test-secret-key-that-is-long-enough-0123456789"
        configuration.bcryptCost = 4
        configuration.port = 0
        switch self {
        case .sqlite:
            configuration.databaseURL = "sqlite://\(directory)/tidings.db"
            return try await body(configuration)
        case .postgres:
            guard let adminURL = Self.postgresAdminURL else { fatalError("PostgreSQL is not enabled") }
            let name =
                "tidings_test_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
            try await Self.runAdmin(adminURL, "CREATE DATABASE \(name)")
            var components = URLComponents(string: adminURL)!
            components.path = "/\(name)"
            configuration.databaseURL = components.string!
            do {
                let result = try await body(configuration)
                try? await Self.runAdmin(adminURL, "DROP DATABASE \(name) WITH (FORCE)")
                return result
            } catch {
                try? await Self.runAdmin(adminURL, "DROP DATABASE \(name) WITH (FORCE)")
                throw error
            }
        }
    }

    /// Runs one statement on the admin database.
    static func runAdmin(_ url: String, _ statement: String) async throws {
        let configuration = try PostgresEngine.configuration(url: url)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await client.query(PostgresQuery(unsafeSQL: statement))
        }
    }

    /// Runs `body` with migrated services on a fresh database of this backend, without the
    /// default lists unless `keepDefaultLists` (see `removeDefaultLists`).
    public func withServices<T: Sendable>(
        clock: WallClock = .system, keepDefaultLists: Bool = false, _ body: @Sendable (AppServices) async throws -> T
    ) async throws -> T {
        try await withFreshDatabase { configuration in
            try await AppServices.withServices(configuration, logger: Self.logger, clock: clock) { services in
                if !keepDefaultLists { try await Self.removeDefaultLists(services.engine) }
                return try await body(services)
            }
        }
    }

    /// Deletes the two lists a new database starts with ("Default list" and "Opt-in list", see
    /// `Migration.defaultLists`), so that a test sees only the lists it makes, as on an
    /// installation whose admin deleted them. Tests of the default lists keep them.
    public static func removeDefaultLists(_ engine: any DatabaseEngine) async throws {
        try await engine.write { database in try await database.raw("DELETE FROM lists").run() }
    }
}
