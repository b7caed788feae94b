import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

/// Per-list access to subscribers, including where Tidings narrows what
/// listmonk widens, and the same answers for a token and for a session (listmonk bug #2306).
@Suite struct SubscriberAccessTests {
    /// Lists A, B, C; subscribers on A, on A and C, on B, and on no list; a restricted caller with
    /// `list:get` + `list:manage` on A only.
    struct World {
        let app: TestApp
        let admin: HTTPFields
        let restricted: HTTPFields
        let a: MailingList
        let b: MailingList
        let c: MailingList
        let onA: Int
        let onAandC: Int
        let onB: Int
        let onNone: Int

        static func make(_ app: TestApp) async throws -> World {
            let admin = try await app.adminHeaders()
            let a = try await app.makeList("A")
            let b = try await app.makeList("B")
            let c = try await app.makeList("C")
            func create(_ email: String, _ lists: [MailingList]) async throws -> Int {
                let response = try await app.request(
                    .post, "/api/subscribers", headers: admin,
                    json: ["email": email, "lists": lists.map(\.id.rawValue)])
                return try #require(response.dataObject["id"] as? Int)
            }
            let listRole = try await app.makeListRole("A only", [(a.id, [.get, .manage])])
            let restricted = try await app.headers(
                holding: [.subscribersGet, .subscribersManage], listRole: listRole.id)
            return World(
                app: app, admin: admin, restricted: restricted, a: a, b: b, c: c,
                onA: try await create("a@example.com", [a]), onAandC: try await create("ac@example.com", [a, c]),
                onB: try await create("b@example.com", [b]), onNone: try await create("none@example.com", []))
        }

        func ids(_ query: String = "", as headers: HTTPFields? = nil) async throws -> [Int] {
            let page = try await app.request(.get, "/api/subscribers?\(query)", headers: headers ?? restricted)
            return (page.dataObject["results"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }.sorted()
        }
    }

    @Test("a caller with list:get on A sees only A's subscribers, other lists masked", arguments: TestBackend.enabled)
    func visibility(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let world = try await World.make(app)
            #expect(try await world.ids() == [world.onA, world.onAandC])
            // Asking for a list it has no grant on narrows to nothing (listmonk widens to all).
            #expect(try await world.ids("list_id=\(world.b.id.rawValue)") == [])
            #expect(
                try await world.ids("list_id=\(world.a.id.rawValue)&list_id=\(world.b.id.rawValue)")
                    == [world.onA, world.onAandC])

            let page = try await app.request(.get, "/api/subscribers?per_page=all", headers: world.restricted)
            let both = (page.dataObject["results"] as? [[String: Any]] ?? []).first {
                $0["id"] as? Int == world.onAandC
            }
            let lists = both?["lists"] as? [[String: Any]] ?? []
            let masked = try #require(lists.first { $0["id"] as? Int == world.c.id.rawValue })
            #expect(masked["name"] as? String == "*Unknown")
            #expect(masked["restricted"] as? Bool == true)
            #expect(masked["description"] == nil)
            let visible = try #require(lists.first { $0["id"] as? Int == world.a.id.rawValue })
            #expect(visible["name"] as? String == "A")
            #expect(visible["restricted"] == nil)
            try ListmonkShapeTests.expectSameShape(
                ours: page.body, sample: "GET_api_subscribers_restricted_user.json",
                optional: ["restricted", "description"])

