import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsTestSupport

@testable import TidingsServer

/// The users pages: creating, editing, disabling and deleting users.
@Suite struct AdminUsersPagesTests {
    @Test("the new-user form chooses no role for you, and refuses a user without one", arguments: TestBackend.enabled)
    func noRoleByDefault(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            let browser = try await AdminBrowser.signIn(app, as: "alice")
            let form = try await browser.get("/admin/users/new")
            #expect(form.body.contains("<option value=\"\">Choose a role</option>"))
            #expect(!form.body.contains(" selected>Super Admin</option>"))
            let refused = try await browser.post("/admin/users/new", [("type", "api"), ("username", "shop")])
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("Choose a user role."))
            #expect(try await app.services.users.users().map(\.username) == ["alice"])
        }
    }

    @Test("the new-user form shows each error at its field and keeps what was typed", arguments: TestBackend.enabled)
    func newUserErrors(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            let browser = try await AdminBrowser.signIn(app, as: "alice")
            let wrongLogin = try await app.request(
                .post, "/admin/login",
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "tidings_nonce=x"],
                body: "username=%3Cb%3Ebob&password=nope&nonce=x")
            #expect(wrongLogin.body.contains("value=\"&lt;b&gt;bob\""))  // typed name kept, escaped
            let short = try await browser.post(
                "/admin/users/new",
                [
                    ("type", "user"), ("username", "bob"), ("email", "bob@example.com"), ("password", "short"),
                    ("user_role_id", "1"),
                ])
            #expect(short.status == .badRequest)
            #expect(short.body.contains("id=\"password-error\""))
            #expect(short.body.contains("value=\"bob@example.com\""))
            #expect(!short.body.contains("value=\"short\""))  // a password is never echoed
            let taken = try await browser.post(
                "/admin/users/new", [("type", "api"), ("username", "alice"), ("user_role_id", "1")])
            #expect(taken.status == .badRequest)
            #expect(taken.body.contains("id=\"username-error\""))
            let noRole = try await browser.post(
                "/admin/users/new", [("type", "api"), ("username", "x"), ("user_role_id", "")])
            #expect(noRole.status == .badRequest && noRole.body.contains("Choose a user role."))
            let unicode = try await browser.post(
                "/admin/users/new", [("type", "api"), ("username", "<script>ünï</script>"), ("user_role_id", "1")])
            #expect(!unicode.body.contains("<script>ünï"))
            #expect(try await app.services.users.users().map(\.username) == ["alice"])

            // A login user: created, and the list says so.
            let created = try await browser.post(
                "/admin/users/new",
                [
                    ("type", "user"), ("username", "bob"), ("email", "bob@example.com"), ("password", "long enough pw"),
                    ("user_role_id", "1"),
                ])
            #expect(created.status == .seeOther)
            let list = try await browser.get(try #require(created.headers[.location]))
            #expect(list.body.contains("Created the login user bob."))
        }
    }

    @Test("edit, disable (ends the user's sessions at once), enable and delete a user", arguments: TestBackend.enabled)
    func editUser(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            let bob = try await app.makeLoginUser("bob")
            let admin = try await AdminBrowser.signIn(app, as: "alice")
            let bobsBrowser = try await AdminBrowser.signIn(app, as: "bob")
            let path = "/admin/users/\(bob.id.rawValue)"

            let form = try await admin.get("\(path)/edit")
            #expect(form.status == .ok && form.body.contains("value=\"bob@example.com\""))
            let bad = try await admin.post(
                "\(path)/edit", [("username", "bob"), ("email", "not-an-address"), ("user_role_id", "1")])
            #expect(bad.status == .badRequest && bad.body.contains("id=\"email-error\""))
            let saved = try await admin.post(
                "\(path)/edit",
                [("username", "bob"), ("name", "Bob Builder"), ("email", "b@example.com"), ("user_role_id", "1")])
            #expect(saved.status == .seeOther)
            #expect(try await app.services.users.user(bob.id).name == "Bob Builder")
            #expect(try await bobsBrowser.get("/admin").status == .ok)  // no new password: the session lives

            #expect(try await admin.post("\(path)/status", [("status", "disabled")]).status == .seeOther)
            #expect(try await app.services.users.user(bob.id).status == .disabled)
            #expect(try await bobsBrowser.get("/admin").status == .seeOther)  // signed out at once
            #expect(try await admin.post("\(path)/status", [("status", "enabled")]).status == .seeOther)
            #expect(try await app.services.users.user(bob.id).status == .enabled)

            let alice = try #require(try await app.services.users.users().first { $0.username == "alice" })
            #expect(
                try await admin.post("/admin/users/\(alice.id.rawValue)/status", [("status", "disabled")]).status
                    == .badRequest)
            #expect(try await admin.post("/admin/users/\(alice.id.rawValue)/delete", []).status == .badRequest)

            let confirm = try await admin.get("\(path)/delete")
            #expect(confirm.status == .ok && confirm.body.contains("Delete bob?"))
            #expect(try await app.services.users.users().count == 2)  // asking changes nothing
            #expect(try await admin.post("\(path)/delete", []).status == .seeOther)
            #expect(try await app.services.users.users().map(\.username) == ["alice"])
            #expect(try await admin.get("\(path)/edit").status == .notFound)
        }
    }
}
