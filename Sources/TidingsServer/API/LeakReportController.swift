import Hummingbird
import TidingsCore

/// `POST /api/public/tokens/revoke`: anyone who finds a token can have it
/// revoked. The answer is the same whether or not the token verified, so the endpoint cannot
/// be used to test guesses; and each address may report only a few times per window.
struct LeakReportController {
    let audit: AuditLog
    let clock: WallClock
    let throttle: FailureThrottle
    let tokens: TokenService
    let addresses: ClientAddressResolver

    var routes: [PublicRoute] {
        [
            PublicRoute(
                .post, "api/public/tokens/revoke", "the leaked-token report: revokes the token it is sent", report)
        ]
    }

    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> Response {
        let address = addresses.address(of: request, peer: context.channel?.remoteAddress)
        let now = clock.now()
        // Every report counts, whatever its outcome: only the number per address is limited.
        if let wait = throttle.retryAfter(.leakReport, address: address, username: nil, at: now)
            ?? throttle.fail(.leakReport, address: address, username: nil, at: now)
        {
            throw AuthFailure.tooManyFailures(retryAfter: wait)
        }
        struct Body: Decodable { var token: String? }
        let body = try await request.decode(as: Body.self, context: context)
        guard let token = body.token, !token.isEmpty, token.utf8.count <= 512 else {
            throw TidingsError.invalidField("token")
        }
        let revoked = try await tokens.reportLeak(token)
        audit.record(
            "token.leak_report", revoked == nil ? .failure : .success, actor: .anonymous,
            clientIP: address?.description, userAgent: request.headers[.userAgent],
            target: revoked.map { ("token", $0.keyID) })
        return try ok(true, request)
    }
}
