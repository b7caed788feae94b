import Foundation
import Hummingbird
import NIOCore
import TidingsCore

/// Authenticates `/api/*` requests: an `Authorization` header decides when
/// present; otherwise the session cookie, whose state-changing requests must come from our own
/// origin (CSRF). Credentials in the query string are refused outright.
///
/// It runs as the first step of every API route's handler (see `APIRoute`) rather than as a
/// middleware in a transforming router group: that is one layer less on the hottest path.
struct APIAuthenticator: Sendable {
    let verifier: CredentialVerifier
    let sessions: SessionService
    let cookie: SessionCookie
    let origin: OriginCheck
    let addresses: ClientAddressResolver
    let connections: ConnectionCredentials
    let throttle: FailureThrottle
    let audit: AuditLog
    let format: TokenFormat
    let hasher: SecretHasher
    let clock: WallClock

    /// How far authentication got without waiting.
    enum Start {
        case authenticated(AuthenticatedContext)
        /// The answer takes waiting (a session cookie, a snapshot to load, a password sent as a
        /// token): hand this to `finish`.
        case waiting(Pending)
    }

    /// What `start` read from the request, so that `finish` need not read it again (on these rarer
    /// paths the verifier parses the token a second time).
    struct Pending {
        let address: IPAddress?
        /// The `Authorization` header, and its credential; `nil`: there was none, the cookie decides.
        let header: String?
        let credential: PresentedCredential?
        let noting: Bool
    }

    /// The authenticated context for `request` if it can be had without suspending (a token on
    /// the warm path: most API traffic), else what `finish` needs; or the `AuthFailure` that says
    /// why not (counted by the throttle and written to the audit log as it goes). An `async` call
    /// chain costs a frame allocation and an executor check per level, on every request.
    /// `noting`: the route changes state, so the context gets an `AuditNote`.
    func start(_ request: Request, context: AppRequestContext, noting: Bool) throws(AuthFailure) -> Start {
        let address = addresses.address(of: request, peer: context.channel?.remoteAddress)
        var credential: PresentedCredential?
        do throws(AuthFailure) {
            try refuseCredentialsInURL(request)
            // An Authorization header decides, whatever cookie comes with it.
            let header = try authorizationHeader(of: request)
            if let channel = context.channel {
                switch connections.recall(header: header, on: channel) {
                case .verified(let earlier):
                    // The header this connection sent last time, verified then: only the checks
                    // that can have changed run again. Should one refuse, the full path below
                    // refuses again, and its refusal is the one recorded (with what the parsed
                    // credential tells).
                    if let verified = try? verifier.verifyAgain(
                        earlier, from: address, userAgent: { request.headers[.userAgent] })
                    {
                        return .authenticated(authenticated(context, verified.principal, verified, address, noting))
                    }
                case .failed:
                    // This connection's last attempt was a guess, and its address is made to wait:
                    // nothing it sends is looked at until the wait is over.
                    if let address, let wait = throttle.addressWait(.api, address: address, at: clock.now()) {
                        throw .tooManyFailures(retryAfter: wait)
                    }
                case .none:
                    break
                }
            }
            if let header { credential = try PresentedCredential.parse(authorization: header) }
            if let presented = credential,
                let verified = try verifier.verifyImmediately(
                    presented, from: address, userAgent: { request.headers[.userAgent] })
            {
                remember(verified, header: header, context: context)
                return .authenticated(authenticated(context, verified.principal, verified, address, noting))
            }
            return .waiting(Pending(address: address, header: header, credential: credential, noting: noting))
        } catch {
            throw refused(error, credential: credential, request: request, address: address, channel: context.channel)
        }
    }

    /// The rest of authentication for what `start` could not answer.
    func finish(
        _ pending: Pending, request: Request, context: AppRequestContext
    ) async throws(AuthFailure) -> AuthenticatedContext {
        do throws(AuthFailure) {
            if let presented = pending.credential {
                let verified = try await verifier.verify(presented, from: pending.address) {
                    request.headers[.userAgent]
                }
                remember(verified, header: pending.header, context: context)
                return authenticated(context, verified.principal, verified, pending.address, pending.noting)
            }
            let principal = try await sessionPrincipal(request, context: context)
            try origin.check(request)
            return authenticated(context, principal, nil, pending.address, pending.noting)
        } catch {
            throw refused(
                error, credential: pending.credential, request: request, address: pending.address,
                channel: context.channel)
        }
    }

    /// Remembers the connection's `Authorization` header as verified (see `ConnectionCredentials`).
    private func remember(_ verified: Verified, header: String?, context: AppRequestContext) {
        guard let channel = context.channel, let header else { return }
        connections.remember(header: header, verified: verified, on: channel)
    }

    private func authenticated(
        _ context: AppRequestContext, _ principal: Principal, _ token: Verified?, _ address: IPAddress?, _ noting: Bool
    ) -> AuthenticatedContext {
        AuthenticatedContext(
            context: context, principal: principal, token: token, clientAddress: address,
            audit: noting ? AuditNote() : nil)
    }

    private func refuseCredentialsInURL(_ request: Request) throws(AuthFailure) {
        if let name = CredentialParameters.first(in: request.query.lazy.map(\.key)) {
            throw .credentialsInURL(parameter: name)
        }
    }

