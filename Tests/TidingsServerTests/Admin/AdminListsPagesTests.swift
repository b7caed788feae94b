import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsTestSupport

@testable import TidingsServer

/// The lists pages.
@Suite struct AdminListsPagesTests {
    @Test(
        "lists: search, filters and pages; create, edit and delete within the user's list permissions",
        arguments: TestBackend.enabled)
    func lists(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            let admin = try await AdminBrowser.signIn(app, as: "alice")
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
            let ed = try await AdminBrowser.signIn(app, as: "editor")
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
}
