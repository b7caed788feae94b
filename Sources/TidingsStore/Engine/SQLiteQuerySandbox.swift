import Foundation
import Synchronization
import TidingsCore
import VaporCSQLite

/// The SQLite query sandbox: a connection of its own to the database file, opened read-only
/// through the SQLite that sqlite-nio vendors (whose connection handle SQLiteNIO does not
/// expose; its C module is `VaporCSQLite`, symbols prefixed `sqlite_nio_`).
///
/// - An authorizer allows `SELECT`, reads of `subscribers`, `lists` and `subscriber_lists`, and
///   a list of harmless functions; it denies everything else (other tables, `PRAGMA`, `ATTACH`,
///   writes, schema tables, table-valued functions, temporary objects).
/// - A watchdog interrupts a statement that runs longer than `timeLimit` (the vendored build
///   omits the progress handler).
/// - Statements run one at a time on a queue of their own, off the concurrency pool.
public final class SQLiteQuerySandbox: QuerySandbox, @unchecked Sendable {
    /// Tables an expression may read.
    static let tables: Set<String> = ["subscribers", "lists", "subscriber_lists"]
    /// Functions an expression may call: comparisons, text, numbers, dates, JSON reads.
    static let functions: Set<String> = [
        "->", "->>", "json_extract", "json_type", "json_valid", "json_array_length", "lower", "upper", "length",
        "trim", "ltrim", "rtrim", "substr", "substring", "instr", "replace", "like", "glob", "coalesce", "ifnull",
        "nullif", "abs", "round", "min", "max", "count", "sum", "avg", "date", "time", "datetime", "julianday",
        "strftime", "unixepoch", "cast", "typeof", "iif",
    ]

    private let path: String
    private let timeLimit: Duration
    private let queue = DispatchQueue(label: "tidings.query-sandbox")
    private let watchdog = DispatchQueue(label: "tidings.query-sandbox.watchdog")
    /// Touched only on `queue`.
    private var database: OpaquePointer?
    /// The statement the watchdog may interrupt: bumped when each statement ends.
    private let generation = Atomic<UInt64>(0)

    public init(path: String, timeLimit: Duration = .seconds(5)) {
        self.path = path
        self.timeLimit = timeLimit
    }

    public func integers(_ sql: String, binds: [QueryBind]) async throws -> [Int] {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try self.run(sql, binds: binds) })
            }
        }
    }

    /// The authorizer checks functions while each statement is prepared; checking the
    /// expression's calls first refuses them in the same words before anything is prepared.
    public func admit(_ expression: FilterExpression) throws(TidingsError) {
        try expression.requireFunctions(in: Self.functions)
    }

    public func close() async {
        await withCheckedContinuation { continuation in
            queue.async {
                if let database = self.database { sqlite_nio_sqlite3_close_v2(database) }
                self.database = nil
                continuation.resume()
            }
        }
    }

    // MARK: On `queue`

    private func run(_ sql: String, binds: [QueryBind]) throws -> [Int] {
        let database = try opened()
        var statement: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let prepared = sql.withCString { sqlite_nio_sqlite3_prepare_v3(database, $0, -1, 0, &statement, &tail) }
        defer { sqlite_nio_sqlite3_finalize(statement) }
        guard prepared == SQLITE_OK, let statement else { throw refusal(database, code: prepared) }
        if let tail, !String(cString: tail).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw FilterExpression.invalid("only one statement is allowed")
        }
        try bind(binds, to: statement, in: database)
        let running = generation.load(ordering: .acquiring)
        let handle = UInt(bitPattern: database)
        let (seconds, attoseconds) = timeLimit.components
        let milliseconds = Int(seconds) * 1_000 + Int(attoseconds / 1_000_000_000_000_000)
        watchdog.asyncAfter(deadline: .now() + .milliseconds(milliseconds)) {
            // Interrupts only the statement it was set for, and only while it runs.
            if self.generation.load(ordering: .acquiring) == running {
                sqlite_nio_sqlite3_interrupt(OpaquePointer(bitPattern: handle))
            }
        }
        defer { generation.add(1, ordering: .releasing) }
        var values: [Int] = []
        while true {
            let step = sqlite_nio_sqlite3_step(statement)
            if step == SQLITE_ROW {
                values.append(Int(sqlite_nio_sqlite3_column_int64(statement, 0)))
            } else if step == SQLITE_DONE {
                return values
            } else {
                throw refusal(database, code: step, whileRunning: true)
            }
        }
    }

    private func opened() throws -> OpaquePointer {
        if let database { return database }
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let opened = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard opened == SQLITE_OK, let handle else {
            sqlite_nio_sqlite3_close_v2(handle)
            throw TidingsError(
                .unavailable, code: "query_unavailable", message: "the query sandbox could not open the database")
        }
        sqlite_nio_sqlite3_busy_timeout(handle, Int32(SQLiteEngine.busyTimeoutMilliseconds))
        sqlite_nio_sqlite3_set_authorizer(handle, Self.authorize, nil)
        database = handle
        return handle
    }

    /// The authorizer: a C function pointer, so it reads only its arguments and static lists.
    private static let authorize:
        @convention(c) (
            UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?,
            UnsafePointer<CChar>?
        ) -> Int32 = { _, action, first, second, schema, _ in
            switch action {
            case SQLITE_SELECT, SQLITE_RECURSIVE:
                // Recursive CTEs only read; the time limit bounds them.
                return SQLITE_OK
            case SQLITE_READ:
                // first = table, second = column; the schema must be `main` (nil for `count(*)`).
                let schemaName = schema.map { String(cString: $0) }
                guard schemaName == nil || schemaName == "main", let table = first.map({ String(cString: $0) }),
                    SQLiteQuerySandbox.tables.contains(table)
                else { return SQLITE_DENY }
                return SQLITE_OK
            case SQLITE_FUNCTION:
                let name = second.map { String(cString: $0).lowercased() } ?? ""
                return SQLiteQuerySandbox.functions.contains(name) ? SQLITE_OK : SQLITE_DENY
            default:
                return SQLITE_DENY
            }
        }

    private func bind(_ binds: [QueryBind], to statement: OpaquePointer, in database: OpaquePointer) throws {
        let result = SQLiteStatementBinding.bind(binds, to: statement)
        guard result == SQLITE_OK else { throw refusal(database, code: result) }
    }

    /// The error for a statement SQLite refused or stopped. Errors from preparing (syntax, unknown
    /// column or function, the authorizer's refusals) describe the expression's text and are
    /// passed on. Errors raised while rows are read come from the allowed functions, and only one
    /// of them quotes a value — JSON's `bad JSON path: '<the path>'`, where the path may be read
    /// from a row (`CAST` never fails in SQLite; `malformed JSON`, `integer overflow` and the rest
    /// are fixed texts) — so only the part of the message before its first `:` is passed on.
    private func refusal(_ database: OpaquePointer, code: Int32, whileRunning: Bool = false) -> TidingsError {
        if code & 0xFF == SQLITE_INTERRUPT {
            return TidingsError(
                .badRequest, code: "query_timeout",
                message:
                    "Error preparing subscriber query: the query took longer than \(timeLimit.components.seconds) s")
        }
        let message = String(cString: sqlite_nio_sqlite3_errmsg(database))
        guard whileRunning else { return FilterExpression.invalid(message) }
        return FilterExpression.invalid(String(message.prefix { $0 != ":" }))
    }
}
