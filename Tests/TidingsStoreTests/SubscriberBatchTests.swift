import Foundation
import SQLKit
import Testing
import TidingsCore
import TidingsStoreTestSupport

@testable import TidingsStore

/// `subscribers(_:after:limit:)`: a page too large to read at once, read a batch at a time by
/// keyset, must be the page read at once, in every order and direction, from any page, with
/// ties, through the query sandbox too, on both databases.
@Suite struct SubscriberBatchTests {
    /// The page `query` describes, read `size` rows at a time; every batch at most `size` long.
    static func batched(
        _ query: SubscriberQuery, _ store: any SubscriberStore, size: Int,
        afterFirst: @Sendable () async throws -> Void = {}
    ) async throws -> [Subscriber] {
        var reader = BatchReader(batchSize: size, limit: query.page.perPage) { cursor, limit in
            let batch = try await store.subscribers(query, after: cursor, limit: limit)
            return (batch.subscribers, batch.next)
        }
        var read: [Subscriber] = []
        while let batch = try await reader.next() {
            #expect(batch.count <= size)
            if read.isEmpty { try await afterFirst() }
            read += batch
        }
        return read
    }

    @Test("batches make up the page read at once: every order, direction and page", arguments: TestBackend.enabled)
    func everyOrder(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let list = try await stores.list("A")
            try await VariedSubscribers.insert(300, list: list.id, engine: stores.engine)
            let store = stores.subscribers
            for order in SubscriberOrder.allCases {
                for direction in [SortDirection.asc, .desc] {
                    for page in [Pagination(page: 1, perPage: nil), Pagination(page: 3, perPage: 40)] {
                        var query = SubscriberQuery()
                        (query.orderBy, query.direction, query.page) = (order, direction, page)
                        let once = try await store.subscribers(query).items
                        #expect(once.count == (page.perPage ?? 300))
                        let batched = try await Self.batched(query, store, size: 7)
                        #expect(batched == once, "\(order) \(direction) \(page)")
                    }
                }
            }
        }
    }

    @Test(
        "batches of a filtered page: a list, a search, and an expression in the sandbox", arguments: TestBackend.enabled
    )
    func filtered(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let list = try await stores.list("A")
            try await VariedSubscribers.insert(300, list: list.id, engine: stores.engine)
            let store = stores.subscribers
            var onList = SubscriberQuery()
            (onList.lists, onList.orderBy, onList.page) = ([list.id], .name, Pagination(page: 1, perPage: nil))
            var searched = SubscriberQuery()
            (searched.search, searched.orderBy, searched.page) = (
                "name 1", .createdAt, Pagination(page: 2, perPage: 30)
            )
            var expressed = SubscriberQuery()
            expressed.expression = try FilterExpression("subscribers.status <> 'disabled'")
            for order in [SubscriberOrder.id, .createdAt, .name] {
                for direction in [SortDirection.asc, .desc] {
                    (expressed.orderBy, expressed.direction, expressed.page) = (
                        order, direction, .init(page: 1, perPage: nil)
                    )
                    #expect(
                        try await Self.batched(expressed, store, size: 9)
                            == (try await store.subscribers(expressed).items),
                        "\(order) \(direction)")
                }
            }
            for query in [onList, searched] {
                let once = try await store.subscribers(query).items
                #expect(!once.isEmpty)
                #expect(try await Self.batched(query, store, size: 9) == once)
            }
        }
    }

    @Test(
        "rows deleted after a batch was read shift none of the rows after it (no offsets)",
        arguments: TestBackend.enabled)
    func deletedBetweenBatches(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            try await VariedSubscribers.insert(60, engine: stores.engine)
            let store = stores.subscribers
            var query = SubscriberQuery()
            (query.orderBy, query.direction, query.page) = (.name, .asc, Pagination(page: 1, perPage: nil))
            let before = try await store.subscribers(query).items
            let firstTen = before.prefix(10).map(\.id)
            let read = try await Self.batched(query, store, size: 10) {
                try await store.deleteSubscribers(ids: Array(firstTen.prefix(5)))
            }
            #expect(read == before)
        }
    }
}
