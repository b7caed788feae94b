import Foundation
import Testing
import TidingsCore
import TidingsTestSupport

@testable import TidingsServer

/// `docs/routes.md` is generated from the route tables, so a reader sees every route and its
/// permission in one place; these tests keep it true.
@Suite struct RouteCatalogTests {
    static let document = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/routes.md")

    @Test("docs/routes.md is what the route tables say")
    func documentIsCurrent() async throws {
        try await TestApp.run(.sqlite) { app in
            let generated = RouteCatalog.markdown(services: app.services)
            if ProcessInfo.processInfo.environment["TIDINGS_WRITE_ROUTES_DOC"] == "1" {
                try generated.write(to: Self.document, atomically: true, encoding: .utf8)
            }
            let written = try String(contentsOf: Self.document, encoding: .utf8)
            #expect(
                written == generated,
                "docs/routes.md is stale: run TIDINGS_WRITE_ROUTES_DOC=1 swift test --filter RouteCatalogTests")
        }
    }

    @Test("the catalogue lists every surface: API routes with permissions, admin pages, public routes")
    func catalogueCoversTheSurfaces() async throws {
        try await TestApp.run(.sqlite) { app in
            let text = RouteCatalog.markdown(services: app.services)
            for line in [
                "| GET | `/api/lists` | signed in |", "| POST | `/api/lists` | `lists:manage_all` | `lists.create` |",
                "| GET | `/health` |", "| POST | `/api/public/tokens/revoke` |",
                "| GET | `/subscription/optin/:subscriber` |", "| POST | `/admin/login` |",
                "| GET | `/admin/static/tidings.css` |", "| GET | `/admin/users` | `users:get`",
            ] {
                #expect(text.contains(line), "missing: \(line)")
            }
        }
    }

    @Test("every public route in the table is served: none answers 404", arguments: TestBackend.enabled)
    func publicRoutesAreServed(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let http = HTTPEdges(configuration: app.services.configuration)
            let routes = publicRoutes(services: app.services, http: http)
            #expect(routes.count >= 10)
            // Path parameters name real rows, so that a handler's own 404 (an unknown subscriber)
            // is not taken for a route the router does not know.
            let subscriber = try await app.services.stores.subscribers.createSubscriber(
                SubscriberDraft(email: "route@example.com", name: "Route", attributes: [:], status: .enabled),
                lists: [], status: .unconfirmed, at: Date())
            let values = [":subscriber": subscriber.uuid.uuidString.lowercased()]
            for route in routes {
                let path =
                    "/"
                    + route.path.split(separator: "/").map { values[String($0)] ?? String($0) }
                    .joined(separator: "/")
                let answer = try await app.request(route.method, path, body: "")
                #expect(answer.status != .notFound, "\(route.method) \(path)")
            }
        }
    }
}
