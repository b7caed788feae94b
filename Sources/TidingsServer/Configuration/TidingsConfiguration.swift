import Foundation
import TidingsCore
import TidingsMail

/// Everything Tidings needs to start. Built by `ConfigurationLoader` from defaults, a TOML file
/// and `TIDINGS_*` environment variables, in that order of precedence (later wins).
public struct TidingsConfiguration: Sendable {
    /// Host and port to listen on (`TIDINGS_HTTP_ADDRESS`, default `127.0.0.1:9000`).
    public var host: String = "127.0.0.1"
    public var port: Int = 9000
    /// Where the SQLite database and the generated secret key live (`TIDINGS_DATA_DIR`).
    public var dataDirectory: String = "./tidings-data"
    /// `sqlite:///path/file.db` or `postgres://user:pass@host:port/db`; `nil` → SQLite in the data directory.
    public var databaseURL: String?
    /// PostgreSQL only: the login that runs callers' SQL filter expressions (a role that may only
    /// read subscribers, lists and subscriptions). Unset: Tidings derives and provisions one.
    public var queryDatabaseURL: String?
    /// The public URL of this instance (`TIDINGS_ROOT_URL`); `https` turns on `Secure` cookies.
    public var rootURL: String = "http://127.0.0.1:9000"
    /// The key for token and session hashes, if given (`TIDINGS_SECRET_KEY` / `_FILE`); otherwise
    /// read from, or generated into, `<data dir>/secret.key`.
    public var secretKey: String?
    /// The Super Admin created on first start when no login user exists.
    public var adminUser: String?
    public var adminPassword: String?
    /// The prefix of API tokens (`TIDINGS_TOKEN_PREFIX`, default `tdg_`).
    public var tokenPrefix: String = "tdg_"
    /// bcrypt cost (`TIDINGS_BCRYPT_COST`, 12–16; tests may lower it through code only).
    public var bcryptCost: Int = 12
    /// Password checks run at once (threads of their own) and checks that may wait for one beyond
    /// those; further checks are refused with 503 `password_check_busy`. `nil`: every CPU but one,
    /// and four waiting per thread. Set through code only (tests).
    public var passwordCheckThreads: Int?
    public var passwordCheckWaiting: Int?
    /// Log level (`TIDINGS_LOG_LEVEL`: trace, debug, info, notice, warning, error).
    public var logLevel: String = "info"
    /// Open browser sessions and token lifetimes.
    public var sessionAbsoluteLifetime: TimeInterval = 7 * 86_400
    public var sessionIdleLifetime: TimeInterval = 12 * 3_600
    /// Token lifetimes in days (`TIDINGS_TOKEN_DEFAULT_LIFETIME_DAYS` 90, `…_MAX_LIFETIME_DAYS` 365,
    /// `TIDINGS_TOKEN_IDLE_DAYS` 365) and whether a token may never expire
    /// (`TIDINGS_TOKEN_ALLOW_NO_EXPIRY`, default false).
    public var tokenDefaultLifetimeDays: Int = 90
    public var tokenMaxLifetimeDays: Int = 365
    public var tokenIdleDays: Int = 365
    public var tokenAllowNoExpiry: Bool = false
    /// Proxies whose `X-Forwarded-For` is believed (`TIDINGS_TRUSTED_PROXIES`, comma-separated
    /// addresses or CIDRs; default none: the socket's peer is the client).
    public var trustedProxies: [String] = []
    /// Whether every login user must use TOTP (`TIDINGS_REQUIRE_TWOFA`, default false): until it
    /// enrols, a session may only reach the enrolment routes, its profile and logout.
    public var requireTwoFactor: Bool = false
    /// The SMTP server that delivers Tidings' mail (`TIDINGS_SMTP_HOST` and friends); `nil`: mail
    /// is logged and not sent.
    public var smtp: SMTPSettings?
    /// `From:` of the mail Tidings sends (`TIDINGS_FROM_EMAIL`, listmonk's `app.from_email`);
    /// default `Tidings <noreply@<root URL's host>>`.
    public var fromEmail: String?

    public init() {}

    /// The sender of Tidings' own mail.
    public var effectiveFromEmail: String {
        if let fromEmail, !fromEmail.isEmpty { return fromEmail }
        let host = URL(string: rootURL)?.host ?? "localhost"
        return "Tidings <noreply@\(host)>"
    }

    /// Whether cookies must be `Secure` (and take the `__Host-` prefix).
    public var usesHTTPS: Bool { rootURL.lowercased().hasPrefix("https://") }

    public var httpAddress: String { "\(host):\(port)" }

    /// The token policy these settings describe.
    public var tokenPolicy: TokenPolicy {
        TokenPolicy(
            defaultLifetime: TimeInterval(tokenDefaultLifetimeDays) * 86_400,
            maximumLifetime: TimeInterval(tokenMaxLifetimeDays) * 86_400,
            idleLifetime: TimeInterval(tokenIdleDays) * 86_400, allowsNoExpiry: tokenAllowNoExpiry)
    }

    /// The trusted proxies as networks (validated when the configuration is loaded).
    public var trustedProxyNetworks: [CIDRBlock] { trustedProxies.compactMap(CIDRBlock.init) }

    /// The database location this configuration selects.
    public var database: DatabaseLocation {
        get throws { try DatabaseLocation(url: databaseURL, dataDirectory: dataDirectory) }
    }
}

/// Which database to open.
public enum DatabaseLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    public init(url: String?, dataDirectory: String) throws {
        guard let url, !url.isEmpty else {
            self = .sqlite(path: URL(fileURLWithPath: dataDirectory).appendingPathComponent("tidings.db").path)
            return
        }
        if url.hasPrefix("sqlite://") {
            let path = String(url.dropFirst("sqlite://".count))
            guard !path.isEmpty else {
                throw ConfigurationError.invalid("TIDINGS_DATABASE_URL", "sqlite:///path/file.db")
            }
            self = .sqlite(path: path)
        } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            self = .postgres(url: url)
        } else {
            throw ConfigurationError.invalid(
                "TIDINGS_DATABASE_URL", "expected sqlite:///path/file.db or postgres://user:pass@host:port/db")
        }
    }
}

public enum ConfigurationError: Error, CustomStringConvertible {
    case invalid(String, String)
    case unreadable(String, String)

    public var description: String {
        switch self {
        case .invalid(let name, let expected): return "invalid \(name): \(expected)"
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        }
    }
}
