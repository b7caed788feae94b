import Foundation
import TOMLKit
import TidingsCore
import TidingsMail

/// Reads configuration: built-in defaults, then the TOML file (if any), then `TIDINGS_*`
/// environment variables. Every secret can also come from a file named by `<NAME>_FILE`.
public enum ConfigurationLoader {
    /// The TOML file's shape; every key is optional.
    struct FileConfiguration: Decodable {
        struct HTTP: Decodable {
            var address: String?
            var root_url: String?
            var trusted_proxies: [String]?
        }
        struct Database: Decodable {
            var url: String?
            var query_url: String?
        }
        struct Security: Decodable {
            var secret_key: String?
            var secret_key_file: String?
            var token_prefix: String?
            var bcrypt_cost: Int?
            var token_default_lifetime_days: Int?
            var token_max_lifetime_days: Int?
            var token_idle_days: Int?
            var token_allow_no_expiry: Bool?
            var require_twofa: Bool?
        }
        struct Admin: Decodable {
            var user: String?
            var password: String?
            var password_file: String?
        }
        struct SMTP: Decodable {
            var host: String?
            var port: Int?
            var username: String?
            var password: String?
            var password_file: String?
            var tls: String?
            var tls_skip_verify: Bool?
            var hello_name: String?
        }
        var data_dir: String?
        var log_level: String?
        var from_email: String?
        var smtp: SMTP?
        var http: HTTP?
        var database: Database?
        var security: Security?
        var admin: Admin?
    }