            // One by one: on A → yes; on B only, or on no list → refused.
            #expect(
                try await app.request(.get, "/api/subscribers/\(world.onA)", headers: world.restricted).status == .ok)
            for id in [world.onB, world.onNone] {
                let refused = try await app.request(.get, "/api/subscribers/\(id)", headers: world.restricted)
                #expect(refused.status == .forbidden)
                #expect(refused.message == "Permission denied: subscriber: \(id)")
            }
            // Activity and bounces (empty until campaigns and bounces exist) follow the same rules.
            let activity = try await app.request(
                .get, "/api/subscribers/\(world.onA)/activity", headers: world.restricted)
            #expect(activity.body == #"{"data":{"campaign_views":[],"link_clicks":[]}}"# + "\n")
            #expect(
                try await app.request(.get, "/api/subscribers/\(world.onB)/activity", headers: world.restricted).status
                    == .forbidden)
            let bounces = try await app.request(.get, "/api/subscribers/\(world.onA)/bounces", headers: world.admin)
            #expect(bounces.body == #"{"data":[]}"# + "\n")
            #expect(
                try await app.request(.get, "/api/subscribers/\(world.onA)/bounces", headers: world.restricted).status
                    == .forbidden)  // no bounces:get
            // An id that does not exist passes the check and is then not found.
            #expect(
                try await app.request(.get, "/api/subscribers/99999", headers: world.restricted).status == .notFound)

            // The Super Admin sees everyone, unmasked.
            #expect(
                try await world.ids(as: world.admin) == [world.onA, world.onAandC, world.onB, world.onNone].sorted())

            // subscribers:get_all without list grants: every subscriber, every list masked.
            let everyone = try await app.headers(holding: [.subscribersGetAll])
            #expect(try await world.ids(as: everyone).count == 4)
        }
    }

    @Test("writes touch only lists the caller may manage", arguments: TestBackend.enabled)
    func writes(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let world = try await World.make(app)
            let onlyC = try await app.request(
                .post, "/api/subscribers", headers: world.restricted,
                json: ["email": "new@example.com", "lists": [world.c.id.rawValue]])
            #expect(onlyC.status == .forbidden)
            #expect(onlyC.message == "Permission denied: lists")
            let mixed = try await app.request(
                .post, "/api/subscribers", headers: world.restricted,
                json: ["email": "new@example.com", "lists": [world.a.id.rawValue, world.c.id.rawValue]])
            #expect(
                (mixed.dataObject["lists"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [
                    world.a.id.rawValue
                ])

            // PUT with no lists removes the subscriptions the caller manages, and only those.
            let put = try await app.request(
                .put, "/api/subscribers/\(world.onAandC)", headers: world.restricted,
                json: ["email": "ac@example.com", "lists": []])
            #expect(put.status == .ok)
            let left = try await app.services.stores.subscribers.subscriber(id: SubscriberID(world.onAandC))
            #expect(left?.subscriptions.map(\.list.id) == [world.c.id])

            // Acting on a subscriber outside its lists, or adding to a list it cannot manage.
            let blocklist = try await app.request(
                .put, "/api/subscribers/\(world.onB)/blocklist", headers: world.restricted)
            #expect(blocklist.status == .forbidden)
            let delete = try await app.request(
                .delete, "/api/subscribers?id=\(world.onA)&id=\(world.onB)", headers: world.restricted)
            #expect(delete.status == .forbidden)
            #expect(try await app.services.stores.subscribers.subscriber(id: SubscriberID(world.onA)) != nil)
            let add = try await app.request(
                .put, "/api/subscribers/lists", headers: world.restricted,
                json: ["ids": [world.onA], "action": "add", "target_list_ids": [world.c.id.rawValue]])
            #expect(add.status == .forbidden)
            #expect(add.message == "Permission denied: lists")
        }
    }

    @Test(
        "PUT /api/subscribers/lists answers a token and a session alike (listmonk #2306)",
        arguments: TestBackend.enabled)
    func tokenAndSession(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let world = try await World.make(app)
            let role = try await app.services.roles.createUserRole(
                name: "subscriber managers", permissions: ["subscribers:get", "subscribers:manage"], by: nil)
            let listRole = try await app.makeListRole("A managers", [(world.a.id, [.get, .manage])])
            try await app.makeLoginUser("browser", role: role.id, listRole: listRole.id)
            let (api, token) = try await app.makeAPIUser("script", role: role.id, listRole: listRole.id)
            let session = HTTPFields.session(try await app.sessionID("browser"))
            for (name, headers) in [("token", HTTPFields.basic(api.username, token)), ("session", session)] {
                let allowed = try await app.request(
                    .put, "/api/subscribers/lists", headers: headers,
                    json: ["ids": [world.onA], "action": "unsubscribe", "target_list_ids": [world.a.id.rawValue]])
                #expect(allowed.status == .ok, "\(name)")
                let refused = try await app.request(
                    .put, "/api/subscribers/lists", headers: headers,
                    json: ["ids": [world.onB], "action": "unsubscribe", "target_list_ids": [world.a.id.rawValue]])
                #expect(refused.status == .forbidden, "\(name)")
                #expect(refused.message == "Permission denied: subscriber: \(world.onB)", "\(name)")
            }
        }
    }
}
