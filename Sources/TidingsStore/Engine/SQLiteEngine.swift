import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import Synchronization
import TidingsCore

/// SQLite in WAL mode: one writer connection behind an `AsyncMutex` and a few reader
/// connections used in turn. Foreign keys are on and every connection waits up to
/// `busyTimeoutMilliseconds` for another process's lock.
///
/// The writer and the checkpointer run on two threads of their own, not on NIO's shared blocking
/// pool (one thread per CPU, which the readers share with password hashing): a long write, such
/// as an import's batch, or a wait for a lock never holds up reads or logins. (Readers on threads
/// of their own measured slower: 40 µs more CPU per session-authenticated request.)
///
/// Checkpoints (copying the write-ahead log into the database file) run on a connection of
/// their own, at most `checkpointInterval` after writes, instead of inside whichever commit crosses
/// SQLite's automatic threshold: a bulk write such as an import never stalls on them, and a
/// page several transactions wrote is copied once. The log file keeps its size while writes go
/// on (growing a file costs the file system more than overwriting it) and is truncated to
/// nothing once writes pause for an interval.
public final class SQLiteEngine: DatabaseEngine {
    public let flavor = SQLFlavor.sqlite
    public static let busyTimeoutMilliseconds = 10_000
    public static let defaultCheckpointInterval = Duration.seconds(1)
    /// Connections of the row path (`rows`): one per thread of NIO's blocking pool, where its
    /// statements run.
    static let rowReaderCount = min(max(System.coreCount, 2), 8)
    /// A log file larger than this is cut back when the log starts over, even while writes go on.
    static let walSizeLimitBytes = 1 << 30

    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let checkpointer: SQLiteConnection
    private let rowReader: SQLiteRowReader
    private let nextReader = Atomic<Int>(0)
    private let writeLock = AsyncMutex()
    private let threads: NIOThreadPool
    /// Writes committed since the last checkpoint.
    private let uncheckpointedWrites = Atomic<Int>(0)
    private let checkpoints = Mutex<Task<Void, Never>?>(nil)
    private let checkpointInterval: Duration
    private let logger: Logger
    public let querySandbox: (any QuerySandbox)?

    private init(
        writer: SQLiteConnection, readers: [SQLiteConnection], checkpointer: SQLiteConnection,
        rowReader: SQLiteRowReader, threads: NIOThreadPool, checkpointInterval: Duration, path: String,
        logger: Logger
    ) {
        self.writer = writer
        self.rowReader = rowReader
        self.threads = threads
        self.checkpointInterval = checkpointInterval
        self.readers = readers
        self.checkpointer = checkpointer
        self.logger = logger
        self.querySandbox = SQLiteQuerySandbox(path: path)
    }

    /// Subscribers, users and hashes live in the database: its file, and the `-wal` and `-shm`
    /// files beside it, are readable by their owner only (0600). A new database file is created
    /// so before SQLite opens it (SQLite gives the log files the database file's mode); an
    /// existing one is tightened.
    static func makeOwnerOnly(databaseAt path: String) {
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            _ = manager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        for file in [path, path + "-wal", path + "-shm"] where manager.fileExists(atPath: file) {
            try? manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        }
    }

