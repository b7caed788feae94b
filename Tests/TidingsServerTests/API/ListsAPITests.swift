import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

/// `/api/lists` and list-role enforcement.
@Suite struct ListsAPITests {
    @Test("create applies listmonk's defaults and tag rules; the name is not trimmed", arguments: TestBackend.enabled)
    func create(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let response = try await app.request(
                .post, "/api/lists", headers: admin, json: ["name": " News ", "tags": [" two words ", "", " x ", "x"]])
            #expect(response.status == .ok)
            let list = response.dataObject
            #expect(list["name"] as? String == " News ")
            #expect(list["type"] as? String == "private")
            #expect(list["optin"] as? String == "single")
            #expect(list["status"] as? String == "active")
            #expect(list["tags"] as? [String] == ["two-words", "x"])
            #expect(list["description"] as? String == "")
            #expect(list["subscriber_count"] as? Int == 0)
            #expect((list["subscriber_statuses"] as? [String: Any])?.isEmpty == true)
            #expect(list["subscription_created_at"] is NSNull)
            let uuid = try #require(list["uuid"] as? String)
            #expect(UUID(uuidString: uuid) != nil && uuid == uuid.lowercased())
        }
    }

    @Test(
        "invalid list input is a 400 and creates nothing",
        arguments: [
            ([:], "Invalid name"),
            (["name": ""], "Invalid name"),
            (["name": String(repeating: "é", count: 1001)], "Invalid name"),
            (["name": "x", "type": "bogus"], "Invalid fields: type"),
            (["name": "x", "optin": "triple"], "Invalid fields: optin"),
            (["name": "x", "status": "gone"], "Invalid fields: status"),
        ] as [([String: any Sendable], String)])
    func invalid(body: [String: any Sendable], message: String) async throws {
        try await TestApp.run(.sqlite) { app in
            let admin = try await app.adminHeaders()
            let response = try await app.request(.post, "/api/lists", headers: admin, json: body)
            #expect(response.status == .badRequest)
            #expect(response.message == message)
            #expect(try await app.services.stores.lists.lists(ListQuery()).total == 0)
        }
    }

    @Test("unicode names round-trip and are found case-insensitively", arguments: TestBackend.enabled)
    func unicode(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            _ = try await app.request(.post, "/api/lists", headers: admin, json: ["name": "Café Ünïcode 📬"])
            _ = try await app.request(.post, "/api/lists", headers: admin, json: ["name": "100% real_list"])
            let found = try await app.request(.get, "/api/lists?query=caf%C3%A9", headers: admin)
            #expect(found.dataObject["total"] as? Int == 1)
            let results = found.dataObject["results"] as? [[String: Any]] ?? []
            #expect(results.first?["name"] as? String == "Café Ünïcode 📬")
            let percent = try await app.request(.get, "/api/lists?query=%25", headers: admin)
            #expect(percent.dataObject["total"] as? Int == 1)
        }
    }

    @Test("pagination: page, per_page, per_page=all, and the envelope", arguments: TestBackend.enabled)
    func pagination(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            for index in 1...5 { try await app.makeList("list \(index)") }
            let first = try await app.request(.get, "/api/lists?per_page=2&order_by=name&order=asc", headers: admin)
            let page = first.dataObject
            #expect(page["total"] as? Int == 5)
            #expect(page["per_page"] as? Int == 2)
            #expect(page["page"] as? Int == 1)
            #expect(page["search"] as? String == "")
            #expect((page["results"] as? [[String: Any]])?.map { $0["name"] as? String } == ["list 1", "list 2"])
            let third = try await app.request(
                .get, "/api/lists?per_page=2&page=3&order_by=name&order=asc", headers: admin)
            #expect((third.dataObject["results"] as? [[String: Any]])?.map { $0["name"] as? String } == ["list 5"])
            let all = try await app.request(.get, "/api/lists?per_page=all", headers: admin)
            #expect((all.dataObject["results"] as? [Any])?.count == 5)
            #expect(all.dataObject["per_page"] as? Int == 0)
            let garbage = try await app.request(.get, "/api/lists?per_page=abc&page=-4", headers: admin)
            #expect(garbage.dataObject["per_page"] as? Int == 20)
            #expect(garbage.dataObject["page"] as? Int == 1)
            let huge = try await app.request(.get, "/api/lists?per_page=1000000000&page=99999999999", headers: admin)
            #expect(huge.status == .ok)
            #expect((huge.dataObject["results"] as? [Any])?.isEmpty == true)
            let sorted = try await app.request(.get, "/api/lists?order_by=name&order=desc&per_page=1", headers: admin)
            #expect((sorted.dataObject["results"] as? [[String: Any]])?.first?["name"] as? String == "list 5")
        }
    }

    @Test("filters: query, tag (all of them), type, optin; minimal mode", arguments: TestBackend.enabled)
    func filters(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            try await app.makeList("Weekly news", type: .public, optin: .double, tags: ["news", "weekly"])
            try await app.makeList("Daily news", tags: ["news"])
            try await app.makeList("Offers", tags: ["shop"])
            func names(_ query: String) async throws -> [String] {
                let response = try await app.request(
                    .get, "/api/lists?per_page=all&order_by=name&order=asc&\(query)", headers: admin)
                #expect(response.status == .ok)
                return (response.dataObject["results"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            }
            #expect(try await names("query=NEWS") == ["Daily news", "Weekly news"])
            #expect(try await names("tag=news&tag=weekly") == ["Weekly news"])
            #expect(try await names("tag=news") == ["Daily news", "Weekly news"])
            #expect(try await names("type=public") == ["Weekly news"])
            #expect(try await names("optin=single") == ["Daily news", "Offers"])
            let badType = try await app.request(.get, "/api/lists?type=bogus", headers: admin)
            #expect(badType.status == .badRequest)
            let minimal = try await app.request(.get, "/api/lists?minimal=true&per_page=1", headers: admin)
            let results = minimal.dataObject["results"] as? [[String: Any]] ?? []
            #expect(results.count == 3)
            #expect(results.first?["subscriber_statuses"] is NSNull)
            #expect(minimal.dataObject["per_page"] as? Int == 3)
        }
    }

    @Test("get, update (empty fields keep, tags replaced), delete one and many", arguments: TestBackend.enabled)
    func crud(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let list = try await app.makeList("A", type: .public, tags: ["x"])
            let got = try await app.request(.get, "/api/lists/\(list.id)", headers: admin)
            #expect(got.dataObject["name"] as? String == "A")
            let updated = try await app.request(.put, "/api/lists/\(list.id)", headers: admin, json: ["name": "A2"])
            #expect(updated.dataObject["type"] as? String == "public")
            #expect(updated.dataObject["tags"] as? [String] == [])
            let noName = try await app.request(
                .put, "/api/lists/\(list.id)", headers: admin, json: [:] as [String: String])
            #expect(noName.message == "Invalid name")
            #expect(try await app.request(.get, "/api/lists/9999", headers: admin).status == .notFound)
            #expect(try await app.request(.get, "/api/lists/abc", headers: admin).message == "invalid ID")
            #expect(try await app.request(.get, "/api/lists/0", headers: admin).message == "invalid ID")
            #expect(
                try await app.request(.put, "/api/lists/9999", headers: admin, json: ["name": "x"]).status == .notFound)
            let b = try await app.makeList("B")
            let c = try await app.makeList("C")
            #expect(try await app.request(.delete, "/api/lists/\(list.id)", headers: admin).status == .ok)
            #expect(try await app.request(.delete, "/api/lists/\(list.id)", headers: admin).status == .ok)
            let neither = try await app.request(.delete, "/api/lists", headers: admin)
            #expect(neither.message == "One or more IDs are invalid: id or query required")
            let badID = try await app.request(.delete, "/api/lists?id=x", headers: admin)
            #expect(badID.message == "One or more IDs are invalid: strconv.Atoi: parsing \"x\": invalid syntax")
            #expect(
                try await app.request(.delete, "/api/lists?id=\(b.id)&id=\(c.id)&id=777", headers: admin).status == .ok)
            #expect(try await app.services.stores.lists.lists(ListQuery()).total == 0)
        }
    }

    @Test("delete by query removes only matching lists", arguments: TestBackend.enabled)
    func deleteByQuery(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            try await app.makeList("Old news")
            try await app.makeList("Keep me")
            #expect(try await app.request(.delete, "/api/lists?query=news", headers: admin).status == .ok)
            #expect(try await app.services.stores.lists.lists(ListQuery()).items.map(\.name) == ["Keep me"])
            #expect(try await app.request(.delete, "/api/lists?all=true", headers: admin).status == .ok)
            #expect(try await app.services.stores.lists.lists(ListQuery()).total == 0)
        }
    }

    @Test("a list role with list:get on A sees only A, and cannot change it", arguments: TestBackend.enabled)
    func listRoleGet(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let a = try await app.makeList("A")
            let b = try await app.makeList("B")
            let role = try await app.makeListRole("reader-a", [(a.id, [.get])])
            let headers = try await app.headers(holding: [], listRole: role.id)
            let page = try await app.request(.get, "/api/lists", headers: headers)
            #expect((page.dataObject["results"] as? [[String: Any]])?.map { $0["name"] as? String } == ["A"])
            #expect(page.dataObject["total"] as? Int == 1)
            let minimal = try await app.request(.get, "/api/lists?minimal=true", headers: headers)
            #expect((minimal.dataObject["results"] as? [Any])?.count == 1)
            #expect(try await app.request(.get, "/api/lists/\(a.id)", headers: headers).status == .ok)
            let other = try await app.request(.get, "/api/lists/\(b.id)", headers: headers)
            #expect(other.status == .forbidden)
            #expect(other.message == "permission denied")
            let update = try await app.request(.put, "/api/lists/\(a.id)", headers: headers, json: ["name": "hacked"])
            #expect(update.status == .forbidden)
            let delete = try await app.request(.delete, "/api/lists/\(a.id)", headers: headers)
            #expect(delete.status == .forbidden)
            let create = try await app.request(.post, "/api/lists", headers: headers, json: ["name": "new"])
            #expect(create.message == "permission denied: lists:manage_all")
            #expect(try await app.services.stores.lists.list(id: a.id)?.name == "A")
        }
    }

    @Test(
        "list:manage allows changes; a forbidden id in a bulk delete refuses the whole request",
        arguments: TestBackend.enabled)
    func listRoleManage(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let a = try await app.makeList("A")
            let b = try await app.makeList("B")
            let role = try await app.makeListRole("team", [(a.id, [.get, .manage]), (b.id, [.get])])
            let headers = try await app.headers(holding: [], listRole: role.id)
            let bodyless = try await app.request(
                .put, "/api/lists/\(a.id)", headers: headers, json: [:] as [String: String])
            #expect(bodyless.message == "Invalid name")
            let update = try await app.request(.put, "/api/lists/\(a.id)", headers: headers, json: ["name": "A+"])
            #expect(update.status == .ok)
            let mixed = try await app.request(.delete, "/api/lists?id=\(a.id)&id=\(b.id)", headers: headers)
            #expect(mixed.status == .forbidden)
            #expect(try await app.services.stores.lists.lists(ListQuery()).total == 2)
            let byQuery = try await app.request(.delete, "/api/lists?all=true", headers: headers)
            #expect(byQuery.status == .ok)
            #expect(try await app.services.stores.lists.lists(ListQuery()).items.map(\.name) == ["B"])
        }
    }

    @Test(
        "lists:get_all sees every list; lists:manage_all alone sees none but may change any",
        arguments: TestBackend.enabled)
    func globalListPermissions(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let a = try await app.makeList("A")
            try await app.makeList("B")
            let reader = try await app.headers(holding: [.listsGetAll])
            #expect(try await app.request(.get, "/api/lists", headers: reader).dataObject["total"] as? Int == 2)
            #expect(
                try await app.request(.put, "/api/lists/\(a.id)", headers: reader, json: ["name": "x"]).status
                    == .forbidden)
            let manager = try await app.headers(holding: [.listsManageAll])
            #expect(try await app.request(.get, "/api/lists", headers: manager).dataObject["total"] as? Int == 0)
            #expect(
                try await app.request(.put, "/api/lists/\(a.id)", headers: manager, json: ["name": "x"]).status == .ok)
        }
    }

    @Test("a search longer than 1,000 bytes is a 400, listing or deleting", arguments: TestBackend.enabled)
    func longSearch(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            try await app.makeList("Kept")
            let long = String(repeating: "a", count: 60_000)
            let listing = try await app.request(.get, "/api/lists?query=\(long)", headers: admin)
            #expect(listing.status == .badRequest)
            #expect(listing.code == "invalid_search")
            let deleting = try await app.request(.delete, "/api/lists?query=\(long)", headers: admin)
            #expect(deleting.status == .badRequest)
            #expect(try await app.request(.get, "/api/lists", headers: admin).dataObject["total"] as? Int == 1)
            let fits = try await app.request(
                .get, "/api/lists?query=\(String(repeating: "k", count: 1_000))", headers: admin)
            #expect(fits.status == .ok)
        }
    }
}
