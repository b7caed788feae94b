import Crypto
import Foundation
import Logging
import PostgresNIO
import Synchronization
import TidingsCore

/// The PostgreSQL query sandbox: a pool of its own, logged in as a role that may only read
/// `subscribers`, `lists` and `subscriber_lists` (never `SET ROLE` from a privileged login, which
/// an expression could undo with `set_config('role', …)`).
///
/// - An expression may call only the functions `PostgresQueryRules` allows (checked on its text
///   before anything is sent).
/// - Every statement runs in a `READ ONLY` transaction with a local `statement_timeout` and
///   `standard_conforming_strings` on, which is always rolled back; then `DISCARD ALL` drops
///   whatever session state it could still have left (settings, advisory locks, `LISTEN`s). A
///   connection that cannot be reset so is closed, not reused.
/// - Errors raised while rows are read are reported without PostgreSQL's text, which may quote
///   the values they choked on.
public final class PostgresQuerySandbox: QuerySandbox {
    let client: PostgresClient
    private let timeLimit: Duration
    private let logger: Logger

    init(configuration: PostgresClient.Configuration, timeLimit: Duration, logger: Logger) {
        var configuration = configuration
        configuration.options.maximumConnections = 4
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.timeLimit = timeLimit
        self.logger = logger
    }

    public func integers(_ sql: String, binds: [QueryBind]) async throws -> [Int] {
        var bindings = PostgresBindings()
        for bind in binds {
            switch bind {
            case .integer(let value): bindings.append(value)
            case .text(let value): bindings.append(value)
            case .real(let value): bindings.append(value)
            case .null: bindings.appendNull()
            }
        }
        // A login that fails is retried by the pool; give up waiting for a connection a little
        // after the statement itself would have timed out.
        let patience = timeLimit + .seconds(5)
        let connected = ConnectedFlag()
        return try await withThrowingTaskGroup(of: [Int].self) { group in
            group.addTask { [sql, bindings] in
                try await self.run(sql, bindings) { connected.value.store(true, ordering: .relaxed) }
            }
            group.addTask {
                try await Task.sleep(for: patience)
                // Connected: the statement timeout bounds the rest.
                while connected.value.load(ordering: .relaxed) { try await Task.sleep(for: .seconds(60)) }
                throw Self.unavailable
            }
            defer { group.cancelAll() }
            return try await group.next() ?? []
        }
    }

    public func admit(_ expression: FilterExpression) throws(TidingsError) {
        try expression.requireFunctions(in: PostgresQueryRules.functions)
    }

    private func run(_ sql: String, _ bindings: PostgresBindings, onConnected: () -> Void) async throws -> [Int] {
        let milliseconds = Int(timeLimit.components.seconds) * 1_000
        do {
            return try await client.withConnection { connection in
                onConnected()
                let result: Result<[Int], any Error>
                do {
                    _ = try await connection.query("BEGIN TRANSACTION READ ONLY", logger: logger)
                    _ = try await connection.query(
                        """
                        SELECT set_config('statement_timeout', \(String(milliseconds)), true),
                            set_config('standard_conforming_strings', 'on', true)
                        """, logger: logger)
                    var values: [Int] = []
                    for try await row in try await connection.query(
                        PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
                    {
                        values.append(try row.decode(Int.self))
                    }
                    result = .success(values)
                } catch {
                    result = .failure(error)
                }
                await reset(connection)
                return try result.get()
            }
        } catch let error as PSQLError {
            throw refusal(error)
        } catch let error as TidingsError {
            throw error
        } catch {
            logger.error("query sandbox unavailable", metadata: ["error": "\(String(reflecting: error))"])
            throw Self.unavailable
        }
    }

    /// Rolls back (undoing any `set_config` of the statement) and discards the session's state;
    /// closes the connection if either fails, so the pool replaces it.
    private func reset(_ connection: PostgresConnection) async {
        do {
            _ = try await connection.query("ROLLBACK", logger: logger)
            _ = try await connection.query("DISCARD ALL", logger: logger)
        } catch {
            logger.warning("query sandbox connection closed", metadata: ["error": "\(String(reflecting: error))"])
            try? await connection.close()
        }
    }

    public func close() async {}

    /// The error for a statement PostgreSQL refused or cancelled, or a login that failed.
    private func refusal(_ error: PSQLError) -> TidingsError {
        guard let info = error.serverInfo else {
            logger.error("query sandbox unavailable", metadata: ["error": "\(String(reflecting: error))"])
            return Self.unavailable
        }
        switch info[.sqlState] {
        case "57014":
            return TidingsError(
                .badRequest, code: "query_timeout",
                message:
                    "Error preparing subscriber query: the query took longer than \(timeLimit.components.seconds) s")
        case let state? where state.hasPrefix("28") || state == "3D000":
            // The login itself failed: the role is missing or its password differs.
            logger.error("query sandbox login failed", metadata: ["error": "\(info[.message] ?? state)"])
            return Self.unavailable
        case let state?:
            return FilterExpression.invalid(
                PostgresQueryRules.reason(sqlState: state, message: info[.message] ?? "the database refused the query"))
        case nil:
            return FilterExpression.invalid("the database refused the query")
        }
    }

    static let unavailable = TidingsError(
        .unavailable, code: "query_unavailable",
        message:
            "SQL queries are unavailable: the query role could not log in (run `tidings install` as a user that may create roles, or set TIDINGS_QUERY_DATABASE_URL)"
    )
}

/// The least-privilege role Tidings provisions for the sandbox when no query URL is configured:
/// named after the database, with a password derived from the server's secret key, so that every
/// instance and the CLI agree on it without storing it anywhere.
public struct QueryRole: Sendable, Equatable {
    public let name: String
    public let password: String

    public init(database: String, secretKey: [UInt8]) {
        let safe = database.lowercased().allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        let suffix =
            safe && database.utf8.count <= 40
            ? database.lowercased()
            : SHA256.hash(data: Array(database.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        name = "tidings_query_\(suffix)"
        let code = HMAC<SHA256>.authenticationCode(
            for: Array("tidings query role \(database)".utf8), using: SymmetricKey(data: secretKey))
        password = code.map { String(format: "%02x", $0) }.joined()
    }

    /// Creates the role (or resets its password), lets it connect and read the three tables and
    /// nothing else, and makes its sessions read-only with a statement timeout. Idempotent.
    func provision(
        on connection: PostgresConnection, database: String, timeLimit: Duration, logger: Logger
    )
        async throws
    {
        let role = "\"\(name)\""
        let statements = [
            """
            DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '\(name)') THEN
                    CREATE ROLE \(role) LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION
                        PASSWORD '\(password)';
                ELSE
                    ALTER ROLE \(role) LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION
                        PASSWORD '\(password)';
                END IF;
            END $$
            """,
            "GRANT CONNECT ON DATABASE \"\(database.replacingOccurrences(of: "\"", with: "\"\""))\" TO \(role)",
            "GRANT USAGE ON SCHEMA public TO \(role)",
            "REVOKE CREATE ON SCHEMA public FROM \(role)",
            "GRANT SELECT ON subscribers, lists, subscriber_lists TO \(role)",
            "ALTER ROLE \(role) SET default_transaction_read_only = on",
            "ALTER ROLE \(role) SET statement_timeout = '\(timeLimit.components.seconds)s'",
        ]
        for statement in statements {
            _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
    }
}

/// Whether a sandboxed statement got its connection (shared by the two racing tasks).
private final class ConnectedFlag: Sendable {
    let value = Atomic<Bool>(false)
}
