import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsTestSupport

@testable import TidingsServer

/// The user-role and list-role pages.
@Suite struct AdminRolesPagesTests {
    @Test(
        "roles: grouped permissions, per-list access, Super Admin read-only, a role in use explains why it stays",
        arguments: TestBackend.enabled)
    func roles(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            let news = try await app.makeList("News")
            let admin = try await AdminBrowser.signIn(app, as: "alice")
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
            let viewer = try await AdminBrowser.signIn(app, as: "viewer")
            let page = try await viewer.get("/admin/roles")
            #expect(page.status == .ok && page.body.contains("Editors") && !page.body.contains("New user role"))
            #expect(!page.body.contains("/delete"))
            let view = try await viewer.get("/admin/roles/users/\(editors.id.rawValue)")
            #expect(view.body.contains("disabled") && !view.body.contains(">Save<"))
        }
    }
}