    /// Opens (creating if needed) the database file at `path`.
    public static func open(
        path: String, readers readerCount: Int = 4, checkpointInterval: Duration = defaultCheckpointInterval,
        logger: Logger
    ) async throws -> SQLiteEngine {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        makeOwnerOnly(databaseAt: path)
        let threads = NIOThreadPool(numberOfThreads: 2)
        threads.start()
        let connect = { (pool: NIOThreadPool) in
            try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: pool, logger: logger,
                on: MultiThreadedEventLoopGroup.singleton.any())
        }
        let writer: SQLiteConnection
        do { writer = try await connect(threads) } catch {
            try? await threads.shutdownGracefully()
            throw error
        }
        var others: [SQLiteConnection] = []
        let rowReader: SQLiteRowReader
        do {
            try await configure(
                writer,
                pragmas: [
                    "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA wal_autocheckpoint = 0",
                    "PRAGMA journal_size_limit = \(walSizeLimitBytes)",
                ])
            for _ in 0..<readerCount {
                let reader = try await connect(.singleton)
                others.append(reader)
                try await configure(reader, pragmas: ["PRAGMA query_only = ON"])
            }
            // A truncating checkpoint waits for readers; this one gives up quickly and tries later.
            let checkpointer = try await connect(threads)
            others.append(checkpointer)
            try await configure(checkpointer, pragmas: ["PRAGMA query_only = ON", "PRAGMA busy_timeout = 100"])
            rowReader = try SQLiteRowReader(
                path: path, count: rowReaderCount, busyTimeoutMilliseconds: Int32(busyTimeoutMilliseconds),
                threads: .singleton)
        } catch {
            for connection in others + [writer] { try? await connection.close() }
            try? await threads.shutdownGracefully()
            throw error
        }
        let engine = SQLiteEngine(
            writer: writer, readers: Array(others.dropLast()), checkpointer: others.last!, rowReader: rowReader,
            threads: threads, checkpointInterval: checkpointInterval, path: path, logger: logger)
        engine.startCheckpoints()
        return engine
    }

    private static func configure(_ connection: SQLiteConnection, pragmas: [String]) async throws {
        let base = [
            "PRAGMA busy_timeout = \(busyTimeoutMilliseconds)", "PRAGMA foreign_keys = ON",
        ]
        for pragma in base + pragmas {
            try await retryingDeadlock { _ = try await connection.query(pragma) }
        }
    }

    /// Runs `statement`, again while SQLite answers "busy" at once, for as long as the busy
    /// timeout would have waited. Two processes opening a new database file together both read
    /// its header and then both need the exclusive lock to switch it to WAL: SQLite sees the
    /// deadlock and fails one of them immediately instead of waiting.
    private static func retryingDeadlock(_ statement: () async throws -> Void) async throws {
        let deadline = ContinuousClock.now + .milliseconds(busyTimeoutMilliseconds)
        while true {
            do {
                return try await statement()
            } catch let error as SQLiteError where error.reason == .busy && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
        let reader = readers[abs(index % readers.count)]
        return try await body(reader.sql())
    }

    public func rows<T: Sendable>(
        _ query: any SQLExpression, _ map: @escaping @Sendable (any RowColumns) throws -> T
    ) async throws -> [T] {
        var serializer = SQLSerializer(database: readers[0].sql())
        query.serialize(to: &serializer)
        let binds = try serializer.binds.map(QueryBind.init)
        return try await rowReader.rows(serializer.sql, binds, map)
    }

    public func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        defer { uncheckpointedWrites.add(1, ordering: .relaxed) }
        return try await writeLock.withLock {
            try await writer.sql().inTransaction(begin: "BEGIN IMMEDIATE", body)
        }
    }

    private func startCheckpoints() {
        let task = Task { [weak self, checkpointInterval] in
            var logHoldsFrames = false
            while (try? await Task.sleep(for: checkpointInterval)) != nil {
                guard let self else { return }
                if uncheckpointedWrites.exchange(0, ordering: .relaxed) > 0 {
                    _ = await self.checkpoint("PASSIVE")
                    logHoldsFrames = true
                } else if logHoldsFrames {
                    logHoldsFrames = await self.checkpoint("TRUNCATE") == false
                }
            }
        }
        checkpoints.withLock { $0 = task }
    }

    /// Runs a checkpoint: `PASSIVE` copies what it can without waiting for anyone (the log starts
    /// over at the next write once all of it is in the database file); `TRUNCATE` also empties the
    /// log file, and needs every reader on the latest data. `true` when it completed.
    private func checkpoint(_ mode: String) async -> Bool {
        do {
            let rows = try await checkpointer.sql().raw("PRAGMA wal_checkpoint(\(unsafeRaw: mode))").all()
            return try rows.first?.decode(column: "busy", as: Int.self) == 0
        } catch {
            logger.warning("SQLite checkpoint failed: \(error)")
            return false
        }
    }

    /// Whether `error` is SQLite's "database is busy" (another connection holds the lock).
    static func isBusy(_ error: any Error) -> Bool {
        guard let error = error as? SQLiteError else { return false }
        return error.reason == .busy || error.reason == .busyTimeout || error.reason == .busyInRecovery
            || error.reason == .busyInSnapshot
    }

    /// Nothing runs in the background but the checkpointer, which `open` starts.
    public func run() async throws {}

    public func afterMigration() async {}

    /// One SQLite file is one process's: there is nobody to hear from.
    public func authChangeChannel(logger: Logger) -> (any AuthChangeChannel)? { nil }

    public func shutdown() async {
        let task = checkpoints.withLock { $0.take() }
        task?.cancel()
        await task?.value
        await querySandbox?.close()
        rowReader.close()
        await writeLock.withLock {
            for connection in readers + [checkpointer, writer] {
                do { try await connection.close() } catch {
                    logger.warning("closing SQLite connection failed: \(error)")
                }
            }
        }
        try? await threads.shutdownGracefully()
    }
}
