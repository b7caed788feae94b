import Foundation
import Logging
import PostgresNIO
import Testing
import TidingsCore
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

    public static let logger: Logger = {
        var logger = Logger(label: "tidings-test")
        logger.logLevel = .error
        return logger
    }()

    /// The secret the PostgreSQL query sandbox's role password is derived from in store tests.
    static let secretKey = Array("test-secret-key-that-is-long-enough-0123456789".utf8)

    /// A fresh, empty database of this backend, and a temporary directory beside it, both
    /// removed again when `body` returns.
    public func withEmptyDatabase<T: Sendable>(_ body: @Sendable (EmptyDatabase) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tidings-test-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        switch self {
        case .sqlite:
            return try await body(
                EmptyDatabase(backend: self, directory: directory, url: "sqlite://\(directory)/tidings.db"))
        case .postgres:
            guard let adminURL = Self.postgresAdminURL else { fatalError("PostgreSQL is not enabled") }
            let name =
                "tidings_test_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
            try await Self.runAdmin(adminURL, "CREATE DATABASE \(name)")
            var components = URLComponents(string: adminURL)!
            components.path = "/\(name)"
            let database = EmptyDatabase(backend: self, directory: directory, url: components.string!)
            do {
                let result = try await body(database)
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

    /// Runs `body` with the stores of a fresh, migrated database of this backend: the schema, the
    /// Super Admin role and (on PostgreSQL) the query sandbox's role, as a new installation has them.
    public func withStores<T: Sendable>(
        clock: WallClock = .system, keepDefaultLists: Bool = false, _ body: @Sendable (TestStores) async throws -> T
    ) async throws -> T {
        try await withEmptyDatabase { database in
            try await database.withEngine { engine in
                try await TestStores.migrate(engine, at: clock.now())
                if !keepDefaultLists { try await Self.removeDefaultLists(engine) }
                return try await body(TestStores(backend: self, engine: engine))
            }
        }
    }
}

/// An empty database made for one test: where it is, and a scratch directory.
public struct EmptyDatabase: Sendable {
    public let backend: TestBackend
    /// A temporary directory, removed with the database.
    public let directory: String
    /// `sqlite://<path>` or `postgres://…/<database>`.
    public let url: String

    /// Opens an engine on this database, runs `body` while it runs, and closes it.
    public func withEngine<T: Sendable>(_ body: @Sendable (any DatabaseEngine) async throws -> T) async throws -> T {
        let engine: any DatabaseEngine
        switch backend {
        case .sqlite:
            engine = try await SQLiteEngine.open(path: "\(directory)/tidings.db", logger: TestBackend.logger)
        case .postgres:
            engine = try PostgresEngine.connecting(
                url: url, secretKey: { TestBackend.secretKey }, logger: TestBackend.logger)
        }
        return try await engine.whileRunning { try await body(engine) }
    }
}

/// The stores of a migrated test database, and its engine for tests that write rows directly.
public struct TestStores: Sendable {
    public let backend: TestBackend
    public let engine: any DatabaseEngine
    public let sql: SQLStore

    public init(backend: TestBackend, engine: any DatabaseEngine) {
        self.backend = backend
        self.engine = engine
        self.sql = SQLStore(engine: engine)
    }

    public var users: any UserStore { sql }
    public var roles: any RoleStore { sql }
    public var lists: any ListStore { sql }
    public var subscribers: any SubscriberStore { sql }
    public var imports: any SubscriberImportStore { sql }
    public var tokens: any TokenStore { sql }
    public var sessions: any SessionStore { sql }
    public var audit: any AuditStore { sql }
    public var twoFactor: any TwoFactorStore { sql }

    /// Creates the schema and the Super Admin role, and provisions PostgreSQL's query role, as
    /// the server does.
    public static func migrate(_ engine: any DatabaseEngine, at now: Date) async throws {
        try await Schema.migrate(engine, clock: WallClock { now })
    }
}

extension TestStores {
    /// A new user (see `Drafts.user`), written through the user store.
    @discardableResult
    public func user(
        _ name: String, role: RoleID = UserRole.superAdminID, listRole: RoleID? = nil, type: UserType = .user,
        status: UserStatus = .enabled
    ) async throws -> User {
        try await users.createUser(
            Drafts.user(name, role: role, listRole: listRole, type: type, status: status), at: Date())
    }

    /// A new private list named `name`, written through the list store.
    @discardableResult
    public func list(_ name: String) async throws -> MailingList {
        try await lists.createList(Drafts.list(name), at: Date())
    }

    /// A new subscriber `email` (named "S", no attributes, `enabled`) on `lists`, each subscription
    /// with `status`, written through the subscriber store.
    @discardableResult
    public func subscriber(
        _ email: String, on lists: [ListID], _ status: SubscriptionStatus = .unconfirmed
    ) async throws -> Subscriber {
        try await subscribers.createSubscriber(Drafts.subscriber(email), lists: lists, status: status, at: Date())
    }
}

extension TestBackend {
    /// Deletes the two lists a new database starts with ("Default list" and "Opt-in list", see
    /// `Migration.defaultLists`), so that a test sees only the lists it makes, as on an
    /// installation whose admin deleted them. Tests of the default lists keep them.
    public static func removeDefaultLists(_ engine: any DatabaseEngine) async throws {
        try await engine.write { database in try await database.raw("DELETE FROM lists").run() }
    }
}
