import Hummingbird
import TidingsCore

// Every route of Tidings, in three tables: the authenticated API (`/api/…`, a token or a
// session, and a permission per route), the admin UI (`/admin/…`, a session, CSRF and a
// permission per page) and the public routes. Each area's controller or pages list their own
// routes; this file says which areas exist and what each is given. `docs/routes.md` is
// generated from these tables (RouteCatalogTests fails when it is stale).

/// The authenticated API's route table, area by area.
public func apiRoutes(services: AppServices) -> [APIRoute] {
    let http = HTTPEdges(configuration: services.configuration)
    return [
        SystemController(configuration: services.configuration, engine: services.engine).routes,
        UsersController(users: services.users, directory: services.directory).routes,
        ProfileController(
            sessions: services.sessions, throttledCheck: services.throttledCheck, users: services.users,
            directory: services.directory, cookie: http.cookie
        ).routes,
        RolesController(roles: services.roles).routes,
        ListsController(lists: services.lists).routes,
        SubscribersController(subscribers: services.subscribers).routes,
        SubscriberExportController(subscribers: services.subscribers).routes,
        SubscriberQueryController(subscribers: services.subscribers).routes,
        ImportController(configuration: services.configuration, importer: services.importer).routes,
        TokensController(clock: services.clock, tokens: services.tokens).routes,
        AuditController(audit: services.audit).routes,
        TwoFactorController(
            throttledCheck: services.throttledCheck, users: services.users, twoFactor: services.twoFactor
        ).routes,
    ].flatMap { $0 }
}

/// The admin UI's route table, area by area (paths under `/admin`).
func adminRoutes(services: AppServices, http: HTTPEdges) -> [AdminRoute] {
    let rootURL = services.configuration.rootURL
    return [
        DashboardPages(sessions: services.sessions, cookie: http.cookie).routes,
        UsersPages(
            configuration: services.configuration, tokens: services.tokens, users: services.users,
            roles: services.roles, directory: services.directory
        ).routes,
        UserEditPages(users: services.users, roles: services.roles).routes,
        TokensPages(tokens: services.tokens, users: services.users, rootURL: rootURL, lists: services.lists).routes,
        AuditPages(audit: services.audit).routes,
        ProfilePages(
            configuration: services.configuration, sessions: services.sessions, users: services.users,
            twoFactor: services.twoFactor
        ).routes,
        ListsPages(lists: services.lists).routes,
        RolesPages(roles: services.roles, lists: services.lists).routes,
        SubscribersPages(subscribers: services.subscribers, lists: services.lists).routes,
        ImportPages(
            importer: services.importer, dataDirectory: services.configuration.dataDirectory, lists: services.lists
        ).routes,
    ].flatMap { $0 }
}

/// The routes anyone may call.
func publicRoutes(services: AppServices, http: HTTPEdges) -> [PublicRoute] {
    [
        [
            PublicRoute(.get, "health", "liveness: `{\"data\":true}` while the process serves") { request, _ in
                try ok(true, request)
            }
        ],
        LoginPages(
            audit: services.audit, clock: services.clock, throttle: services.throttle, sessions: services.sessions,
            setup: services.setup, users: services.users, twoFactor: services.twoFactor,
            pendingLogins: services.pendingLogins, cookie: http.cookie, addresses: http.addresses
        ).routes,
        AdminAssets.routes,
        OptinPage(subscribers: services.subscribers).routes,
        LeakReportController(
            audit: services.audit, clock: services.clock, throttle: services.throttle, tokens: services.tokens,
            addresses: http.addresses
        ).routes,
    ].flatMap { $0 }
}
