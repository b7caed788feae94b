import CSQLiteOptions
import Foundation
import NIOPosix
import Synchronization
import VaporCSQLite

/// Read connections of Tidings' own to an SQLite database, below SQLiteNIO, for
/// `DatabaseEngine.rows`: each keeps its statements prepared (SQLite parses a statement once per
/// connection, not once per request), binds and steps them on a thread of NIO's blocking pool,
/// and maps every row in place, with one hop to that thread and one back per statement (SQLiteNIO
/// sends every row back to an event loop on its own, and has no statement cache).
final class SQLiteRowReader: Sendable {
    private let connections: [LockedConnection]
    private let next = Atomic<Int>(0)
    private let threads: NIOThreadPool

    /// Opens `count` connections to the database at `path`, which must exist (in WAL mode).
    init(path: String, count: Int, busyTimeoutMilliseconds: Int32, threads: NIOThreadPool) throws {
        var connections: [LockedConnection] = []
        for _ in 0..<count {
            connections.append(try LockedConnection(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds))
        }
        self.connections = connections
        self.threads = threads
    }

    /// Runs `sql` with `binds` and maps each row with `map`.
    func rows<T: Sendable>(
        _ sql: String, _ binds: [QueryBind], _ map: @escaping @Sendable (any RowColumns) throws -> T
    ) async throws -> [T] {
        let first = next.wrappingAdd(1, ordering: .relaxed).oldValue
        return try await threads.runIfActive { [connections] in
            // The first free connection from a rotating start; when all are busy, wait for one.
            for offset in 0..<connections.count {
                let connection = connections[abs((first &+ offset) % connections.count)]
                if let rows = try connection.mutex.withLockIfAvailable({ try $0.rows(sql, binds, map) }) {
                    return rows
                }
            }
            return try connections[abs(first % connections.count)].mutex.withLock { try $0.rows(sql, binds, map) }
        }
    }

    /// Finalizes every statement and closes every connection.
    func close() {
        for connection in connections { connection.mutex.withLock { $0.close() } }
    }

    /// A connection behind its lock (a class: arrays cannot hold a `Mutex`).
    private final class LockedConnection: Sendable {
        let mutex: Mutex<SQLiteReadConnection>
        init(path: String, busyTimeoutMilliseconds: Int32) throws {
            mutex = Mutex(try SQLiteReadConnection(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds))
        }
    }
}

/// One connection (`query_only`) and its prepared statements, by SQL text. Used by one thread
/// at a time: `SQLiteRowReader` holds its lock around every use.
struct SQLiteReadConnection: ~Copyable {
    /// More distinct statements than this, and the cache starts over (a query shape per filter
    /// combination; dozens at most in practice).
    static let statementLimit = 64

    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]

    init(path: String, busyTimeoutMilliseconds: Int32) throws {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        let opened = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard opened == SQLITE_OK, let handle else {
            let failure = SQLiteCallFailure(code: opened, handle: handle, doing: "open \(path)")
            sqlite_nio_sqlite3_close_v2(handle)
            throw failure
        }
        self.handle = handle
        sqlite_nio_sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
        // One plan per statement, whatever is bound: else SQLite prepares a statement again when
        // a bound LIMIT, OFFSET or LIKE pattern changes, which is most requests.
        tidings_sqlite_keep_query_plans(handle)
        let configured = sqlite_nio_sqlite3_exec(handle, "PRAGMA query_only = ON", nil, nil, nil)
        guard configured == SQLITE_OK else {
            let failure = SQLiteCallFailure(code: configured, handle: handle, doing: "configure a reader")
            sqlite_nio_sqlite3_close_v2(handle)
            self.handle = nil
            throw failure
        }
    }

    deinit {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        if let handle { sqlite_nio_sqlite3_close_v2(handle) }
    }

    mutating func rows<T>(
        _ sql: String, _ binds: [QueryBind], _ map: (any RowColumns) throws -> T
    ) throws -> [T] {
        guard let handle else { throw SQLiteCallFailure(code: 21, message: "the connection is closed") }
        let statement = try prepared(sql, on: handle)
        // Every parameter is bound anew below; the old values stay until then, so that binding
        // the same value again never looks like a change to SQLite.
        defer { sqlite_nio_sqlite3_reset(statement) }
        let bound = SQLiteStatementBinding.bind(binds, to: statement)
        guard bound == SQLITE_OK else { throw SQLiteCallFailure(code: bound, handle: handle, doing: "bind parameters") }
        var rows: [T] = []
        let row = SQLiteStatementRow(statement: statement)
        while true {
            let stepped = sqlite_nio_sqlite3_step(statement)
            if stepped == SQLITE_DONE { return rows }
            guard stepped == SQLITE_ROW else {
                throw SQLiteCallFailure(code: stepped, handle: handle, doing: "run a statement")
            }
            rows.append(try map(row))
        }
    }

    private mutating func prepared(_ sql: String, on handle: OpaquePointer) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        if statements.count >= Self.statementLimit { finalizeAll() }
        var statement: OpaquePointer?
        let code = sqlite_nio_sqlite3_prepare_v3(
            handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw SQLiteCallFailure(code: code, handle: handle, doing: "prepare a statement")
        }
        statements[sql] = statement
        return statement
    }

    private mutating func finalizeAll() {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        statements.removeAll()
    }

    mutating func close() {
        finalizeAll()
        if let handle { sqlite_nio_sqlite3_close_v2(handle) }
        handle = nil
    }
}

