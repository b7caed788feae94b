import Foundation
import Hummingbird
import TidingsCore

/// The server-rendered sign-in pages: login, first-run setup and the TOTP step. Forms carry a per-browser nonce that must match a
/// cookie (login CSRF protection), and `next` is reduced to a local path.
struct LoginPages {
    let audit: AuditLog
    let clock: WallClock
    let throttle: FailureThrottle
    let sessions: SessionService
    let setup: FirstRunSetup
    let users: UserService
    let twoFactor: TwoFactorService
    /// Seals the cookie between the password and the TOTP step.
    let pendingLogins: SecretBox
    let cookie: SessionCookie
    let addresses: ClientAddressResolver

    static let nonceCookie = "tidings_nonce"

    /// The cookie half of a form's nonce (login CSRF): strict, HTTP-only, for the admin pages.
    func nonceCookie(_ nonce: String) -> Cookie {
        Cookie(
            name: Self.nonceCookie, value: nonce, path: "/admin", secure: cookie.secure, httpOnly: true,
            sameSite: .strict)
    }

    var routes: [PublicRoute] {
        [
            PublicRoute(.get, "admin/login", "the login form (and the first-run setup form)", showLogin),
            PublicRoute(
                .post, "admin/login", "signs in, or creates the first Super Admin with the setup code", submitLogin),
            PublicRoute(.get, "admin/login/twofa", "the TOTP step of a login", showSecondStep),
            PublicRoute(.post, "admin/login/twofa", "checks the TOTP code and starts the session", submitSecondStep),
        ]
    }

    struct LoginForm: Decodable {
        var username: String?
        var password: String?
        var next: String?
        var nonce: String?
        var setup_code: String?
        var email: String?
        var password2: String?
    }

    /// A local path to go to after login: only the path of `raw`, never another host, never `..`.
    static func sanitizedNext(_ raw: String?) -> String {
        let fallback = "/admin"
        guard let raw, isLocalPath(raw), let decoded = raw.removingPercentEncoding, isLocalPath(decoded) else {
            return fallback
        }
        // Non-ASCII text goes out percent-encoded; escapes already in the text stay as they are.
        return raw.addingPercentEncoding(withAllowedCharacters: Self.locationCharacters) ?? fallback
    }

    /// A path on this site and nothing a browser could read otherwise: one `/`, then neither `/`
    /// nor `\` (which browsers read as `//`, another host), no control character or white space
    /// anywhere (browsers drop tabs and line breaks, so `/<TAB>/evil.com` is `//evil.com`), no
    /// `\`, no `..`.
    private static func isLocalPath(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard scalars.first == "/" else { return false }
        if scalars.count > 1, scalars[1] == "/" || scalars[1] == "\\" { return false }
        let unsafe = scalars.contains {
            $0 == "\\" || $0.properties.isWhitespace || $0.properties.generalCategory == .control
                || $0.properties.generalCategory == .format
        }
        return !unsafe && !text.contains("..")
    }

    /// What a `Location` path may carry unescaped: printable ASCII but for quotes, angle
    /// brackets and the like.
    private static let locationCharacters = CharacterSet(
        charactersIn: "!$%&'()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~")

    @Sendable func showLogin(_ request: Request, context: AppRequestContext) async throws -> Response {
        let next = Self.sanitizedNext(request.param("next"))
        return try await page(next: next, error: nil)
    }

    func recordLogin(
        _ action: String, _ outcome: AuditEvent.Outcome, username: String?, code: String?, _ request: Request,
        _ address: IPAddress?, userID: UserID? = nil
    ) {
        let actor = AuditEvent.Actor(
            kind: userID == nil ? .anonymous : .session, userID: userID,
            username: username.map { String($0.prefix(128)) })
        audit.record(
            action, outcome, actor: actor, clientIP: address?.description, userAgent: request.headers[.userAgent],
            code: code)
    }

