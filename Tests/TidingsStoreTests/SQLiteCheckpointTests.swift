import Foundation
import Logging
import SQLKit
import Testing

@testable import TidingsStore

/// SQLite's write-ahead log is copied into the database file by the engine's own checkpointer,
/// in the background, not by whichever commit crosses SQLite's automatic threshold.
@Suite struct SQLiteCheckpointTests {
    @Test("a big commit does not checkpoint; the background does, then empties the log once writes pause")
    func backgroundCheckpoint() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("test.db").path
        let engine = try await SQLiteEngine.open(
            path: path, readers: 1, checkpointInterval: .seconds(2), logger: Logger(label: "test"))
        let size = { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        let before = size()

        // 6 MB in one transaction: past SQLite's own threshold (1,000 pages, 4 MB), which would
        // have copied it into the file inside the commit.
        let row = String(repeating: "x", count: 1_000)
        try await engine.write { database in
            try await database.raw("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)").run()
            for index in 0..<6_000 {
                try await database.raw("INSERT INTO t (id, body) VALUES (\(bind: index), \(bind: row))").run()
            }
        }
        #expect(size() < before + 1_000_000, "the commit itself checkpointed")
        var grown = false
        for _ in 0..<50 where !grown {
            try await Task.sleep(for: .milliseconds(200))
            grown = size() >= before + 6_000_000
        }
        #expect(grown, "no background checkpoint copied the log within 10 s")
        let count = try await engine.read {
            try await $0.raw("SELECT COUNT(*) AS n FROM t").first()?.decode(column: "n", as: Int.self)
        }
        #expect(count == 6_000)

        var emptied = false
        for _ in 0..<50 where !emptied {
            try await Task.sleep(for: .milliseconds(200))
            emptied = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) == 0
        }
        #expect(emptied, "the log file was not truncated after writes paused")

        await engine.shutdown()
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }
}
