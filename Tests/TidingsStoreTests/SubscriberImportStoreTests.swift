import Foundation
import Synchronization
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

@testable import TidingsStore

/// The import's batch write (one JSON array unpacked by the database) and the importer that
/// feeds it batches, one in flight while the next is read.
@Suite struct SubscriberImportStoreTests {
    static func options(_ lists: [ListID], overwrite: Bool = false) -> ImportOptions {
        ImportOptions(
            mode: .subscribe, subscriptionStatus: .unconfirmed, lists: lists, overwriteUserInfo: overwrite,
            overwriteSubscriptionStatus: overwrite)
    }

    static func all(_ services: AppServices) async throws -> [Subscriber] {
        var query = SubscriberQuery()
        query.orderBy = .id
        query.direction = .asc
        query.page = Pagination(page: 1, perPage: nil)
        return try await services.stores.subscribers.subscribers(query).items
    }

    @Test(
        "every character survives the batch's JSON, and each row gets a fresh random UUID",
        arguments: TestBackend.enabled)
    func roundTrip(backend: TestBackend) async throws {
        try await backend.withServices { services async throws in
            let list = try await services.stores.lists.createList(UserRoleStoreTests.draft("A"), at: Date())
            let names = [
                #"Quote " and back\slash"#, "tab\tnew\nline\r", "control \u{01}\u{1F}", "Dée Ünïcode", "😀 emoji",
                "中文 עברית", "", String(repeating: "x", count: 5_000),
            ]
            let attributes = [
                #"{"nested":{"a":[1,2.5,{"b":"ü"}]},"esc":"\"\\\n\u00e9","t":true,"n":null}"#, "{}",
                #"{"city":"Bengaluru"}"#,
            ]
            let rows = names.enumerated().map { index, name in
                ImportRow(
                    line: index + 2, email: "p\(names.count - index)@example.com", name: name,
                    attributesJSON: attributes[index % attributes.count])
            }
            try await services.stores.imports.importSubscribers(rows, options: Self.options([list.id]), at: Date())

            let stored = Dictionary(uniqueKeysWithValues: try await Self.all(services).map { ($0.email, $0) })
            #expect(stored.count == rows.count)
            for row in rows {
                let subscriber = try #require(stored[row.email])
                #expect(subscriber.name == row.name)
                #expect(.object(subscriber.attributes) == (try JSONValue.parse(row.attributesJSON)))
                #expect(subscriber.status == .enabled)
                #expect(subscriber.subscriptions.map(\.list.id) == [list.id])
                #expect(subscriber.uuid.uuidString.dropFirst(14).first == "4")  // version 4: random
            }
            #expect(Set(stored.values.map(\.uuid)).count == rows.count)
            #expect(try await services.stores.lists.list(id: list.id)?.subscriberStatuses == ["unconfirmed": 8])

            // The same e-mail addresses again: kept as they are, then overwritten when asked.
            let renamed = rows.map { ImportRow(line: $0.line, email: $0.email, name: "R", attributesJSON: "{\"r\":1}") }
            try await services.stores.imports.importSubscribers(renamed, options: Self.options([list.id]), at: Date())
            #expect(try await Self.all(services).allSatisfy { stored[$0.email]?.name == $0.name })
            try await services.stores.imports.importSubscribers(
                renamed, options: Self.options([list.id], overwrite: true), at: Date())
            let overwritten = try await Self.all(services)
            #expect(overwritten.allSatisfy { $0.name == "R" && $0.attributes == ["r": .number(1)] })
            #expect(Set(overwritten.map(\.uuid)) == Set(stored.values.map(\.uuid)))  // the same subscribers
            #expect(try await services.stores.lists.list(id: list.id)?.subscriberStatuses == ["unconfirmed": 8])
        }
    }

    @Test("the importer writes many batches in order and counts each once", arguments: TestBackend.enabled)
    func manyBatches(backend: TestBackend) async throws {
        try await backend.withServices { services async throws in
            let list = try await services.stores.lists.createList(UserRoleStoreTests.draft("A"), at: Date())
            var csv = "email,name\n"
            for index in 0..<1_000 { csv += "m\(index)@example.com,M \(index)\n" }
            csv += "m5@example.com,In a later batch than line 7\n"
            let importer = SubscriberImporter(store: services.stores.imports, clock: services.clock, batchSize: 64)
            let status = try await Self.run(importer, csv: csv, options: Self.options([list.id]))
            #expect(status.state == .finished)
            #expect(status.total == 1_001)
            #expect(status.imported == 1_001)  // the last row reached the database, which kept line 7's
            let stored = try await Self.all(services)
            #expect(stored.count == 1_000)
            #expect(Set(stored.map(\.email)).count == 1_000)
            #expect(stored.first { $0.email == "m5@example.com" }?.name == "M 5")
            #expect(try await services.stores.lists.list(id: list.id)?.subscriberStatuses == ["unconfirmed": 1_000])
        }
    }

    @Test(
        "a batch that fails ends the import as failed, with the batches before it kept", arguments: TestBackend.enabled)
    func failingBatch(backend: TestBackend) async throws {
        try await backend.withServices { services async throws in
            let list = try await services.stores.lists.createList(UserRoleStoreTests.draft("A"), at: Date())
            var csv = "email\n"
            for index in 0..<500 { csv += "f\(index)@example.com\n" }
            let store = FailingImportStore(base: services.stores.imports, failingBatch: 3)
            let importer = SubscriberImporter(store: store, clock: services.clock, batchSize: 50)
            let status = try await Self.run(importer, csv: csv, options: Self.options([list.id]))
            #expect(status.state == .failed)
            #expect(status.imported == 100)
            #expect(importer.log.contains("import failed"))
            #expect(store.batches == 3)  // nothing was written after the failure
            #expect(try await Self.all(services).count == 100)
        }
    }

    static func run(_ importer: SubscriberImporter, csv: String, options: ImportOptions) async throws -> ImportStatus {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("import-test-\(UUID().uuidString)")
        try Data(csv.utf8).write(to: file)
        try importer.reserve(name: "test.csv")
        importer.start(file: file, name: "test.csv", options: options)
        await importer.waitUntilDone()
        return importer.status
    }
}

/// The real store, except that batch number `failingBatch` (counting from 1) throws, as a
/// database that goes away mid-import would.
private final class FailingImportStore: SubscriberImportStore {
    private let base: any SubscriberImportStore
    private let failingBatch: Int
    private let count = Atomic<Int>(0)

    init(base: any SubscriberImportStore, failingBatch: Int) {
        self.base = base
        self.failingBatch = failingBatch
    }

    var batches: Int { count.load(ordering: .relaxed) }

    func importSubscribers(_ rows: [ImportRow], options: ImportOptions, at now: Date) async throws -> [Int] {
        let number = count.add(1, ordering: .relaxed).newValue
        if number == failingBatch { throw CancellationError() }
        return try await base.importSubscribers(rows, options: options, at: now)
    }
}
