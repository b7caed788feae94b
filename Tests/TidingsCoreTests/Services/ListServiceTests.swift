import Foundation
import Testing

@testable import TidingsCore

/// `ListService`: listmonk's rules for a list's fields, and the caller's list access applied
/// before the store is asked.
@Suite struct ListServiceTests {
    static func service(_ fake: FakeStore, lists: [MailingList] = []) -> ListService {
        fake.state.withLock { $0.lists = lists }
        return ListService(
            listStore: fake, directory: fake.directory(), clock: ManualClock().clock)
    }

    static let three = [FakeStore.list(1, "One"), FakeStore.list(2, "Two"), FakeStore.list(3, "Three")]

    /// A caller that may see lists 1 and 2, and manage only list 2.
    static let partial = principal(
        [],
        lists: ListAccess(getAll: false, manageAll: false, grants: [ListID(1): [.get], ListID(2): [.get, .manage]]))

    static func expectCode(_ code: String, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected \(code)")
        } catch let error as TidingsError {
            #expect(error.code == code, "\(error)")
        } catch {
            Issue.record("expected \(code), got \(error)")
        }
    }

    @Test("tags are trimmed, inner runs of space become -, empties and repeats go")
    func tags() {
        let draft = ListDraft(
            name: "N", type: .private, optin: .single, status: .active,
            tags: ["  weekly  news ", "weekly-news", "", "   ", "b\tc", "x"], description: "")
        #expect(ListService.normalized(draft).tags == ["weekly-news", "b-c", "x"])
        #expect(ListService.normalized(draft).name == "N")
    }

    @Test("a name of 1 to 2000 bytes, untrimmed; description and tags bounded")
    func fields() throws {
        func draft(name: String = "N", description: String = "", tags: [String] = []) -> ListDraft {
            ListDraft(name: name, type: .private, optin: .single, status: .active, tags: tags, description: description)
        }
        try ListService.validate(draft(name: " "))
        try ListService.validate(draft(name: String(repeating: "é", count: 1_000)))
        try ListService.validate(draft(description: String(repeating: "d", count: 20_000)))
        try ListService.validate(draft(tags: Array(repeating: String(repeating: "t", count: 200), count: 100)))
        let refused: [(ListDraft, String)] = [
            (draft(name: ""), "name"), (draft(name: String(repeating: "é", count: 1_000) + "x"), "name"),
            (draft(description: String(repeating: "d", count: 20_001)), "description"),
            (draft(tags: Array(repeating: "t", count: 101)), "tags"),
            (draft(tags: [String(repeating: "t", count: 201)]), "tags"),
        ]
        for (draft, field) in refused {
            let error = #expect(throws: TidingsError.self, "\(field)") { try ListService.validate(draft) }
            #expect(error?.code == "invalid_fields")
            #expect(field == "name" ? error?.message == "Invalid name" : error?.details["field"] == field)
        }
    }

    @Test("create stores the normalised draft; an invalid one reaches no store")
    func create() async throws {
        let fake = FakeStore()
        let service = Self.service(fake)
        _ = try await service.create(
            ListDraft(name: "A", type: .public, optin: .double, status: .active, tags: [" a b "], description: ""))
        await Self.expectCode("invalid_fields") {
            _ = try await service.create(
                ListDraft(name: "", type: .public, optin: .double, status: .active, tags: [], description: ""))
        }
        #expect(fake.read(\.writtenDrafts).map(\.tags) == [["a-b"]])
    }

    @Test("the listing asks the store for the caller's visible lists only; a long search is refused first")
    func listing() async throws {
        let fake = FakeStore()
        let service = Self.service(fake, lists: Self.three)
        let page = try await service.lists(ListQuery(), for: Self.partial)
        #expect(page.items.map(\.id) == [ListID(1), ListID(2)])
        _ = try await service.lists(ListQuery(), for: principal([.listsGetAll]))
        #expect(fake.read(\.listQueries).map(\.onlyIDs) == [[ListID(1), ListID(2)], nil])
        var long = ListQuery()
        long.search = String(repeating: "x", count: 10_000)
        await Self.expectCode("invalid_search") { _ = try await service.lists(long, for: Self.partial) }
        #expect(fake.read(\.listQueries).count == 2)
        let minimal = try await service.minimalLists(status: nil, for: Self.partial)
        #expect(minimal.map(\.id) == [ListID(1), ListID(2)])
    }

    @Test("one list: refused without access whether or not it exists; not found with access")
    func one() async throws {
        let service = Self.service(FakeStore(), lists: Self.three)
        #expect(try await service.list(ListID(1), for: Self.partial).name == "One")
        await Self.expectCode("permission_denied") { _ = try await service.list(ListID(3), for: Self.partial) }
        await Self.expectCode("permission_denied") { _ = try await service.list(ListID(9), for: Self.partial) }
        await Self.expectCode("not_found") { _ = try await service.list(ListID(9), for: principal([.listsGetAll])) }
    }

    @Test("update: only a manageable list, validated after the change, normalised")
    func update() async throws {
        let fake = FakeStore()
        let service = Self.service(fake, lists: Self.three)
        let updated = try await service.update(ListID(2), for: Self.partial) { current in
            var draft = ListDraft(
                name: current.name + "!", type: current.type, optin: current.optin, status: current.status,
                tags: ["x  y"], description: "")
            draft.status = .archived
            return draft
        }
        #expect(updated.name == "Two!" && updated.tags == ["x-y"])
        await Self.expectCode("permission_denied") {
            _ = try await service.update(ListID(1), for: Self.partial) { _ in
                Issue.record("changed")
                throw FakeStore.Unsupported()
            }
        }
        await Self.expectCode("invalid_fields") {
            _ = try await service.update(ListID(2), for: Self.partial) { _ in
                ListDraft(name: "", type: .private, optin: .single, status: .active, tags: [], description: "")
            }
        }
        await Self.expectCode("not_found") {
            _ = try await service.update(ListID(9), for: principal([.listsManageAll])) { _ in
                Issue.record("changed")
                throw FakeStore.Unsupported()
            }
        }
        #expect(fake.read(\.writtenDrafts).count == 1)
    }

    @Test("delete: one list the caller may not manage refuses the whole request")
    func delete() async throws {
        let fake = FakeStore()
        let service = Self.service(fake, lists: Self.three)
        await Self.expectCode("permission_denied") {
            try await service.delete([ListID(2), ListID(1)], for: Self.partial)
        }
        #expect(fake.read(\.deletedLists).isEmpty)
        try await service.delete([ListID(2)], for: Self.partial)
        #expect(fake.read(\.deletedLists) == [[ListID(2)]])
    }

    @Test("delete by name: only among manageable lists; nothing when none is manageable")
    func deleteMatching() async throws {
        let fake = FakeStore()
        let service = Self.service(fake, lists: Self.three)
        try await service.delete(matching: "t", for: Self.partial)
        #expect(fake.read(\.deletedLists) == [[ListID(2)]])
        try await service.delete(matching: "", for: principal([.listsGetAll]))
        #expect(fake.read(\.deletedLists).count == 1)
        try await service.delete(matching: "", for: principal([.listsManageAll]))
        #expect(fake.read(\.deletedLists).last == [ListID(1), ListID(3)])
    }
}
