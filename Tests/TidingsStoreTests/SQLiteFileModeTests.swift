import Foundation
import Logging
import SQLKit
import Testing

@testable import TidingsStore

/// The SQLite database holds subscribers, users and password hashes: its files are the owner's
/// alone, whatever the process's umask.
@Suite struct SQLiteFileModeTests {
    static func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
    }

    @Test("a new database and its -wal and -shm files are created 0600")
    func newDatabase() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mode-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tidings.db").path
        let engine = try await SQLiteEngine.open(path: path, readers: 1, logger: Logger(label: "test"))
        try await engine.write { database in
            try await database.raw("CREATE TABLE t (id INTEGER PRIMARY KEY)").run()
            try await database.raw("INSERT INTO t (id) VALUES (1)").run()
        }
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(FileManager.default.fileExists(atPath: file), "\(file)")
            #expect(Self.mode(file) == 0o600, "\(file)")
        }
        await engine.shutdown()
    }

    @Test("an existing database readable by others is tightened when opened")
    func existingDatabase() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mode-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("tidings.db").path
        let first = try await SQLiteEngine.open(path: path, readers: 1, logger: Logger(label: "test"))
        try await first.write { try await $0.raw("CREATE TABLE t (id INTEGER PRIMARY KEY)").run() }
        await first.shutdown()
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        }
        let second = try await SQLiteEngine.open(path: path, readers: 1, logger: Logger(label: "test"))
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            #expect(Self.mode(file) == 0o600, "\(file)")
        }
        await second.shutdown()
    }
}
