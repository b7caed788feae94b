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
            Configuration comes from built-in defaults, then the TOML file given with --config, then
            TIDINGS_* environment variables (later wins). Every secret can also be read from a file
            named by <VARIABLE>_FILE.

              TIDINGS_HTTP_ADDRESS        host:port to listen on (default 127.0.0.1:9000)
              TIDINGS_DATA_DIR            data directory (default ./tidings-data)
              TIDINGS_DATABASE_URL        sqlite:///path/file.db or postgres://user:pass@host:port/db
                                          (default: SQLite at <data dir>/tidings.db)
              TIDINGS_ROOT_URL            public URL (https turns on Secure cookies)
              TIDINGS_SECRET_KEY(_FILE)   key for token and session hashes (default: generated
                                          into <data dir>/secret.key, mode 0600)
              TIDINGS_ADMIN_USER          Super Admin created on first start when no login user exists
              TIDINGS_ADMIN_PASSWORD(_FILE)
              TIDINGS_TOKEN_PREFIX        API token prefix (default tdg_)
              TIDINGS_BCRYPT_COST         bcrypt cost, 12-16 (default 12)
              TIDINGS_TOKEN_DEFAULT_LIFETIME_DAYS  a new token's lifetime (default 90)
              TIDINGS_TOKEN_MAX_LIFETIME_DAYS      the longest lifetime a token may get (default 365)
              TIDINGS_TOKEN_IDLE_DAYS     a token unused this long stops working (default 365)
              TIDINGS_TOKEN_ALLOW_NO_EXPIRY  allow tokens that never expire (default false)
              TIDINGS_TRUSTED_PROXIES     proxies whose X-Forwarded-For is believed (addresses/CIDRs)
              TIDINGS_REQUIRE_TWOFA       every login user must enrol in TOTP (default false)
              TIDINGS_LOG_LEVEL           trace|debug|info|notice|warning|error (default info)
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
