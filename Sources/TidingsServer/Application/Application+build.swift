import Hummingbird
import Logging
import ServiceLifecycle
import TidingsCore
import TidingsStore

/// The composition root for `tidings serve`: configuration → database → services → router →
/// application. The CLI and the tests build the same `AppServices` and, where they serve HTTP,
/// the same application through `buildApplication(services:logger:database:)`.
public func buildApplication(
    configuration: TidingsConfiguration, logger: Logger, clock: WallClock = .system
) async throws -> some ApplicationProtocol {
    // The schema first, on an engine of its own that closes again: no service of the
    // application starts on a database older than this code.
    try await Database.withEngine(configuration, logger: logger) { engine in
        let applied = try await Database.migrate(engine, clock: clock)
        if !applied.isEmpty { logger.notice("database schema migrated", metadata: ["versions": "\(applied)"]) }
    }
    let engine = try await Database.open(configuration, logger: logger)
    let services = try AppServices(configuration: configuration, engine: engine, clock: clock)
    return buildApplication(services: services, logger: logger, database: DatabaseService(engine: engine))
}

/// The application over `services`. `database`, when given, runs the engine and closes it after
/// every other service has stopped; without it the caller owns the database (tests).
public func buildApplication(
    services: AppServices, logger: Logger, database: DatabaseService? = nil
) -> Application<RouterResponder<AppRequestContext>> {
    let configuration = services.configuration
    let router = buildRouter(services: services)
    // Services stop in the reverse order of this list, so the database, first, closes last:
    // the audit log's final flush and the mail queue's last attempts still reach it.
    let lifecycle: [any Service] =
        [database].compactMap { $0 } + [
            SessionSweeper(services: services, interval: .seconds(3_600), logger: logger),
            AuditFlushService(audit: services.audit, interval: .seconds(1)),
            services.mailQueue,
            AuthChangeService(
                services: services, channel: services.authChanges, reloadInterval: .seconds(5), logger: logger),
        ]
    var app = Application(
        router: router,
        server: .http1(configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()])),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        services: lifecycle,
        onServerRunning: { _ in
            logger.notice(
                "Tidings is listening on http://\(configuration.httpAddress) (root URL \(configuration.rootURL))")
        },
        logger: logger)
    // While the services run and before the server listens: no request meets a half-prepared
    // instance.
    app.beforeServerStarts { try await StartupWork(services: services, logger: logger).run() }
    return app
}

/// Every route of the application.
public func buildRouter(services: AppServices) -> Router<AppRequestContext> {
    let configuration = services.configuration
    let cookie = SessionCookie(secure: configuration.usesHTTPS, maxAge: Int(configuration.sessionAbsoluteLifetime))
    let router = Router(context: AppRequestContext.self)
    let addresses = ClientAddressResolver(trustedProxies: configuration.trustedProxyNetworks)
    let gate = AdminGate(
        services: services, cookie: cookie, origin: OriginCheck(rootURL: configuration.rootURL), addresses: addresses)
    let renderer = AdminRenderer()
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: NULInURLMiddleware())
    router.add(middleware: QueryStringMiddleware())
    router.add(middleware: AdminNotFoundMiddleware(gate: gate, renderer: renderer, audit: services.audit))
    router.get("health") { request, _ in try ok(true, request) }
    LoginPages(services: services, cookie: cookie, addresses: addresses).register(on: router)
    AdminAssets.register(on: router)
    router.mount(adminRoutes(services: services, cookie: cookie), gate: gate, renderer: renderer, audit: services.audit)
    OptinPage(services: services).register(on: router)
    let authenticator = APIAuthenticator(
        verifier: services.verifier, sessions: services.sessions, cookie: cookie,
        origin: OriginCheck(rootURL: configuration.rootURL),
        addresses: addresses, connections: services.connectionCredentials, throttle: services.throttle,
        audit: services.audit, format: services.tokenFormat, hasher: services.secretHasher, clock: services.clock)
    router.post(
        RouterPath(LeakReportController.path),
        use: LeakReportController(services: services, addresses: addresses).report)
    router.group("api").mount(
        apiRoutes(services: services), authenticator: authenticator,
        tokenHeaders: TokenHeaders(policy: configuration.tokenPolicy), audit: services.audit,
        requireTwoFactor: configuration.requireTwoFactor)
    return router
}

/// The admin UI's route table, area by area.
func adminRoutes(services: AppServices, cookie: SessionCookie) -> [AdminRoute] {
    DashboardPages(services: services, cookie: cookie).routes + UsersPages(services: services).routes
        + UserEditPages(services: services).routes + TokensPages(services: services).routes
        + AuditPages(services: services).routes + ProfilePages(services: services).routes
        + ListsPages(services: services).routes + RolesPages(services: services).routes
        + SubscribersPages(services: services).routes + ImportPages(services: services).routes
}

/// The authenticated API's route table, area by area.
public func apiRoutes(services: AppServices) -> [APIRoute] {
    let cookie = SessionCookie(
        secure: services.configuration.usesHTTPS, maxAge: Int(services.configuration.sessionAbsoluteLifetime))
    return SystemController(services: services).routes + UsersController(services: services).routes
        + ProfileController(services: services, cookie: cookie).routes + RolesController(services: services).routes
        + ListsController(services: services).routes + SubscribersController(services: services).routes
        + SubscriberExportController(services: services).routes + SubscriberQueryController(services: services).routes
        + ImportController(services: services).routes
        + TokensController(services: services).routes
        + AuditController(services: services).routes + TwoFactorController(services: services).routes
}
