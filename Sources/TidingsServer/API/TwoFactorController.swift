import Foundation
import Hummingbird
import TidingsCore

/// listmonk's 2FA routes, with its bugs fixed: `{id}` is honoured (a
/// user enrols itself; an administrator may only turn someone's 2FA off), bodies may be JSON or
/// form-encoded, and the password to turn 2FA off goes in the body, never the URL.
struct TwoFactorController {
    let throttledCheck: ThrottledCheck
    let users: UserService
    let twoFactor: TwoFactorService

    var routes: [APIRoute] {
        [
            APIRoute(.get, "users/:id/twofa/totp", .authenticated, offer),
            APIRoute(.put, "users/:id/twofa", .authenticated, enable),
            APIRoute(.delete, "users/:id/twofa", .authenticated, disable),
        ]
    }

    struct OfferJSON: Encodable, Sendable {
        let secret: String
        /// listmonk sends a PNG QR code here; Tidings does not draw one (yet): `null`.
        let qr: String?
        let otpauth_url: String

        enum CodingKeys: String, CodingKey { case secret, qr, otpauth_url }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(secret, forKey: .secret)
            try container.encode(qr, forKey: .qr)
            try container.encode(otpauth_url, forKey: .otpauth_url)
        }
    }

    struct EnableBody: Decodable {
        var secret: String?
        var code: String?
    }

    struct DisableBody: Decodable {
        var password: String?
    }

    @Sendable func offer(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try ownAccount(context)
        let offer = try twoFactor.offer(for: user)
        return try ok(OfferJSON(secret: offer.secret, qr: nil, otpauth_url: offer.provisioningURL), request)
    }

    @Sendable func enable(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try ownAccount(context)
        let body = try await Self.decode(EnableBody.self, request, context)
        guard let secret = body.secret, !secret.isEmpty else { throw TidingsError.invalidField("secret") }
        guard let code = body.code, !code.isEmpty else { throw TidingsError.invalidField("code") }
        try await throttledCheck(
            username: user.username, address: context.clientAddress,
            isFailure: { $0.code == TwoFactorService.invalidCode.code }
        ) {
            try await twoFactor.enable(for: user, secret: secret, code: code)
        }
        return try ok(true, request)
    }

    @Sendable func disable(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = UserID(try context.id())
        // Someone else's 2FA: the permission first, so that a caller without it learns nothing
        // of the user (whether it exists, whether 2FA is on).
        if id != context.principal.user.id, !context.principal.has(.usersManage) {
            throw TidingsError.permissionDenied(Permission.usersManage.rawValue)
        }
        let user = try await users.user(id)
        let body = try await Self.decode(DisableBody.self, request, context)
        try await throttledCheck(
            username: context.principal.user.username, address: context.clientAddress,
            isFailure: { $0.code == "invalid_password" }
        ) {
            try await twoFactor.disable(for: user, by: context.principal, password: body.password)
        }
        return try ok(true, request)
    }

    /// Enrolment is for one's own account only.
    private func ownAccount(_ context: AuthenticatedContext) throws -> User {
        guard try context.id() == context.principal.user.id.rawValue else {
            throw TidingsError(
                .forbidden, code: "twofa_own_account", message: "two-factor authentication is set up by the user itself"
            )
        }
        return context.principal.user
    }

    /// A JSON or form-encoded body (listmonk's clients send forms).
    static func decode<T: Decodable>(
        _ type: T.Type, _ request: Request, _ context: AuthenticatedContext
    ) async throws -> T {
        if request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
            return try await FormBody.decode(type, from: request, context: context)
        }
        return try await request.decode(as: type, context: context)
    }
}
