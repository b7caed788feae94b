import Foundation
import SQLKit
import Testing
import TidingsCore
import TidingsStore
import TidingsStoreTestSupport

/// `ListStore`'s contract, on every backend.
@Suite struct ListStoreTests {
    @Test("create and read back every field", arguments: TestBackend.enabled)
    func createAndRead(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let lists = stores.lists
            var draft = Drafts.list("News", tags: ["a", "b"], type: .public)
            (draft.optin, draft.status, draft.description) = (.double, .archived, "Dée ✉️")
            let list = try await lists.createList(draft, at: Drafts.epoch)
            #expect(list.name == "News" && list.type == .public && list.optin == .double && list.status == .archived)
            #expect(list.tags == ["a", "b"] && list.description == "Dée ✉️")
            #expect(list.subscriberCount == 0 && list.subscriberStatuses.isEmpty)
            #expect(list.createdAt == Drafts.epoch && list.updatedAt == Drafts.epoch)
            #expect(try await lists.list(id: list.id) == list)
            #expect(try await lists.list(id: ListID(9_999)) == nil)
            let other = try await lists.createList(draft, at: Drafts.epoch)
            #expect(other.uuid != list.uuid && other.id != list.id)
        }
    }

    /// The names of the lists `change` selects, by name.
    static func names(_ lists: any ListStore, _ change: (inout ListQuery) -> Void) async throws -> [String] {
        var query = ListQuery()
        query.orderBy = .name
        query.direction = .asc
        change(&query)
        return try await lists.lists(query).items.map(\.name)
    }

    @Test("query: filters, order, paging and the total across pages", arguments: TestBackend.enabled)
    func queries(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let lists = stores.lists
            for (index, name) in ["b_one", "a%two", "c three"].enumerated() {
                var draft = Drafts.list(
                    name, tags: index == 0 ? ["x", "y"] : ["x"], type: index == 2 ? .public : .private)
                draft.optin = index == 1 ? .double : .single
                draft.status = index == 0 ? .archived : .active
                _ = try await lists.createList(draft, at: Drafts.epoch.addingTimeInterval(Double(index)))
            }
            var query = ListQuery()
            #expect(try await lists.lists(query).items.map(\.name) == ["c three", "a%two", "b_one"])
            query.orderBy = .name
            query.direction = .asc
            query.page = Pagination(page: 2, perPage: 2)
            let page = try await lists.lists(query)
            #expect(page.items.map(\.name) == ["c three"])
            #expect(page.total == 3)
            // `%` and `_` are taken literally; the search ignores case.
            #expect(try await Self.names(lists) { $0.search = "%" } == ["a%two"])
            #expect(try await Self.names(lists) { $0.search = "_" } == ["b_one"])
            #expect(try await Self.names(lists) { $0.search = "THREE" } == ["c three"])
            #expect(try await Self.names(lists) { $0.tags = ["x", "y"] } == ["b_one"])
            #expect(try await Self.names(lists) { $0.type = .public } == ["c three"])
            #expect(try await Self.names(lists) { $0.optin = .double } == ["a%two"])
            #expect(try await Self.names(lists) { $0.status = .archived } == ["b_one"])
            var scoped = ListQuery()
            scoped.onlyIDs = []
            #expect(try await lists.lists(scoped).total == 0)
            let all = try await lists.minimalLists(status: nil, onlyIDs: nil)
            scoped.onlyIDs = [all[1].id]
            let one = try await lists.lists(scoped)
            #expect(one.items.map(\.id) == [all[1].id] && one.total == 1)
        }
    }

    @Test("minimal lists: every match in id order, without counts", arguments: TestBackend.enabled)
    func minimal(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let lists = stores.lists
            var archived = Drafts.list("Z")
            archived.status = .archived
            let z = try await lists.createList(archived, at: Drafts.epoch.addingTimeInterval(10))
            let a = try await lists.createList(Drafts.list("A"), at: Drafts.epoch)
            try await stores.engine.write { database in
                try await SubscriberRows.insertSubscriber("s@example.com", at: Date(), in: database)
                try await SubscriberRows.subscribe(
                    "s@example.com", to: a.id.rawValue, status: "confirmed", at: Date(), in: database)
            }
            let all = try await lists.minimalLists(status: nil, onlyIDs: nil)
            #expect(all.map(\.id) == [z.id, a.id].sorted())
            #expect(all.allSatisfy { $0.subscriberCount == 0 })
            #expect(try await lists.minimalLists(status: .archived, onlyIDs: nil).map(\.id) == [z.id])
            #expect(try await lists.minimalLists(status: nil, onlyIDs: [a.id]).map(\.id) == [a.id])
            #expect(try await lists.minimalLists(status: nil, onlyIDs: []).isEmpty)
        }
    }

    @Test("counts come from the subscriptions, by status", arguments: TestBackend.enabled)
    func counts(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let list = try await stores.list("A")
            let empty = try await stores.list("B")
            let now = Date()
            try await stores.engine.write { database in
                for (index, status) in ["confirmed", "confirmed", "unsubscribed"].enumerated() {
                    try await SubscriberRows.insertSubscriber("s\(index)@example.com", at: now, in: database)
                    try await SubscriberRows.subscribe(
                        "s\(index)@example.com", to: list.id.rawValue, status: status, at: now, in: database)
                }
            }
            let read = try #require(try await stores.lists.list(id: list.id))
            #expect(read.subscriberCount == 3)
            #expect(read.subscriberStatuses == ["confirmed": 2, "unsubscribed": 1])
            var query = ListQuery()
            query.orderBy = .subscriberCount
            #expect(try await stores.lists.lists(query).items.map(\.id) == [list.id, empty.id])
            query.direction = .asc
            #expect(try await stores.lists.lists(query).items.map(\.subscriberCount) == [0, 3])
        }
    }

    @Test("update writes the draft over the list; an unknown list answers nil", arguments: TestBackend.enabled)
    func update(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let lists = stores.lists
            let list = try await lists.createList(Drafts.list("A", tags: ["t"]), at: Drafts.epoch)
            var draft = Drafts.list("B", type: .public)
            draft.description = "new"
            let later = Drafts.epoch.addingTimeInterval(60)
            let updated = try await lists.updateList(id: list.id, draft: draft, at: later)
            #expect(
                updated.name == "B" && updated.type == .public && updated.tags.isEmpty && updated.description == "new")
            #expect(updated.uuid == list.uuid && updated.createdAt == list.createdAt && updated.updatedAt == later)
            #expect(try await lists.list(id: list.id) == updated)
            await expectNotFound { try await lists.updateList(id: ListID(9_999), draft: draft, at: later) }
            #expect(try await lists.list(id: ListID(9_999)) == nil)
        }
    }

    @Test("delete takes the subscriptions along and ignores unknown ids", arguments: TestBackend.enabled)
    func delete(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let lists = stores.lists
            let a = try await lists.createList(Drafts.list("A"), at: Date())
            let b = try await lists.createList(Drafts.list("B"), at: Date())
            let subscriber = try await stores.subscriber("s@example.com", on: [a.id, b.id], .confirmed)
            try await lists.deleteLists(ids: [a.id, ListID(9_999)])
            #expect(try await lists.list(id: a.id) == nil)
            #expect(try await lists.list(id: b.id) != nil)
            #expect(try await stores.subscribers.subscriber(id: subscriber.id)?.subscriptions.map(\.list.id) == [b.id])
            try await lists.deleteLists(ids: [])
            #expect(try await lists.list(id: b.id) != nil)
        }
    }

    @Test("ids by name: case-insensitive substring, within the given ids, in id order", arguments: TestBackend.enabled)
    func idsMatching(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let lists = stores.lists
            let one = try await lists.createList(Drafts.list("Weekly News"), at: Date())
            let two = try await lists.createList(Drafts.list("news flash"), at: Date())
            _ = try await lists.createList(Drafts.list("Other"), at: Date())
            #expect(try await lists.listIDs(matching: "NEWS", onlyIDs: nil) == [one.id, two.id])
            #expect(try await lists.listIDs(matching: "news", onlyIDs: [two.id]) == [two.id])
            #expect(try await lists.listIDs(matching: "news", onlyIDs: []).isEmpty)
            #expect(try await lists.listIDs(matching: "", onlyIDs: nil).count == 3)
            #expect(try await lists.listIDs(matching: "%", onlyIDs: nil).isEmpty)
        }
    }
}
