import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsTestSupport

@testable import TidingsServer

/// The gate in front of every admin page (session, CSRF, origin, permission) and the headers
/// every page carries. The browser walk is in Tests/Browser; these are the edges a browser would
/// not send.
@Suite struct AdminGateTests {
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
            let browser = try await AdminBrowser.signIn(app, as: "alice")
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
                for id in AdminBrowser.inputIDs(page.body) {
                    #expect(page.body.contains("for=\"\(id)\""), "\(path) #\(id)")
                }
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

    @Test(
        "a form without the session's CSRF token, or from another origin, changes nothing",
        arguments: TestBackend.enabled)
    func csrf(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            let browser = try await AdminBrowser.signIn(app, as: "alice")
            let fields = [("type", "api"), ("username", "forged"), ("user_role_id", "1")]
            let missing = try await browser.post("/admin/users/new", fields, csrf: nil)
            #expect(missing.status == .forbidden)
            #expect(missing.body.contains("This form has expired"))
            let other = try await AdminBrowser.signIn(app, as: "alice")  // another session's token
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
            let browser = try await AdminBrowser.signIn(app, as: "reader")
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
            let viewer = try await AdminBrowser.signIn(app, as: "viewer")
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
            let browser = try await AdminBrowser.signIn(app, as: "nobody")
            let routes = adminRoutes(services: app.services, http: HTTPEdges(configuration: app.services.configuration))
                .filter { !$0.anyOf.isEmpty }
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
}