    /// The login page, answered 429 with `Retry-After` while this address is throttled.
    func throttledPage(next: String, wait: Int) async throws -> Response {
        try await waitPage(
            next: next, status: .tooManyRequests, wait: wait,
            error: "Too many failed attempts. Try again in \(wait) seconds.")
    }

    /// The login page, answered 503 with `Retry-After` when every password check is taken (the
    /// password was not checked, so the attempt does not count).
    func busyPage(next: String, username: String, wait: Int) async throws -> Response {
        try await waitPage(
            next: next, username: username, status: .serviceUnavailable, wait: wait,
            error: "The server is busy checking other passwords. Try again in \(wait) seconds.")
    }

    private func waitPage(
        next: String, username: String = "", status: HTTPResponse.Status, wait: Int, error: String
    ) async throws -> Response {
        var response = try await page(next: next, username: username, error: error)
        response.status = status
        response.headers[.retryAfter] = String(wait)
        return response
    }

    /// The login or setup form; `username` and `email` refill what was typed (never a password).
    private func page(
        next: String, username: String = "", email: String = "", error: String?
    ) async throws
        -> Response
    {
        let nonce = Base62.random(count: 24)
        let needsSetup = try await setup.isNeeded()
        var response = HTMLPage.response(
            title: needsSetup ? "Set up Tidings" : "Log in",
            body: needsSetup
                ? Self.setupForm(next: next, nonce: nonce, username: username, email: email, error: error)
                : Self.loginForm(next: next, nonce: nonce, username: username, error: error))
        response.setCookie(nonceCookie(nonce))
        return response
    }

    static func errorBlock(_ error: String?) -> String {
        error.map { "<p class=\"error\" role=\"alert\">\(HTMLPage.escape($0))</p>" } ?? ""
    }

    static func loginForm(next: String, nonce: String, username: String = "", error: String?) -> String {
        """
        <h1>Log in to Tidings</h1>
        \(errorBlock(error))
        <form method="post" action="/admin/login">
        <input type="hidden" name="nonce" value="\(nonce)">
        <input type="hidden" name="next" value="\(HTMLPage.escape(next))">
        <label for="username">Username</label><input id="username" name="username" value="\(HTMLPage.escape(username))" autocomplete="username" required autofocus>
        <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">Log in</button>
        </form>
        """
    }

    static func setupForm(
        next: String, nonce: String, username: String = "", email: String = "", error: String?
    )
        -> String
    {
        """
        <h1>Set up Tidings</h1>
        <p>Create the first Super Admin. Enter the one-time setup code that the server printed to its log.</p>
        \(errorBlock(error))
        <form method="post" action="/admin/login">
        <input type="hidden" name="nonce" value="\(nonce)">
        <input type="hidden" name="next" value="\(HTMLPage.escape(next))">
        <label for="setup_code">Setup code</label><input id="setup_code" name="setup_code" autocomplete="off" required autofocus>
        <label for="username">Username</label><input id="username" name="username" value="\(HTMLPage.escape(username))" autocomplete="username" required>
        <label for="email">E-mail</label><input id="email" name="email" type="email" value="\(HTMLPage.escape(email))" autocomplete="email" required>
        <label for="password">Password (at least 8 characters)</label><input id="password" name="password" type="password" autocomplete="new-password" minlength="8" required>
        <label for="password2">Repeat the password</label><input id="password2" name="password2" type="password" autocomplete="new-password" minlength="8" required>
        <button type="submit">Create the Super Admin</button>
        </form>
        """
    }

