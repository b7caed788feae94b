import ArgumentParser
import Foundation
import Logging
import TidingsServer

@main
struct Tidings: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidings",
        abstract: "Tidings: a self-hosted newsletter and mailing-list manager, wire-compatible with listmonk's API.",
        discussion: """
            Configuration comes from built-in defaults, then the TOML file given with
            --config, then TIDINGS_* environment variables (later wins). Every variable
            can also be read from a file named by <VARIABLE>_FILE.

              TIDINGS_HTTP_ADDRESS       host:port to listen on (default 127.0.0.1:9000)
              TIDINGS_ROOT_URL           public URL (default http://127.0.0.1:9000);
                                         https:// turns on Secure cookies
              TIDINGS_DATA_DIR           data directory (default ./tidings-data)
              TIDINGS_DATABASE_URL       sqlite:///path/file.db or
                                         postgres://user:pass@host:port/db
                                         (default: SQLite at <data dir>/tidings.db)
              TIDINGS_QUERY_DATABASE_URL PostgreSQL only: the login that runs subscriber
                                         SQL queries (default: a role Tidings creates)
              TIDINGS_SECRET_KEY         key for token and session hashes (default:
                                         generated into <data dir>/secret.key, 0600)
              TIDINGS_ADMIN_USER         Super Admin created on first start when no
              TIDINGS_ADMIN_PASSWORD     login user exists
              TIDINGS_TOKEN_PREFIX       API token prefix (default tdg_)
              TIDINGS_BCRYPT_COST        bcrypt cost, 12-16 (default 12)
              TIDINGS_TOKEN_DEFAULT_LIFETIME_DAYS
                                         a new token's lifetime (default 90)
              TIDINGS_TOKEN_MAX_LIFETIME_DAYS
                                         the longest a token may live (default 365)
              TIDINGS_TOKEN_IDLE_DAYS    a token unused this long stops working
                                         (default 365)
              TIDINGS_TOKEN_ALLOW_NO_EXPIRY
                                         allow tokens that never expire (default false)
              TIDINGS_TRUSTED_PROXIES    proxies whose X-Forwarded-For is believed
                                         (comma-separated addresses or CIDRs)
              TIDINGS_REQUIRE_TWOFA      every login user must enrol in TOTP
                                         (default false)
              TIDINGS_SMTP_HOST          SMTP server for Tidings' mail (default: none;
                                         mail is logged, not sent)
              TIDINGS_SMTP_PORT          its port (default 587)
              TIDINGS_SMTP_TLS           starttls, tls or none (default starttls)
              TIDINGS_SMTP_USERNAME      AUTH PLAIN or LOGIN credentials (default: none)
              TIDINGS_SMTP_PASSWORD
              TIDINGS_SMTP_TLS_SKIP_VERIFY
                                         accept any certificate (default false)
              TIDINGS_SMTP_HELLO_NAME    the name sent in EHLO (default localhost)
              TIDINGS_FROM_EMAIL         From: of Tidings' mail
                                         (default Tidings <noreply@<root URL host>>)
              TIDINGS_LOG_LEVEL          trace, debug, info, notice, warning or error
                                         (default info)
            """,
        version: TidingsVersion.current,
        subcommands: [Serve.self, Install.self, Upgrade.self, Users.self, Tokens.self, Audit.self],
        defaultSubcommand: Serve.self)
}

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "A TOML configuration file.")
    var config: String?

    func load() throws -> TidingsConfiguration {
        try ConfigurationLoader.load(file: config, environment: ProcessInfo.processInfo.environment)
    }

    /// Runs `body` with the services of the configured database, migrated first. (Running
    /// instances on PostgreSQL hear of every change it makes: each write announces itself.)
    func withServices(_ body: @Sendable (AppServices) async throws -> Void) async throws {
        let configuration = try load()
        try await AppServices.withServices(configuration, logger: logger(configuration), body)
    }

    /// Installs the process's log handler, once, before the first logger exists.
    private static let loggingSystem: Void = LoggingSystem.bootstrap(
        DeferredMetadataLogHandler.standardError, metadataProvider: nil)

    func logger(_ configuration: TidingsConfiguration) -> Logger {
        Self.loggingSystem
        var logger = Logger(label: "tidings")
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
        return logger
    }
}
