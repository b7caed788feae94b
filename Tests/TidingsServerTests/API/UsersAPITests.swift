import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

/// `/api/users` and `/api/profile`, with the fixes Tidings makes.
@Suite struct UsersAPITests {
    @Test(
        "creating an API user returns its token once, in data.password; reads never show it",
        arguments: TestBackend.enabled)
    func apiUserTokenOnce(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let created = try await app.request(
                .post, "/api/users", headers: admin,
                json: ["username": "shop", "type": "api", "status": "enabled", "user_role_id": 1, "email": "x@y.z"])
            #expect(created.status == .ok)
            let token = try #require(created.dataObject["password"] as? String)
            #expect(token.hasPrefix("tdg_") && token.count == 50)
            #expect(created.dataObject["email"] is NSNull)
            #expect(created.dataObject["password_login"] as? Bool == true)
            #expect(created.dataObject["type"] as? String == "api")
            let id = try #require(created.dataObject["id"] as? Int)
            let one = try await app.request(.get, "/api/users/\(id)", headers: admin)
            #expect(one.dataObject["password"] is NSNull)
            let all = try await app.request(.get, "/api/users", headers: admin)
            #expect(!all.body.contains(token))
            #expect(!all.body.contains(String(token.suffix(30))))
            let works = try await app.request(.get, "/api/lists", headers: .basic("shop", token))
            #expect(works.status == .ok)
        }
    }

    @Test("a login user is created with a lower-cased e-mail and can log in", arguments: TestBackend.enabled)
    func createLoginUser(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let created = try await app.request(
                .post, "/api/users", headers: admin,
                json: [
                    "username": "alice", "email": " Alice@Example.COM ", "password": "long enough",
                    "password_login": true,
                    "type": "user", "status": "enabled", "user_role_id": 1, "name": "",
                ])
            #expect(created.status == .ok)
            #expect(created.dataObject["email"] as? String == "alice@example.com")
            #expect(created.dataObject["name"] as? String == "alice")
            #expect(created.dataObject["password"] is NSNull)
            _ = try await app.sessionID("alice", password: "long enough")
        }
    }

    @Test(
        "invalid user input is a 400 naming the field, and creates nothing",
        arguments: [
            (["username": "ab", "type": "api", "user_role_id": 1], "username"),
            (["username": "bad name!", "type": "api", "user_role_id": 1], "username"),
            (["username": String(repeating: "a", count: 2001), "type": "api", "user_role_id": 1], "username"),
            (["username": "alice", "type": "user", "email": "Alice <a@b.c>", "user_role_id": 1], "email"),
            (["username": "alice", "type": "user", "email": "", "user_role_id": 1], "email"),
            (
                [
                    "username": "alice", "type": "user", "email": "a@b.c", "password_login": true, "password": "short",
                    "user_role_id": 1,
                ], "password"
            ),
            (["username": "alice", "type": "robot", "user_role_id": 1], "type"),
            (["username": "alice", "type": "api", "status": "sleeping", "user_role_id": 1], "status"),
            (["username": "alice", "type": "api", "user_role_id": 999], "user_role_id"),
            (["username": "alice", "type": "api"], "user_role_id"),
            (["username": "alice", "type": "api", "user_role_id": 1, "list_role_id": 999], "list_role_id"),
        ] as [([String: any Sendable], String)])
    func invalidUsers(body: [String: any Sendable], field: String) async throws {
        try await TestApp.run(.sqlite) { app in
            let admin = try await app.adminHeaders()
            let before = try await app.services.users.users().count
            let response = try await app.request(.post, "/api/users", headers: admin, json: body)
            #expect(response.status == .badRequest)
            #expect(response.code == "invalid_fields")
            #expect(response.object["field"] as? String == field)
            #expect(try await app.services.users.users().count == before)
        }
    }

    @Test("wrong JSON types and malformed JSON are 400s", arguments: TestBackend.enabled)
    func badJSON(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let before = try await app.services.users.users().count
            let typed = try await app.request(
                .post, "/api/users", headers: admin, json: ["username": 5, "type": "api", "user_role_id": 1])
            #expect(typed.status == .badRequest)
            #expect(typed.message?.contains("username") == true)
            var headers = admin
            headers[.contentType] = "application/json"
            let broken = try await app.request(.post, "/api/users", headers: headers, body: "{\"username\": ")
            #expect(broken.status == .badRequest)
            #expect(broken.code == "invalid_json")
            let array = try await app.request(.post, "/api/users", headers: admin, json: [1, 2])
            #expect(array.status == .badRequest)
            headers[.contentType] = "text/plain"
            let plain = try await app.request(.post, "/api/users", headers: headers, body: "{}")
            #expect(plain.status == .unsupportedMediaType)
            #expect(try await app.services.users.users().count == before)
        }
    }

    @Test("a taken username or e-mail is a 409 and changes nothing", arguments: TestBackend.enabled)
    func duplicates(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            try await app.makeLoginUser("alice")
            let before = try await app.services.users.users().count
            let sameName = try await app.request(
                .post, "/api/users", headers: admin, json: ["username": "alice", "type": "api", "user_role_id": 1])
            #expect(sameName.status == .conflict)
            #expect(sameName.object["field"] as? String == "username")
            let sameMail = try await app.request(
                .post, "/api/users", headers: admin,
                json: ["username": "alice2", "type": "user", "email": "ALICE@example.com", "user_role_id": 1])
            #expect(sameMail.status == .conflict)
            #expect(sameMail.object["field"] as? String == "email")
            #expect(try await app.services.users.users().count == before)
        }
    }

    @Test(
        "updating: empty fields keep values, empty name becomes the username, list_role_id rules",
        arguments: TestBackend.enabled)
    func update(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let list = try await app.makeList("A")
            let listRole = try await app.makeListRole("readers", [(list.id, [.get])])
            let role = try await app.services.roles.createUserRole(
                name: "staff", permissions: ["lists:get_all"], by: nil)
            let alice = try await app.makeLoginUser("alice", role: role.id, listRole: listRole.id)
            let keep = try await app.request(
                .put, "/api/users/\(alice.id)", headers: admin,
                json: ["name": "", "email": "", "list_role_id": 0, "status": ""])
            #expect(keep.status == .ok)
            #expect(keep.dataObject["name"] as? String == "alice")
            #expect(keep.dataObject["email"] as? String == "alice@example.com")
            #expect(keep.dataObject["list_role_id"] as? Int == listRole.id.rawValue)
            #expect((keep.dataObject["list_role"] as? [String: Any])?["name"] as? String == "readers")
            let remove = try await app.request(.put, "/api/users/\(alice.id)", headers: admin, json: ["name": "Alice"])
            #expect(remove.dataObject["list_role"] is NSNull)
            #expect(remove.dataObject["list_role_id"] == nil)
            #expect(remove.dataObject["name"] as? String == "Alice")
            let missing = try await app.request(.put, "/api/users/9999", headers: admin, json: ["name": "x"])
            #expect(missing.status == .notFound)
            let typeChange = try await app.request(
                .put, "/api/users/\(alice.id)", headers: admin, json: ["type": "api"])
            #expect(typeChange.status == .badRequest)
        }
    }

    @Test("the last enabled Super Admin can be neither disabled, demoted nor deleted", arguments: TestBackend.enabled)
    func lastSuperAdmin(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let root = try await app.makeLoginUser("root")
            let role = try await app.services.roles.createUserRole(name: "staff", permissions: [], by: nil)
            let disable = try await app.request(
                .put, "/api/users/\(root.id)", headers: admin, json: ["status": "disabled"])
            #expect(disable.status == .badRequest)
            #expect(
                disable.message == "User(s) couldn't be updated. There has to be at least one active Super Admin user.")
            let demote = try await app.request(
                .put, "/api/users/\(root.id)", headers: admin, json: ["user_role_id": role.id.rawValue])
            #expect(demote.status == .badRequest)
            let delete = try await app.request(.delete, "/api/users/\(root.id)", headers: admin)
            #expect(delete.status == .badRequest)
            #expect(try await app.services.users.user(root.id).status == .enabled)
            try await app.makeLoginUser("second")
            #expect(try await app.request(.delete, "/api/users/\(root.id)", headers: admin).status == .ok)
        }
    }

    @Test("bulk delete removes every listed user (listmonk deletes at most one)", arguments: TestBackend.enabled)
    func bulkDelete(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let one = try await app.makeAPIUser("one").user
            let two = try await app.makeAPIUser("two").user
            let bad = try await app.request(.delete, "/api/users?id=x", headers: admin)
            #expect(bad.status == .badRequest)
            #expect(bad.message == "Invalid ID(s)")
            let none = try await app.request(.delete, "/api/users", headers: admin)
            #expect(none.status == .badRequest)
            let ok = try await app.request(.delete, "/api/users?id=\(one.id)&id=\(two.id)", headers: admin)
            #expect(ok.status == .ok)
            let names = try await app.services.users.users().map(\.username)
            #expect(!names.contains("one") && !names.contains("two"))
            #expect(try await app.request(.get, "/api/users/\(one.id)", headers: admin).status == .notFound)
        }
    }

    @Test("deleting an API user stops its token on the next request", arguments: TestBackend.enabled)
    func deleteStopsToken(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let (user, token) = try await app.makeAPIUser("shop")
            #expect(try await app.request(.get, "/api/health", headers: .bearer(token)).status == .ok)
            #expect(try await app.request(.delete, "/api/users/\(user.id)", headers: admin).status == .ok)
            let after = try await app.request(.get, "/api/health", headers: .bearer(token))
            #expect(after.code == "invalid_credentials")
        }
    }

    @Test("a password change by an admin ends the user's sessions", arguments: TestBackend.enabled)
    func passwordChangeEndsSessions(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let alice = try await app.makeLoginUser("alice")
            let session = try await app.sessionID("alice")
            let change = try await app.request(
                .put, "/api/users/\(alice.id)", headers: admin, json: ["password": "brand new password"])
            #expect(change.status == .ok)
            #expect(try await app.request(.get, "/api/profile", headers: .session(session)).status == .unauthorized)
            _ = try await app.sessionID("alice", password: "brand new password")
        }
    }

    @Test("users:manage without Super Admin cannot hand out the Super Admin role", arguments: TestBackend.enabled)
    func noEscalation(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let manager = try await app.headers(holding: [.usersManage, .usersGet])
            let response = try await app.request(
                .post, "/api/users", headers: manager, json: ["username": "evil", "type": "api", "user_role_id": 1])
            #expect(response.status == .forbidden)
            #expect(try await app.services.users.users().allSatisfy { $0.username != "evil" })
        }
    }

    @Test("the profile: read, rename, and a password change that needs the current one", arguments: TestBackend.enabled)
    func profile(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice", password: "old password")
            let session = try await app.sessionID("alice", password: "old password")
            let other = try await app.sessionID("alice", password: "old password")
            let headers = HTTPFields.session(session)
            let renamed = try await app.request(.put, "/api/profile", headers: headers, json: ["name": "Alice A."])
            #expect(renamed.dataObject["name"] as? String == "Alice A.")
            let noCurrent = try await app.request(
                .put, "/api/profile", headers: headers, json: ["password": "new password 1"])
            #expect(noCurrent.status == .badRequest)
            #expect(noCurrent.object["field"] as? String == "current_password")
            let wrong = try await app.request(
                .put, "/api/profile", headers: headers,
                json: ["password": "new password 1", "current_password": "not it"])
            #expect(wrong.status == .badRequest)
            let right = try await app.request(
                .put, "/api/profile", headers: headers,
                json: ["password": "new password 1", "current_password": "old password"])
            #expect(right.status == .ok)
            #expect(try await app.request(.get, "/api/profile", headers: headers).status == .ok)
            #expect(try await app.request(.get, "/api/profile", headers: .session(other)).status == .unauthorized)
        }
    }

    @Test("an API user's profile has no password to set", arguments: TestBackend.enabled)
    func apiUserProfile(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let (_, token) = try await app.makeAPIUser("shop")
            let profile = try await app.request(.get, "/api/profile", headers: .bearer(token))
            #expect(profile.dataObject["username"] as? String == "shop")
            let change = try await app.request(
                .put, "/api/profile", headers: .bearer(token), json: ["password": "whatever123"])
            #expect(change.status == .badRequest)
            #expect(try await app.request(.get, "/api/health", headers: .bearer(token)).status == .ok)
        }
    }
}

