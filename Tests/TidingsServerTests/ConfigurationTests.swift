import Foundation
import Testing
import TidingsMail
import TidingsServer

/// Configuration: defaults < TOML file < environment; every secret from a `*_FILE`.
@Suite struct ConfigurationTests {
    static func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tidings-\(UUID().uuidString)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("defaults: 127.0.0.1:9000, SQLite in ./tidings-data")
    func defaults() throws {
        let configuration = try ConfigurationLoader.load(file: nil, environment: [:])
        #expect(configuration.httpAddress == "127.0.0.1:9000")
        #expect(try configuration.database == .sqlite(path: URL(fileURLWithPath: "./tidings-data/tidings.db").path))
        #expect(configuration.tokenPrefix == "tdg_")
        #expect(!configuration.usesHTTPS)
    }

    @Test("the TOML file sets values and the environment overrides them")
    func precedence() throws {
        let file = try Self.temporaryFile(
            """
            data_dir = "/var/lib/tidings"
            [http]
            address = "0.0.0.0:8080"
            root_url = "https://news.example.com"
            [database]
            url = "postgres://u:p@db:5432/tidings"
            [admin]
            user = "fromfile"
            """)
        let fileOnly = try ConfigurationLoader.load(file: file, environment: [:])
        #expect(fileOnly.httpAddress == "0.0.0.0:8080")
        #expect(fileOnly.dataDirectory == "/var/lib/tidings")
        #expect(try fileOnly.database == .postgres(url: "postgres://u:p@db:5432/tidings"))
        #expect(fileOnly.usesHTTPS)
        #expect(fileOnly.adminUser == "fromfile")
        let overridden = try ConfigurationLoader.load(
            file: file,
            environment: [
                "TIDINGS_HTTP_ADDRESS": "127.0.0.1:9100", "TIDINGS_DATABASE_URL": "sqlite:///tmp/x.db",
                "TIDINGS_ADMIN_USER": "fromenv", "TIDINGS_ROOT_URL": "http://localhost:9100",
            ])
        #expect(overridden.port == 9100)
        #expect(try overridden.database == .sqlite(path: "/tmp/x.db"))
        #expect(overridden.adminUser == "fromenv")
        #expect(overridden.dataDirectory == "/var/lib/tidings")
    }

