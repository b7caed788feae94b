import Foundation
import Logging
import SQLKit
import SQLiteKit
import Synchronization

/// SQLite in WAL mode: one writer connection behind an `AsyncMutex` and a few reader
/// connections used in turn. Foreign keys are on and every connection waits up to
/// `busyTimeoutMilliseconds` for another process's lock.
public final class SQLiteEngine: DatabaseEngine {
    public let flavor = SQLFlavor.sqlite
    public static let busyTimeoutMilliseconds = 10_000

    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let nextReader = Atomic<Int>(0)
    private let writeLock = AsyncMutex()
    private let logger: Logger
    public let querySandbox: (any QuerySandbox)?

    private init(writer: SQLiteConnection, readers: [SQLiteConnection], path: String, logger: Logger) {
        self.writer = writer
        self.readers = readers
        self.logger = logger
        self.querySandbox = SQLiteQuerySandbox(path: path)
    }

    /// Opens (creating if needed) the database file at `path`.
    public static func open(path: String, readers readerCount: Int = 4, logger: Logger) async throws -> SQLiteEngine {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let writer = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        var readers: [SQLiteConnection] = []
        do {
            try await configure(writer, pragmas: ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL"])
            for _ in 0..<readerCount {
                let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
                readers.append(reader)
                try await configure(reader, pragmas: ["PRAGMA query_only = ON"])
            }
        } catch {
            for connection in readers + [writer] { try? await connection.close() }
            throw error
        }
        return SQLiteEngine(writer: writer, readers: readers, path: path, logger: logger)
    }

    private static func configure(_ connection: SQLiteConnection, pragmas: [String]) async throws {
        let base = [
            "PRAGMA busy_timeout = \(busyTimeoutMilliseconds)", "PRAGMA foreign_keys = ON",
        ]
        for pragma in base + pragmas {
            _ = try await connection.query(pragma)
        }
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
        let reader = readers[abs(index % readers.count)]
        return try await body(reader.sql())
    }

    public func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await writeLock.withLock {
            try await writer.sql().inTransaction(begin: "BEGIN IMMEDIATE", body)
        }
    }

    public func shutdown() async {
        await querySandbox?.close()
        await writeLock.withLock {
            for connection in readers + [writer] {
                do { try await connection.close() } catch {
                    logger.warning("closing SQLite connection failed: \(error)")
                }
            }
        }
    }
}
