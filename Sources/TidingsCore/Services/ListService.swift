import Foundation

/// Mailing lists, filtered and guarded by the caller's list access.
public struct ListService: Sendable {
    private let listStore: any ListStore
    private let directory: AuthDirectory
    private let clock: WallClock

    public init(listStore: any ListStore, directory: AuthDirectory, clock: WallClock) {
        self.listStore = listStore
        self.directory = directory
        self.clock = clock
    }

    /// The page of lists `principal` may see.
    public func lists(_ query: ListQuery, for principal: Principal) async throws -> Page<MailingList> {
        try SearchText.check(query.search ?? "")
        var query = query
        query.onlyIDs = principal.lists.visibleLists
        return try await listStore.lists(query)
    }

    /// listmonk's `minimal=true` view: every visible list, by id.
    public func minimalLists(status: ListStatus?, for principal: Principal) async throws -> [MailingList] {
        try await listStore.minimalLists(status: status, onlyIDs: principal.lists.visibleLists)
    }

    public func list(_ id: ListID, for principal: Principal) async throws -> MailingList {
        guard principal.lists.canGet(id) else { throw TidingsError.listPermissionDenied(.get, list: id) }
        guard let list = try await listStore.list(id: id) else { throw TidingsError.notFound("List") }
        return list
    }

    public func create(_ draft: ListDraft) async throws -> MailingList {
        try Self.validate(draft)
        return try await storeCall(.list) { try await listStore.createList(Self.normalized(draft), at: clock.now()) }
    }

    /// Writes `change` over a list the caller may manage; `change` receives the current list.
    public func update(
        _ id: ListID, for principal: Principal, change: (MailingList) throws -> ListDraft
    ) async throws
        -> MailingList
    {
        guard principal.lists.canManage(id) else { throw TidingsError.listPermissionDenied(.manage, list: id) }
        guard let current = try await listStore.list(id: id) else { throw TidingsError.notFound("List") }
        let draft = try change(current)
        try Self.validate(draft)
        return try await storeCall(.list) {
            try await listStore.updateList(id: id, draft: Self.normalized(draft), at: clock.now())
        }
    }

    /// Deletes lists the caller may manage; one it may not manage refuses the whole request.
    public func delete(_ ids: [ListID], for principal: Principal) async throws {
        for id in ids where !principal.lists.canManage(id) {
            throw TidingsError.listPermissionDenied(.manage, list: id)
        }
        try await listStore.deleteLists(ids: ids)
        await directory.invalidate()
    }

    /// Deletes the manageable lists whose names contain `search` (every manageable list when
    /// `search` is empty).
    public func delete(matching search: String, for principal: Principal) async throws {
        try SearchText.check(search)
        let access = principal.lists
        let manageable: Set<ListID>? =
            access.manageAll ? nil : Set(access.grants.filter { $0.value.contains(.manage) }.keys)
        if manageable?.isEmpty == true { return }
        let ids = try await listStore.listIDs(matching: search, onlyIDs: manageable)
        try await listStore.deleteLists(ids: ids)
        await directory.invalidate()
    }

    /// listmonk's name rule: 1–2000 bytes, not trimmed.
    static func validate(_ draft: ListDraft) throws {
        guard !draft.name.isEmpty, draft.name.utf8.count <= Validation.maxFieldBytes else {
            throw TidingsError.badRequest("Invalid name", code: "invalid_fields")
        }
        guard draft.description.utf8.count <= 10 * Validation.maxFieldBytes else {
            throw TidingsError.invalidField("description")
        }
        guard draft.tags.count <= 100, draft.tags.allSatisfy({ $0.utf8.count <= 200 }) else {
            throw TidingsError.invalidField("tags")
        }
    }

    /// Tags trimmed, inner whitespace runs turned into `-`, empties and repeats dropped.
    static func normalized(_ draft: ListDraft) -> ListDraft {
        var draft = draft
        var seen = Set<String>()
        draft.tags = draft.tags.compactMap { tag in
            let words = tag.split(whereSeparator: { $0.isWhitespace })
            guard !words.isEmpty else { return nil }
            let joined = words.joined(separator: "-")
            return seen.insert(joined).inserted ? joined : nil
        }
        return draft
    }
}
