import Foundation
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

/// A page of lists as one statement: the total, the counts by status and the tags it carries,
/// written compact or `?pretty`.
@Suite struct ListPageTests {
    @Test("a page past the end and a search that matches nothing give the total", arguments: TestBackend.enabled)
    func totals(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            for index in 1...5 { try await app.makeList("list \(index)") }
            let past = try await app.request(.get, "/api/lists?per_page=2&page=4", headers: admin)
            #expect((past.dataObject["results"] as? [Any])?.isEmpty == true)
            #expect(past.dataObject["total"] as? Int == 5)
            let none = try await app.request(.get, "/api/lists?query=nothing-like-this", headers: admin)
            #expect((none.dataObject["results"] as? [Any])?.isEmpty == true)
            #expect(none.dataObject["total"] as? Int == 0)
        }
    }

    @Test("counts by status and tags with escapes come out the same compact and pretty", arguments: TestBackend.enabled)
    func countsAndTags(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let tags = ["quote\"d", "back\\slash", "日本", "[x],{y}:z"]
            let list = try await app.makeList("counted", tags: tags)
            for (index, confirmed) in [true, false, true].enumerated() {
                let created = try await app.request(
                    .post, "/api/subscribers", headers: admin,
                    json: [
                        "email": "s\(index)@example.com", "name": "S\(index)", "lists": [list.id.rawValue],
                        "preconfirm_subscriptions": confirmed,
                    ])
                #expect(created.status == .ok)
            }
            let compact = try await app.request(.get, "/api/lists", headers: admin)
            let item = try #require((compact.dataObject["results"] as? [[String: Any]])?.first)
            #expect(item["tags"] as? [String] == tags)
            #expect(item["subscriber_count"] as? Int == 3)
            let statuses = try #require(item["subscriber_statuses"] as? [String: Int])
            #expect(statuses.count == 2 && statuses.values.sorted() == [1, 2])
            let single = try await app.request(.get, "/api/lists/\(list.id.rawValue)", headers: admin)
            #expect(single.dataObject["subscriber_statuses"] as? [String: Int] == statuses)
            let pretty = try await app.request(.get, "/api/lists?pretty", headers: admin)
            #expect(pretty.body.contains("\n        \"subscriber_count\": 3,\n"))
            let parsed = { (body: String) in try JSONSerialization.jsonObject(with: Data(body.utf8)) as? NSDictionary }
            #expect(try parsed(pretty.body) == parsed(compact.body))
        }
    }
}
