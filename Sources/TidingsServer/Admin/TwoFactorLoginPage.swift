import Foundation
import Hummingbird
import TidingsCore

/// The second step of a login for users enrolled in TOTP. Between the two steps the browser
/// holds a short-lived cookie sealed with the server's key (user id and deadline), so the step
/// works on any instance behind a load balancer and cannot be forged or stretched.
extension LoginPages {
    static let pendingCookie = "tidings_twofa"
    static let pendingLifetime: TimeInterval = 300

    struct SecondStepForm: Decodable {
        var code: String?
        var next: String?
        var nonce: String?
    }

    /// Redirects to the code form, holding the pending login in a cookie.
    func pendingSecondStep(for user: User, next: String) -> Response {
        let deadline = Int(clock.now().addingTimeInterval(Self.pendingLifetime).timeIntervalSince1970)
        let sealed = (try? pendingLogins.seal(Array("\(user.id.rawValue)|\(deadline)".utf8))) ?? ""
        let escaped = next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "%2Fadmin"
        var response = Response(status: .found, headers: [.location: "/admin/login/twofa?next=\(escaped)"])
        response.setCookie(
            Cookie(
                name: Self.pendingCookie, value: sealed, maxAge: Int(Self.pendingLifetime), path: "/admin/login",
                secure: cookie.secure, httpOnly: true, sameSite: .strict))
        return response
    }

    /// The user of a pending login that has not run out, or `nil`.
    func pendingUser(_ request: Request) async throws -> User? {
        guard let sealed = request.cookies[Self.pendingCookie]?.value,
            let opened = pendingLogins.open(sealed),
            case let parts = String(decoding: opened, as: UTF8.self).split(separator: "|"), parts.count == 2,
            let id = Int(parts[0]), let deadline = Double(parts[1]),
            clock.now().timeIntervalSince1970 < deadline
        else { return nil }
        let user = try? await users.user(UserID(id))
        guard let user, user.status == .enabled, user.twoFactor == .totp else { return nil }
        return user
    }

    @Sendable func showSecondStep(_ request: Request, context: AppRequestContext) async throws -> Response {
        let next = Self.sanitizedNext(request.param("next"))
        guard try await pendingUser(request) != nil else {
            return Response(status: .found, headers: [.location: "/admin/login"])
        }
        return secondStepPage(next: next, error: nil)
    }

    @Sendable func submitSecondStep(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormBody.decode(SecondStepForm.self, from: request, context: context)
        let next = Self.sanitizedNext(form.next)
        guard let user = try await pendingUser(request) else {
            return Response(status: .found, headers: [.location: "/admin/login"])
        }
        let expected = request.cookies[Self.nonceCookie]?.value ?? ""
        guard !expected.isEmpty, constantTimeEquals(Array(expected.utf8), Array((form.nonce ?? "").utf8)) else {
            return secondStepPage(next: next, error: "The form expired. Please try again.")
        }
        let address = addresses.address(of: request, peer: context.channel?.remoteAddress)
        let now = clock.now()
        if let wait = throttle.retryAfter(.login, address: address, username: user.username, at: now) {
            return throttledSecondStep(next: next, wait: wait)
        }
        guard try await twoFactor.verify(user, code: form.code ?? "") else {
            let wait = throttle.fail(.login, address: address, username: user.username, at: now)
            recordLogin(
                "login.totp", .failure, username: user.username, code: TwoFactorService.invalidCode.code, request,
                address)
            if let wait { return throttledSecondStep(next: next, wait: wait) }
            return secondStepPage(next: next, error: "That code is not right, or was already used. Try the next one.")
        }
        throttle.succeed(.login, address: address, username: user.username)
        let opened = try await sessions.open(
            for: user, clientIP: address?.description, userAgent: request.headers[.userAgent])
        recordLogin("login.totp", .success, username: user.username, code: nil, request, address, userID: user.id)
        var response = Response(status: .found, headers: [.location: next])
        response.setCookie(cookie.setting(opened.sessionID))
        response.setCookie(
            Cookie(
                name: Self.pendingCookie, value: "", maxAge: 0, path: "/admin/login", secure: cookie.secure,
                httpOnly: true, sameSite: .strict))
        return response
    }

    private func throttledSecondStep(next: String, wait: Int) -> Response {
        var response = secondStepPage(next: next, error: "Too many failed attempts. Try again in \(wait) seconds.")
        response.status = .tooManyRequests
        response.headers[.retryAfter] = String(wait)
        return response
    }

    private func secondStepPage(next: String, error: String?) -> Response {
        let nonce = Base62.random(count: 24)
        var response = HTMLPage.response(
            title: "Two-factor authentication",
            body: """
                <h1>Enter your code</h1>
                \(Self.errorBlock(error))
                <form method="post" action="/admin/login/twofa">
                <input type="hidden" name="nonce" value="\(nonce)">
                <input type="hidden" name="next" value="\(HTMLPage.escape(next))">
                <label for="code">The six-digit code from your authenticator app</label>
                <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" required autofocus>
                <button type="submit">Continue</button>
                </form>
                """)
        response.setCookie(nonceCookie(nonce))
        return response
    }
}
