import Foundation
import Logging
import SQLKit
import SQLiteKit
import Synchronization

/// SQLite in WAL mode: one writer connection behind an `AsyncMutex` and a few reader
/// connections used in turn. Foreign keys are on and every connection waits up to
/// `busyTimeoutMilliseconds` for another process's lock.
///
/// Checkpoints (copying the write-ahead log into the database file) run on a connection of
/// their own, at most `checkpointInterval` after writes, instead of inside whichever commit crosses
/// SQLite's automatic threshold: a bulk write such as an import never stalls on them, and a
/// page several transactions wrote is copied once.
public final class SQLiteEngine: DatabaseEngine {
    public let flavor = SQLFlavor.sqlite
    public static let busyTimeoutMilliseconds = 10_000
    public static let defaultCheckpointInterval = Duration.seconds(1)
    /// After a checkpoint lets the log start over, its file is cut back to this size.
    static let walSizeLimitBytes = 64 << 20

    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let checkpointer: SQLiteConnection
    private let nextReader = Atomic<Int>(0)
    private let writeLock = AsyncMutex()
    /// Writes committed since the last checkpoint.
    private let uncheckpointedWrites = Atomic<Int>(0)
    private let checkpoints = Mutex<Task<Void, Never>?>(nil)
    private let checkpointInterval: Duration
    private let logger: Logger
    public let querySandbox: (any QuerySandbox)?

    private init(
        writer: SQLiteConnection, readers: [SQLiteConnection], checkpointer: SQLiteConnection,
        checkpointInterval: Duration, path: String, logger: Logger
    ) {
        self.writer = writer
        self.checkpointInterval = checkpointInterval
        self.readers = readers
        self.checkpointer = checkpointer
        self.logger = logger
        self.querySandbox = SQLiteQuerySandbox(path: path)
    }

    /// Opens (creating if needed) the database file at `path`.
    public static func open(
        path: String, readers readerCount: Int = 4, checkpointInterval: Duration = defaultCheckpointInterval,
        logger: Logger
    ) async throws -> SQLiteEngine {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let writer = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        var others: [SQLiteConnection] = []
        do {
            try await configure(
                writer,
                pragmas: [
                    "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA wal_autocheckpoint = 0",
                    "PRAGMA journal_size_limit = \(walSizeLimitBytes)",
                ])
            for _ in 0...readerCount {
                let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
                others.append(connection)
                try await configure(connection, pragmas: ["PRAGMA query_only = ON"])
            }
        } catch {
            for connection in others + [writer] { try? await connection.close() }
            throw error
        }
        let engine = SQLiteEngine(
            writer: writer, readers: Array(others.dropLast()), checkpointer: others.last!,
            checkpointInterval: checkpointInterval, path: path, logger: logger)
        engine.startCheckpoints()
        return engine
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
        defer { uncheckpointedWrites.add(1, ordering: .relaxed) }
        return try await writeLock.withLock {
            try await writer.sql().inTransaction(begin: "BEGIN IMMEDIATE", body)
        }
    }

    private func startCheckpoints() {
        let task = Task { [weak self, checkpointInterval] in
            while (try? await Task.sleep(for: checkpointInterval)) != nil {
                guard let self else { return }
                await self.checkpointIfWritten()
            }
        }
        checkpoints.withLock { $0 = task }
    }

    /// A passive checkpoint: copies what it can without waiting for readers or the writer;
    /// the log starts over at the next write once all of it is in the database file.
    private func checkpointIfWritten() async {
        guard uncheckpointedWrites.exchange(0, ordering: .relaxed) > 0 else { return }
        do {
            _ = try await checkpointer.query("PRAGMA wal_checkpoint(PASSIVE)")
        } catch {
            logger.warning("SQLite checkpoint failed: \(error)")
        }
    }

    public func shutdown() async {
        let task = checkpoints.withLock { $0.take() }
        task?.cancel()
        await task?.value
        await querySandbox?.close()
        await writeLock.withLock {
            for connection in readers + [checkpointer, writer] {
                do { try await connection.close() } catch {
                    logger.warning("closing SQLite connection failed: \(error)")
                }
            }
        }
    }
}
