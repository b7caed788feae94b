import Foundation
import Hummingbird
import TidingsCore

/// The token API: an API user's named tokens and the presenting token
/// itself. (The leaked-token report, which needs no credentials, is `LeakReportController`.)
struct TokensController {
    let clock: WallClock
    let tokens: TokenService

    var routes: [APIRoute] {
        [
            APIRoute(.get, "users/:id/tokens", .anyOf([.usersGet]), list),
            APIRoute(.post, "users/:id/tokens", .anyOf([.usersManage]), create),
            APIRoute(.post, "users/:id/tokens/:token_id/rotate", .anyOf([.usersManage]), rotate),
            APIRoute(.delete, "users/:id/tokens/:token_id", .anyOf([.usersManage]), revoke),
            APIRoute(.delete, "users/:id/tokens", .anyOf([.usersManage]), revokeAll),
            APIRoute(.get, "tokens/self", .authenticated, selfToken),
            APIRoute(.post, "tokens/self/rotate", .authenticated, rotateSelf),
        ]
    }

    /// The body of `POST /api/users/{id}/tokens`. `expires_at` distinguishes absent (the default
    /// lifetime) from `null` (never, where allowed).
    struct CreateBody: Decodable {
        var name: String?
        var expiry: TokenService.Request.Expiry = .standard
        var scopes: [String]?
        var lists: [Int]?
        var allowed_cidrs: [String]?

        enum CodingKeys: String, CodingKey {
            case name, expires_at, scopes, lists, allowed_cidrs
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            if container.contains(.expires_at) {
                if try container.decodeNil(forKey: .expires_at) {
                    expiry = .never
                } else {
                    let text = try container.decode(String.self, forKey: .expires_at)
                    guard let date = Timestamp.parse(text) else {
                        throw TidingsError.invalidField("expires_at", "Invalid fields: expires_at (an RFC 3339 time)")
                    }
                    expiry = .at(date)
                }
            }
            scopes = try container.decodeIfPresent([String].self, forKey: .scopes)
            lists = try container.decodeIfPresent([Int].self, forKey: .lists)
            allowed_cidrs = try container.decodeIfPresent([String].self, forKey: .allowed_cidrs)
        }
    }

    /// The body of the rotate routes.
    struct RotateBody: Decodable {
        var grace_seconds: Int?
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let list = try await tokens.tokens(of: UserID(try context.id()), by: context.principal)
        let now = clock.now()
        return try ok(list.map { TokenJSON($0, policy: tokens.policy, now: now) }, request)
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try await request.decode(as: CreateBody.self, context: context)
        guard let name = body.name else { throw TidingsError.invalidField("name") }
        let issued = try await tokens.create(
            for: UserID(try context.id()),
            TokenService.Request(
                name: name, expiry: body.expiry, scopes: body.scopes, lists: body.lists,
                allowedCIDRs: body.allowed_cidrs ?? []),
            by: context.principal)
        context.audit?.target = ("token", issued.token.keyID)
        return try ok(json(issued), request)
    }

    @Sendable func rotate(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try await request.decode(as: RotateBody.self, context: context)
        let issued = try await tokens.rotate(
            try tokenID(context), of: UserID(try context.id()), graceSeconds: body.grace_seconds,
            by: context.principal)
        return try ok(json(issued), request)
    }

    @Sendable func revoke(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let token = try await tokens.revoke(
            try tokenID(context), of: UserID(try context.id()), by: context.principal)
        return try ok(TokenJSON(token, policy: tokens.policy, now: clock.now()), request)
    }

    @Sendable func revokeAll(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await tokens.revokeAll(of: UserID(try context.id()), by: context.principal)
        return try ok(true, request)
    }

    @Sendable func selfToken(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let verified = try presentingToken(context)
        let token = try await tokens.token(verified.entry.token.keyID, of: verified.principal.user.id)
        var json = TokenJSON(token, policy: tokens.policy, now: clock.now())
        json.owner = (verified.principal.user.username, verified.principal.permissions.permissions)
        return try ok(json, request)
    }

    @Sendable func rotateSelf(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let verified = try presentingToken(context)
        let body = try await request.decode(as: RotateBody.self, context: context)
        let issued = try await tokens.rotate(
            verified.entry.token.keyID, of: verified.principal.user.id, graceSeconds: body.grace_seconds,
            by: verified.principal)
        context.audit?.target = ("token", issued.token.keyID)
        return try ok(json(issued), request)
    }

    private func json(_ issued: TokenService.Issued) -> TokenJSON {
        TokenJSON(issued.token, policy: tokens.policy, now: clock.now(), secret: issued.secret)
    }

    private func tokenID(_ context: AuthenticatedContext) throws -> String {
        try Self.tokenID(in: context.parameters)
    }

    /// The `token_id` path parameter: a key id, or the not-found any other text would be.
    static func tokenID(in parameters: Parameters) throws -> String {
        guard let raw = parameters.get("token_id"), raw.utf8.count == TokenFormat.keyIDLength,
            raw.utf8.allSatisfy(Base62.isBase62)
        else { throw TidingsError.notFound("Token") }
        return raw
    }

    private func presentingToken(_ context: AuthenticatedContext) throws -> Verified {
        guard let token = context.token else {
            throw TidingsError.badRequest(
                "this route is for a request authenticated with an API token, not a session", code: "not_a_token")
        }
        return token
    }
}