    @Test("secrets come from *_FILE variables, without the trailing newline")
    func secretFiles() throws {
        let password = try Self.temporaryFile("from a file\n")
        let key = try Self.temporaryFile(String(repeating: "k", count: 40) + "\n")
        let configuration = try ConfigurationLoader.load(
            file: nil,
            environment: [
                "TIDINGS_ADMIN_PASSWORD_FILE": password, "TIDINGS_SECRET_KEY_FILE": key,
                "TIDINGS_ADMIN_PASSWORD": "ignored when the file is given",
            ])
        #expect(configuration.adminPassword == "from a file")
        #expect(configuration.secretKey == String(repeating: "k", count: 40))
        let queryURL = try Self.temporaryFile("postgres://reader:secret@db/tidings\n")
        let query = try ConfigurationLoader.load(file: nil, environment: ["TIDINGS_QUERY_DATABASE_URL_FILE": queryURL])
        #expect(query.queryDatabaseURL == "postgres://reader:secret@db/tidings")
        #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(file: nil, environment: ["TIDINGS_ADMIN_PASSWORD_FILE": "/nonexistent/x"])
        }
    }

    @Test(
        "bad values are refused with the name of the setting",
        arguments: [
            ["TIDINGS_HTTP_ADDRESS": "nonsense"], ["TIDINGS_HTTP_ADDRESS": "host:99999"],
            ["TIDINGS_DATABASE_URL": "mysql://x"], ["TIDINGS_BCRYPT_COST": "twelve"], ["TIDINGS_BCRYPT_COST": "4"],
            ["TIDINGS_TOKEN_MAX_LIFETIME_DAYS": "0"], ["TIDINGS_TOKEN_DEFAULT_LIFETIME_DAYS": "400"],
            ["TIDINGS_TOKEN_IDLE_DAYS": "soon"], ["TIDINGS_TRUSTED_PROXIES": "proxy.local"],
            ["TIDINGS_REQUIRE_TWOFA": "maybe"], ["TIDINGS_TOKEN_ALLOW_NO_EXPIRY": "yes please"],
        ])
    func invalid(environment: [String: String]) throws {
        #expect(throws: ConfigurationError.self) {
            let configuration = try ConfigurationLoader.load(file: nil, environment: environment)
            _ = try configuration.database
        }
    }

    @Test("a broken TOML file is refused")
    func brokenTOML() throws {
        let file = try Self.temporaryFile("[http\naddress = ")
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader.load(file: file, environment: [:]) }
    }

    @Test("the secret key is generated once, mode 0600, and then reused; a short configured key is refused")
    func secretKey() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tidings-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try SecretKeyFile.key(configured: nil, dataDirectory: directory)
        let second = try SecretKeyFile.key(configured: nil, dataDirectory: directory)
        #expect(first == second && first.count == 32)
        let attributes = try FileManager.default.attributesOfItem(atPath: "\(directory)/secret.key")
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        #expect(throws: ConfigurationError.self) {
            try SecretKeyFile.key(configured: "short", dataDirectory: directory)
        }
    }

    @Test("token, proxy and two-factor settings come from the environment")
    func securitySettings() throws {
        let configuration = try ConfigurationLoader.load(
            file: nil,
            environment: [
                "TIDINGS_TOKEN_DEFAULT_LIFETIME_DAYS": "30", "TIDINGS_TOKEN_MAX_LIFETIME_DAYS": "60",
                "TIDINGS_TOKEN_IDLE_DAYS": "10", "TIDINGS_TOKEN_ALLOW_NO_EXPIRY": "true",
                "TIDINGS_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8,::1", "TIDINGS_REQUIRE_TWOFA": "1",
            ])
        #expect(configuration.tokenPolicy.defaultLifetime == 30 * 86_400)
        #expect(configuration.tokenPolicy.maximumLifetime == 60 * 86_400)
        #expect(configuration.tokenPolicy.idleLifetime == 10 * 86_400)
        #expect(configuration.tokenPolicy.allowsNoExpiry)
        #expect(configuration.trustedProxyNetworks.map(\.description) == ["127.0.0.1/32", "10.0.0.0/8", "::1/128"])
        #expect(configuration.requireTwoFactor)
    }

    @Test("SMTP settings and the sender come from the TOML file and the environment; mistakes are refused")
    func smtpSettings() throws {
        let password = try Self.temporaryFile("p4ss word\n")
        let file = try Self.temporaryFile(
            """
            from_email = "News <news@example.com>"
            [smtp]
            host = "mail.example.com"
            port = 465
            tls = "tls"
            username = "mailer"
            password_file = "\(password)"
            """)
        let fromFile = try ConfigurationLoader.load(file: file, environment: [:])
        let smtp = try #require(fromFile.smtp)
        #expect(smtp.host == "mail.example.com" && smtp.port == 465 && smtp.security == .tls)
        #expect(smtp.username == "mailer" && smtp.password == "p4ss word")
        #expect(fromFile.effectiveFromEmail == "News <news@example.com>")

        let fromEnvironment = try ConfigurationLoader.load(
            file: nil,
            environment: [
                "TIDINGS_SMTP_HOST": "relay", "TIDINGS_SMTP_PORT": "2525", "TIDINGS_SMTP_TLS": "none",
                "TIDINGS_SMTP_PASSWORD_FILE": password, "TIDINGS_SMTP_TLS_SKIP_VERIFY": "true",
                "TIDINGS_ROOT_URL": "https://lists.example.org",
            ])
        #expect(fromEnvironment.smtp?.port == 2525)
        #expect(fromEnvironment.smtp?.security == SMTPSettings.Security.none)
        #expect(fromEnvironment.smtp?.password == "p4ss word")
        #expect(fromEnvironment.smtp?.skipCertificateVerification == true)
        #expect(fromEnvironment.effectiveFromEmail == "Tidings <noreply@lists.example.org>")
        #expect(try ConfigurationLoader.load(file: nil, environment: [:]).smtp == nil)

        for bad in [
            ["TIDINGS_SMTP_HOST": "relay", "TIDINGS_SMTP_TLS": "ssl"],
            ["TIDINGS_SMTP_HOST": "relay", "TIDINGS_SMTP_PORT": "0"],
            ["TIDINGS_SMTP_HOST": "relay", "TIDINGS_SMTP_PORT": "smtp"],
            ["TIDINGS_SMTP_PORT": "25"],
            ["TIDINGS_FROM_EMAIL": "not an address"],
        ] {
            #expect(throws: ConfigurationError.self, "\(bad)") {
                try ConfigurationLoader.load(file: nil, environment: bad)
            }
        }
    }
}
