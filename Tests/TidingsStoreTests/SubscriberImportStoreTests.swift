import Foundation
import Synchronization
import Testing
import TidingsCore
import TidingsStoreTestSupport

/// The import's batch write (one JSON array unpacked by the database) and the importer that
/// feeds it batches, one in flight while the next is read.
@Suite struct SubscriberImportStoreTests {
    static func options(_ lists: [ListID], overwrite: Bool = false) -> ImportOptions {
        ImportOptions(
            mode: .subscribe, subscriptionStatus: .unconfirmed, lists: lists, overwriteUserInfo: overwrite,
            overwriteSubscriptionStatus: overwrite)
    }

    static func all(_ stores: TestStores) async throws -> [Subscriber] {
        var query = SubscriberQuery()
        query.orderBy = .id
        query.direction = .asc
        query.page = Pagination(page: 1, perPage: nil)
        return try await stores.subscribers.subscribers(query).items
    }

    @Test(
        "every character survives the batch's JSON, and each row gets a fresh random UUID",
        arguments: TestBackend.enabled)
    func roundTrip(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let list = try await stores.list("A")
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
            try await stores.imports.importSubscribers(rows, options: Self.options([list.id]), at: Date())

            let stored = Dictionary(uniqueKeysWithValues: try await Self.all(stores).map { ($0.email, $0) })
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
            #expect(try await stores.lists.list(id: list.id)?.subscriberStatuses == ["unconfirmed": 8])

            // The same e-mail addresses again: kept as they are, then overwritten when asked.
            let renamed = rows.map { ImportRow(line: $0.line, email: $0.email, name: "R", attributesJSON: "{\"r\":1}") }
            try await stores.imports.importSubscribers(renamed, options: Self.options([list.id]), at: Date())
            #expect(try await Self.all(stores).allSatisfy { stored[$0.email]?.name == $0.name })
            try await stores.imports.importSubscribers(
                renamed, options: Self.options([list.id], overwrite: true), at: Date())
            let overwritten = try await Self.all(stores)
            #expect(overwritten.allSatisfy { $0.name == "R" && $0.attributes == ["r": .number(1)] })
            #expect(Set(overwritten.map(\.uuid)) == Set(stored.values.map(\.uuid)))  // the same subscribers
            #expect(try await stores.lists.list(id: list.id)?.subscriberStatuses == ["unconfirmed": 8])
        }
    }

    @Test(
        "subscription statuses are overwritten only when asked; an empty batch writes nothing",
        arguments: TestBackend.enabled)
    func subscriptionStatuses(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let list = try await stores.list("A")
            let rows = [ImportRow(line: 2, email: "s@example.com", name: "S", attributesJSON: "{}")]
            try await stores.imports.importSubscribers([], options: Self.options([list.id]), at: Date())
            #expect(try await Self.all(stores).isEmpty)
            var confirmed = Self.options([list.id])
            confirmed.subscriptionStatus = .confirmed
            try await stores.imports.importSubscribers(rows, options: confirmed, at: Date())
            try await stores.imports.importSubscribers(rows, options: Self.options([list.id]), at: Date())
            #expect(try await Self.all(stores).first?.subscriptions.first?.status == .confirmed)
            try await stores.imports.importSubscribers(
                rows, options: Self.options([list.id], overwrite: true), at: Date())
            #expect(try await Self.all(stores).first?.subscriptions.first?.status == .unconfirmed)
        }
    }

    @Test(
        "blocklisting: new and existing subscribers blocklisted and unsubscribed from every list",
        arguments: TestBackend.enabled)
    func blocklistMode(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let a = try await stores.list("A")
            let b = try await stores.list("B")
            let existing = try await stores.subscribers.createSubscriber(
                Drafts.subscriber("old@example.com", name: "Old"), lists: [b.id], status: .confirmed, at: Date())
            let rows = ["old@example.com", "new@example.com"].enumerated().map { index, email in
                ImportRow(line: index + 2, email: email, name: "Row", attributesJSON: "{}")
            }
            var options = Self.options([a.id])
            (options.mode, options.subscriptionStatus) = (.blocklist, .unsubscribed)
            try await stores.imports.importSubscribers(rows, options: options, at: Date())
            let stored = try await Self.all(stores)
            #expect(stored.map(\.email) == ["old@example.com", "new@example.com"])
            #expect(stored.allSatisfy { $0.status == .blocklisted })
            #expect(stored.allSatisfy { $0.subscriptions.allSatisfy { $0.status == .unsubscribed } })
            #expect(stored[0].id == existing.id && stored[0].name == "Old")
            #expect(stored[0].subscriptions.map(\.list.id) == [a.id, b.id])
            #expect(stored[1].subscriptions.map(\.list.id) == [a.id])
        }
    }

    @Test(
        "with a scope, an existing subscriber on none of its lists is skipped entirely, and its line answered",
        arguments: TestBackend.enabled)
    func scope(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let mine = try await stores.list("Mine")
            let theirs = try await stores.list("Theirs")
            let outside = try await stores.subscribers.createSubscriber(
                Drafts.subscriber("outside@example.com", name: "Outside"), lists: [theirs.id], status: .confirmed,
                at: Date())
            let inside = try await stores.subscribers.createSubscriber(
                Drafts.subscriber("inside@example.com", name: "Inside"), lists: [mine.id, theirs.id],
                status: .unconfirmed, at: Date())
            let rows = ["outside@example.com", "inside@example.com", "fresh@example.com"].enumerated().map {
                ImportRow(line: $0.offset + 2, email: $0.element, name: "Row", attributesJSON: #"{"r":1}"#)
            }
            var options = Self.options([mine.id], overwrite: true)
            options.scope = [mine.id]
            let skipped = try await stores.imports.importSubscribers(rows, options: options, at: Date())
            #expect(skipped == [2])
            #expect(try await stores.subscribers.subscriber(id: outside.id) == outside)
            let updated = try #require(try await stores.subscribers.subscriber(id: inside.id))
            #expect(updated.name == "Row" && updated.attributes == ["r": .number(1)])
            #expect(try await Self.all(stores).map(\.email).contains("fresh@example.com"))
        }
    }

    @Test("the importer writes many batches in order and counts each once", arguments: TestBackend.enabled)
    func manyBatches(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let list = try await stores.list("A")
            var csv = "email,name\n"
            for index in 0..<1_000 { csv += "m\(index)@example.com,M \(index)\n" }
            csv += "m5@example.com,In a later batch than line 7\n"
            let importer = SubscriberImporter(store: stores.imports, clock: .system, batchSize: 64)
            let status = try await Self.run(importer, csv: csv, options: Self.options([list.id]))
            #expect(status.state == .finished)
            #expect(status.total == 1_001)
            #expect(status.imported == 1_001)  // the last row reached the database, which kept line 7's
            let stored = try await Self.all(stores)
            #expect(stored.count == 1_000)
            #expect(Set(stored.map(\.email)).count == 1_000)
            #expect(stored.first { $0.email == "m5@example.com" }?.name == "M 5")
            #expect(try await stores.lists.list(id: list.id)?.subscriberStatuses == ["unconfirmed": 1_000])
        }
    }

    @Test(
        "a batch that fails ends the import as failed, with the batches before it kept", arguments: TestBackend.enabled)
    func failingBatch(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let list = try await stores.list("A")
            var csv = "email\n"
            for index in 0..<500 { csv += "f\(index)@example.com\n" }
            let store = FailingImportStore(base: stores.imports, failingBatch: 3)
            let importer = SubscriberImporter(store: store, clock: .system, batchSize: 50)
            let status = try await Self.run(importer, csv: csv, options: Self.options([list.id]))
            #expect(status.state == .failed)
            #expect(status.imported == 100)
            #expect(importer.log.contains("import failed"))
            #expect(store.batches == 3)  // nothing was written after the failure
            #expect(try await Self.all(stores).count == 100)
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
