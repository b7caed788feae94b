import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsTestSupport

@testable import TidingsServer

/// The admin UI over HTTP: the gate in front of every page (session, CSRF, origin, permission),
/// the headers every page carries, and the users and tokens pages. The browser walk is in
/// Tests/Browser; these are the edges a browser would not send.
@Suite struct AdminPagesTests {
    /// A signed-in browser: its cookie, and the CSRF token its pages carry.
    struct Browser {
        let app: TestApp
        let cookie: String
        let csrf: String

        static func signIn(
            _ app: TestApp, as username: String, password: String = "password-123"
        ) async throws -> Browser {
            let session = try await app.sessionID(username, password: password)
            let home = try await app.request(.get, "/admin/profile", headers: [.cookie: "session=\(session)"])
            let csrf = try #require(
                home.body.components(separatedBy: "name=\"_csrf\" value=\"").dropFirst().first?.prefix { $0 != "\"" })
            return Browser(app: app, cookie: "session=\(session)", csrf: String(csrf))
        }

        func get(_ path: String) async throws -> TestResult {
            try await app.request(.get, path, headers: [.cookie: cookie])
        }

        /// A form post from our own origin; `csrf: nil` leaves the token out.
        func post(
            _ path: String, _ fields: [(String, String)], csrf: String? = "", origin: String = "http://127.0.0.1:9000"
        )
            async throws -> TestResult
        {
            var all = fields
            if let csrf { all.append(("_csrf", csrf.isEmpty ? self.csrf : csrf)) }
            let body = all.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                .joined(separator: "&")
            return try await app.request(
                .post, path,
                headers: [.cookie: cookie, .origin: origin, .contentType: "application/x-www-form-urlencoded"],
                body: body)
        }
    }

    @Test("signed out: every admin page sends you to the login form, keeping where you were going")
    func signedOut() async throws {
        try await TestApp.run(.sqlite) { app in
            for path in [
                "/admin", "/admin/users?page=2", "/admin/users/1/tokens", "/admin/nowhere", "/admin/lists/5/x",
            ] {
                let response = try await app.request(.get, path)
                #expect(response.status == .seeOther, "\(path)")
                let location = try #require(response.headers[.location])
                #expect(location.hasPrefix("/admin/login?next="))
                #expect(location.removingPercentEncoding == "/admin/login?next=\(path)")
            }
            let post = try await app.request(.post, "/admin/users/new", body: "username=x")
            #expect(post.status == .seeOther)
            #expect(try await app.services.users.users().isEmpty)
        }
    }

    @Test("every page carries a strict CSP, nosniff, a referrer policy and no-store; assets are served")
    func headers() async throws {
        try await TestApp.run(.sqlite) { app in
            try await app.makeLoginUser("alice")
            let browser = try await Browser.signIn(app, as: "alice")
            for path in [
                "/admin", "/admin/users", "/admin/users/new", "/admin/audit", "/admin/profile", "/admin/profile/twofa",
                "/admin/lists", "/admin/lists/new", "/admin/subscribers", "/admin/subscribers/new",
                "/admin/subscribers/import", "/admin/roles",
                "/admin/roles/users/new", "/admin/roles/lists/new",
                "/admin/nowhere",
            ] {
                let page = try await browser.get(path)
                let policy = try #require(page.headers[.contentSecurityPolicy], "\(path)")
                #expect(policy.contains("script-src 'self';"))
                #expect(policy.contains("style-src 'self';"))
                #expect(policy.contains("frame-ancestors 'none'"))
                #expect(!policy.contains("unsafe-inline"))
                #expect(page.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
                #expect(page.headers[.cacheControl] == "no-store")
                #expect(
                    !page.body.contains("<script>") && !page.body.contains(" style=") && !page.body.contains("onclick"))
                // Every form carries the CSRF token; every visible input has a label.
                let forms = page.body.components(separatedBy: "<form method=\"post\"").count - 1
                #expect(page.body.components(separatedBy: "name=\"_csrf\"").count - 1 == forms, "\(path)")
                for id in Self.inputIDs(page.body) { #expect(page.body.contains("for=\"\(id)\""), "\(path) #\(id)") }
            }
            for path in ["/admin/nowhere", "/admin/lists/5", "/admin/users/1/tokens/x/y"] {
                let missing = try await browser.get(path)
                #expect(missing.status == .notFound, "\(path)")
                #expect(missing.body.contains("There is no such page"), "\(path)")
            }
            let css = try await app.request(.get, "/admin/static/tidings.css")
            #expect(css.status == .ok && css.headers[.contentType]?.hasPrefix("text/css") == true)
            #expect(css.body.contains(":focus-visible"))
            let js = try await app.request(.get, "/admin/static/tidings.js")
            #expect(js.status == .ok && js.body.contains("data-copy"))
        }
    }

    /// The ids of the inputs, selects and textareas a person fills in.
    static func inputIDs(_ html: String) -> [String] {
        html.components(separatedBy: " id=\"").dropFirst().compactMap { rest -> String? in
            let id = String(rest.prefix { $0 != "\"" })
            let before = html.components(separatedBy: " id=\"\(id)\"").first ?? ""
            let tag = before.components(separatedBy: "<").last ?? ""
            return ["input", "select", "textarea"].contains { tag.hasPrefix($0) } ? id : nil
        }
    }

    @Test(
        "a form without the session's CSRF token, or from another origin, changes nothing",
        arguments: TestBackend.enabled)
    func csrf(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            let browser = try await Browser.signIn(app, as: "alice")
            let fields = [("type", "api"), ("username", "forged"), ("user_role_id", "1")]
            let missing = try await browser.post("/admin/users/new", fields, csrf: nil)
            #expect(missing.status == .forbidden)
            #expect(missing.body.contains("This form has expired"))
            let other = try await Browser.signIn(app, as: "alice")  // another session's token
            #expect(other.csrf != browser.csrf)
            #expect(try await browser.post("/admin/users/new", fields, csrf: other.csrf).status == .forbidden)
            let crossSite = try await browser.post("/admin/users/new", fields, origin: "https://evil.example")
            #expect(crossSite.status == .forbidden)
            #expect(try await app.services.users.users().map(\.username) == ["alice"])
            // The same form with the token works.
            #expect(try await browser.post("/admin/users/new", fields).status == .ok)
            #expect(try await app.services.users.users().map(\.username).sorted() == ["alice", "forged"])
            // Logging out ends the session on the server: its cookie opens nothing afterwards.
            #expect(try await browser.post("/admin/logout", []).status == .seeOther)
            #expect(try await browser.get("/admin").status == .seeOther)
        }
    }

    @Test("a narrow role sees no Users link and gets a 403 page, not the data", arguments: TestBackend.enabled)
    func permissions(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let role = try await app.services.roles.createUserRole(
                name: "readers", permissions: ["lists:get_all"], by: nil)
            try await app.makeLoginUser("reader", role: role.id)
            let (shop, _) = try await app.makeAPIUser("shop")
            let browser = try await Browser.signIn(app, as: "reader")
            let home = try await browser.get("/admin")
            #expect(!home.body.contains("href=\"/admin/users\""))
            for path in ["/admin/users", "/admin/users/new", "/admin/users/\(shop.id.rawValue)/tokens"] {
                let page = try await browser.get(path)
                #expect(page.status == .forbidden, "\(path)")
                #expect(!page.body.contains("shop"), "\(path)")
            }
            let revoke = try await browser.post("/admin/users/\(shop.id.rawValue)/tokens/revoke-all", [])
            #expect(revoke.status == .forbidden)
            #expect(try await app.services.tokens.tokens(of: shop.id, by: nil).allSatisfy { $0.revokedAt == nil })

            // users:get without users:manage: the list, but no button that would lead to a 403.
            let viewerRole = try await app.services.roles.createUserRole(
                name: "viewers", permissions: ["users:get"], by: nil)
            try await app.makeLoginUser("viewer", role: viewerRole.id)
            let viewer = try await Browser.signIn(app, as: "viewer")
            let users = try await viewer.get("/admin/users")
            #expect(users.status == .ok && users.body.contains("shop"))
            #expect(!users.body.contains("/admin/users/new"))
            // A Super Admin's tokens are not the viewer's to see; a weaker user's are.
            #expect(try await viewer.get("/admin/users/\(shop.id.rawValue)/tokens").status == .forbidden)
            let (bot, _) = try await app.makeAPIUser("bot", role: viewerRole.id)
            let tokens = try await viewer.get("/admin/users/\(bot.id.rawValue)/tokens")
            #expect(tokens.status == .ok)
            // No rotate, revoke or create forms: the only form is the header's logout.
            #expect(tokens.body.components(separatedBy: "<form").count == 2)
        }
    }

    @Test("every admin route that needs a permission refuses a user without it, before its handler runs")
    func everyRouteChecksItsPermission() async throws {
        try await TestApp.run(.sqlite) { app in
            let role = try await app.services.roles.createUserRole(name: "nothing", permissions: [], by: nil)
            try await app.makeLoginUser("nobody", role: role.id)
            let (shop, _) = try await app.makeAPIUser("shop")
            let token = try #require(try await app.services.tokens.tokens(of: shop.id, by: nil).first)
            let browser = try await Browser.signIn(app, as: "nobody")
            let http = HTTPEdges(configuration: app.services.configuration)
            let routes = adminRoutes(services: app.services, http: http).filter { !$0.anyOf.isEmpty }
            #expect(routes.count >= 7)
            for route in routes {
                let path =
                    "/admin/"
                    + route.path.replacingOccurrences(of: ":id", with: "\(shop.id.rawValue)")
                    .replacingOccurrences(of: ":token_id", with: token.keyID)
                let response =
                    route.method == .post ? try await browser.post(path, [("name", "x")]) : try await browser.get(path)
                #expect(response.status == .forbidden, "\(route.method) \(path)")
                #expect(response.body.contains("You do not have permission"), "\(path)")
            }
            #expect(try await app.services.tokens.tokens(of: shop.id, by: nil).count == 1)
        }
    }

    @Test("the new-user form shows each error at its field and keeps what was typed", arguments: TestBackend.enabled)
    func newUserErrors(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            let browser = try await Browser.signIn(app, as: "alice")
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

    @Test(
        "tokens: create with scopes and networks, rotate with grace, revoke; bad input re-renders the form",
        arguments: TestBackend.enabled)
    func tokens(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            let (shop, first) = try await app.makeAPIUser("shop")
            let browser = try await Browser.signIn(app, as: "alice")
            let path = "/admin/users/\(shop.id.rawValue)/tokens"

            let bad = try await browser.post(path, [("name", "ci"), ("cidrs", "not-a-network")])
            #expect(bad.status == .badRequest)
            #expect(bad.body.contains("role=\"alert\""))
            #expect(bad.body.contains(">not-a-network</textarea>"))
            let tooLong = try await browser.post(path, [("name", "ci"), ("expires_days", "99999")])
            #expect(tooLong.status == .badRequest)

            let news = try await app.makeList("News")
            let created = try await browser.post(
                path,
                [
                    ("name", "ci"), ("expires_days", "7"), ("cidrs", "10.0.0.0/8\r\n2001:db8::/32"),
                    ("scopes", "lists:get_all"), ("token_lists", "\(news.id.rawValue)"),
                ])
            #expect(created.status == .ok)
            let secret = try #require(Self.secret(in: created.body))
            let token = try #require(
                try await app.services.tokens.tokens(of: shop.id, by: nil).first { $0.name == "ci" })
            #expect(token.scopes == [.listsGetAll])
            #expect(token.allowedCIDRs == ["10.0.0.0/8", "2001:db8::/32"])
            #expect(token.lists == [news.id])
            #expect(abs((token.expiresAt ?? .distantPast).timeIntervalSinceNow - 7 * 86_400) < 120)
            #expect(secret.hasPrefix("tdg_"))
            let listed = try await browser.get(path)
            #expect(!listed.body.contains(secret) && !listed.body.contains(first))
            #expect(listed.body.contains("expires soon"))  // 7 days is inside the warning window

            let rotated = try await browser.post("\(path)/\(token.keyID)/rotate", [("grace_seconds", "3600")])
            #expect(rotated.status == .ok)
            #expect(rotated.body.contains("previous secret keeps working"))
            let badGrace = try await browser.post("\(path)/\(token.keyID)/rotate", [("grace_seconds", "99999999")])
            #expect(badGrace.status == .badRequest)
            let unknown = try await browser.post("\(path)/\(String(repeating: "A", count: 20))/rotate", [])
            #expect(unknown.status == .notFound)

            let revoked = try await browser.post("\(path)/\(token.keyID)/revoke", [])
            #expect(revoked.status == .seeOther)
            #expect(try await app.services.tokens.token(token.keyID, of: shop.id).revokedAt != nil)
            let all = try await browser.post("\(path)/revoke-all", [])
            #expect(all.status == .seeOther)
            #expect(try await app.services.tokens.tokens(of: shop.id, by: nil).allSatisfy { $0.revokedAt != nil })
            let rotateRevoked = try await browser.post("\(path)/\(token.keyID)/rotate", [])
            #expect(rotateRevoked.status == .badRequest)

            // Not an API user, or no user at all: no tokens page.
            let alice = try #require(try await app.services.users.users().first { $0.username == "alice" })
            #expect(try await browser.get("/admin/users/\(alice.id.rawValue)/tokens").status == .notFound)
            #expect(try await browser.get("/admin/users/987654/tokens").status == .notFound)
            #expect(try await browser.get("/admin/users/abc/tokens").status == .notFound)

            // Each form action is in the audit log, without the secret.
            await app.services.audit.flush()
            let events = try await app.services.stores.audit.auditEvents(AuditQuery(action: "admin.")).items
            #expect(events.map(\.action).contains("admin.users.tokens.rotate"))
            #expect(events.allSatisfy { $0.actor.username == "alice" })
        }
    }

    @Test("edit, disable (ends the user's sessions at once), enable and delete a user", arguments: TestBackend.enabled)
    func editUser(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            let bob = try await app.makeLoginUser("bob")
            let admin = try await Browser.signIn(app, as: "alice")
            let bobsBrowser = try await Browser.signIn(app, as: "bob")
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

    @Test("the audit log page filters by actor, action, outcome and day, and links the CSV export")
    func auditPage() async throws {
        try await TestApp.run(.sqlite) { app in
            try await app.makeLoginUser("alice")
            let (shop, _) = try await app.makeAPIUser("shop")
            let browser = try await Browser.signIn(app, as: "alice")
            #expect(
                try await browser.post("/admin/users/\(shop.id.rawValue)/tokens/revoke-all", []).status == .seeOther)
            _ = try await browser.post("/admin/users/new", [("type", "api"), ("username", "")])  // a failure

            let all = try await browser.get("/admin/audit")
            #expect(all.status == .ok)
            #expect(all.body.contains("admin.users.tokens.revoke-all"))
            let failures = try await browser.get("/admin/audit?outcome=failure&action=admin.")
            #expect(failures.body.contains("admin.users.new") && !failures.body.contains("revoke-all"))
            #expect(failures.body.contains("<option value=\"failure\" selected>"))
            #expect(failures.body.contains("href=\"/api/audit/export?action=admin.&amp;outcome=failure\""))
            let nobody = try await browser.get("/admin/audit?actor=nobody")
            #expect(nobody.body.contains("No events match."))
            let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
            let byDay = try await browser.get("/admin/audit?from=\(today)&to=\(today)&action=admin.")
            #expect(byDay.body.contains("revoke-all"))
            let future = try await browser.get("/admin/audit?from=2999-01-01")
            #expect(future.body.contains("No events match."))
            let bad = try await browser.get("/admin/audit?from=yesterday")
            #expect(bad.status == .badRequest && bad.body.contains("must be a date"))
        }
    }

    @Test(
        "profile: details, a password change that needs the current one, TOTP, sessions", arguments: TestBackend.enabled
    )
    func profile(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let alice = try await app.makeLoginUser("alice")
            let browser = try await Browser.signIn(app, as: "alice")
            let laptop = try await Browser.signIn(app, as: "alice")

            let page = try await browser.get("/admin/profile")
            #expect(page.status == .ok && page.body.contains("this session"))
            #expect(page.body.contains("Log out other sessions"))
            let badEmail = try await browser.post("/admin/profile", [("name", "Alice"), ("email", "nope")])
            #expect(badEmail.status == .badRequest && badEmail.body.contains("id=\"email-error\""))
            #expect(
                try await browser.post("/admin/profile", [("name", "Alice A."), ("email", "a@example.com")]).status
                    == .seeOther)
            #expect(try await app.services.users.user(alice.id).email == "a@example.com")

            let mismatch = try await browser.post(
                "/admin/profile/password",
                [("current_password", "password-123"), ("password", "new password 1"), ("password2", "other")])
            #expect(mismatch.status == .badRequest && mismatch.body.contains("id=\"password2-error\""))
            let wrong = try await browser.post(
                "/admin/profile/password",
                [("current_password", "wrong"), ("password", "new password 1"), ("password2", "new password 1")])
            #expect(wrong.status == .badRequest && wrong.body.contains("id=\"current-password-error\""))
            #expect(try await laptop.get("/admin").status == .ok)
            let changed = try await browser.post(
                "/admin/profile/password",
                [("current_password", "password-123"), ("password", "new password 1"), ("password2", "new password 1")])
            #expect(changed.status == .seeOther)
            #expect(try await browser.get("/admin").status == .ok)  // this session stays
            #expect(try await laptop.get("/admin").status == .seeOther)  // the other one ended
            _ = try await app.services.sessions.checkPassword(username: "alice", password: "new password 1")

            // Log out other sessions.
            let phone = try await Browser.signIn(app, as: "alice", password: "new password 1")
            #expect(try await browser.post("/admin/profile/sessions/logout-others", []).status == .seeOther)
            #expect(try await phone.get("/admin").status == .seeOther)
            #expect(try await browser.get("/admin").status == .ok)

            // TOTP: the offered key, a wrong code, the right code, then off again with the password.
            let offer = try await browser.get("/admin/profile/twofa")
            let secret = try #require(
                offer.body.components(separatedBy: "<code id=\"totp-secret\">").dropFirst().first?.prefix { $0 != "<" })
            #expect(offer.body.contains("otpauth://totp/"))
            let wrongCode = try await browser.post(
                "/admin/profile/twofa", [("secret", String(secret)), ("code", "000000")])
            #expect(wrongCode.status == .badRequest && wrongCode.body.contains(String(secret)))
            let key = try #require(Base32.decode(String(secret)))
            let code = TOTP.code(secret: key, step: TOTP.step(at: Date()))
            #expect(
                try await browser.post("/admin/profile/twofa", [("secret", String(secret)), ("code", code)]).status
                    == .seeOther)
            #expect(try await app.services.users.user(alice.id).twoFactor == .totp)
            let off = try await browser.post("/admin/profile/twofa/disable", [("twofa_password", "wrong")])
            #expect(off.status == .forbidden || off.status == .badRequest)
            #expect(try await app.services.users.user(alice.id).twoFactor == .totp)
            #expect(
                try await browser.post("/admin/profile/twofa/disable", [("twofa_password", "new password 1")]).status
                    == .seeOther)
            #expect(try await app.services.users.user(alice.id).twoFactor == TwoFactorType.none)
        }
    }

    @Test("when two-factor is required, an unenrolled user is sent to enrol, and may still reach profile and logout")
    func requiredTwoFactor() async throws {
        try await TestApp.run(.sqlite, configure: { $0.requireTwoFactor = true }) { app in
            try await app.makeLoginUser("alice")
            let browser = try await Browser.signIn(app, as: "alice")
            let users = try await browser.get("/admin/users")
            #expect(users.status == .seeOther && users.headers[.location] == "/admin/profile/twofa")
            let enrol = try await browser.get("/admin/profile/twofa")
            #expect(enrol.status == .ok && enrol.body.contains("requires two-factor"))
            #expect(try await browser.post("/admin/logout", []).status == .seeOther)
        }
    }

    @Test(
        "lists: search, filters and pages; create, edit and delete within the user's list permissions",
        arguments: TestBackend.enabled)
    func lists(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            let admin = try await Browser.signIn(app, as: "alice")
            #expect(
                try await admin.post(
                    "/admin/lists/new", [("name", ""), ("type", "public"), ("optin", "single"), ("status", "active")]
                ).status == .badRequest)
            let bogus = try await admin.post(
                "/admin/lists/new", [("name", "x"), ("type", "bogus"), ("optin", "single"), ("status", "active")])
            #expect(bogus.status == .badRequest && bogus.body.contains("value=\"x\""))
            let created = try await admin.post(
                "/admin/lists/new",
                [
                    ("name", "Weekly <b>news</b> — ü"), ("type", "public"), ("optin", "double"), ("status", "active"),
                    ("tags", "a, b"),
                ])
            #expect(created.status == .seeOther)
            for index in 1...24 { try await app.makeList(String(format: "Bulk %02d", index)) }
            let first = try await admin.get("/admin/lists")
            #expect(first.body.contains("25 list(s); page 1 of 2."))
            #expect(first.body.contains("rel=\"next\""))
            #expect(first.body.contains("Weekly &lt;b&gt;news&lt;/b&gt; — ü") == false)  // page 1 is Bulk 01…20 by name
            let second = try await admin.get("/admin/lists?page=2")
            #expect(second.body.contains("Weekly &lt;b&gt;news&lt;/b&gt; — ü"))
            let found = try await admin.get("/admin/lists?search=weekly&optin=double")
            #expect(found.body.contains("1 list(s)") && found.body.contains("<option value=\"double\" selected>"))

            // A restricted user: only its lists, no New button, and no way into another list's forms.
            var everything = ListQuery()
            everything.page = Pagination(page: 1, perPage: nil)
            let all = try await app.services.stores.lists.lists(everything).items
            let mine = try #require(all.first { $0.name == "Bulk 01" })
            let other = try #require(all.first { $0.name == "Bulk 02" })
            let listRole = try await app.makeListRole("bulk one", [(mine.id, [.get, .manage])])
            let role = try await app.services.roles.createUserRole(
                name: "editors", permissions: ["subscribers:get"], by: nil)
            try await app.makeLoginUser("editor", role: role.id, listRole: listRole.id)
            let ed = try await Browser.signIn(app, as: "editor")
            let edsLists = try await ed.get("/admin/lists")
            #expect(edsLists.body.contains("Bulk 01") && !edsLists.body.contains("Bulk 02"))
            #expect(!edsLists.body.contains("/admin/lists/new"))
            #expect(try await ed.get("/admin/lists/new").status == .forbidden)
            #expect(try await ed.get("/admin/lists/\(other.id.rawValue)/edit").status == .forbidden)
            #expect(try await ed.post("/admin/lists/\(other.id.rawValue)/delete", []).status == .forbidden)
            let renamed = try await ed.post(
                "/admin/lists/\(mine.id.rawValue)/edit",
                [("name", "Bulk one"), ("type", "private"), ("optin", "single"), ("status", "archived")])
            #expect(renamed.status == .seeOther)
            #expect(try await app.services.stores.lists.list(id: mine.id)?.status == .archived)
            #expect(
                try await ed.get("/admin/lists/\(mine.id.rawValue)/delete").body.contains("Delete the list Bulk one?"))
            #expect(try await ed.post("/admin/lists/\(mine.id.rawValue)/delete", []).status == .seeOther)
            #expect(try await app.services.stores.lists.list(id: mine.id) == nil)
            #expect(try await app.services.stores.lists.list(id: other.id) != nil)
        }
    }

    @Test(
        "roles: grouped permissions, per-list access, Super Admin read-only, a role in use explains why it stays",
        arguments: TestBackend.enabled)
    func roles(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            let news = try await app.makeList("News")
            let admin = try await Browser.signIn(app, as: "alice")
            let superAdmin = try await admin.get("/admin/roles/users/1")
            #expect(superAdmin.status == .ok && superAdmin.body.contains("cannot be changed"))
            #expect(!superAdmin.body.contains("type=\"submit\">Save"))
            #expect(try await admin.post("/admin/roles/users/1", [("name", "Hacked")]).status == .badRequest)
            #expect(
                try await app.services.roles.userRoles().first { $0.id == UserRole.superAdminID }?.name == "Super Admin"
            )

            let form = try await admin.get("/admin/roles/users/new")
            #expect(form.body.contains("<legend>subscribers</legend>") && form.body.contains("value=\"audit:get\""))
            #expect(try await admin.post("/admin/roles/users/new", [("name", "")]).status == .badRequest)
            #expect(
                try await admin.post("/admin/roles/users/new", [("name", "x"), ("permissions", "bogus:perm")]).status
                    == .badRequest)
            let created = try await admin.post(
                "/admin/roles/users/new",
                [("name", "Editors"), ("permissions", "lists:get_all"), ("permissions", "subscribers:get")])
            #expect(created.status == .seeOther)
            let editors = try #require(try await app.services.roles.userRoles().first { $0.name == "Editors" })
            #expect(Set(editors.permissions) == [.listsGetAll, .subscribersGet])
            #expect(
                try await admin.get("/admin/roles/users/\(editors.id.rawValue)").body.contains(
                    "value=\"subscribers:get\" checked"))

            let listRole = try await admin.post(
                "/admin/roles/lists/new", [("name", "News desk"), ("list-\(news.id.rawValue)", "manage")])
            #expect(listRole.status == .seeOther)
            let desk = try #require(try await app.services.roles.listRoles().first { $0.name == "News desk" })
            #expect(desk.lists.map(\.listID) == [news.id] && desk.lists[0].permissions.contains(.manage))
            #expect(
                try await admin.get("/admin/roles/lists/\(desk.id.rawValue)").body.contains("value=\"manage\" checked"))

            // In use: the delete page explains; unused: it goes.
            try await app.makeLoginUser("editor", role: editors.id)
            let refused = try await admin.post("/admin/roles/\(editors.id.rawValue)/delete", [])
            #expect(refused.status == .conflict && refused.body.contains("1 user(s) hold it"))
            #expect(try await admin.post("/admin/roles/\(desk.id.rawValue)/delete", []).status == .seeOther)
            #expect(try await app.services.roles.listRoles().isEmpty)

            // roles:get alone: everything visible, nothing editable.
            let viewers = try await app.services.roles.createUserRole(
                name: "Viewers", permissions: ["roles:get"], by: nil)
            try await app.makeLoginUser("viewer", role: viewers.id)
            let viewer = try await Browser.signIn(app, as: "viewer")
            let page = try await viewer.get("/admin/roles")
            #expect(page.status == .ok && page.body.contains("Editors") && !page.body.contains("New user role"))
            #expect(!page.body.contains("/delete"))
            let view = try await viewer.get("/admin/roles/users/\(editors.id.rawValue)")
            #expect(view.body.contains("disabled") && !view.body.contains(">Save<"))
        }
    }

    @Test(
        "subscribers: create and edit with JSON attributes, search, SQL box by permission, blocklist, delete",
        arguments: TestBackend.enabled)
    func subscribers(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            let news = try await app.makeList("News")
            let secret = try await app.makeList("Secret")
            let admin = try await Browser.signIn(app, as: "alice")
            let badJSON = try await admin.post(
                "/admin/subscribers/new",
                [("email", "a@example.com"), ("attribs", "{\"city\": "), ("lists", "\(news.id.rawValue)")])
            #expect(badJSON.status == .badRequest && badJSON.body.contains("id=\"attribs-error\""))
            #expect(badJSON.body.contains("{&quot;city&quot;:</textarea>"))  // kept (trimmed), escaped
            let array = try await admin.post(
                "/admin/subscribers/new", [("email", "a@example.com"), ("attribs", "[1]")])
            #expect(array.status == .badRequest && array.body.contains("id=\"attribs-error\""))
            let badEmail = try await admin.post("/admin/subscribers/new", [("email", "nope"), ("attribs", "{}")])
            #expect(badEmail.status == .badRequest && badEmail.body.contains("id=\"email-error\""))
            #expect(try await app.services.stores.subscribers.subscribers(SubscriberQuery()).total == 0)

            let created = try await admin.post(
                "/admin/subscribers/new",
                [
                    ("email", "Reader@Example.com"), ("name", ""), ("attribs", "{\"city\": \"Bengaluru\", \"n\": 1}"),
                    ("lists", "\(news.id.rawValue)"), ("preconfirm", "true"),
                ])
            #expect(created.status == .seeOther)
            let reader = try #require(
                try await app.services.stores.subscribers.subscribers(SubscriberQuery()).items.first)
            #expect(reader.email == "reader@example.com" && reader.attributes["city"] == .string("Bengaluru"))
            #expect(reader.subscriptions.map(\.status) == [.confirmed])
            let duplicate = try await admin.post(
                "/admin/subscribers/new", [("email", "READER@example.com"), ("attribs", "{}")])
            #expect(duplicate.status == .badRequest && duplicate.body.contains("E-mail already exists."))
            _ = try await app.services.subscribers.create(
                SubscriberInput(email: "hidden@example.com"), lists: [secret.id], preconfirm: true,
                for: try await app.services.sessions.principal(forSessionID: try await app.sessionID("alice")))

            let page = try await admin.get("/admin/subscribers?search=reader")
            #expect(page.body.contains("reader@example.com") && !page.body.contains("hidden@example.com"))
            // The export link carries the same filters and works with the session.
            #expect(page.body.contains("href=\"/api/subscribers/export?search=reader\""))
            let export = try await admin.get("/api/subscribers/export?search=reader")
            #expect(export.status == .ok && export.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(export.body.contains("reader@example.com") && !export.body.contains("hidden@example.com"))
            #expect(page.body.contains("id=\"query\""))
            let sql = try await admin.get(
                "/admin/subscribers?query=" + "subscribers.attribs->>'city' = 'Bengaluru'".addingPercentEncoding(
                    withAllowedCharacters: .alphanumerics)!)
            #expect(sql.status == .ok && sql.body.contains("1 subscriber(s)"))
            let refused = try await admin.get(
                "/admin/subscribers?query=" + "1=1; DELETE FROM users".addingPercentEncoding(
                    withAllowedCharacters: .alphanumerics)!)
            #expect(refused.status == .badRequest && refused.body.contains("role=\"alert\""))

            // Edit: attributes replaced, lists replaced.
            let edit = try await admin.get("/admin/subscribers/\(reader.id.rawValue)/edit")
            #expect(edit.body.contains("Bengaluru") && edit.body.contains("value=\"\(news.id.rawValue)\" checked"))
            let saved = try await admin.post(
                "/admin/subscribers/\(reader.id.rawValue)/edit",
                [
                    ("email", "reader@example.com"), ("name", "Rea Der"), ("status", "enabled"),
                    ("attribs", "{\"city\": \"Pune\"}"), ("lists", "\(secret.id.rawValue)"),
                ])
            #expect(saved.status == .seeOther)
            let edited = try #require(try await app.services.stores.subscribers.subscriber(id: reader.id))
            #expect(edited.name == "Rea Der" && edited.attributes == ["city": .string("Pune")])
            #expect(edited.subscriptions.map(\.list.id) == [secret.id])

            // A reader without sql_query or manage: no SQL box, no forms, and the query is refused.
            let readers = try await app.services.roles.createUserRole(
                name: "Readers", permissions: ["subscribers:get_all"], by: nil)
            try await app.makeLoginUser("reader2", role: readers.id)
            let plain = try await Browser.signIn(app, as: "reader2")
            let view = try await plain.get("/admin/subscribers")
            #expect(view.status == .ok && !view.body.contains("id=\"query\"") && !view.body.contains("/blocklist"))
            let sneaky = try await plain.get("/admin/subscribers?query=1%3D1")
            #expect(sneaky.status == .badRequest && sneaky.body.contains("subscribers:sql_query"))

            #expect(try await admin.post("/admin/subscribers/\(reader.id.rawValue)/blocklist", []).status == .seeOther)
            #expect(try await app.services.stores.subscribers.subscriber(id: reader.id)?.status == .blocklisted)
            #expect(
                try await admin.get("/admin/subscribers/\(reader.id.rawValue)/delete").body.contains(
                    "Delete reader@example.com?"))
            #expect(try await admin.post("/admin/subscribers/\(reader.id.rawValue)/delete", []).status == .seeOther)
            #expect(try await app.services.stores.subscribers.subscriber(id: reader.id) == nil)
        }
    }

    @Test(
        "import page: upload with the form's fields and CSRF token, progress and log, one import at a time",
        arguments: TestBackend.enabled)
    func importPage(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            let list = try await app.makeList("News")
            let browser = try await Browser.signIn(app, as: "alice")
            let csv = Array("email,name\nana@example.com,Ana\nnot-an-email,Bad\n".utf8)
            func upload(
                _ fields: [(String, String)], origin: String = "http://127.0.0.1:9000"
            ) async throws -> TestResult {
                let (contentType, body) = ImportTests.upload(fields: fields, file: ("people.csv", csv))
                var headers: HTTPFields = [.cookie: browser.cookie, .origin: origin]
                for field in contentType { headers.append(field) }
                return try await app.request(.post, "/admin/subscribers/import", headers: headers, bytes: body)
            }
            let form = try await browser.get("/admin/subscribers/import")
            #expect(
                form.body.contains("enctype=\"multipart/form-data\"")
                    && form.body.contains("value=\"\(list.id.rawValue)\""))

            let fields = [
                ("mode", "subscribe"), ("lists", "\(list.id.rawValue)"), ("subscription_status", "confirmed"),
                ("delim", ","),
            ]
            let forged = try await upload(fields)  // no _csrf
            #expect(forged.status == .badRequest && forged.body.contains("This form has expired"))
            let crossSite = try await upload([("_csrf", browser.csrf)] + fields, origin: "https://evil.example")
            #expect(crossSite.status == .forbidden)
            let noLists = try await upload([("_csrf", browser.csrf), ("mode", "subscribe"), ("delim", ",")])
            #expect(noLists.status == .badRequest && noLists.body.contains("Permission denied: lists"))
            #expect(try await app.services.stores.subscribers.subscribers(SubscriberQuery()).total == 0)

            let started = try await upload([("_csrf", browser.csrf)] + fields)
            #expect(started.status == .seeOther)
            await app.services.importer.waitUntilDone()
            let done = try await browser.get("/admin/subscribers/import")
            #expect(done.body.contains(">finished<") && done.body.contains("skipping line 3"))
            let imported = try await app.services.stores.subscribers.subscribers(SubscriberQuery()).items
            #expect(imported.map(\.email) == ["ana@example.com"])
            #expect(imported.first?.subscriptions.map(\.status) == [.confirmed])
        }
    }

    static func secret(in html: String) -> String? {
        html.components(separatedBy: "<code id=\"token-secret\">").dropFirst().first.map {
            String($0.prefix { $0 != "<" })
        }
    }
}