    @Sendable func submitLogin(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormBody.decode(LoginForm.self, from: request, context: context)
        let next = Self.sanitizedNext(form.next)
        let expected = request.cookies[Self.nonceCookie]?.value ?? ""
        guard !expected.isEmpty, constantTimeEquals(Array(expected.utf8), Array((form.nonce ?? "").utf8)) else {
            return try await page(
                next: next, username: form.username ?? "", email: form.email ?? "",
                error: "The form expired. Please try again.")
        }
        let userAgent = request.headers[.userAgent]
        let address = addresses.address(of: request, peer: context.channel?.remoteAddress)
        let needsSetup = try await setup.isNeeded()
        let username = needsSetup ? nil : form.username?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let wait = throttle.retryAfter(
            .login, address: address, username: username, at: clock.now())
        {
            return try await throttledPage(next: next, wait: wait)
        }
        let opened: SessionService.Opened
        do {
            if needsSetup {
                guard form.password == form.password2 else {
                    return try await page(
                        next: next, username: form.username ?? "", email: form.email ?? "",
                        error: "The passwords do not match.")
                }
                let user = try await setup.complete(
                    code: form.setup_code ?? "", username: form.username ?? "", email: form.email ?? "",
                    password: form.password ?? "")
                context.logger.notice(
                    "setup completed: created the first Super Admin", metadata: ["username": "\(user.username)"])
                opened = try await sessions.open(for: user, clientIP: context.clientIP, userAgent: userAgent)
            } else {
                let user = try await sessions.checkPassword(
                    username: form.username ?? "", password: form.password ?? "")
                if user.twoFactor == .totp {  // the password was right; the code comes next
                    throttle.succeed(.login, address: address, username: username)
                    recordLogin("login.password", .success, username: user.username, code: nil, request, address)
                    return pendingSecondStep(for: user, next: next)
                }
                opened = try await sessions.open(for: user, clientIP: context.clientIP, userAgent: userAgent)
            }
        } catch let error as TidingsError {
            if case .busy(let wait) = error.kind {
                return try await busyPage(next: next, username: form.username ?? "", wait: wait)
            }
            // Wrong passwords and wrong setup codes count towards the login throttle.
            guard ["invalid_login", "setup_code_invalid"].contains(error.code) else {
                return try await page(
                    next: next, username: form.username ?? "", email: form.email ?? "", error: error.message)
            }
            let wait = throttle.fail(.login, address: address, username: username, at: clock.now())
            recordLogin(
                needsSetup ? "login.setup" : "login.password", .failure, username: username, code: error.code, request,
                address)
            if let wait { return try await throttledPage(next: next, wait: wait) }
            return try await page(
                next: next, username: form.username ?? "", email: form.email ?? "", error: error.message)
        }
        throttle.succeed(.login, address: address, username: username)
        recordLogin(
            needsSetup ? "login.setup" : "login.password", .success, username: opened.user.username, code: nil, request,
            address, userID: opened.user.id)
        var response = Response(status: .found, headers: [.location: next])
        response.setCookie(cookie.setting(opened.sessionID))
        return response
    }
}

/// `application/x-www-form-urlencoded` bodies of the HTML forms.
enum FormBody {
    /// The first value of each field, decoded into `T`.
    static func decode<T: Decodable>(
        _ type: T.Type, from request: Request, context: some RequestContext
    ) async throws
        -> T
    {
        var fields: [String: String] = [:]
        for (key, value) in try await pairs(of: request) where fields[key] == nil { fields[key] = value }
        let data = try JSONEncoder().encode(fields)
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// Every field in order, repeated names included (`l=…&l=…`), decoded as a query string
    /// (`QueryString`, the same rules as the URL's). At most 64 KiB is read.
    static func pairs(of request: Request) async throws -> [(String, String)] {
        var request = request
        let buffer = try await request.collectBody(upTo: 64 * 1024)
        let form: QueryString
        do {
            guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
                throw QueryString.Invalid(reason: .notUTF8)
            }
            form = try QueryString(parsing: text)
        } catch let invalid as QueryString.Invalid {
            throw TidingsError.invalidForm(invalid)
        }
        return try form.pairs.map { pair in
            if pair.name.utf8.contains(0) || pair.value.utf8.contains(0) { throw NULCharacter.refusal("A form field") }
            return (pair.name, pair.value)
        }
    }
}