    /// The value of the request's one `Authorization` header, `nil` without one. Two or more are
    /// refused: a proxy or a library may pick another one than this server would, and which
    /// credential is meant cannot be told.
    private func authorizationHeader(of request: Request) throws(AuthFailure) -> String? {
        var header: String?
        for field in request.headers where field.name == .authorization {
            guard header == nil else { throw .credentialsAmbiguous }
            header = field.value
        }
        return header
    }

    /// The login user of the session cookie.
    private func sessionPrincipal(
        _ request: Request, context: AppRequestContext
    ) async throws(AuthFailure)
        -> Principal
    {
        guard let sessionID = cookie.sessionID(in: request) else { throw .credentialsMissing }
        do {
            return try await sessions.principal(forSessionID: sessionID)
        } catch let failure as AuthFailure {
            throw failure
        } catch {
            context.logger.error("session lookup failed", metadata: ["error": "\(String(reflecting: error))"])
            throw .unavailable
        }
    }
}

extension APIAuthenticator {
    /// Counts a failure that suggests guessing against the address (and the username at it):
    /// past the threshold the answer becomes 429 with `Retry-After`. Failures that need the right
    /// secret (expired, revoked, superseded, disabled, address not allowed) never count. A counted
    /// failure straight from the client marks its connection (see `ConnectionCredentials`). Writes
    /// the audit event, except for requests without credentials, stale sessions, and the repeats
    /// of an address already throttled (one `auth.throttled` event marks the start).
    func refused(
        _ failure: AuthFailure, credential: PresentedCredential?, request: Request, address: IPAddress?,
        channel: (any Channel)?
    ) -> AuthFailure {
        var answer = failure
        var action = "auth.failure"
        switch failure {
        case .credentialsMissing, .sessionInvalid, .tooManyFailures, .unavailable, .passwordCheckBusy:
            return failure
        case .invalidCredentials, .credentialsMalformed, .loginUserNotAPI:
            // A password where the token belongs may cost a password check: it counts like a login.
            let scope: FailureThrottle.Scope = credential.map(verifier.mayBePassword) == true ? .login : .api
            let verdict = throttle.record(scope, address: address, username: credential?.username, at: clock.now())
            if let channel, !addresses.mayForward(channel) {
                connections.rememberFailure(on: channel)
            }
            if let wait = verdict.retryAfter {
                answer = .tooManyFailures(retryAfter: wait)
                if verdict.wasThrottled { return answer }  // the flood goes on: no event per request
                action = "auth.throttled"
            }
        case .tokenSuperseded:
            action = "token.reuse_after_rotation"
        default:
            break
        }
        // The key id only from a well-formed token of this instance, so that no part of a
        // password sent by mistake is ever recorded.
        let keyID = credential.flatMap { try? format.parse($0.secret) }
        var details: [String: String] = [:]
        if let username = credential?.username { details["username"] = String(username.prefix(128)) }
        if let secret = credential?.secret {
            // A keyed hash of what was presented: repeats of one wrong secret can be told apart
            // from a spray of guesses, and the secret cannot be recovered from it.
            details["secret_hash"] = String(hasher.hash(secret).prefix(16))
        }
        audit.record(
            action, .failure, actor: AuditEvent.Actor(kind: .anonymous, tokenKeyID: keyID),
            clientIP: address?.description, userAgent: request.headers[.userAgent],
            target: keyID.map { ("token", $0) }, code: failure.error.code, details: details)
        return answer
    }
}

/// The session cookie's name and attributes: `HttpOnly`, `SameSite=Lax`,
/// and `Secure` with the `__Host-` prefix when the root URL is https.
struct SessionCookie: Sendable {
    let secure: Bool
    let maxAge: Int

    var name: String { secure ? "__Host-session" : "session" }

    func sessionID(in request: Request) -> String? {
        guard let value = request.cookies[name]?.value, !value.isEmpty else { return nil }
        return value
    }

    func setting(_ sessionID: String) -> Cookie {
        Cookie(
            name: name, value: sessionID, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    /// Clears the cookie with the same name, path and flags it was set with.
    var clearing: Cookie {
        Cookie(
            name: name, value: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", secure: secure,
            httpOnly: true, sameSite: .lax)
    }
}

/// Cookie-authenticated requests that change state must name our origin in `Origin` (or, from
/// older browsers, `Referer`): a cross-site form or script cannot forge that.
struct OriginCheck: Sendable {
    let rootOrigin: String

    init(rootURL: String) {
        rootOrigin = Self.origin(of: rootURL) ?? rootURL
    }

    static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host?.lowercased()
        else { return nil }
        let defaultPort = scheme == "https" ? 443 : 80
        let port = components.port.map { $0 == defaultPort ? "" : ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)"
    }

    func check(_ request: Request) throws(AuthFailure) {
        switch request.method {
        case .get, .head, .options: return
        default: break
        }
        let claimed = request.headers[.origin] ?? request.headers[.referer].flatMap(Self.origin(of:))
        let host = request.head.authority.map { "://\($0.lowercased())" }
        guard let claimed, let origin = Self.origin(of: claimed),
            origin == rootOrigin || (host.map { origin.hasSuffix($0) } ?? false)
        else { throw .crossSiteRequest }
    }
}

extension Optional where Wrapped == String {
    var isNilOrEmpty: Bool { self?.isEmpty ?? true }
}
