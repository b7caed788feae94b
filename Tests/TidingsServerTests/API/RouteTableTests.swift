import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

/// Walks the whole authenticated route table: every route refuses a caller without its
/// permission (or without credentials) and admits one holding it.
@Suite struct RouteTableTests {
    static func concretePath(_ route: APIRoute) -> String {
        let path = route.path.split(separator: "/").map { $0.hasPrefix(":") ? "999999" : String($0) }
        return "/api/" + path.joined(separator: "/")
    }

    @Test("every route checks its permission", arguments: TestBackend.enabled)
    func everyRoute(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let routes = apiRoutes(services: app.services)
            #expect(routes.count >= 25)
            let nobody = try await app.headers(holding: [], name: "nobody")
            for route in routes {
                let path = Self.concretePath(route)
                let body: [String: String]? = [.post, .put].contains(route.method) ? [:] : nil
                let anonymous = try await app.request(route.method, path, json: body)
                #expect(anonymous.status == .unauthorized, "\(route.method) \(path) without credentials")
                switch route.requirement {
                case .authenticated:
                    let admitted = try await app.request(route.method, path, headers: nobody, json: body)
                    #expect(admitted.status != .unauthorized, "\(route.method) \(path)")
                    // Turning off another user's 2FA (999999 is not the caller) needs users:manage,
                    // which the handler checks before anything else (TwoFactorTests).
                    let othersTwoFactor = route.method == .delete && route.path == "users/:id/twofa"
                    #expect(
                        othersTwoFactor || admitted.message?.hasPrefix("permission denied: ") != true,
                        "\(route.method) \(path)")
                case .anyOf(let permissions):
                    let refused = try await app.request(route.method, path, headers: nobody, json: body)
                    #expect(refused.status == .forbidden, "\(route.method) \(path) without \(permissions)")
                    #expect(
                        refused.message == "permission denied: \(permissions.last!.rawValue)", "\(route.method) \(path)"
                    )
                    for permission in permissions {
                        let holder = try await app.headers(holding: [permission])
                        let admitted = try await app.request(route.method, path, headers: holder, json: body)
                        #expect(admitted.status != .forbidden, "\(route.method) \(path) with \(permission)")
                        #expect(admitted.status != .unauthorized, "\(route.method) \(path) with \(permission)")
                    }
                }
            }
        }
    }

    /// The routes that act on another user's account or credentials: `users/:id/…` writes and
    /// token reads (2FA enrolment is refused for any account but one's own, by its own rule).
    static func actsOnAUser(_ route: APIRoute) -> Bool {
        guard route.path.hasPrefix("users/:id") else { return false }
        if route.path.hasPrefix("users/:id/twofa") { return route.method == .delete }
        return route.method != .get || route.path.hasSuffix("tokens")
    }

    @Test(
        "every route acting on another user refuses a caller weaker than that user", arguments: TestBackend.enabled)
    func actionsOnStrongerUsers(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let routes = apiRoutes(services: app.services).filter(Self.actsOnAUser)
            #expect(routes.count == 8)
            let stronger = try await app.services.roles.createUserRole(
                name: "stronger", permissions: Permission.allCases.map(\.rawValue), by: nil)
            for (targetRole, expected) in [
                (UserRole.superAdminID, "permission_denied"), (stronger.id, "beyond_own_access"),
            ] {
                for route in routes {
                    let (target, _) = try await app.makeAPIUser(
                        "target-\(UUID().uuidString.prefix(6))", role: targetRole)
                    let token = try #require(try await app.services.tokens.tokens(of: target.id, by: nil).first)
                    let path =
                        "/api/"
                        + route.path.replacingOccurrences(of: ":id", with: "\(target.id.rawValue)")
                        .replacingOccurrences(of: ":token_id", with: token.keyID)
                    let permissions: [Permission] =
                        switch route.requirement {
                        case .anyOf(let permissions): permissions + [.usersGet]
                        case .authenticated: [.usersGet, .usersManage]
                        }
                    let holder = try await app.headers(holding: permissions)
                    let body: [String: Any]? =
                        [.post, .put].contains(route.method)
                        ? [
                            "name": "x", "username": target.username, "type": "api", "status": "enabled",
                            "user_role_id": targetRole.rawValue,
                        ] : nil
                    let response = try await app.request(route.method, path, headers: holder, json: body)
                    #expect(response.status == .forbidden, "\(route.method) \(path) on role \(targetRole)")
                    #expect(response.code == expected, "\(route.method) \(path)")
                    let after = try await app.services.tokens.tokens(of: target.id, by: nil)
                    #expect(after.map(\.keyID) == [token.keyID] && after[0].revokedAt == nil, "\(route.method) \(path)")
                    #expect(after[0].secretHash == token.secretHash, "\(route.method) \(path)")
                }
            }
        }
    }

    @Test("the route check runs before the id is parsed")
    func checkBeforeID() async throws {
        try await TestApp.run(.sqlite) { app in
            let nobody = try await app.headers(holding: [])
            let response = try await app.request(.get, "/api/users/abc", headers: nobody)
            #expect(response.message == "permission denied: users:get")
        }
    }

    @Test("unknown API routes and wrong methods are listmonk's 404 unknown endpoint")
    func unknown() async throws {
        try await TestApp.run(.sqlite) { app in
            let admin = try await app.adminHeaders()
            for (method, path) in [
                (HTTPRequest.Method.get, "/api/nothing"), (.post, "/api/health"), (.patch, "/api/lists/1"),
            ] {
                let response = try await app.request(method, path, headers: admin)
                #expect(response.status == .notFound)
                #expect(response.message == "404 unknown endpoint")
            }
            let head = try await app.request(.head, "/api/health", headers: admin)
            #expect(head.status == .notFound)
        }
    }

    @Test("public health answers without credentials; API health needs them")
    func health() async throws {
        try await TestApp.run(.sqlite) { app in
            let open = try await app.request(.get, "/health")
            #expect(open.status == .ok)
            #expect(open.body == "{\"data\":true}\n")
            #expect(open.headers[.contentType] == "application/json")
            let pretty = try await app.request(.get, "/health?pretty")
            #expect(pretty.body == "{\n  \"data\": true\n}\n")
            #expect(try await app.request(.get, "/api/health").status == .unauthorized)
        }
    }
}
