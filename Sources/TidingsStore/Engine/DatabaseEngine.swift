import Logging
import SQLKit
import TidingsCore

/// The SQL dialects Tidings speaks. Migrations exist once per dialect; queries are shared.
public enum SQLFlavor: String, Sendable {
    case sqlite
    case postgres
}

/// A connected database: where the store runs its queries.
///
/// `read` runs statements that see committed data; `write` runs its body inside one
/// transaction, committed when the body returns and rolled back when it throws. On SQLite,
/// writes are serialised inside the process (one writer), so callers never see
/// "database is locked".
public protocol DatabaseEngine: Sendable {
    var flavor: SQLFlavor { get }
    /// Runs `body` with a database handle for reads.
    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` inside a transaction.
    func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs one read statement on the row path, below SQLKit: the statement stays prepared where
    /// the driver allows it (SQLite: per connection) and each row is mapped in place by column
    /// position, on whatever thread reads it. For the reads that every page of the API makes
    /// (a page of lists); `read` for everything else. Sees committed data, like `read`.
    func rows<T: Sendable>(
        _ query: any SQLExpression, _ map: @escaping @Sendable (any RowColumns) throws -> T
    )
        async throws -> [T]
    /// Closes every connection. The engine must not be used afterwards.
    func shutdown() async
    /// Where callers' SQL filter expressions run (docs/segmentation.md); `nil` when this engine
    /// has none yet.
    var querySandbox: (any QuerySandbox)? { get }
    /// Runs the engine's background work (PostgreSQL's connection pools) until the task is
    /// cancelled; queries work only while it runs. Returns at once when there is none (SQLite).
    func run() async throws
    /// Work after every migration that is not schema: PostgreSQL creates or updates the query
    /// sandbox's role. Never throws: what fails is logged and leaves SQL expressions refused.
    func afterMigration() async
    /// How this process hears of credential changes made by other instances on the same
    /// database, or `nil` when no other instance can share it (SQLite).
    func authChangeChannel(logger: Logger) -> (any AuthChangeChannel)?
}

extension DatabaseEngine {
    /// Runs `body` while the engine runs, then closes the engine (the CLI and tests; the server
    /// runs engines as an application service instead).
    public func whileRunning<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        // The body runs in the caller's task; the engine's background work beside it until then.
        let background = Task { try await self.run() }
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        background.cancel()
        _ = await background.result
        await shutdown()
        return try result.get()
    }
}

extension SQLDatabase {
    /// Runs `body` between `begin` and `COMMIT`, rolling back when it throws.
    func inTransaction<T: Sendable>(
        begin: String = "BEGIN", _ body: @Sendable (any SQLDatabase) async throws -> T
    )
        async throws -> T
    {
        try await raw(SQLQueryString(begin)).run()
        do {
            let result = try await body(self)
            try await raw("COMMIT").run()
            return result
        } catch {
            try? await raw("ROLLBACK").run()
            throw error
        }
    }
}
