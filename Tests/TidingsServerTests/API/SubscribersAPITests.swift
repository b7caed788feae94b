import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

/// `/api/subscribers`: fields, validation, listing, writes.
@Suite struct SubscribersAPITests {
    @Test(
        "create normalises the address, derives the name, subscribes, and answers listmonk's shape",
        arguments: TestBackend.enabled)
    func create(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let a = try await app.makeList("A", tags: ["vfy"])
            let b = try await app.makeList("B")
            let response = try await app.request(
                .post, "/api/subscribers", headers: admin,
                json: [
                    "email": "  Vfy.One@Example.COM ", "name": "", "status": "enabled",
                    "lists": [a.id.rawValue, b.id.rawValue], "attribs": ["city": "Bengaluru", "n": 1],
                    "preconfirm_subscriptions": true,
                ])
            #expect(response.status == .ok)
            let subscriber = response.dataObject
            #expect(subscriber["email"] as? String == "vfy.one@example.com")
            #expect(subscriber["name"] as? String == "Vfy One")
            #expect(subscriber["status"] as? String == "enabled")
            #expect((subscriber["attribs"] as? [String: Any])?["city"] as? String == "Bengaluru")
            let lists = subscriber["lists"] as? [[String: Any]] ?? []
            #expect(lists.compactMap { $0["id"] as? Int }.sorted() == [a.id.rawValue, b.id.rawValue])
            #expect(lists.allSatisfy { $0["subscription_status"] as? String == "confirmed" })
            #expect((lists.first?["subscription_created_at"] as? String)?.hasSuffix("+00:00") == true)
            #expect(lists.first { $0["id"] as? Int == b.id.rawValue }?["tags"] is NSNull)
            try ListmonkShapeTests.expectSameShape(ours: response.body, sample: "POST_api_subscribers.json")

            let id = try #require(subscriber["id"] as? Int)
            let read = try await app.request(.get, "/api/subscribers/\(id)", headers: admin)
            try ListmonkShapeTests.expectSameShape(ours: read.body, sample: "GET_api_subscribers_id.json")
            let page = try await app.request(.get, "/api/subscribers", headers: admin)
            try ListmonkShapeTests.expectSameShape(ours: page.body, sample: "GET_api_subscribers.json")

            // The list counts follow.
            #expect(try await app.services.stores.lists.list(id: a.id)?.subscriberStatuses == ["confirmed": 1])

            // A second subscriber with the same address in another case is a 409.
            let duplicate = try await app.request(
                .post, "/api/subscribers", headers: admin, json: ["email": "VFY.ONE@example.com"])
            #expect(duplicate.status == .conflict)
            #expect(duplicate.message == "E-mail already exists.")
            #expect(try await app.services.stores.subscribers.subscribers(SubscriberQuery()).total == 1)
        }
    }

    @Test(
        "invalid subscriber input is a 400 and creates nothing",
        arguments: [
            ([:], "Invalid email."),
            (["email": "bad"], "Invalid email."),
            (["email": "Name <a@b.c>"], "Invalid email."),
            (["email": String(repeating: "a", count: 995) + "@b.com"], "Invalid email."),
            (["email": "a@b.c", "attribs": [1]], "Invalid fields: attribs (must be a JSON object)"),
            (["email": "a@b.c", "status": "bogus"], "Invalid fields: status"),
            (["email": "a@b.c", "name": String(repeating: "n", count: 2001)], "Invalid name."),
        ] as [([String: any Sendable], String)])
    func invalid(body: [String: any Sendable], message: String) async throws {
        try await TestApp.run(.sqlite) { app in
            let admin = try await app.adminHeaders()
            let response = try await app.request(.post, "/api/subscribers", headers: admin, json: body)
            #expect(response.status == .badRequest)
            #expect(response.message == message)
            #expect(try await app.services.stores.subscribers.subscribers(SubscriberQuery()).total == 0)
        }
    }

    @Test("malformed bodies are 400s: lists of strings, not JSON, an array", arguments: TestBackend.enabled)
    func malformed(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            for body in [#"{"email":"a@b.c","lists":["x"]}"#, "{nope", "[1]", ""] {
                var headers = admin
                headers[.contentType] = "application/json"
                let response = try await app.request(.post, "/api/subscribers", headers: headers, body: body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(response.message != nil)
            }
        }
    }

    @Test(
        "listing: paging, list and status filters, search, order, a page past the end", arguments: TestBackend.enabled)
    func listing(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let a = try await app.makeList("A")
            let b = try await app.makeList("B")
            for (index, name) in ["Zoë Ünïcode", "Anna 100%", "Bob", "Carl", "Dora"].enumerated() {
                let lists = index < 3 ? [a.id.rawValue, b.id.rawValue] : [b.id.rawValue]
                _ = try await app.request(
                    .post, "/api/subscribers", headers: admin,
                    json: [
                        "email": "s\(index)@example.com", "name": name, "lists": lists,
                        "preconfirm_subscriptions": index == 0,
                    ])
            }
            func names(_ query: String) async throws -> [String] {
                let page = try await app.request(.get, "/api/subscribers?\(query)", headers: admin).dataObject
                return (page["results"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            }
            #expect(try await names("") == ["Dora", "Carl", "Bob", "Anna 100%", "Zoë Ünïcode"])
            #expect(try await names("order_by=name&order=asc&per_page=2&page=2") == ["Carl", "Dora"])
            // Two lists: each subscriber once (listmonk repeats them, and counts the repeats).
            let both = try await app.request(
                .get, "/api/subscribers?list_id=\(a.id.rawValue)&list_id=\(b.id.rawValue)", headers: admin)
            #expect(both.dataObject["total"] as? Int == 5)
            #expect(try await names("list_id=\(a.id.rawValue)&subscription_status=confirmed") == ["Zoë Ünïcode"])
            // Case-insensitive for ASCII and for lower-case non-ASCII in the data (the databases'
            // LOWER folds only ASCII; the pattern is folded fully).
            #expect(try await names("search=ZO%C3%8B") == ["Zoë Ünïcode"])
            #expect(try await names("search=%25") == ["Anna 100%"])
            #expect(try await names("search=EXAMPLE.COM&per_page=1") == ["Dora"])
            #expect(try await names("list_id=0") == [])
            let past = try await app.request(.get, "/api/subscribers?page=9", headers: admin).dataObject
            #expect(past["total"] as? Int == 5)
            #expect((past["results"] as? [Any])?.isEmpty == true)
            let bad = try await app.request(.get, "/api/subscribers?list_id=x", headers: admin)
            #expect(bad.status == .badRequest)
            #expect(bad.message == "Invalid ID(s)")
            let status = try await app.request(
                .get, "/api/subscribers?list_id=1&subscription_status=bogus", headers: admin)
            #expect(status.status == .badRequest)
        }
    }

    @Test("PUT replaces attributes and subscriptions; PATCH merges and keeps", arguments: TestBackend.enabled)
    func updates(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let a = try await app.makeList("A")
            let b = try await app.makeList("B")
            let created = try await app.request(
                .post, "/api/subscribers", headers: admin,
                json: [
                    "email": "p@example.com", "name": "P", "lists": [a.id.rawValue],
                    "attribs": ["a": 1, "b": ["x": 1]],
                ])
            let id = try #require(created.dataObject["id"] as? Int)

            let patched = try await app.request(
                .patch, "/api/subscribers/\(id)", headers: admin, json: ["attribs": ["b": ["y": 2], "c": "é"]])
            #expect(patched.status == .ok)
            let attributes = patched.dataObject["attribs"] as? [String: Any] ?? [:]
            #expect(attributes["a"] as? Int == 1)
            #expect((attributes["b"] as? [String: Any])?.keys.sorted() == ["y"])
            #expect(patched.dataObject["email"] as? String == "p@example.com")
            #expect((patched.dataObject["lists"] as? [Any])?.count == 1)
            // Keys come out sorted bytewise at every level.
            #expect(patched.body.contains(#""attribs":{"a":1,"b":{"y":2},"c":"é"}"#))

            let put = try await app.request(
                .put, "/api/subscribers/\(id)", headers: admin,
                json: ["email": "P2@example.com", "lists": [b.id.rawValue], "preconfirm_subscriptions": true])
            #expect(put.status == .ok)
            #expect(put.dataObject["email"] as? String == "p2@example.com")
            #expect(put.dataObject["name"] as? String == "P")
            #expect((put.dataObject["attribs"] as? [String: Any])?.isEmpty == true)
            let lists = put.dataObject["lists"] as? [[String: Any]] ?? []
            #expect(lists.map { $0["id"] as? Int } == [b.id.rawValue])
            #expect(lists.first?["subscription_status"] as? String == "confirmed")

            let missingEmail = try await app.request(.put, "/api/subscribers/\(id)", headers: admin, json: [:])
            #expect(missingEmail.status == .badRequest)
            #expect(missingEmail.message == "Invalid email.")

            let blocklisted = try await app.request(
                .patch, "/api/subscribers/\(id)", headers: admin, json: ["status": "blocklisted"])
            let statuses = (blocklisted.dataObject["lists"] as? [[String: Any]] ?? []).map {
                $0["subscription_status"] as? String
            }
            #expect(statuses == ["unsubscribed"])

            let unknown = try await app.request(.patch, "/api/subscribers/99999", headers: admin, json: ["name": "x"])
            #expect(unknown.status == .notFound)
            #expect(unknown.message == "Subscriber (99999: ) not found")

            // Another subscriber's address is a 409 on update too (listmonk answers 500).
            _ = try await app.request(.post, "/api/subscribers", headers: admin, json: ["email": "q@example.com"])
            let taken = try await app.request(
                .patch, "/api/subscribers/\(id)", headers: admin, json: ["email": "Q@example.com"])
            #expect(taken.status == .conflict)
        }
    }

    @Test("delete and blocklist, one and many; listmonk's texts for missing ids", arguments: TestBackend.enabled)
    func deleteAndBlocklist(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let a = try await app.makeList("A")
            var ids: [Int] = []
            for index in 0..<4 {
                let created = try await app.request(
                    .post, "/api/subscribers", headers: admin,
                    json: ["email": "d\(index)@example.com", "lists": [a.id.rawValue]])
                ids.append(try #require(created.dataObject["id"] as? Int))
            }
            #expect(try await app.request(.delete, "/api/subscribers/\(ids[0])", headers: admin).status == .ok)
            #expect(try await app.request(.delete, "/api/subscribers/99999", headers: admin).status == .ok)
            let many = try await app.request(
                .delete, "/api/subscribers?id=\(ids[1])&id=99999", headers: admin)
            #expect(many.status == .ok)
            let none = try await app.request(.delete, "/api/subscribers", headers: admin)
            #expect(none.message == "One or more IDs are invalid: ids")
            let zero = try await app.request(.delete, "/api/subscribers?id=0", headers: admin)
            #expect(zero.message == "One or more IDs are invalid: 0 is not a valid ID")

            #expect(try await app.request(.put, "/api/subscribers/\(ids[2])/blocklist", headers: admin).status == .ok)
            let bulk = try await app.request(
                .put, "/api/subscribers/blocklist", headers: admin, json: ["ids": [ids[3]]])
            #expect(bulk.status == .ok)
            let empty = try await app.request(.put, "/api/subscribers/blocklist", headers: admin, json: ["ids": []])
            #expect(empty.message == "One or more IDs are invalid: ids")

            let remaining = try await app.services.stores.subscribers.subscribers(SubscriberQuery())
            #expect(remaining.items.map(\.status) == [.blocklisted, .blocklisted])
            #expect(remaining.items.flatMap(\.subscriptions).allSatisfy { $0.status == .unsubscribed })
            #expect(try await app.services.stores.lists.list(id: a.id)?.subscriberStatuses == ["unsubscribed": 2])
        }
    }

    @Test(
        "PUT /api/subscribers/lists: add, unsubscribe, remove, and its checks in order", arguments: TestBackend.enabled)
    func subscriptionActions(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let a = try await app.makeList("A")
            let b = try await app.makeList("B")
            let created = try await app.request(
                .post, "/api/subscribers", headers: admin, json: ["email": "l@example.com", "lists": [a.id.rawValue]])
            let id = try #require(created.dataObject["id"] as? Int)
            func statuses() async throws -> [Int: String] {
                let subscriber = try await app.services.stores.subscribers.subscriber(id: SubscriberID(id))
                var result: [Int: String] = [:]
                for subscription in subscriber?.subscriptions ?? [] {
                    result[subscription.list.id.rawValue] = subscription.status.rawValue
                }
                return result
            }
            func change(
                _ body: [String: any Sendable], path: String = "/api/subscribers/lists"
            ) async throws
                -> TestResult
            {
                try await app.request(.put, path, headers: admin, json: body)
            }
            let targets = [a.id.rawValue, b.id.rawValue]
            #expect(try await change(["ids": [id], "action": "add", "target_list_ids": targets]).status == .ok)
            #expect(try await statuses() == [a.id.rawValue: "unconfirmed", b.id.rawValue: "unconfirmed"])
            _ = try await change(["ids": [id], "action": "unsubscribe", "target_list_ids": [b.id.rawValue]])
            #expect(try await statuses()[b.id.rawValue] == "unsubscribed")
            // `add` without a status leaves an existing subscription alone; with one, it changes it.
            _ = try await change(["ids": [id], "action": "add", "target_list_ids": [b.id.rawValue]])
            #expect(try await statuses()[b.id.rawValue] == "unsubscribed")
            _ = try await change(
                ["ids": [id], "action": "add", "target_list_ids": [b.id.rawValue], "status": "confirmed"])
            #expect(try await statuses()[b.id.rawValue] == "confirmed")
            _ = try await change(
                ["ids": [999], "action": "remove", "target_list_ids": [a.id.rawValue]],
                path: "/api/subscribers/lists/\(id)")
            #expect(try await statuses() == [b.id.rawValue: "confirmed"])

            #expect(try await change(["action": "add", "target_list_ids": targets]).message == "No IDs given.")
            #expect(try await change(["ids": [id], "action": "add"]).message == "No lists given.")
            #expect(
                try await change(["ids": [id], "action": "move", "target_list_ids": targets]).message
                    == "Invalid action.")
            let badPath = try await change(
                ["ids": [id], "action": "add", "target_list_ids": targets], path: "/api/subscribers/lists/x")
            #expect(badPath.message == "Invalid ID(s)")
            let badStatus = try await change(
                ["ids": [id], "action": "add", "target_list_ids": targets, "status": "bogus"])
            #expect(badStatus.status == .badRequest)
        }
    }

    @Test("concurrent creates of one address: exactly one succeeds, the rest are 409s", arguments: TestBackend.enabled)
    func concurrentCreates(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        try await app.request(
                            .post, "/api/subscribers", headers: admin,
                            json: ["email": index % 2 == 0 ? "same@example.com" : "SAME@example.com"]
                        ).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == 11)
        }
    }

    @Test("unknown list ids are a 400 naming them, and nothing is written", arguments: TestBackend.enabled)
    func unknownLists(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let list = try await app.makeList("Real")
            let created = try await app.request(
                .post, "/api/subscribers", headers: admin,
                json: ["email": "ghost@example.com", "name": "G", "lists": [-1, list.id.rawValue, 424_242, -1]])
            #expect(created.status == .badRequest)
            #expect(created.message == "Invalid fields: lists (no list with id -1, 424242)")
            #expect(try await app.request(.get, "/api/subscribers", headers: admin).dataObject["total"] as? Int == 0)

            let real = try await app.request(
                .post, "/api/subscribers", headers: admin,
                json: ["email": "real@example.com", "name": "R", "lists": [list.id.rawValue]])
            let id = try #require(real.dataObject["id"] as? Int)
            let update = try await app.request(
                .put, "/api/subscribers/\(id)", headers: admin,
                json: ["email": "real@example.com", "name": "Renamed", "lists": [424_242]])
            #expect(update.status == .badRequest)
            let bulk = try await app.request(
                .put, "/api/subscribers/lists", headers: admin,
                json: ["ids": [id], "action": "add", "target_list_ids": [99], "status": "confirmed"])
            #expect(bulk.status == .badRequest)
            #expect(bulk.message == "Invalid fields: lists (no list with id 99)")
            let after = try await app.request(.get, "/api/subscribers/\(id)", headers: admin)
            #expect(after.dataObject["name"] as? String == "R")
            #expect((after.dataObject["lists"] as? [[String: Any]])?.count == 1)
        }
    }
}