@Suite struct OversizedInputTests {
    @Test("a body over the limit is a 413 JSON error and creates nothing")
    func hugeBody() async throws {
        try await TestApp.run(.sqlite) { app in
            let admin = try await app.adminHeaders()
            let name = String(repeating: "x", count: 2 << 20)
            let response = try await app.request(.post, "/api/lists", headers: admin, json: ["name": name])
            #expect(response.status == .contentTooLarge)
            #expect(response.code == "payload_too_large")
            #expect(try await app.services.stores.lists.lists(ListQuery()).total == 0)
        }
    }

    @Test("a huge Authorization header is refused without a crash")
    func hugeHeader() async throws {
        try await TestApp.run(.sqlite) { app in
            let response = try await app.request(
                .get, "/api/health", headers: [.authorization: "Bearer " + String(repeating: "a", count: 6000)])
            #expect(response.status == .unauthorized)
            #expect(response.code == "credentials_malformed")
        }
    }

    @Test("users and subscribers refuse the same malformed e-mail addresses", arguments: TestBackend.enabled)
    func emailRule(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            for email in ["=cmd|x@[", "a@b|c.d", "a(b)@c.d"] {
                let user = try await app.request(
                    .post, "/api/users", headers: admin,
                    json: [
                        "username": "u\(email.hashValue & 0xFFFF)", "email": email, "password": "long enough",
                        "password_login": true, "type": "user", "status": "enabled", "user_role_id": 1,
                    ])
                #expect(user.status == .badRequest, "\(email)")
                #expect(user.message == "Invalid fields: email", "\(email)")
                let subscriber = try await app.request(
                    .post, "/api/subscribers", headers: admin, json: ["email": email, "name": "X"])
                #expect(subscriber.status == .badRequest, "\(email)")
            }
            #expect(try await app.services.users.users().allSatisfy { $0.email?.contains("|") != true })
            let total = try await app.request(.get, "/api/subscribers", headers: admin).dataObject["total"] as? Int
            #expect(total == 0)
        }
    }
}