/// The row a statement stands on, read in place (valid until the next step).
private struct SQLiteStatementRow: RowColumns {
    let statement: OpaquePointer

    private func type(_ column: Int) -> Int32 { sqlite_nio_sqlite3_column_type(statement, Int32(column)) }

    func optionalInt(_ column: Int) throws -> Int? {
        switch type(column) {
        case SQLITE_NULL: return nil
        case SQLITE_INTEGER: return Int(sqlite_nio_sqlite3_column_int64(statement, Int32(column)))
        case SQLITE_FLOAT:
            guard let value = Int(exactly: sqlite_nio_sqlite3_column_double(statement, Int32(column))) else {
                throw RowReadFailure(column: column, expected: "an integer")
            }
            return value
        default: throw RowReadFailure(column: column, expected: "an integer")
        }
    }

    func int(_ column: Int) throws -> Int {
        guard let value = try optionalInt(column) else { throw RowReadFailure(column: column, expected: "an integer") }
        return value
    }

    func optionalString(_ column: Int) throws -> String? {
        switch type(column) {
        case SQLITE_NULL: return nil
        case SQLITE_TEXT:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, Int32(column)))
            guard let text = sqlite_nio_sqlite3_column_text(statement, Int32(column)) else { return "" }
            return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
        default: throw RowReadFailure(column: column, expected: "text")
        }
    }

    func string(_ column: Int) throws -> String {
        guard let value = try optionalString(column) else { throw RowReadFailure(column: column, expected: "text") }
        return value
    }

    /// Times are stored as seconds since 1970 (`REAL`).
    func date(_ column: Int) throws -> Date {
        switch type(column) {
        case SQLITE_FLOAT, SQLITE_INTEGER:
            return Date(timeIntervalSince1970: sqlite_nio_sqlite3_column_double(statement, Int32(column)))
        default: throw RowReadFailure(column: column, expected: "a time")
        }
    }

    func uuid(_ column: Int) throws -> UUID {
        guard type(column) == SQLITE_TEXT, let text = sqlite_nio_sqlite3_column_text(statement, Int32(column)),
            let uuid = UUID(
                utf8: UnsafeBufferPointer(
                    start: text, count: Int(sqlite_nio_sqlite3_column_bytes(statement, Int32(column)))))
        else { throw RowReadFailure(column: column, expected: "a UUID") }
        return uuid
    }
}

/// An SQLite call that failed, with SQLite's extended result code and message.
struct SQLiteCallFailure: Error, CustomStringConvertible {
    let code: Int32
    let message: String

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    init(code: Int32, handle: OpaquePointer?, doing action: String) {
        let detail = handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "error \(code)"
        self.init(code: handle.map { sqlite_nio_sqlite3_extended_errcode($0) } ?? code, message: "\(action): \(detail)")
    }

    var description: String { "SQLite: \(message)" }
}
