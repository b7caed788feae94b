import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

/// The three ways to present a token, and what each failure says.
@Suite struct APITokenAuthenticationTests {
    @Test("an API user's token works in all three header forms", arguments: TestBackend.enabled)
    func threeForms(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let (user, token) = try await app.makeAPIUser("shop")
            for headers in [HTTPFields.basic(user.username, token), .tokenScheme(user.username, token), .bearer(token)]
            {
                let response = try await app.request(.get, "/api/health", headers: headers)
                #expect(response.status == .ok)
                #expect(response.body == "{\"data\":true}\n")
            }
        }
    }

    @Test("no credentials: 401 credentials_missing naming the accepted forms", arguments: TestBackend.enabled)
    func missing(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let response = try await app.request(.get, "/api/lists")
            #expect(response.status == .unauthorized)
            #expect(response.code == "credentials_missing")
            #expect(response.message?.contains("Bearer") == true)
            #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"tidings\"")
        }
    }

    @Test(
        "malformed headers: 401 credentials_malformed saying what is wrong",
        arguments: [
            ("Digest abc", "unknown Authorization scheme"),
            ("Basic !!!notbase64", "invalid Base64"),
            ("Basic " + Data("nocolon".utf8).base64EncodedString(), "api_key:token missing"),
            ("Basic", "api_key:token missing"),
            ("token shop", "api_key:token missing"),
            ("token :secret", "empty `api_key` or `token`"),
            ("token shop:", "empty `api_key` or `token`"),
            ("Bearer tdg_short", "truncated"),
            ("Bearer tdg_0000000000AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA000000", "checksum"),
        ])
    func malformed(header: String, expected: String) async throws {
        try await TestApp.run(.sqlite) { app in
            let response = try await app.request(.get, "/api/health", headers: [.authorization: header])
            #expect(response.status == .unauthorized)
            #expect(response.code == "credentials_malformed")
            #expect(response.message?.contains(expected) == true, "\(response.message ?? "")")
        }
    }

    @Test("a typo in a token is caught by its checksum, before any lookup", arguments: TestBackend.enabled)
    func typo(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let (user, token) = try await app.makeAPIUser("shop")
            var characters = Array(token)
            characters[20] = characters[20] == "a" ? "b" : "a"
            let response = try await app.request(
                .get, "/api/health", headers: .basic(user.username, String(characters)))
            #expect(response.code == "credentials_malformed")
            #expect(response.message?.contains("checksum") == true)
        }
    }

    @Test(
        "unknown user, unknown key and wrong secret all read 'invalid API credentials'", arguments: TestBackend.enabled)
    func invalid(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let (user, token) = try await app.makeAPIUser("shop")
            let (_, other) = try await app.makeAPIUser("other")
            let stranger = app.services.tokenFormat.generate().token
            let sameKeyWrongSecret = app.services.tokenFormat.generate(keyID: String(token.dropFirst(4).prefix(10)))
                .token
            let cases: [HTTPFields] = [
                .basic("nobody", token),  // the token's owner is someone else
                .basic(user.username, other),  // another user's token
                .bearer(stranger),  // well-formed, unknown key id
                .bearer(sameKeyWrongSecret),  // right key id, wrong secret
                .basic(user.username, "not-a-token-at-all"),  // a password where the token belongs
            ]
            for headers in cases {
                let response = try await app.request(.get, "/api/health", headers: headers)
                #expect(response.status == .unauthorized)
                #expect(response.code == "invalid_credentials")
                #expect(response.message == "invalid API credentials")
            }
        }
    }

    @Test("a login user's correct password as Basic credentials: login_user_not_api", arguments: TestBackend.enabled)
    func loginUserOnAPI(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice", password: "correct horse")
            let right = try await app.request(.get, "/api/lists", headers: .basic("alice", "correct horse"))
            #expect(right.status == .unauthorized)
            #expect(right.code == "login_user_not_api")
            #expect(right.message?.contains("API user") == true)
            let viaTokenScheme = try await app.request(
                .get, "/api/lists", headers: .tokenScheme("alice", "correct horse"))
            #expect(viaTokenScheme.code == "login_user_not_api")
            let wrong = try await app.request(.get, "/api/lists", headers: .basic("alice", "wrong password"))
            #expect(wrong.code == "invalid_credentials")
        }
    }

    @Test("a disabled API user's token: 401 user_disabled, and back when re-enabled", arguments: TestBackend.enabled)
    func disabled(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let (user, token) = try await app.makeAPIUser("shop")
            var update = UserService.Update()
            update.status = .disabled
            update.listRole = .keep
            _ = try await app.services.users.update(user.id, update, by: nil)
            let refused = try await app.request(.get, "/api/health", headers: .bearer(token))
            #expect(refused.status == .unauthorized)
            #expect(refused.code == "user_disabled")
            update.status = .enabled
            _ = try await app.services.users.update(user.id, update, by: nil)
            #expect(try await app.request(.get, "/api/health", headers: .bearer(token)).status == .ok)
        }
    }

    @Test("a revoked token: 401 token_revoked naming the token", arguments: TestBackend.enabled)
    func revoked(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let (user, token) = try await app.makeAPIUser("shop")
            try await app.services.stores.tokens.revokeTokens(userID: user.id, at: Date(), by: nil, reason: "test")
            await app.services.directory.invalidate()
            let response = try await app.request(.get, "/api/health", headers: .bearer(token))
            #expect(response.code == "token_revoked")
            #expect(response.message?.contains("\"default\"") == true)
        }
    }

    @Test("an expired token: 401 token_expired", arguments: TestBackend.enabled)
    func expired(backend: TestBackend) async throws {
        let later = WallClock { Date().addingTimeInterval(91 * 86_400) }
        try await TestApp.run(backend) { app in
            let (_, token) = try await app.makeAPIUser("shop")
            let verifier = CredentialVerifier(
                directory: app.services.directory, format: app.services.tokenFormat,
                hasher: SecretHasher(
                    key: try SecretKeyFile.key(
                        configured: app.services.configuration.secretKey, dataDirectory: "/nonexistent")),
                users: app.services.stores.users, passwords: NeverPasswords(), clock: later,
                policy: TokenPolicy(), usage: TokenUsageRecorder(store: app.services.stores.tokens))
            await #expect(throws: AuthFailure.self) { try await verifier.verify(.bearer(secret: token)) }
            do {
                _ = try await verifier.verify(.bearer(secret: token))
            } catch let failure as AuthFailure {
                guard case .tokenExpired(let name, _) = failure else {
                    Issue.record("expected token_expired, got \(failure)")
                    return
                }
                #expect(name == "default")
            }
        }
    }

    @Test("credentials in the query string are refused with a 400 that says why", arguments: TestBackend.enabled)
    func queryString(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let (user, token) = try await app.makeAPIUser("shop")
            for parameter in ["token", "api_key", "access_token", "password"] {
                let response = try await app.request(
                    .get, "/api/lists?\(parameter)=\(token)", headers: .basic(user.username, token))
                #expect(response.status == .badRequest)
                #expect(response.code == "credentials_in_url")
                #expect(response.message?.contains(token) == false)
            }
        }
    }

    @Test(
        "credential parameters are recognised as a server would read them: encoded, any case, any common name",
        arguments: TestBackend.enabled)
    func queryStringNamesDecoded(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let (_, token) = try await app.makeAPIUser("shop")
            let refused: [(query: String, name: String)] = [
                ("%74oken=x", "token"), ("%54OKEN=x", "TOKEN"), ("bearer=x", "bearer"), ("secret=x", "secret"),
                ("key=x", "key"), ("Access-Token=x", "Access-Token"), ("api%5Fkey=x", "api_key"),
                ("api_key[]=x", "api_key"), ("passwd=x", "passwd"), ("pwd=x", "pwd"), ("auth=x", "auth"),
                ("Authorization=x", "Authorization"), ("client_secret=x", "client_secret"),
                ("page=1&per_page=5&jwt=x", "jwt"), ("api+key=x", "api key"), ("token", "token"),
            ]
            for (query, name) in refused {
                let response = try await app.request(.get, "/api/lists?\(query)", headers: .bearer(token))
                #expect(response.status == .badRequest, "\(query): \(response.body)")
                #expect(response.code == "credentials_in_url", "\(query)")
                #expect(response.object["parameter"] as? String == name, "\(query)")
            }
            // Other parameters, names that only contain a credential word among them, pass.
            for query in ["pretty", "page=1&per_page=all", "order_by=name&order=asc", "tokens=1", "monkey=1"] {
                let response = try await app.request(.get, "/api/lists?\(query)", headers: .bearer(token))
                #expect(response.status == .ok, "\(query): \(response.body)")
            }
        }
    }

    @Test("two Authorization headers: 400 credentials_ambiguous, whichever comes first", arguments: TestBackend.enabled)
    func twoHeaders(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let (user, token) = try await app.makeAPIUser("shop")
            let right = "Bearer \(token)"
            let pairs = [(right, right), (right, "Bearer junk"), ("Bearer junk", right), (right, "")]
            for (first, second) in pairs {
                var headers: HTTPFields = [.authorization: first]
                headers.append(HTTPField(name: .authorization, value: second))
                let response = try await app.request(.get, "/api/lists", headers: headers)
                #expect(response.status == .badRequest, "\(first) / \(second): \(response.body)")
                #expect(response.code == "credentials_ambiguous")
                #expect(response.message?.contains(token) == false)
            }
            #expect(try await app.request(.get, "/api/lists", headers: .basic(user.username, token)).status == .ok)
        }
    }

    @Test("the Authorization header decides over a session cookie", arguments: TestBackend.enabled)
    func headerBeatsCookie(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            let session = try await app.sessionID("alice")
            var headers = HTTPFields.session(session)
            headers[.authorization] = "Bearer junk"
            let response = try await app.request(.get, "/api/health", headers: headers)
            #expect(response.status == .unauthorized)
            #expect(response.code == "invalid_credentials")
        }
    }

    @Test("role changes apply to a token's very next request", arguments: TestBackend.enabled)
    func roleChangeIsImmediate(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let role = try await app.services.roles.createUserRole(name: "readers", permissions: ["users:get"], by: nil)
            let (user, token) = try await app.makeAPIUser("shop", role: role.id)
            let headers = HTTPFields.basic(user.username, token)
            #expect(try await app.request(.get, "/api/users", headers: headers).status == .ok)
            _ = try await app.services.roles.updateUserRole(role.id, name: "readers", permissions: [], by: nil)
            let after = try await app.request(.get, "/api/users", headers: headers)
            #expect(after.status == .forbidden)
            #expect(after.message == "permission denied: users:get")
        }
    }
}

/// A password hasher for tests that must never reach it.
struct NeverPasswords: PasswordHasher {
    func hash(_ password: String) async throws -> String { Issue.record("hash called"); return "" }
    func verify(_ password: String, hash: String) async throws -> Bool { Issue.record("verify called"); return false }
    func verifyDecoy(_ password: String) async { Issue.record("decoy called") }
}