    public static func load(file: String?, environment: [String: String]) throws -> TidingsConfiguration {
        var configuration = TidingsConfiguration()
        if let file {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw ConfigurationError.unreadable(file, "\(error.localizedDescription)")
            }
            let parsed: FileConfiguration
            do { parsed = try TOMLDecoder().decode(FileConfiguration.self, from: text) } catch {
                throw ConfigurationError.invalid(file, "not valid TOML for Tidings: \(error)")
            }
            try apply(parsed, to: &configuration)
        }
        try apply(environment: environment, to: &configuration)
        try validate(configuration)
        return configuration
    }

    static func apply(_ file: FileConfiguration, to configuration: inout TidingsConfiguration) throws {
        if let value = file.data_dir { configuration.dataDirectory = value }
        if let value = file.log_level { configuration.logLevel = value }
        if let value = file.http?.address { try setAddress(value, name: "http.address", in: &configuration) }
        if let value = file.http?.root_url { configuration.rootURL = value }
        if let value = file.database?.url { configuration.databaseURL = value }
        if let value = file.database?.query_url { configuration.queryDatabaseURL = value }
        if let value = file.security?.secret_key { configuration.secretKey = value }
        if let path = file.security?.secret_key_file { configuration.secretKey = try readSecret(path) }
        if let value = file.security?.token_prefix { configuration.tokenPrefix = value }
        if let value = file.security?.bcrypt_cost { configuration.bcryptCost = value }
        if let value = file.http?.trusted_proxies { configuration.trustedProxies = value }
        if let value = file.security?.token_default_lifetime_days { configuration.tokenDefaultLifetimeDays = value }
        if let value = file.security?.token_max_lifetime_days { configuration.tokenMaxLifetimeDays = value }
        if let value = file.security?.token_idle_days { configuration.tokenIdleDays = value }
        if let value = file.security?.token_allow_no_expiry { configuration.tokenAllowNoExpiry = value }
        if let value = file.security?.require_twofa { configuration.requireTwoFactor = value }
        if let value = file.admin?.user { configuration.adminUser = value }
        if let value = file.admin?.password { configuration.adminPassword = value }
        if let path = file.admin?.password_file { configuration.adminPassword = try readSecret(path) }
        if let value = file.from_email { configuration.fromEmail = value }
        if let smtp = file.smtp {
            var settings = SMTPSettings(host: smtp.host ?? configuration.smtp?.host ?? "")
            if let value = smtp.port { settings.port = value }
            settings.username = smtp.username
            settings.password = try smtp.password_file.map(readSecret) ?? smtp.password
            if let value = smtp.tls { settings.security = try security(value, name: "smtp.tls") }
            if let value = smtp.tls_skip_verify { settings.skipCertificateVerification = value }
            if let value = smtp.hello_name { settings.helloName = value }
            configuration.smtp = settings
        }
    }

    static func security(_ text: String, name: String) throws -> SMTPSettings.Security {
        guard let security = SMTPSettings.Security(rawValue: text.lowercased()) else {
            throw ConfigurationError.invalid(name, "none, starttls or tls")
        }
        return security
    }

    static func apply(environment: [String: String], to configuration: inout TidingsConfiguration) throws {
        func value(_ name: String) throws -> String? {
            if let path = environment["\(name)_FILE"], !path.isEmpty { return try readSecret(path) }
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        if let address = try value("TIDINGS_HTTP_ADDRESS") {
            try setAddress(address, name: "TIDINGS_HTTP_ADDRESS", in: &configuration)
        }
        if let dataDirectory = try value("TIDINGS_DATA_DIR") { configuration.dataDirectory = dataDirectory }
        if let url = try value("TIDINGS_DATABASE_URL") { configuration.databaseURL = url }
        if let url = try value("TIDINGS_QUERY_DATABASE_URL") { configuration.queryDatabaseURL = url }
        if let rootURL = try value("TIDINGS_ROOT_URL") { configuration.rootURL = rootURL }
        if let key = try value("TIDINGS_SECRET_KEY") { configuration.secretKey = key }
        if let user = try value("TIDINGS_ADMIN_USER") { configuration.adminUser = user }
        if let password = try value("TIDINGS_ADMIN_PASSWORD") { configuration.adminPassword = password }
        if let prefix = try value("TIDINGS_TOKEN_PREFIX") { configuration.tokenPrefix = prefix }
        if let level = try value("TIDINGS_LOG_LEVEL") { configuration.logLevel = level }
        func days(_ name: String) throws -> Int? {
            guard let text = try value(name) else { return nil }
            guard let parsed = Int(text) else { throw ConfigurationError.invalid(name, "a number of days") }
            return parsed
        }
        if let value = try days("TIDINGS_TOKEN_DEFAULT_LIFETIME_DAYS") {
            configuration.tokenDefaultLifetimeDays = value
        }
        if let value = try days("TIDINGS_TOKEN_MAX_LIFETIME_DAYS") { configuration.tokenMaxLifetimeDays = value }
        if let value = try days("TIDINGS_TOKEN_IDLE_DAYS") { configuration.tokenIdleDays = value }
        func flag(_ name: String) throws -> Bool? {
            guard let text = try value(name) else { return nil }
            guard let flag = ["true": true, "1": true, "false": false, "0": false][text.lowercased()] else {
                throw ConfigurationError.invalid(name, "true or false")
            }
            return flag
        }
        if let value = try flag("TIDINGS_TOKEN_ALLOW_NO_EXPIRY") { configuration.tokenAllowNoExpiry = value }
        if let value = try flag("TIDINGS_REQUIRE_TWOFA") { configuration.requireTwoFactor = value }
        if let text = try value("TIDINGS_TRUSTED_PROXIES") {
            configuration.trustedProxies = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }
        if let from = try value("TIDINGS_FROM_EMAIL") { configuration.fromEmail = from }
        if let host = try value("TIDINGS_SMTP_HOST") {
            configuration.smtp = configuration.smtp ?? SMTPSettings(host: host)
            configuration.smtp?.host = host
        }
        if configuration.smtp != nil {
            if let port = try value("TIDINGS_SMTP_PORT") {
                guard let parsed = Int(port) else { throw ConfigurationError.invalid("TIDINGS_SMTP_PORT", "a port") }
                configuration.smtp?.port = parsed
            }
            if let user = try value("TIDINGS_SMTP_USERNAME") { configuration.smtp?.username = user }
            if let password = try value("TIDINGS_SMTP_PASSWORD") { configuration.smtp?.password = password }
            if let tls = try value("TIDINGS_SMTP_TLS") {
                configuration.smtp?.security = try security(tls, name: "TIDINGS_SMTP_TLS")
            }
            if let skip = try flag("TIDINGS_SMTP_TLS_SKIP_VERIFY") {
                configuration.smtp?.skipCertificateVerification = skip
            }
            if let hello = try value("TIDINGS_SMTP_HELLO_NAME") { configuration.smtp?.helloName = hello }
        } else if environment.contains(where: { $0.key.hasPrefix("TIDINGS_SMTP_") && !$0.value.isEmpty }) {
            throw ConfigurationError.invalid("TIDINGS_SMTP_HOST", "needed by the other TIDINGS_SMTP_* settings")
        }
        if let cost = try value("TIDINGS_BCRYPT_COST") {
            guard let parsed = Int(cost) else { throw ConfigurationError.invalid("TIDINGS_BCRYPT_COST", "an integer") }
            configuration.bcryptCost = parsed
        }
    }

    /// Checks what no single setter can: lifetimes that fit together, proxies that parse.
    static func validate(_ configuration: TidingsConfiguration) throws {
        let days = [
            ("TIDINGS_TOKEN_DEFAULT_LIFETIME_DAYS", configuration.tokenDefaultLifetimeDays),
            ("TIDINGS_TOKEN_MAX_LIFETIME_DAYS", configuration.tokenMaxLifetimeDays),
            ("TIDINGS_TOKEN_IDLE_DAYS", configuration.tokenIdleDays),
        ]
        for (name, value) in days where !(1...36_500).contains(value) {
            throw ConfigurationError.invalid(name, "a number of days from 1 to 36500")
        }
        guard configuration.tokenDefaultLifetimeDays <= configuration.tokenMaxLifetimeDays else {
            throw ConfigurationError.invalid(
                "TIDINGS_TOKEN_DEFAULT_LIFETIME_DAYS", "at most TIDINGS_TOKEN_MAX_LIFETIME_DAYS")
        }
        guard (12...16).contains(configuration.bcryptCost) else {
            throw ConfigurationError.invalid("TIDINGS_BCRYPT_COST", "12 to 16 (never below 12)")
        }
        if let smtp = configuration.smtp {
            guard !smtp.host.isEmpty else { throw ConfigurationError.invalid("TIDINGS_SMTP_HOST", "a host name") }
            guard (1...65_535).contains(smtp.port) else {
                throw ConfigurationError.invalid("TIDINGS_SMTP_PORT", "a port from 1 to 65535")
            }
        }
        if let from = configuration.fromEmail, !from.isEmpty,
            !Validation.isValidEmail(MailMessage(from: from, to: [], subject: "", textBody: "").envelopeSender)
        {
            throw ConfigurationError.invalid("TIDINGS_FROM_EMAIL", "an address, or Name <address>")
        }
        for proxy in configuration.trustedProxies where CIDRBlock(proxy) == nil {
            throw ConfigurationError.invalid(
                "TIDINGS_TRUSTED_PROXIES", "addresses or CIDRs, comma-separated (\(proxy))")
        }
    }

    static func setAddress(_ address: String, name: String, in configuration: inout TidingsConfiguration) throws {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (0...65_535).contains(port)
        else { throw ConfigurationError.invalid(name, "host:port, e.g. 127.0.0.1:9000") }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        configuration.host = host.isEmpty ? "0.0.0.0" : host
        configuration.port = port
    }

    /// A secret from a file, without its trailing newline.
    static func readSecret(_ path: String) throws -> String {
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return text.trimmingCharacters(in: .newlines)
        } catch {
            throw ConfigurationError.unreadable(path, "\(error.localizedDescription)")
        }
    }
}
