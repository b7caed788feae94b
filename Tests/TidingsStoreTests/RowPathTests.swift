import Foundation
import SQLKit
import Testing
import TidingsCore
import TidingsStore
import TidingsStoreTestSupport

/// The engines' row path (`DatabaseEngine.rows`): binds of every supported type, cells read by
/// position, NULLs, statements kept prepared and reused with new binds, and failures that leave
/// the connection usable.
@Suite struct RowPathTests {
    @Test("binds of every supported type come back as the same values", arguments: TestBackend.enabled)
    func bindsRoundTrip(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let engine = stores.engine
            let time = Date(timeIntervalSince1970: 1_700_000_000.25)
            let uuid = UUID()
            let cast = engine.flavor == .postgres
            let rows = try await engine.rows(
                SQLQueryString(
                    """
                    SELECT \(bind: 42) AS a, \(bind: "Grüße 📬 'x'") AS b, \(unsafeRaw: cast ? "CAST(NULL AS TEXT)" : "NULL") AS c,
                        \(bind: time) AS d, \(bind: uuid) AS e, \(bind: -7) AS f
                    """)
            ) { row in
                (
                    try row.int(0), try row.string(1), try row.optionalString(2), try row.date(3), try row.uuid(4),
                    try row.optionalInt(5)
                )
            }
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(row.0 == 42)
            #expect(row.1 == "Grüße 📬 'x'")
            #expect(row.2 == nil)
            #expect(abs(row.3.timeIntervalSince(time)) < 0.001)
            #expect(row.4 == uuid)
            #expect(row.5 == -7)
        }
    }

    @Test("one statement run again with other binds answers for those binds", arguments: TestBackend.enabled)
    func reuse(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            for name in ["alpha", "beta", "gamma"] { _ = try await stores.list(name) }
            for (search, expected) in [("alp", ["alpha"]), ("a", ["alpha", "beta", "gamma"]), ("zzz", [])] {
                // Twice each, so that the second run meets the statement the first one prepared.
                for _ in 0..<2 {
                    let names = try await stores.engine.rows(
                        SQLQueryString("SELECT name FROM lists WHERE name LIKE \(bind: "%\(search)%") ORDER BY name")
                    ) { try $0.string(0) }
                    #expect(names == expected)
                }
            }
        }
    }

    @Test("more distinct statements than a connection keeps all still run", arguments: TestBackend.enabled)
    func manyStatements(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let engine = stores.engine
            for number in 0..<150 {
                let values = try await engine.rows(SQLQueryString("SELECT \(unsafeRaw: String(number)) + \(bind: 1)")) {
                    try $0.int(0)
                }
                #expect(values == [number + 1])
            }
        }
    }

    @Test("a failing statement throws and leaves the row path working", arguments: TestBackend.enabled)
    func failures(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let engine = stores.engine
            await #expect(throws: (any Error).self) {
                _ = try await engine.rows(SQLQueryString("SELECT nonsense FROM nowhere")) { try $0.int(0) }
            }
            // Reading text as an integer, or a NULL as a value, is refused, not guessed.
            await #expect(throws: (any Error).self) {
                _ = try await engine.rows(SQLQueryString("SELECT 'text'")) { try $0.int(0) }
            }
            await #expect(throws: (any Error).self) {
                _ = try await engine.rows(SQLQueryString("SELECT NULL")) { try $0.string(0) }
            }
            // A type the row path cannot bind is an error before anything runs.
            await #expect(throws: (any Error).self) {
                _ = try await engine.rows(SQLQueryString("SELECT \(bind: [1, 2])")) { try $0.int(0) }
            }
            for _ in 0..<4 {
                #expect(try await engine.rows(SQLQueryString("SELECT 1")) { try $0.int(0) } == [1])
            }
        }
    }

    @Test("many reads at once each get their own rows", arguments: TestBackend.enabled)
    func concurrent(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let engine = stores.engine
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for number in 0..<64 {
                    group.addTask {
                        let values = try await engine.rows(SQLQueryString("SELECT \(bind: number) * 2")) {
                            try $0.int(0)
                        }
                        return values == [number * 2]
                    }
                }
                for try await matched in group { #expect(matched) }
            }
        }
    }

    @Test(
        "a kept statement that PostgreSQL dropped, or whose table changed shape, is prepared again",
        arguments: TestBackend.enabled)
    func staleStatements(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let engine = stores.engine
            try await engine.write { try await $0.raw("CREATE TABLE shapes (a INTEGER)").run() }
            try await engine.write { try await $0.raw("INSERT INTO shapes (a) VALUES (1)").run() }
            let select = { @Sendable () async throws -> [Int] in
                try await engine.rows(SQLQueryString("SELECT * FROM shapes WHERE a >= \(bind: 0)")) { try $0.int(0) }
            }
            #expect(try await select() == [1])
            // Every pooled connection forgets its statements (a pooler's DISCARD ALL does this).
            if engine.flavor == .postgres {
                for _ in 0..<4 { try await engine.read { try await $0.raw("DEALLOCATE ALL").run() } }
            }
            #expect(try await select() == [1])
            // A column more: the kept plan's result no longer fits.
            try await engine.write { try await $0.raw("ALTER TABLE shapes ADD COLUMN b INTEGER").run() }
            #expect(try await select() == [1])
        }
    }
}
