import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

/// A newcomer's first hour: the default lists, the README's example, and the command line.
@Suite struct FreshInstallTests {
    @Test("the README's example subscribes to list 1, the Default list", arguments: TestBackend.enabled)
    func readmeExample(backend: TestBackend) async throws {
        try await TestApp.run(backend, keepDefaultLists: true) { app in
            // The README's narrow role for an integration.
            let admin = try await app.headers(
                holding: [.listsGetAll, .listsManageAll, .subscribersGet, .subscribersManage], name: "integration")
            let lists = try await app.request(.get, "/api/lists?order_by=created_at&order=asc", headers: admin)
            let results = (lists.dataObject["results"] as? [[String: Any]]) ?? []
            #expect(results.compactMap { $0["id"] as? Int }.sorted() == [1, 2])
            #expect(Set(results.compactMap { $0["name"] as? String }) == ["Default list", "Opt-in list"])

            let created = try await app.request(
                .post, "/api/subscribers", headers: admin,
                json: ["email": "jane@example.com", "lists": [1], "attribs": ["city": "Pune"]])
            #expect(created.status == .ok, "\(created.body)")
            let subscribed = try #require((created.dataObject["lists"] as? [[String: Any]])?.first)
            #expect(subscribed["id"] as? Int == 1)
            #expect(subscribed["name"] as? String == "Default list")
            #expect(subscribed["optin"] as? String == "single")
            #expect(subscribed["subscription_status"] as? String == "unconfirmed")

            let found = try await app.request(.get, "/api/subscribers?list_id=1&search=jane", headers: admin)
            #expect(found.dataObject["total"] as? Int == 1)
        }
    }

    @Test("an API user needs a role on the API, and the error names the roles", arguments: TestBackend.enabled)
    func apiUserRole(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let role = try await app.request(
                .post, "/api/roles/users", headers: admin, json: ["name": "Shop", "permissions": ["subscribers:get"]])
            let roleID = try #require(role.dataObject["id"] as? Int)
            let refused = try await app.request(
                .post, "/api/users", headers: admin, json: ["username": "shop", "type": "api"])
            #expect(refused.status == .badRequest)
            #expect(refused.code == "invalid_fields")
            #expect(refused.message?.contains("1 Super Admin") == true, "\(refused.message ?? "")")
            #expect(refused.message?.contains("\(roleID) Shop") == true)
            let created = try await app.request(
                .post, "/api/users", headers: admin, json: ["username": "shop", "type": "api", "user_role_id": roleID])
            #expect(created.status == .ok, "\(created.body)")
        }
    }

    @Test("tidings install names the default lists; users create needs --role for an API user and prints a usable line")
    func commandLine() async throws {
        let binary = try TidingsBinary.locate()
        try await TestBackend.sqlite.withFreshDatabase { configuration in
            let environment = [
                "TIDINGS_DATA_DIR": configuration.dataDirectory, "TIDINGS_ROOT_URL": "https://news.example.com/",
            ]
            let installed = try await binary.run(["install", "--yes"], environment: environment)
            #expect(installed.status == 0, "\(installed.errors)")
            #expect(installed.output.contains(#"Created the list "Default list" (id 1, private, single opt-in)."#))
            #expect(installed.output.contains(#"Created the list "Opt-in list" (id 2, public, double opt-in)."#))
            let again = try await binary.run(["install", "--yes"], environment: environment)
            #expect(!again.output.contains("Created the list"))

            let roleless = try await binary.run(
                ["users", "create", "--username", "shop", "--type", "api"], environment: environment)
            #expect(roleless.status != 0)
            #expect(roleless.errors.contains("an API user needs --role"), "\(roleless.errors)")
            #expect(roleless.errors.contains("1 Super Admin"))

            let created = try await binary.run(
                ["users", "create", "--username", "shop", "--type", "api", "--role", "1"], environment: environment)
            #expect(created.status == 0, "\(created.errors)")
            let lines = created.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            let token = try #require(lines.first { $0.hasPrefix("tdg_") }, "\(created.output)")
            #expect(lines.contains("Use it as:  curl -u 'shop:\(token)' https://news.example.com/api/lists"))

            // A login user still defaults to Super Admin, reading its password from standard input.
            let login = try await binary.run(
                ["users", "create", "--username", "ops", "--json"], environment: environment, input: "a password 1\n")
            #expect(login.status == 0, "\(login.errors)")
            #expect(login.output.contains(#""role" : "Super Admin""#), "\(login.output)")
        }
    }

    @Test("the help fits 80 columns, names every variable, and says each default once")
    func help() async throws {
        let binary = try TidingsBinary.locate()
        let environment = ["COLUMNS": "80"]
        let help = try await binary.run(["--help"], environment: environment)
        for line in help.output.split(separator: "\n") {
            #expect(line.count <= 80, "too wide: \(line)")
        }
        for variable in [
            "TIDINGS_SMTP_HOST", "TIDINGS_SMTP_PORT", "TIDINGS_SMTP_TLS", "TIDINGS_SMTP_USERNAME",
            "TIDINGS_SMTP_PASSWORD",
            "TIDINGS_SMTP_TLS_SKIP_VERIFY", "TIDINGS_SMTP_HELLO_NAME", "TIDINGS_FROM_EMAIL",
            "TIDINGS_QUERY_DATABASE_URL",
            "TIDINGS_ROOT_URL", "TIDINGS_LOG_LEVEL",
        ] {
            #expect(help.output.contains(variable), "help lacks \(variable)")
        }
        // Every table row starts in one of its two columns (no line broken by the wrapping).
        for line in help.output.split(separator: "\n").drop(while: { !$0.hasPrefix("  TIDINGS_") })
            .prefix(while: { !$0.hasPrefix("OPTIONS") && !$0.hasPrefix("USAGE") && !$0.isEmpty })
        {
            #expect(line.hasPrefix("  TIDINGS_") || line.hasPrefix(String(repeating: " ", count: 29)), "\(line)")
        }
        let usersHelp = try await binary.run(["users", "create", "--help"], environment: environment)
        #expect(!usersHelp.output.contains("(default: Super Admin)"))
        #expect(usersHelp.output.components(separatedBy: "default: user").count == 2, "\(usersHelp.output)")
        #expect(usersHelp.output.contains("Required for an API user"))
    }
}
