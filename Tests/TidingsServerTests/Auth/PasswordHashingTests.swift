import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsTestSupport

@testable import TidingsServer

/// Passwords: bcrypt at cost 12 or more, no truncation of long passwords,
/// at least 8 characters and far more than 128 accepted.
@Suite struct PasswordHashingTests {
    @Test("the bcrypt cost is 12 by default and can never be set below it")
    func costFloor() throws {
        #expect(try ConfigurationLoader.load(file: nil, environment: [:]).bcryptCost == 12)
        #expect(try ConfigurationLoader.load(file: nil, environment: ["TIDINGS_BCRYPT_COST": "13"]).bcryptCost == 13)
        for low in ["11", "4", "0", "-1"] {
            #expect(throws: ConfigurationError.self) {
                try ConfigurationLoader.load(file: nil, environment: ["TIDINGS_BCRYPT_COST": low])
            }
        }
    }

    @Test("a cost-12 hash is what the server stores")
    func storedCost() async throws {
        let hash = try await BcryptPasswordHasher(cost: 12).hash("correct horse battery")
        #expect(hash.hasPrefix("$2b$12$") || hash.hasPrefix("$2a$12$") || hash.hasPrefix("$2y$12$"), "\(hash)")
    }

    @Test("passwords longer than bcrypt's 72 bytes are not truncated")
    func noTruncation() async throws {
        let hasher = BcryptPasswordHasher(cost: 4)
        let shared = String(repeating: "a", count: 100)
        let hash = try await hasher.hash(shared + "1")
        #expect(try await hasher.verify(shared + "1", hash: hash))
        #expect(try await !hasher.verify(shared + "2", hash: hash), "differs only after byte 100")
        #expect(try await !hasher.verify(shared, hash: hash))
        // Unicode counts by bytes as well: one changed character far past 72 bytes.
        let unicode = String(repeating: "é", count: 60)
        let unicodeHash = try await hasher.hash(unicode + "ü")
        #expect(try await !hasher.verify(unicode + "ö", hash: unicodeHash))
    }

    @Test(
        "a 200-character password is accepted and logs in; one character off does not", arguments: TestBackend.enabled)
    func longPasswordsOverTheAPI(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let password = String(repeating: "long password ", count: 14) + "end"  // 199 characters
            let created = try await app.request(
                .post, "/api/users", headers: admin,
                json: [
                    "username": "alice", "type": "user", "email": "alice@example.com", "password_login": true,
                    "password": password, "user_role_id": 1, "name": "Alice",
                ])
            #expect(created.status == .ok, "\(created.body)")
            #expect(try await !app.sessionID("alice", password: password).isEmpty)
            await #expect(throws: (any Error).self) {
                try await app.sessionID("alice", password: String(password.dropLast()) + "x")
            }
            let tooShort = try await app.request(
                .post, "/api/users", headers: admin,
                json: [
                    "username": "bob", "type": "user", "email": "bob@example.com", "password_login": true,
                    "password": "seven77", "user_role_id": 1, "name": "Bob",
                ])
            #expect(tooShort.status == .badRequest)
        }
    }
}
